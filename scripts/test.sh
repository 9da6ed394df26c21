#!/usr/bin/env bash
# The test command: installs what is missing, then configures, builds and runs
# every test with ctest, in two builds:
#   native   -O2 -march=native  (the machine's widest SIMD, with FMA)
#   portable -O2                (the compiler's baseline ISA: SSE2 on x86-64)
# Usage: scripts/test.sh [extra ctest args]     Build dirs: build/test-*
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

jobs=$(nproc 2>/dev/null || echo 2)
status=0
for config in native portable; do
  flags=""
  [ "$config" = native ] && flags="-march=native"
  dir="build/test-$config"
  echo "=== nonlin tests: $config build (CXXFLAGS='$flags') ==="
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS="$flags" \
    -DNONLIN_BUILD_TESTS=ON -DNONLIN_BUILD_BENCHMARKS=OFF -DNONLIN_BUILD_EXAMPLES=ON >"$dir.configure.log" 2>&1 \
    || { cat "$dir.configure.log"; exit 1; }
  grep -E "nonlin:" "$dir.configure.log" || true
  cmake --build "$dir" -j "$jobs"
  (cd "$dir" && ctest --output-on-failure -j "$jobs" "$@") || status=1
done
exit $status
