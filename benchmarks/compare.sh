#!/usr/bin/env bash
# The full comparison: builds nonlin_bench with every peer CMake finds
# (benchmarks/run.sh: Release, -O3 -march=native), runs every function at
# 4096, 65536, 1M and 16M elements with repetitions, and writes the
# performance report to benchmarks/README.md.
#
#   benchmarks/compare.sh [MIN_TIME] [REPETITIONS]
#
#   MIN_TIME     --benchmark_min_time in seconds per repetition (default 0.05)
#   REPETITIONS  --benchmark_repetitions; the report uses the median (default 5)
#
# Takes about 5 minutes on a 2-core machine. The environment of run.sh
# applies (BUILD_DIR, CXX, CXX_FLAGS, PEERS, REPORT_NOTE); MARKDOWN_OUT
# defaults to benchmarks/README.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
min_time="${1:-0.05}"
repetitions="${2:-5}"

export MARKDOWN_OUT="${MARKDOWN_OUT:-$here/README.md}"
export REPORT_COMMAND="benchmarks/compare.sh${1:+ $1}${2:+ $2}"
exec "$here/run.sh" "$min_time" -- "--benchmark_repetitions=$repetitions" --benchmark_report_aggregates_only=true
