// nonlin::dispatch: every function of the lists, every parameter value of
// its spec row, float and double, unary, gated and packed, through the
// dispatcher, compared bit for bit with the compile-time path
// (nonlin::apply) of the instruction set the dispatcher chose -- the ODR
// test's translation units, compiled with the library's -march levels
// (tests/odr), or on other targets one compiled with the build's flags.
// Every length to 4 vectors + 1 at every offset, in place, guard zones,
// padded strides, both gate halves; the choice itself (CPUID, the
// NONLIN_ISA cap), thread-safe first calls, and the precondition asserts.
//
// ctest runs this program once as it is and once per NONLIN_ISA value
// (sse2, avx2, avx512); a run whose ISA the CPU lacks skips its tests.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "canary.hpp"
#include "common.hpp"
#include "nonlin/dispatch.hpp"
#include "odr_api.hpp"
#include "spec.hpp"

#ifndef NONLIN_TEST_LOCAL_TU
#define NONLIN_TEST_LOCAL_TU 0
#endif
#if NONLIN_TEST_LOCAL_TU
const odr::tu& dispatch_local_tu();
#endif

namespace {

using nonlin_test::same_bits;
using nonlin_test::show;

// The widest x86-64 level the CPU supports, as the compiler's runtime reports
// it (an independent reading of CPUID and XGETBV; the features both GCC's and
// Clang's __builtin_cpu_supports know).
std::string cpu_best() {
#if NONLIN_DISPATCH_X86
  __builtin_cpu_init();
  const bool v3 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
                  __builtin_cpu_supports("avx") && __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2");
  const bool v4 = v3 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                  __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
                  __builtin_cpu_supports("avx512cd");
  return v4 ? "avx512" : v3 ? "avx2" : "sse2";
#else
  return nonlin::dispatch::detail::isa_name(nonlin::dispatch::detail::isa::NONLIN_ISA);
#endif
}

// NONLIN_ISA as this process sees it ("" when unset).
std::string requested() {
  const char* e = std::getenv("NONLIN_ISA");
  return e != nullptr ? e : "";
}

int rank(std::string const& isa) { return isa == "sse2" ? 1 : isa == "avx2" ? 2 : isa == "avx512" ? 3 : 0; }

// The compile-time path of the active instruction set.
const odr::tu* reference_tu() {
  const std::string active = nonlin::dispatch::active_isa();
#if NONLIN_TEST_LOCAL_TU
  if (active == dispatch_local_tu().label) return &dispatch_local_tu();
#else
  for (const odr::tu* t : {&odr_tu_sse2(), &odr_tu_avx2(), &odr_tu_avx512()})
    if (active == t->label) return t;
#endif
  return nullptr;
}

const odr::entry* reference_entry(const char* name) {
  const odr::tu* t = reference_tu();
  if (t == nullptr) return nullptr;
  for (std::size_t i = 0; i < t->count; ++i)
    if (std::strcmp(t->entries[i].name, name) == 0) return &t->entries[i];
  return nullptr;
}

// The tests of this program run against the ISA NONLIN_ISA names; a run
// whose ISA the CPU lacks skips them.
class Dispatch : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string want = requested();
    if (rank(want) != 0 && want != nonlin::dispatch::active_isa())
      GTEST_SKIP() << "NONLIN_ISA=" << want << ": this CPU runs " << nonlin::dispatch::active_isa() << " at most";
    ASSERT_NE(reference_tu(), nullptr) << "no compile-time path for " << nonlin::dispatch::active_isa();
  }
};

TEST(DispatchChoice, WidestSupportedUnderTheCap) {
  const std::string best = cpu_best(), want = requested();
  std::string expect = best;
#if NONLIN_DISPATCH_X86
  if (rank(want) != 0 && rank(want) < rank(best)) expect = want;
#endif
  std::cout << "[ dispatch ] NONLIN_ISA=" << (want.empty() ? "(unset)" : want) << ", CPU " << best << ", active "
            << nonlin::dispatch::active_isa() << std::endl;
  EXPECT_EQ(nonlin::dispatch::active_isa(), expect);
}

