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
#
# Prints Google Benchmark's console table, writes the JSON to $OUT, then
# prints the markdown summary of benchmarks/report.py.
# Example: benchmarks/run.sh 0.05 -- --benchmark_filter=gelu
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"

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

cmake -S "$repo" -B "$build_dir" \
  -DCMAKE_BUILD_TYPE=Release \
  "-DCMAKE_CXX_FLAGS=$cxx_flags" \
  -DNONLIN_BUILD_BENCHMARKS=ON \
  -DNONLIN_BUILD_TESTS=OFF \
  -DNONLIN_BUILD_EXAMPLES=OFF \
  -DNONLIN_INSTALL=OFF >/dev/null
cmake --build "$build_dir" --target nonlin_bench --parallel

bench="$build_dir/benchmarks/nonlin_bench"
cmd=("$bench" "--benchmark_min_time=$min_time" "--benchmark_out=$out" "--benchmark_out_format=json" "$@")
"${cmd[@]}"

echo
echo "JSON written to $out"
if command -v python3 >/dev/null 2>&1; then
  echo
  python3 "$here/report.py" "$out" \
    --command "benchmarks/run.sh $min_time${*:+ -- $*}" \
    --flags "$cxx_flags (CMAKE_BUILD_TYPE=Release)"
fi
