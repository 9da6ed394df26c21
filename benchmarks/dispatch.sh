#!/usr/bin/env bash
# The dispatch study: nonlin::dispatch::apply called from code built without
# -march, against nonlin::apply built with -march=native, at n = 64 and 4096,
# in one nonlin_bench binary and one run (bench_dispatch.cpp), then again
# with NONLIN_ISA=sse2 (the dispatcher's SSE2 table against the same code
# compiled in; the call's own cost).
#
#   benchmarks/dispatch.sh [REPETITIONS] [-- extra nonlin_bench arguments]
#
# Environment: BUILD_DIR (default <repo>/build-bench-dispatch), CXX_FLAGS
# (default -O3 -march=native), CXX, MIN_TIME (default 0.02 s per repetition),
# MARKDOWN_OUT (also write the table there).
# Peers are not built (PEERS=OFF): the study compares nonlin with itself.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
# shellcheck source=benchmarks/common.sh
source "$here/common.sh"

reps=15
if [[ $# -gt 0 && "$1" != "--" ]]; then
  reps="$1"
  shift
fi
if [[ $# -gt 0 && "$1" == "--" ]]; then
  shift
fi

build_dir="${BUILD_DIR:-$repo/build-bench-dispatch}"
cxx_flags="${CXX_FLAGS:--O3 -march=native}"
PEERS=OFF configure_bench "$repo" "$build_dir" "$cxx_flags"
cmake --build "$build_dir" --target nonlin_bench --parallel 2

bench="$build_dir/benchmarks/nonlin_bench"
common=(--benchmark_filter='^dispatch/' "--benchmark_repetitions=$reps" --benchmark_enable_random_interleaving=true
        "--benchmark_min_time=${MIN_TIME:-0.02}" --benchmark_out_format=json "$@")
env -u NONLIN_ISA "$bench" "${common[@]}" "--benchmark_out=$build_dir/dispatch.json" >/dev/null
NONLIN_ISA=sse2 "$bench" --benchmark_filter='^dispatch/.*/(dispatch|baseline)/' "${common[@]:1}" \
  "--benchmark_out=$build_dir/dispatch-sse2.json" >/dev/null
echo "JSON written to $build_dir/dispatch.json and dispatch-sse2.json"
report=(python3 "$here/dispatch_report.py" "$build_dir/dispatch.json" "$build_dir/dispatch-sse2.json=sse2")
if [[ -n "${MARKDOWN_OUT:-}" ]]; then
  report+=(--markdown-out "$MARKDOWN_OUT")
fi
"${report[@]}"