// The first calls race: every thread must see the one table.
TEST(DispatchChoice, ConcurrentFirstCalls) {
  constexpr int kThreads = 8;
  std::atomic<int> ready{0};
  std::vector<const char*> names(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      ready.fetch_add(1);
      while (ready.load() < kThreads) std::this_thread::yield();
      float x = 1.0f, y = 0.0f;
      nonlin::dispatch::apply(nonlin::gelu{}, &x, &y, 1);
      names[static_cast<std::size_t>(t)] = nonlin::dispatch::active_isa();
    });
  for (auto& th : threads) th.join();
  for (const char* n : names) EXPECT_EQ(n, names[0]);
}

// ------------------------------------------------------------ inputs --

template <class T>
std::vector<T> inputs(std::size_t n, unsigned seed) {
  using L = std::numeric_limits<T>;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> core(-6.0, 6.0), wide(-120.0, 120.0);
  const T specials[] = {T(0),        -T(0),      L::infinity(), -L::infinity(), L::quiet_NaN(), L::denorm_min(),
                        -L::min(),   L::max(),   L::lowest(),   T(0.5),         T(-3),          T(30)};
  std::vector<T> v(n);
  for (std::size_t i = 0; i < n; ++i)
    v[i] = i % 7 == 3 ? specials[(i / 7) % (sizeof specials / sizeof specials[0])]
                      : static_cast<T>(i % 3 ? core(rng) : wide(rng));
  return v;
}

// |up| <= 1 mostly, with the special values: the gated bounds' domain and
// its edges.
template <class T>
std::vector<T> up_inputs(std::size_t n, unsigned seed) {
  std::vector<T> v = inputs<T>(n, seed);
  for (T& x : v)
    if (std::isfinite(x) && std::fabs(x) > 2) x = 1 / x;
  return v;
}

template <class T>
void run_reference(odr::entry const& e, double p, const T* a, const T* b, T* out, std::size_t n) {
  if constexpr (sizeof(T) == 4) e.bulk_f32(p, a, b, out, n);
  else e.bulk_f64(p, a, b, out, n);
}

// Every parameter value the spec row names (default, samples, hostile), or
// the functor as it is.
template <class F>
std::vector<F> variants(F const& f) {
  std::vector<F> out{f};
  if constexpr (nonlin_spec::has_param<F>()) {
    using P = typename nonlin_spec::spec_of<F>::param;
    out.push_back(F{});
    for (double p : P::samples) out.push_back(nonlin_spec::with_param(f, p));
    for (double p : P::hostile) out.push_back(nonlin_spec::with_param(f, p));
  }
  return out;
}

template <class T>
constexpr std::size_t lanes() {
  return 64 / sizeof(T);  // the widest vector the tables use
}

template <class T>
void expect_same(std::vector<T> const& got, std::vector<T> const& want, std::vector<T> const& x, std::string const& what) {
  std::size_t bad = 0;
  for (std::size_t i = 0; i < got.size(); ++i)
    if (!same_bits(got[i], want[i]) && ++bad <= 3)
      ADD_FAILURE() << what << " at [" << i << "] x=" << show(x[i]) << ": dispatch " << show(got[i])
                    << ", compile-time path " << show(want[i]);
  EXPECT_EQ(bad, 0u) << what;
}

// ------------------------------------------------------------- unary --

template <class T, class F>
void check_unary(F const& f0) {
  const odr::entry* e = reference_entry(F::name);
  ASSERT_NE(e, nullptr) << F::name;
  const std::string base = std::string(nonlin::dispatch::active_isa()) + " " + (sizeof(T) == 4 ? "float " : "double ");
  // Every parameter value on a long array.
  const std::vector<T> x = inputs<T>(1000, 7);
  for (F const& f : variants(f0)) {
    std::vector<T> got(x.size()), want(x.size());
    nonlin::dispatch::apply(f, x.data(), got.data(), x.size());
    run_reference(*e, nonlin_spec::param_of(f), x.data(), static_cast<const T*>(nullptr), want.data(), x.size());
    expect_same(got, want, x, base + nonlin_spec::label_of(f));
  }
  // Every length and offset, guard zones, in place.
  constexpr std::size_t W = lanes<T>(), guard = 8;
  const double p = nonlin_spec::param_of(f0);
  for (std::size_t off = 0; off < 4; ++off)
    for (std::size_t n = 0; n <= 4 * W + 1; ++n) {
      std::vector<T> in(x.begin() + static_cast<std::ptrdiff_t>(off), x.begin() + static_cast<std::ptrdiff_t>(off + n));
      std::vector<T> buf(n + 2 * guard + off, nonlin_test::canary<T>()), want(n);
      nonlin::dispatch::apply(f0, in.data(), buf.data() + guard + off, n);
      run_reference(*e, p, in.data(), static_cast<const T*>(nullptr), want.data(), n);
      std::vector<T> got(buf.begin() + static_cast<std::ptrdiff_t>(guard + off),
                         buf.begin() + static_cast<std::ptrdiff_t>(guard + off + n));
      expect_same(got, want, in, base + F::name + " n=" + std::to_string(n) + " off=" + std::to_string(off));
      for (std::size_t i = 0; i < guard + off; ++i) EXPECT_TRUE(nonlin_test::is_canary(buf[i])) << "wrote before out";
      for (std::size_t i = guard + off + n; i < buf.size(); ++i)
        EXPECT_TRUE(nonlin_test::is_canary(buf[i])) << "wrote past out";
      std::vector<T> inplace = in;
      nonlin::dispatch::apply(f0, inplace.data(), inplace.data(), n);
      expect_same(inplace, want, in, base + F::name + " in place n=" + std::to_string(n));
    }
}

