# shellcheck shell=bash
# Sourced by benchmarks/run.sh and benchmarks/peer_accuracy.sh: the one
# configure of the benchmark build that both use.

# configure_bench REPO BUILD_DIR CXX_FLAGS: configures nonlin_bench in
# BUILD_DIR -- Release, CMAKE_CXX_FLAGS=CXX_FLAGS, benchmarks only, the peers
# of NONLIN_BENCH_PEERS=${PEERS:-ON} -- logging to BUILD_DIR/configure.log,
# and prints the log's nonlin_bench: lines (the peers found). On failure it
# prints the whole log to stderr and exits the script with status 1.
configure_bench() {
  local repo="$1" build_dir="$2" cxx_flags="$3"
  mkdir -p "$build_dir"
  if ! cmake -S "$repo" -B "$build_dir" \
    -DCMAKE_BUILD_TYPE=Release \
    "-DCMAKE_CXX_FLAGS=$cxx_flags" \
    -DNONLIN_BUILD_BENCHMARKS=ON \
    -DNONLIN_BUILD_TESTS=OFF \
    -DNONLIN_BUILD_EXAMPLES=OFF \
    -DNONLIN_INSTALL=OFF \
    "-DNONLIN_BENCH_PEERS=${PEERS:-ON}" >"$build_dir/configure.log" 2>&1; then
    cat "$build_dir/configure.log" >&2
    exit 1
  fi
  grep 'nonlin_bench:' "$build_dir/configure.log" || true
}
