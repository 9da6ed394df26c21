#!/usr/bin/env bash
# The test command: installs what is missing, then configures, builds and runs
# every test with ctest in each of these builds (build/test-<name>):
#
#   name      compiler   std    flags                        suite  what it adds
#   sse2      g++ 12     C++17  -march=x86-64 (SSE2, no FMA)  lean   valgrind memcheck of its test programs
#   avx2      clang 16   C++20  -march=x86-64-v3 (AVX2, FMA)  full   the consumer-package tests
#   avx512    g++ 12     C++20  -march=x86-64-v4 (AVX-512)    lean
#   scalar    clang 16   C++17  no -march, NONLIN_USE_XSIMD=OFF core (the portable path without xsimd)
#   sanitize  clang 14   C++17  -march=native, AddressSanitizer + UndefinedBehaviorSanitizer,
#                               asserts on (no NDEBUG: NONLIN_ASSERT and the precondition
#                               death tests of test_bulk, test_half and test_hostile);
#                               core without test_guard_pages (ASan checks the same bounds
#                               in test_bulk and test_half; valgrind runs it in sse2);
#                               the libFuzzer target (tests/fuzz) runs its seeds in ctest,
#                               then fuzzes for NONLIN_FUZZ_SECONDS (default 30) in the
#                               background while the next builds run (reported at the end)
#   debug     g++ 12     C++17  -march=native, Debug (-O0, asserts on); core, without the
#                               digest, test_guard_pages and the fast-tier route test (slow at
#                               -O0). Not in the default list: its death tests run in sanitize
#   neon      clang 16 --target=aarch64-linux-gnu, C++17, cross-compiled (cmake/aarch64-linux-gnu.cmake,
#                               GCC's aarch64 sysroot), static, run under qemu-aarch64: xsimd's NEON path. Emulation is
#                               slow, so sparser samples: every test program -- the digest,
#                               test_special, test_bulk, test_ops (the ops layer's NEON forms
#                               against their portable definitions), test_hostile (FPCR.FZ),
#                               test_half (every 16-bit input; every 4093rd float narrowed,
#                               every 61st gate), test_guard_pages (the NEON loops next to
#                               PROT_NONE pages), test_accuracy, test_reference (the spec's
#                               references in binary128 long double) -- and the sweep at
#                               stride 4093 with 8 double samples per binade. Left out: the
#                               streaming-store variants (NEON has no streaming stores: they
#                               would run the plain loops again), the gated sweeps
#                               (gated_grid, half_gated) and the -ffast-math programs
#                               (build time)
#   neon-gcc  aarch64-linux-gnu-g++ 12, C++17, as neon, but the digest only: GCC's NEON bits,
#                               compared with the other FMA builds' (GCC compiles these programs
#                               for aarch64 at half clang's speed: the whole neon set took 200 s)
#   sve       as neon, with -march=armv8.2-a+sve -msve-vector-bits=N (NONLIN_SVE_BITS,
#             default 256), run under qemu-aarch64 -cpu max at that vector length: xsimd's
#             SVE path (N/32 floats per vector). Not in the default list: Debian 12's
#             xsimd 8.1 has no SVE target; with an xsimd that has one (13.2 and 14.3
#             checked) in NONLIN_XSIMD_INCLUDE_DIR, NONLIN_TEST_CONFIGS="... sve". Its
#             digest is compared with the other FMA builds'. Without such an xsimd it
#             is skipped, and says so
#
# The suites (tests/CMakeLists.txt): full is every test; lean
# (NONLIN_TEST_LEAN) every test program, but the ISA-independent extras only
# once (in avx2, the build every CI machine runs): no consumer packages, no
# streaming-store variant but the guard-page one, sweeps 8x sparser; core
# (NONLIN_TEST_CORE_ONLY) the programs that check the contracts and
# preconditions: bulk, special, guard pages, hostile, ops, half, and the
# digest. sse2 and avx2 also build the -ffast-math and mixed-ISA tests
# (NONLIN_TEST_HARDENING).
#
# All but debug are RelWithDebInfo: -O2 -DNDEBUG without -g, but for line tables in
# sse2's valgrind programs (-g1, for valgrind's reports) and sanitize (-O1 -gline-tables-only,
# the level AddressSanitizer recommends, for its stack traces, and no -DNDEBUG); all with the
# same bounds, and warnings as errors in nonlin's own programs
# (NONLIN_WERROR). Also available: sse4 (clang 14, -march=x86-64-v2, lean), debug.
# Only avx2 (which every CI machine runs) builds and tests
# nonlin::dispatch: the library, its tests through every NONLIN_ISA the CPU
# runs (ctest -L dispatch) and the consumer-package tests that link it
# (NONLIN_BUILD_DISPATCH, NONLIN_TEST_DISPATCH; the others pay nothing).
# A build whose -march the CPU cannot run is skipped, and says so.
#
# Then the digests (tests/digest: every function's outputs, float and double,
# unary and gated, over a fixed set of inputs) are compared across the
# builds by the digest group of each function's spec row (tests/spec.hpp):
# exact ones agree in every build, fma ones in every build with FMA and in
# every build without, isa ones (the fast tier) in every build without FMA
# (README, "Guarantees"). Every build and step prints its wall time.
#
# Usage: scripts/test.sh [extra ctest args]
# Environment: NONLIN_TEST_CONFIGS="sse2 avx2 ..." (a subset, in this order),
#              NONLIN_FUZZ_SECONDS (default 60), NONLIN_JOBS (default: nproc),
#              NONLIN_XSIMD_INCLUDE_DIR (every build against the xsimd in that
#              directory, e.g. a newer one than Debian's), NONLIN_SVE_BITS (sve).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

