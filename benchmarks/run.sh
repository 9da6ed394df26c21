#!/usr/bin/env bash
# Builds nonlin_bench in Release with -O3 -march=native and runs it.
#
#   benchmarks/run.sh [MIN_TIME] [-- extra nonlin_bench arguments]
#
#   MIN_TIME   --benchmark_min_time in seconds (default 0.05)
#
# Environment:
#   BUILD_DIR  build directory          (default: <repo>/build-bench)
#   OUT        JSON output file         (default: $BUILD_DIR/nonlin_bench.json)
#   CXX_FLAGS  CMAKE_CXX_FLAGS          (default: -O3 -march=native)
#   CXX        the compiler, as CMake reads it
#   PEERS      NONLIN_BENCH_PEERS: ON (default) benchmarks the peer libraries
#              CMake finds (oneDNN, XNNPACK, Eigen, SLEEF, libtorch), OFF none
#   MARKDOWN_OUT    also write the report, with its introduction, to this file
#   REPORT_COMMAND  the command the report names (default: this one)
#   REPORT_NOTE     a note for the report header
#   REPORT_ARGS     more report.py arguments (e.g. --half-only), split on spaces
#   ACCURACY   a benchmarks/peer_accuracy.sh report of the same flags: the
#              report's targets then count the (function, peer) pairs
#   BENCH_CPU  the CPU the benchmark runs on (taskset -c; default: the last
#              one online), or "none": unpinned, runs on this shared 2-vCPU
#              VM moved between two speeds 7-25 % apart (benchmarks/README.md)
#
# Prints Google Benchmark's console table, writes the JSON to $OUT, then
# prints the markdown report of benchmarks/report.py.
# Example: benchmarks/run.sh 0.05 -- --benchmark_filter=gelu
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
# shellcheck source=benchmarks/common.sh
source "$here/common.sh"

min_time="0.05"
if [[ $# -gt 0 && "$1" != "--" ]]; then
  min_time="$1"
  shift
fi
if [[ $# -gt 0 && "$1" == "--" ]]; then
  shift
fi

build_dir="${BUILD_DIR:-$repo/build-bench}"
out="${OUT:-$build_dir/nonlin_bench.json}"
cxx_flags="${CXX_FLAGS:--O3 -march=native}"

configure_bench "$repo" "$build_dir" "$cxx_flags"
cmake --build "$build_dir" --target nonlin_bench --parallel

bench="$build_dir/benchmarks/nonlin_bench"
cmd=("$bench" "--benchmark_min_time=$min_time" "--benchmark_out=$out" "--benchmark_out_format=json" "$@")
pin=()
pin_note=""
bench_cpu="${BENCH_CPU:-$(($(nproc) - 1))}"
if [[ "$bench_cpu" != none ]] && command -v taskset >/dev/null 2>&1; then
  pin=(taskset -c "$bench_cpu")
  pin_note="pinned to CPU $bench_cpu (taskset)"
fi
"${pin[@]}" "${cmd[@]}"

echo
echo "JSON written to $out"
if command -v python3 >/dev/null 2>&1; then
  echo
  report_args=(--command "${REPORT_COMMAND:-benchmarks/run.sh $min_time${*:+ -- $*}}"
               --flags "$cxx_flags (CMAKE_BUILD_TYPE=Release)")
  if [[ -n "${MARKDOWN_OUT:-}" ]]; then
    report_args+=(--markdown-out "$MARKDOWN_OUT")
  fi
  note="${REPORT_NOTE:-}"
  if [[ -n "$pin_note" ]]; then
    note="${note:+$note; }$pin_note"
  fi
  if [[ -n "$note" ]]; then
    report_args+=(--note "$note")
  fi
  if [[ -n "${ACCURACY:-}" ]]; then
    report_args+=(--accuracy "$ACCURACY")
  fi
  if [[ -n "${REPORT_ARGS:-}" ]]; then
    read -r -a extra_report_args <<<"$REPORT_ARGS"
    report_args+=("${extra_report_args[@]}")
  fi
  python3 "$here/report.py" "$out" "${report_args[@]}"
  if [[ -n "${MARKDOWN_OUT:-}" ]]; then
    echo
    echo "Report written to $MARKDOWN_OUT"
  fi
fi
