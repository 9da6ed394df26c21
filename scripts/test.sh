#!/usr/bin/env bash
# The test command: installs what is missing, then configures, builds and runs
# every test with ctest, in three builds:
#   native   -march=native      (the machine's widest SIMD, with FMA)
#   portable (no -march)        (the compiler's baseline ISA: SSE2 on x86-64)
#   scalar   NONLIN_USE_XSIMD=OFF (the portable path without xsimd)
# all RelWithDebInfo (-O2 -g), with the same tests and the same bounds.
# Usage: scripts/test.sh [extra ctest args]     Build dirs: build/test-*
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

mkdir -p build
jobs=$(nproc 2>/dev/null || echo 2)
status=0
for config in native portable scalar; do
  flags=""
  xsimd=ON
  [ "$config" = native ] && flags="-march=native"
  [ "$config" = scalar ] && xsimd=OFF
  dir="build/test-$config"
  echo "=== nonlin tests: $config build (CXXFLAGS='$flags') ==="
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS="$flags" \
    -DNONLIN_USE_XSIMD=$xsimd -DNONLIN_BUILD_TESTS=ON -DNONLIN_BUILD_BENCHMARKS=OFF -DNONLIN_BUILD_EXAMPLES=ON >"$dir.configure.log" 2>&1 \
    || { cat "$dir.configure.log"; exit 1; }
  grep -E "nonlin:" "$dir.configure.log" || true
  cmake --build "$dir" -j "$jobs"
  (cd "$dir" && ctest --output-on-failure -j "$jobs" "$@") || status=1
done
exit $status
