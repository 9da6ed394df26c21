#!/usr/bin/env bash
# The full comparison: installs the peers (Debian packages) if missing,
# builds nonlin_bench with every peer CMake finds
# (benchmarks/run.sh: Release, -O3 -march=native), runs every function in
# the three tiers beside the peers at 4096 and 16M elements on the three
# input sets and in bf16 / f16 storage (bench_half.cpp), with repetitions,
# and writes this machine's section of the performance report,
# benchmarks/README.md.
#
#   benchmarks/compare.sh [MIN_TIME] [REPETITIONS]
#
#   MIN_TIME     --benchmark_min_time in seconds per repetition (default 0.05)
#   REPETITIONS  --benchmark_repetitions; the report uses the median (default 3)
#   STATISTIC=fastest (environment): the report uses the fastest repetition
#                instead, for a shared machine whose slow stretches would
#                land on some of the medians (report.py --fastest)
#
# Environment: BENCH_FILTER, a --benchmark_filter regex (default: n = 4096
# and 16M; "." adds 65536 and 1M on the uniform set, about an hour on 2
# cores). The environment of
# run.sh applies (BUILD_DIR, CXX, CXX_FLAGS, PEERS, REPORT_NOTE, ACCURACY);
# MARKDOWN_OUT defaults to benchmarks/README.md, and ACCURACY, with the
# default flags, to benchmarks/peer_accuracy.md (benchmarks/peer_accuracy.sh,
# the same build: the report's (function, peer) pairs; with other flags
# give the report of a peer_accuracy.sh run with them, or ACCURACY= for
# none). Takes about 10 minutes on a 2-core machine.
#
# The 16-bit storage tables alone, in a section of their own:
#   BENCH_FILTER='^(gelu|gelu_tanh|silu|sigmoid|tanh|swish|swiglu|geglu|copy)/(nonlin|nonlin_precise|nonlin_fast|three_pass|table|torch|torch_via_float|memcpy)/(uniform|bf16|f16)/(4096|16777216)$' \
#     REPORT_ARGS=--half-only benchmarks/compare.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# The peers' Debian packages (XNNPACK's header needs libpthreadpool-dev,
# oneDNN's CMake config ocl-icd-opencl-dev; libcpuinfo-dev holds XNNPACK
# to the build's ISA, peers/xnnpack_isa.hpp), installed if missing.
if [ "${PEERS:-ON}" != OFF ]; then
  bash "$here/../scripts/setup.sh" libdnnl-dev ocl-icd-opencl-dev libxnnpack-dev libpthreadpool-dev \
    libcpuinfo-dev libeigen3-dev libsleef-dev libtorch-dev
fi

min_time="${1:-0.05}"
repetitions="${2:-3}"
default_filter='^[a-z0-9_]+/[a-z_]+/[a-z0-9]+/(4096|16777216)$'
filter="${BENCH_FILTER:-$default_filter}"

export MARKDOWN_OUT="${MARKDOWN_OUT:-$here/README.md}"
if [ -z "${ACCURACY+set}" ] && [ -z "${CXX_FLAGS:-}" ]; then
  export ACCURACY="$here/peer_accuracy.md"
fi
aggregates_only=true
if [ "${STATISTIC:-median}" = fastest ]; then
  aggregates_only=false  # (report.py takes the minimum of the repetitions)
  export REPORT_ARGS="${REPORT_ARGS:+$REPORT_ARGS }--fastest"
elif [ "${STATISTIC:-median}" != median ]; then
  echo "compare.sh: STATISTIC is median or fastest, not '$STATISTIC'" >&2
  exit 2
fi
export REPORT_COMMAND="${STATISTIC:+STATISTIC=$STATISTIC }benchmarks/compare.sh${1:+ $1}${2:+ $2}${BENCH_FILTER:+ (BENCH_FILTER=$BENCH_FILTER)}"
# The repetitions in random order across the run rather than back to back,
# so that a slow stretch of a shared machine falls on every benchmark alike
# (what it changed: benchmarks/README.md, A/B studies 21).
export REPORT_NOTE="${REPORT_NOTE:+$REPORT_NOTE; }repetitions interleaved in random order (--benchmark_enable_random_interleaving)"
exec "$here/run.sh" "$min_time" -- "--benchmark_repetitions=$repetitions" "--benchmark_report_aggregates_only=$aggregates_only" \
  --benchmark_enable_random_interleaving=true "--benchmark_filter=$filter"
