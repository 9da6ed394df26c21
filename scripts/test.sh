#!/usr/bin/env bash
# The test command: installs what is missing, then configures, builds and runs
# every test with ctest, in five builds:
#   native   -march=native      (the machine's widest SIMD, with FMA)
#   portable (no -march)        (the compiler's baseline ISA: SSE2 on x86-64);
#            its test programs also run under valgrind memcheck
#   scalar   NONLIN_USE_XSIMD=OFF (the portable path without xsimd)
#   sanitize clang, -march=native, AddressSanitizer + UndefinedBehaviorSanitizer
#            (every test but the consumer-package ones, which build projects
#            of their own)
#   debug    -march=native, Debug (-O0, asserts on: the precondition death tests)
# the first four RelWithDebInfo (-O2 -g); all with the same tests and bounds,
# and warnings as errors in nonlin's own programs (NONLIN_WERROR).
# Usage: scripts/test.sh [extra ctest args]     Build dirs: build/test-*
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

mkdir -p build
jobs=$(nproc 2>/dev/null || echo 2)
status=0
for config in native portable scalar sanitize debug; do
  flags=""
  xsimd=ON
  extra=()
  ctest_extra=()
  [ "$config" = native ] && flags="-march=native"
  [ "$config" = scalar ] && xsimd=OFF
  if [ "$config" = sanitize ]; then
    flags="-march=native -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
    extra=(-DCMAKE_CXX_COMPILER=clang++ "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined"
           -DNONLIN_BUILD_EXAMPLES=OFF)
    ctest_extra=(-LE package)
  fi
  build_type=RelWithDebInfo
  if [ "$config" = debug ]; then
    # NDEBUG unset: the NONLIN_ASSERT preconditions and their death tests.
    build_type=Debug
    flags="-march=native"
    extra=(-DNONLIN_BUILD_EXAMPLES=OFF)
    ctest_extra=(-LE package)
  fi
  dir="build/test-$config"
  echo "=== nonlin tests: $config build (CXXFLAGS='$flags') ==="
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=$build_type -DCMAKE_CXX_FLAGS="$flags" \
    -DNONLIN_USE_XSIMD=$xsimd -DNONLIN_WERROR=ON -DNONLIN_BUILD_TESTS=ON -DNONLIN_BUILD_BENCHMARKS=OFF -DNONLIN_BUILD_EXAMPLES=ON \
    "${extra[@]}" >"$dir.configure.log" 2>&1 \
    || { cat "$dir.configure.log"; exit 1; }
  grep -E "nonlin:" "$dir.configure.log" || true
  cmake --build "$dir" -j "$jobs"
  (cd "$dir" && ctest --output-on-failure -j "$jobs" "${ctest_extra[@]}" "$@") || status=1
  if [ "$config" = portable ] && command -v valgrind >/dev/null; then
    # Memcheck on the baseline-ISA build (valgrind does not decode AVX-512).
    # Valgrind models neither FTZ/DAZ nor 80-bit long double, so the tests
    # that set MXCSR or compare against long-double references are left out.
    echo "=== nonlin tests: valgrind memcheck (portable build) ==="
    for t in test_bulk test_special test_accuracy test_guard_pages test_hostile; do
      valgrind -q --error-exitcode=99 "$dir/tests/$t" --gtest_brief=1 \
        --gtest_filter='-Denormals*:Parameters*' >"$dir.valgrind-$t.log" 2>&1 \
        && echo "valgrind $t: clean" \
        || { echo "valgrind $t: FAILED"; tail -n 30 "$dir.valgrind-$t.log"; status=1; }
    done
  fi
done
exit $status