mkdir -p build
jobs=${NONLIN_JOBS:-$(nproc 2>/dev/null || echo 2)}
fuzz_seconds=${NONLIN_FUZZ_SECONDS:-30}
configs=${NONLIN_TEST_CONFIGS:-"sse2 avx2 avx512 scalar sanitize neon neon-gcc"}
status=0
summary=()
t_start=$(date +%s)
# The sse2 build's programs run under valgrind memcheck (built with -g1).
vg_tests=(test_bulk test_special test_ops test_guard_pages test_guard_pages_stream test_hostile)

# cpu_runs LEVEL: can this CPU run code built for -march=LEVEL? glibc's
# dynamic loader lists the x86-64 levels the CPU supports.
cpu_runs() {
  case "$1" in
    x86-64-v2|x86-64-v3|x86-64-v4)
      local ld out
      for ld in /lib64/ld-linux-x86-64.so.2 /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2; do
        if [ -x "$ld" ]; then
          # read it all first: under pipefail, grep -q could SIGPIPE the loader
          out=$("$ld" --help 2>/dev/null || true)
          case "$out" in *"$1 (supported"*) return 0 ;; esac
          return 1
        fi
      done
      return 0 ;;  # no loader to ask: try
    *) return 0 ;;
  esac
}

for config in $configs; do
  t0=$(date +%s)
  cxx=g++
  std=17
  march=""
  xsimd=ON
  build_type=RelWithDebInfo
  san=""
  relflags="-O2 -DNDEBUG"  # RelWithDebInfo's flags: no -g, builds in less time
  extra=()
  ctest_extra=()
  targets=()
  dispatch=OFF
  case "$config" in
    sse2)     march=x86-64
              # line tables (-g1) in the programs valgrind runs, for its reports
              extra=(-DNONLIN_TEST_LEAN=ON "-DNONLIN_TEST_LINE_TABLES=$(IFS=';'; echo "${vg_tests[*]}")") ;;
    sse4)     cxx=clang++-14; march=x86-64-v2; extra=(-DNONLIN_TEST_LEAN=ON -DNONLIN_TEST_HARDENING=OFF) ;;
    avx2)     cxx=clang++-16; std=20; march=x86-64-v3; dispatch=ON ;;
    avx512)   std=20; march=x86-64-v4; extra=(-DNONLIN_TEST_LEAN=ON -DNONLIN_TEST_HARDENING=OFF) ;;
    scalar)   cxx=clang++-16; xsimd=OFF; extra=(-DNONLIN_TEST_CORE_ONLY=ON -DNONLIN_TEST_HARDENING=OFF) ;;
    sanitize) cxx=clang++-14; march=native; relflags="-O1 -gline-tables-only"  # asserts on
              san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
              extra=("-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined" -DNONLIN_BUILD_EXAMPLES=OFF
                     -DNONLIN_BUILD_FUZZERS=ON -DNONLIN_TEST_HARDENING=OFF -DNONLIN_TEST_CORE_ONLY=ON
                     -DNONLIN_TEST_SKIP=test_guard_pages) ;;
    debug)    march=native; build_type=Debug  # NDEBUG unset: NONLIN_ASSERT and its death tests
              extra=(-DNONLIN_BUILD_EXAMPLES=OFF -DNONLIN_TEST_HARDENING=OFF -DNONLIN_TEST_CORE_ONLY=ON
                     -DNONLIN_TEST_DIGEST=OFF -DNONLIN_TEST_SKIP=test_guard_pages)
              ctest_extra=(-E 'RoutesAgree') ;;
    neon|neon-gcc|sve)
              cxx=aarch64-linux-gnu-g++
              a64=gcc
              [ "$config" = neon ] && { cxx=clang++-16; a64=clang-16; }
              # (clang too needs the GCC cross compiler's sysroot: libc, libstdc++)
              if ! command -v "$cxx" >/dev/null || ! command -v aarch64-linux-gnu-g++ >/dev/null ||
                 ! command -v qemu-aarch64 >/dev/null; then
                echo "=== $config: FAILED: needs $cxx, aarch64-linux-gnu-g++ and qemu-aarch64" \
                     "(Debian: apt-get install clang-16 g++-aarch64-linux-gnu qemu-user) ==="
                summary+=("$(printf '%-9s FAILED (no aarch64 cross compiler or qemu-aarch64)' "$config")")
                status=1
                continue
              fi
              if [ "$config" = sve ]; then
                sve_bits=${NONLIN_SVE_BITS:-256}
                march="armv8.2-a+sve -msve-vector-bits=$sve_bits"
                # xsimd's SVE path needs an xsimd with an SVE target (XSIMD_WITH_SVE).
                if ! printf '#include <xsimd/xsimd.hpp>\n#if !XSIMD_WITH_SVE\n#error no SVE\n#endif\n' |
                     "$cxx" -x c++ -std=c++17 "-march=armv8.2-a+sve" "-msve-vector-bits=$sve_bits" -fsyntax-only \
                       ${NONLIN_XSIMD_INCLUDE_DIR:+-I "$NONLIN_XSIMD_INCLUDE_DIR"} - >/dev/null 2>&1; then
                  echo "=== sve: SKIPPED: this xsimd has no SVE target (Debian 12's 8.1 has none; point" \
                       "NONLIN_XSIMD_INCLUDE_DIR at xsimd 13 or later) ==="
                  summary+=("$(printf '%-9s skipped (xsimd without SVE)' "$config")")
                  continue
                fi
                qemu_cpu=("-DNONLIN_QEMU_CPU=max,sve$sve_bits=on,sve-default-vector-length=$((sve_bits / 8))")
              else
                qemu_cpu=()
              fi
              extra=("${qemu_cpu[@]}" "-DCMAKE_TOOLCHAIN_FILE=$PWD/cmake/aarch64-linux-gnu.cmake"
                     "-DNONLIN_AARCH64_COMPILER=$a64" -DNONLIN_BUILD_EXAMPLES=OFF
                     -DNONLIN_TEST_LEAN=ON -DNONLIN_TEST_HARDENING=OFF -DNONLIN_SWEEP_CI_STRIDE=4093 -DNONLIN_SWEEP_CI_DOUBLE_SAMPLES=8
                     -DNONLIN_TEST_HALF_NARROW_STRIDE=4093 -DNONLIN_TEST_HALF_GATE_STRIDE=61)
              targets=(nonlin_digest test_special test_bulk test_ops test_hostile test_half test_guard_pages
                       test_accuracy test_reference nonlin_sweep)
              ctest_extra=(-R '^(digest|accuracy_sweep_strided|Special\.|Bulk\.|Ops\.|Denormals\.|Parameters\.|Half|GuardPages|Accuracy\.|Reference\.)')
              if [ "$config" = neon-gcc ]; then
                targets=(nonlin_digest)
                ctest_extra=(-R '^digest$')
              fi ;;
    *) echo "test.sh: unknown configuration '$config'"; exit 2 ;;
  esac
  flags="${march:+-march=$march}${san:+ $san}"
  dir="build/test-$config"
  echo "=== nonlin tests: $config build ($cxx, C++$std, $build_type, CXXFLAGS='$flags', xsimd $xsimd) ==="
  if ! cpu_runs "$march"; then
    echo "=== $config: SKIPPED: this CPU cannot run -march=$march code ==="
    summary+=("$(printf '%-9s skipped (CPU lacks %s)' "$config" "$march")")
    continue
  fi
  # Ninja where there is one: it builds the targets of a target list in
  # parallel (make: one after the other).
  generator=()
  command -v ninja >/dev/null && generator=(-G Ninja)
  args=("${generator[@]}" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_CXX_STANDARD="$std" -DCMAKE_CXX_STANDARD_REQUIRED=ON
        -DCMAKE_CXX_EXTENSIONS=OFF -DCMAKE_BUILD_TYPE=$build_type -DCMAKE_CXX_FLAGS="$flags"
        -DNONLIN_USE_XSIMD=$xsimd -DNONLIN_WERROR=ON -DNONLIN_BUILD_TESTS=ON -DNONLIN_BUILD_BENCHMARKS=OFF
        -DNONLIN_BUILD_EXAMPLES=ON -DNONLIN_BUILD_DISPATCH=$dispatch -DNONLIN_TEST_DISPATCH=$dispatch "${extra[@]}")
  if [ "$build_type" = RelWithDebInfo ]; then
    args+=("-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=$relflags")
  fi
  if [ -n "${NONLIN_XSIMD_INCLUDE_DIR:-}" ]; then
    args+=("-DNONLIN_XSIMD_INCLUDE_DIR=$NONLIN_XSIMD_INCLUDE_DIR")
  fi
  # A build directory configured differently is started afresh (CMake would
  # drop the other -D settings when the compiler changes).
  if [ -d "$dir" ] && [ "$(cat "$dir/nonlin-test-args" 2>/dev/null)" != "${args[*]}" ]; then rm -rf "$dir"; fi
  mkdir -p "$dir"
  printf '%s' "${args[*]}" >"$dir/nonlin-test-args"
  rm -f "$dir/nonlin-digest.bin"
  cmake -S . -B "$dir" "${args[@]}" >"$dir.configure.log" 2>&1 || { cat "$dir.configure.log"; exit 1; }
  "$cxx" --version | head -n 1
  grep -E "nonlin:" "$dir.configure.log" || true
  cmake --build "$dir" -j "$jobs" ${targets[@]:+--target "${targets[@]}"}
  t_built=$(date +%s)
  result=passed
  (cd "$dir" && ctest --output-on-failure -j "$jobs" "${ctest_extra[@]}" "$@") || { status=1; result=FAILED; }

  if [ "$config" = sse2 ] && command -v valgrind >/dev/null; then
    # Memcheck on the baseline-ISA build (valgrind does not decode AVX-512).
    # Valgrind models neither FTZ/DAZ nor 80-bit long double, so the tests
    # that set MXCSR or compare against long-double references are left out.
    echo "=== nonlin tests: valgrind memcheck ($config build) ==="
    # ($jobs at a time: each run is single-threaded.)
    for t in "${vg_tests[@]}"; do
      while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
      rm -f "$dir.valgrind-$t.rc"
      ( if valgrind -q --error-exitcode=99 "$dir/tests/$t" --gtest_brief=1 \
             --gtest_filter='-Denormals*:Parameters*' >"$dir.valgrind-$t.log" 2>&1; then
          echo 0 >"$dir.valgrind-$t.rc"
        else
          echo 1 >"$dir.valgrind-$t.rc"
        fi ) &
    done
    wait
    for t in "${vg_tests[@]}"; do
      if [ "$(cat "$dir.valgrind-$t.rc" 2>/dev/null)" = 0 ]; then
        echo "valgrind $t: clean"
      else
        echo "valgrind $t: FAILED"; tail -n 30 "$dir.valgrind-$t.log"; status=1; result=FAILED
      fi
    done
  fi

  if [ "$config" = sanitize ] && [ "$fuzz_seconds" -gt 0 ]; then
    # Differential fuzzing (tests/fuzz): new inputs found are kept in
    # build/test-sanitize/fuzz-corpus; a failing input is saved as
    # build/test-sanitize/fuzz-crash-<sha1>. In the background: one
    # thread, so the next build compiles beside it; reported (and waited
    # for) after the last build, in the summary as "fuzz".
    echo "=== nonlin tests: differential fuzzing, ${fuzz_seconds} s ($config build), in the background ==="
    fuzz_dir="$dir"
    fuzz_t0=$(date +%s)
    seeds="$dir/tests/fuzz/seeds"
    mkdir -p "$seeds" "$dir/fuzz-corpus"
    rm -f "$dir.fuzz.rc"
    # ($dir.fuzz.rc: the exit status and the seconds it took.)
    ( if "$dir/tests/fuzz/nonlin_fuzz_seeds" "$seeds" >"$dir.fuzz.log" 2>&1 &&
         "$dir/tests/fuzz/nonlin_fuzz" -max_total_time="$fuzz_seconds" -dict=tests/fuzz/nonlin.dict \
           -print_final_stats=1 -artifact_prefix="$dir/fuzz-" "$dir/fuzz-corpus" "$seeds" >>"$dir.fuzz.log" 2>&1; then
        echo "0 $(($(date +%s) - fuzz_t0))" >"$dir.fuzz.rc"
      else
        echo "1 $(($(date +%s) - fuzz_t0))" >"$dir.fuzz.rc"
      fi ) &
    fuzz_pid=$!
  fi
  t1=$(date +%s)
  echo "=== $config: $result; build $((t_built - t0)) s, tests $((t1 - t_built)) s, total $((t1 - t0)) s ==="
  summary+=("$(printf '%-9s %-6s %4d s  (%s, C++%s, %s%s)' "$config" "$result" $((t1 - t0)) "$cxx" "$std" \
    "${march:+-march=$march}" "$( [ $xsimd = OFF ] && echo ' no xsimd' || true)")")