template <class T>
void all_unary() {
  nonlin_spec::for_each_unary([](auto const& f) { check_unary<T>(f); });
}

TEST_F(Dispatch, UnaryFloat) { all_unary<float>(); }
TEST_F(Dispatch, UnaryDouble) { all_unary<double>(); }

// ------------------------------------------------------------- gated --

template <class T, class G>
void check_gated(G const& g0) {
  const odr::entry* e = reference_entry(G::name);
  ASSERT_NE(e, nullptr) << G::name;
  const std::string base = std::string(nonlin::dispatch::active_isa()) + " " + (sizeof(T) == 4 ? "float " : "double ");
  const std::vector<T> gate = inputs<T>(1000, 11), up = up_inputs<T>(1000, 13);
  for (G const& g : variants(g0)) {
    std::vector<T> got(gate.size()), want(gate.size());
    nonlin::dispatch::apply(g, gate.data(), up.data(), got.data(), gate.size());
    run_reference(*e, nonlin_spec::param_of(g), gate.data(), up.data(), want.data(), gate.size());
    expect_same(got, want, gate, base + nonlin_spec::label_of(g));
  }
  constexpr std::size_t W = lanes<T>();
  const double p = nonlin_spec::param_of(g0);
  for (std::size_t n = 0; n <= 4 * W + 1; ++n) {
    std::vector<T> a(gate.begin(), gate.begin() + static_cast<std::ptrdiff_t>(n));
    std::vector<T> b(up.begin() + 1, up.begin() + 1 + static_cast<std::ptrdiff_t>(n));
    std::vector<T> got(n), want(n);
    nonlin::dispatch::apply(g0, a.data(), b.data(), got.data(), n);
    run_reference(*e, p, a.data(), b.data(), want.data(), n);
    expect_same(got, want, a, base + G::name + " n=" + std::to_string(n));
    std::vector<T> on_gate = a, on_up = b;
    nonlin::dispatch::apply(g0, on_gate.data(), b.data(), on_gate.data(), n);
    nonlin::dispatch::apply(g0, a.data(), on_up.data(), on_up.data(), n);
    expect_same(on_gate, want, a, base + G::name + " out = gate, n=" + std::to_string(n));
    expect_same(on_up, want, a, base + G::name + " out = up, n=" + std::to_string(n));
  }
}