done

# The background fuzzing of the sanitize build, if any.
if [ -n "${fuzz_pid:-}" ]; then
  wait "$fuzz_pid" || true
  fuzz_result=passed
  read -r fuzz_rc fuzz_secs <"$fuzz_dir.fuzz.rc" 2>/dev/null || { fuzz_rc=1; fuzz_secs=0; }
  if [ "$fuzz_rc" = 0 ]; then
    echo "fuzz: clean, $(grep -E '^stat::number_of_executed_units' "$fuzz_dir.fuzz.log" | awk '{print $2}') inputs" \
         "($(grep -E '^stat::average_exec_per_sec' "$fuzz_dir.fuzz.log" | awk '{print $2}')/s); log: $fuzz_dir.fuzz.log"
  else
    echo "fuzz: FAILED (log: $fuzz_dir.fuzz.log)"
    grep -A 12 "nonlin fuzz: FAILED\|ERROR: AddressSanitizer\|runtime error" "$fuzz_dir.fuzz.log" | head -n 40 || true
    tail -n 5 "$fuzz_dir.fuzz.log"
    status=1
    fuzz_result=FAILED
  fi
  summary+=("$(printf '%-9s %-6s %4d s  (sanitize build, beside the builds after it)' fuzz "$fuzz_result" \
    "$fuzz_secs")")
fi

# ------------------------------------------------------------ bit identity --
echo "=== nonlin tests: output digests across builds ==="
t0=$(date +%s)
tool=""
tool_neon=""
fma=()
nofma=()
for config in $configs; do
  d="build/test-$config/nonlin-digest.bin"
  [ -f "$d" ] || continue
  # (the comparing tool from a build that runs here, the aarch64 one under qemu)
  if [ "$config" != neon ] && [ "$config" != neon-gcc ] && [ "$config" != sve ]; then
    [ -n "$tool" ] || tool="build/test-$config/tests/digest/nonlin_digest"
  elif [ -z "$tool_neon" ] && [ "$config" != sve ]; then
    tool_neon="build/test-$config/tests/digest/nonlin_digest"
  elif [ -z "$tool_neon" ]; then
    # (the sve build's runs only at its own vector length)
    b=${NONLIN_SVE_BITS:-256}
    tool_neon="-cpu max,sve$b=on,sve-default-vector-length=$((b / 8)) build/test-$config/tests/digest/nonlin_digest"
  fi
  read -r header <"$d" || true
  case "$header" in *" fma=1 "*) fma+=("$d") ;; *) nofma+=("$d") ;; esac
done
digest_result=done
compare() {  # compare A B REQUIRE LABEL
  local out
  if out=$($tool --compare "$1" "$2" --require-equal "$3"); then
    echo "digest $4: as documented"
  else
    echo "digest $4: NOT as documented (required equal: $3)"
    status=1
    digest_result=FAILED
  fi
  echo "$out" | grep -v " identical$" | sed 's/^/  /'
}
[ -n "$tool" ] || [ -z "$tool_neon" ] || tool="qemu-aarch64 $tool_neon"
if [ -z "$tool" ]; then
  echo "digest: no digests (the digest test did not run)"