// Packed rows: the reference is the definition, row by row through the
// compile-time gated kernel with the gate half chosen.
template <class T, class G>
void check_packed(G const& g0) {
  const odr::entry* e = reference_entry(G::name);
  ASSERT_NE(e, nullptr) << G::name;
  const std::string base = std::string(nonlin::dispatch::active_isa()) + " " + (sizeof(T) == 4 ? "float " : "double ");
  constexpr std::size_t W = lanes<T>();
  for (G const& g : variants(g0)) {
    const double p = nonlin_spec::param_of(g);
    for (std::size_t rows : {std::size_t(1), std::size_t(3)})
      for (std::size_t h : {std::size_t(1), W - 1, W, 2 * W + 3})
        for (std::size_t pad : {std::size_t(0), std::size_t(5)}) {
          const std::size_t is = 2 * h + pad, os = h + pad;
          const std::vector<T> in = inputs<T>(rows * is, static_cast<unsigned>(17 + h + pad));
          for (int which = 0; which < 3; ++which) {  // default half, first, second
            const bool second = which == 0 ? G::packed_gate == nonlin::gate_half::second : which == 2;
            std::vector<T> got(rows * os, nonlin_test::canary<T>()), want(rows * os, nonlin_test::canary<T>());
            if (which == 0) nonlin::dispatch::apply_packed(g, in.data(), is, got.data(), os, rows, h);
            else
              nonlin::dispatch::apply_packed(g, in.data(), is, got.data(), os, rows, h,
                                             second ? nonlin::gate_half::second : nonlin::gate_half::first);
            for (std::size_t r = 0; r < rows; ++r) {
              const T* row = in.data() + r * is;
              run_reference(*e, p, row + (second ? h : 0), row + (second ? 0 : h), want.data() + r * os, h);
            }
            expect_same(got, want, in,
                        base + nonlin_spec::label_of(g) + " packed rows=" + std::to_string(rows) +
                            " hidden=" + std::to_string(h) + " pad=" + std::to_string(pad) +
                            (second ? " gate second" : " gate first"));
          }
        }
  }
  // Contiguous, and in place (rows compacted).
  const std::size_t rows = 4, h = W + 3;
  const std::vector<T> in = inputs<T>(rows * 2 * h, 23);
  std::vector<T> want(rows * h), got(rows * h);
  const bool second = G::packed_gate == nonlin::gate_half::second;
  for (std::size_t r = 0; r < rows; ++r) {
    const T* row = in.data() + r * 2 * h;
    run_reference(*e, nonlin_spec::param_of(g0), row + (second ? h : 0), row + (second ? 0 : h), want.data() + r * h,
                  h);
  }
  nonlin::dispatch::apply_packed(g0, in.data(), got.data(), rows, h);
  expect_same(got, want, in, base + G::name + " packed contiguous");
  std::vector<T> buf = in;
  nonlin::dispatch::apply_packed(g0, buf.data(), buf.data(), rows, h);
  buf.resize(rows * h);
  expect_same(buf, want, in, base + G::name + " packed in place");
}

template <class T>
void all_gated() {
  nonlin_spec::for_each_gated([](auto const& g) {
    check_gated<T>(g);
    check_packed<T>(g);
  });
}

TEST_F(Dispatch, GatedFloat) { all_gated<float>(); }
TEST_F(Dispatch, GatedDouble) { all_gated<double>(); }

TEST_F(Dispatch, EmptyCallsTouchNothing) {
  nonlin::dispatch::apply(nonlin::gelu{}, static_cast<const float*>(nullptr), static_cast<float*>(nullptr), 0);
  nonlin::dispatch::apply(nonlin::swiglu{}, static_cast<const double*>(nullptr), static_cast<const double*>(nullptr),
                          static_cast<double*>(nullptr), 0);
  nonlin::dispatch::apply_packed(nonlin::geglu{}, static_cast<const float*>(nullptr), static_cast<float*>(nullptr), 0,
                                 16);
  nonlin::dispatch::apply_packed(nonlin::geglu{}, static_cast<const float*>(nullptr), static_cast<float*>(nullptr), 3,
                                 0);
}

#if defined(__cpp_lib_span)
TEST_F(Dispatch, Spans) {
  std::vector<float> in = inputs<float>(37, 3), up = up_inputs<float>(37, 5), a(37), b(37);
  nonlin::dispatch::apply(nonlin::gelu{}, std::span<const float>(in), std::span<float>(a));
  nonlin::dispatch::apply(nonlin::gelu{}, in.data(), b.data(), in.size());
  expect_same(a, b, in, "span gelu");
  nonlin::dispatch::apply(nonlin::swiglu{}, std::span<const float>(in), std::span<const float>(up), std::span<float>(a));
  nonlin::dispatch::apply(nonlin::swiglu{}, in.data(), up.data(), b.data(), in.size());
  expect_same(a, b, in, "span swiglu");
}
#endif

#ifndef NDEBUG
// The preconditions are asserted in the caller's translation unit.
TEST_F(Dispatch, PreconditionsAsserted) {
  float buf[64] = {};
  EXPECT_DEATH(nonlin::dispatch::apply(nonlin::relu{}, buf, buf + 1, 32), "overlap");
  float in[16] = {}, out[16] = {};
  EXPECT_DEATH(nonlin::dispatch::apply_packed(nonlin::swiglu{}, in, 6, out, 4, 2, 4), "in_stride");
}
#endif

}  // namespace