else
  # The digest groups of tests/spec.hpp: exact (every build), fma (every
  # FMA build; every no-FMA build), isa (every no-FMA build only: the fast
  # tier's approximate ops differ by instruction set).
  for ((i = 1; i < ${#fma[@]}; i++)); do
    compare "${fma[0]}" "${fma[$i]}" exact,fma "FMA builds (${fma[0]} vs ${fma[$i]})"
  done
  for ((i = 1; i < ${#nofma[@]}; i++)); do
    compare "${nofma[0]}" "${nofma[$i]}" all "no-FMA builds (${nofma[0]} vs ${nofma[$i]})"
  done
  if [ ${#fma[@]} -gt 0 ] && [ ${#nofma[@]} -gt 0 ]; then
    compare "${nofma[0]}" "${fma[0]}" exact "no FMA vs FMA (${nofma[0]} vs ${fma[0]})"
  fi
fi
summary+=("$(printf '%-9s %-6s %4d s  (%d with FMA, %d without)' digests "$digest_result" $(($(date +%s) - t0)) \
  ${#fma[@]} ${#nofma[@]})")

echo "=== nonlin tests: summary (wall time $(($(date +%s) - t_start)) s) ==="
printf '%s\n' "${summary[@]}"
[ $status = 0 ] && echo "ALL PASSED" || echo "SOME FAILED"
exit $status
