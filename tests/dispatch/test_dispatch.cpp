// nonlin::dispatch: every entry of the kernel table -- every functor of the
// lists (every tier), every element type pair of
// nonlin::dispatch::detail::element_types, unary, gated and packed, every
// parameter value of the functor's spec row -- through the dispatcher,
// compared bit for bit with the compile-time path (nonlin::apply) of the
// instruction set the dispatcher chose: ref_<isa>.cpp, compiled with the
// library's -march levels (or, where the library has one table, with the
// build's flags). Every length to 4 vectors + 1 at four offsets, in place,
// guard zones, padded strides, both gate halves; the choice itself (CPUID,
// the NONLIN_ISA cap), thread-safe first calls, empty calls, spans and the
// precondition asserts.
//
// ctest runs this program once as it is and once per NONLIN_ISA value
// (sse2, avx2, avx512); a run whose ISA the CPU lacks skips its tests.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iomanip>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <type_traits>
#include <vector>

#include "canary.hpp"
#include "nonlin/dispatch.hpp"
#include "ref_api.hpp"
#include "spec.hpp"

namespace {

namespace dd = nonlin::dispatch::detail;

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
  return dd::isa_name(dd::isa::NONLIN_ISA);
#endif
}

// NONLIN_ISA as this process sees it ("" when unset).
std::string requested() {
  const char* e = std::getenv("NONLIN_ISA");
  return e != nullptr ? e : "";
}

int rank(std::string const& isa) { return isa == "sse2" ? 1 : isa == "avx2" ? 2 : isa == "avx512" ? 3 : 0; }

// Whether the library holds the table of isa (NONLIN_DISPATCH_ISAS: the
// CMake list, given as NONLIN_TEST_DISPATCH_ISAS="sse2,avx2,..."; all when
// not given).
[[maybe_unused]] bool table_built(std::string const& isa) {
#ifdef NONLIN_TEST_DISPATCH_ISAS
  const std::string list = std::string(",") + NONLIN_TEST_DISPATCH_ISAS + ",";
  return list.find("," + isa + ",") != std::string::npos;
#else
  (void)isa;
  return true;
#endif
}

// The compile-time path of the active instruction set.
const dref::refs* reference() {
  const std::string active = nonlin::dispatch::active_isa();
#if NONLIN_DISPATCH_X86
  for (const dref::refs* r : {&dispatch_ref_sse2(), &dispatch_ref_avx2(), &dispatch_ref_avx512()})
    if (active == r->label) return r;
#else
  if (active == dispatch_ref_local().label) return &dispatch_ref_local();
#endif
  return nullptr;
}

template <class IO>
constexpr std::size_t pair_index() {
  return dd::index_in<IO, dd::element_types>::value;
}

template <class In, class Out>
dref::pair_refs const& reference_for() {
  return reference()->by_pair[pair_index<dd::io<In, Out>>()];
}

// ---------------------------------------------------------------- types --

template <class T>
std::string type_name() {
  return std::is_same<T, float>::value    ? "float"
         : std::is_same<T, double>::value ? "double"
         : std::is_same<T, nonlin::bf16>::value ? "bf16"
                                                : "f16";
}

// The arithmetic type a value of T is made from and shown as.
template <class T>
using wide_t = typename std::conditional<std::is_same<T, double>::value, double, float>::type;

template <class T>
T make(wide_t<T> x) {
  return T(x);  // bf16 and f16: round to nearest even
}

template <class T>
wide_t<T> widen(T x) {
  return static_cast<wide_t<T>>(x);
}

// Identical bits, or both NaN (nonlin promises NaN for NaN, not a payload).
template <class T>
bool same(T a, T b) {
  return std::memcmp(&a, &b, sizeof a) == 0 || (std::isnan(widen(a)) && std::isnan(widen(b)));
}

template <class T>
std::string show(T x) {
  std::ostringstream s;
  s.precision(std::numeric_limits<wide_t<T>>::max_digits10);
  s << widen(x);
  if constexpr (sizeof(T) == 2) {
    std::uint16_t b;
    std::memcpy(&b, &x, 2);
    s << " (0x" << std::hex << std::setw(4) << std::setfill('0') << b << ")";
  } else {
    s << " (" << std::hexfloat << widen(x) << ")";
  }
  return s.str();
}

// ----------------------------------------------------------- the choice --

// The tests of the table run against the ISA NONLIN_ISA names; a run whose
// ISA the CPU lacks, or the library (NONLIN_DISPATCH_ISAS), skips them.
class DispatchBase : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string want = requested();
    if (rank(want) != 0 && want != nonlin::dispatch::active_isa())
      GTEST_SKIP() << "NONLIN_ISA=" << want << ": active ISA " << nonlin::dispatch::active_isa()
                   << " (the CPU's widest, or the widest table built below it)";
    ASSERT_NE(reference(), nullptr) << "no compile-time path for " << nonlin::dispatch::active_isa();
    ASSERT_EQ(reference()->pairs, std::tuple_size<dd::element_types>::value);
  }
};

TEST(DispatchChoice, WidestSupportedUnderTheCap) {
  const std::string best = cpu_best(), want = requested();
  std::string expect = best;
#if NONLIN_DISPATCH_X86
  if (rank(want) != 0 && rank(want) < rank(best)) expect = want;
  // (A level whose table the library lacks runs the widest one below it.)
  while (rank(expect) > 1 && !table_built(expect)) expect = rank(expect) == 3 ? "avx2" : "sse2";
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
  std::vector<float> out(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      ready.fetch_add(1);
      while (ready.load() < kThreads) std::this_thread::yield();
      const float x = 1.0f;
      nonlin::dispatch::apply(nonlin::gelu{}, &x, &out[static_cast<std::size_t>(t)], 1);
      names[static_cast<std::size_t>(t)] = nonlin::dispatch::active_isa();
    });
  for (auto& th : threads) th.join();
  for (std::size_t t = 0; t < names.size(); ++t) {
    EXPECT_EQ(names[t], names[0]);
    EXPECT_TRUE(same(out[t], out[0]));
  }
}

// --------------------------------------------------------------- inputs --

template <class T>
std::vector<T> inputs(std::size_t n, unsigned seed) {
  using W = wide_t<T>;
  using L = std::numeric_limits<W>;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> core(-6.0, 6.0), wide(-120.0, 120.0), tiny(-1e-3, 1e-3);
  const W specials[] = {W(0),      -W(0),     L::infinity(), -L::infinity(), L::quiet_NaN(), L::denorm_min(),
                        -L::min(), L::max(),  L::lowest(),   W(0.5),         W(-3),          W(30)};
  std::vector<T> v(n);
  for (std::size_t i = 0; i < n; ++i)
    v[i] = make<T>(i % 7 == 3   ? specials[(i / 7) % (sizeof specials / sizeof specials[0])]
                   : i % 7 == 5 ? static_cast<W>(tiny(rng))
                                : static_cast<W>(i % 3 ? core(rng) : wide(rng)));
  return v;
}

// |up| <= 2 mostly, with the special values: the gated bounds' domain and
// its edges.
template <class T>
std::vector<T> up_inputs(std::size_t n, unsigned seed) {
  std::vector<T> v = inputs<T>(n, seed);
  for (T& x : v) {
    const auto w = widen(x);
    if (std::isfinite(w) && std::fabs(w) > 2) x = make<T>(1 / w);
  }
  return v;
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

// The widest vector the tables use, in elements of the arithmetic type.
template <class In>
constexpr std::size_t lanes() {
  return 64 / sizeof(wide_t<In>);
}

template <class In, class Out>
std::string label(const char* what) {
  return std::string(nonlin::dispatch::active_isa()) + " " + type_name<In>() + "->" + type_name<Out>() + " " + what;
}

template <class Out, class In>
void expect_same(std::vector<Out> const& got, std::vector<Out> const& want, std::vector<In> const& x,
                 std::string const& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  std::size_t bad = 0;
  for (std::size_t i = 0; i < got.size(); ++i)
    if (!same(got[i], want[i]) && ++bad <= 3)
      ADD_FAILURE() << what << " at [" << i << "]" << (i < x.size() ? " x=" + show(x[i]) : std::string())
                    << ": dispatch " << show(got[i]) << ", compile-time path " << show(want[i]);
  EXPECT_EQ(bad, 0u) << what;
}

// The checks below are compiled once per element type pair: what they
// need of a functor (its table index, name, parameter values and the
// dispatch::apply calls) is passed in type-erased, so that the 60-odd
// functors do not each instantiate the loops and messages.

// A functor's parameter variants (variants(f0), the first f0 itself): a
// label and a parameter value each.
struct variant_list {
  std::size_t index;  // in unary_list or gated_list
  const char* name;   // F::name
  std::vector<std::string> labels;
  std::vector<double> params;
};

template <class F>
variant_list describe(std::vector<F> const& fs, std::size_t index) {
  variant_list v{index, F::name, {}, {}};
  for (F const& f : fs) {
    v.labels.push_back(nonlin_spec::label_of(f));
    v.params.push_back(nonlin_spec::param_of(f));
  }
  return v;
}

// ---------------------------------------------------------------- unary --

// call(k, in, out, n): nonlin::dispatch::apply with variant k.
template <class In, class Out>
using unary_call = std::function<void(std::size_t, const In*, Out*, std::size_t)>;

template <class In, class Out>
void check_unary_erased(variant_list const& v, unary_call<In, Out> const& call) {
  auto const ref = reference_for<In, Out>().unary;
  const std::size_t fi = v.index;
  // Every parameter value on a long array.
  const std::vector<In> x = inputs<In>(1000, 7);
  for (std::size_t k = 0; k < v.params.size(); ++k) {
    std::vector<Out> got(x.size()), want(x.size());
    call(k, x.data(), got.data(), x.size());
    ref(fi, v.params[k], x.data(), want.data(), x.size());
    expect_same(got, want, x, label<In, Out>(v.labels[k].c_str()));
  }
  // Every length and offset, guard zones, in place.
  constexpr std::size_t W = lanes<In>(), guard = 8;
  const double p = v.params[0];
  const std::string name = label<In, Out>(v.name);
  for (std::size_t off = 0; off < 4; ++off)
    for (std::size_t n = 0; n <= 4 * W + 1; ++n) {
      const std::vector<In> in(x.begin() + static_cast<std::ptrdiff_t>(off),
                               x.begin() + static_cast<std::ptrdiff_t>(off + n));
      std::vector<Out> buf(n + 2 * guard + off, nonlin_test::canary<Out>()), want(n);
      call(0, in.data(), buf.data() + guard + off, n);
      ref(fi, p, in.data(), want.data(), n);
      const std::vector<Out> got(buf.begin() + static_cast<std::ptrdiff_t>(guard + off),
                                 buf.begin() + static_cast<std::ptrdiff_t>(guard + off + n));
      const std::string at = " n=" + std::to_string(n) + " off=" + std::to_string(off);
      expect_same(got, want, in, name + at);
      for (std::size_t i = 0; i < guard + off; ++i) ASSERT_TRUE(nonlin_test::is_canary(buf[i])) << name << at << ": wrote before out";
      for (std::size_t i = guard + off + n; i < buf.size(); ++i)
        ASSERT_TRUE(nonlin_test::is_canary(buf[i])) << name << at << ": wrote past out";
      if constexpr (std::is_same<In, Out>::value) {
        std::vector<In> inplace = in;
        call(0, inplace.data(), inplace.data(), n);
        expect_same(inplace, want, in, name + " in place" + at);
      }
    }
}

template <class In, class Out, class F>
void check_unary(F const& f0) {
  const std::vector<F> fs = variants(f0);
  check_unary_erased<In, Out>(describe(fs, dd::unary_index<F>()),
                              [&fs](std::size_t k, const In* x, Out* y, std::size_t n) {
                                nonlin::dispatch::apply(fs[k], x, y, n);
                              });
}

// ---------------------------------------------------------------- gated --

// call(k, gate, up, out, n): nonlin::dispatch::apply with variant k.
template <class In, class Out>
using gated_call = std::function<void(std::size_t, const In*, const In*, Out*, std::size_t)>;

template <class In, class Out>
void check_gated_erased(variant_list const& v, gated_call<In, Out> const& call) {
  auto const ref = reference_for<In, Out>().gated;
  const std::size_t gi = v.index;
  const std::vector<In> gate = inputs<In>(1000, 11), up = up_inputs<In>(1000, 13);
  for (std::size_t k = 0; k < v.params.size(); ++k) {
    std::vector<Out> got(gate.size()), want(gate.size());
    call(k, gate.data(), up.data(), got.data(), gate.size());
    ref(gi, v.params[k], gate.data(), up.data(), want.data(), gate.size());
    expect_same(got, want, gate, label<In, Out>(v.labels[k].c_str()));
  }
  constexpr std::size_t W = lanes<In>();
  const double p = v.params[0];
  const std::string name = label<In, Out>(v.name);
  for (std::size_t n = 0; n <= 4 * W + 1; ++n) {
    const std::vector<In> a(gate.begin(), gate.begin() + static_cast<std::ptrdiff_t>(n));
    const std::vector<In> b(up.begin() + 1, up.begin() + 1 + static_cast<std::ptrdiff_t>(n));
    std::vector<Out> got(n), want(n);
    call(0, a.data(), b.data(), got.data(), n);
    ref(gi, p, a.data(), b.data(), want.data(), n);
    expect_same(got, want, a, name + " n=" + std::to_string(n));
    if constexpr (std::is_same<In, Out>::value) {
      std::vector<In> on_gate = a, on_up = b;
      call(0, on_gate.data(), b.data(), on_gate.data(), n);
      call(0, a.data(), on_up.data(), on_up.data(), n);
      expect_same(on_gate, want, a, name + " out = gate, n=" + std::to_string(n));
      expect_same(on_up, want, a, name + " out = up, n=" + std::to_string(n));
    }
  }
}

template <class In, class Out, class G>
void check_gated(G const& g0) {
  const std::vector<G> gs = variants(g0);
  check_gated_erased<In, Out>(describe(gs, dd::gated_index<G>()),
                              [&gs](std::size_t k, const In* a, const In* b, Out* y, std::size_t n) {
                                nonlin::dispatch::apply(gs[k], a, b, y, n);
                              });
}

// Packed rows: the reference is the definition, row by row through the
// compile-time gated kernel with the gate half chosen.
// call(k, in, in_stride, out, out_stride, rows, hidden, form):
// nonlin::dispatch::apply_packed with variant k and the functor's default
// gate half (form 0), the first (1) or the second (2) named, or the
// contiguous overload (3).
template <class In, class Out>
using packed_call = std::function<void(std::size_t, const In*, std::size_t, Out*, std::size_t, std::size_t,
                                       std::size_t, int)>;

template <class In, class Out>
void check_packed_erased(variant_list const& v, bool default_second, packed_call<In, Out> const& call) {
  auto const ref = reference_for<In, Out>().gated;
  const std::size_t gi = v.index;
  constexpr std::size_t W = lanes<In>();
  const Out fill = nonlin_test::canary<Out>();
  for (std::size_t k = 0; k < v.params.size(); ++k) {
    const double p = v.params[k];
    for (std::size_t rows : {std::size_t(1), std::size_t(3)})
      for (std::size_t h : {std::size_t(1), W - 1, W, 2 * W + 3})
        for (std::size_t pad : {std::size_t(0), std::size_t(5)}) {
          const std::size_t is = 2 * h + pad, os = h + pad;
          const std::vector<In> in = inputs<In>(rows * is, static_cast<unsigned>(17 + h + pad));
          for (int which = 0; which < 3; ++which) {  // default half, first, second
            const bool second = which == 0 ? default_second : which == 2;
            std::vector<Out> got(rows * os, fill), want(rows * os, fill);
            call(k, in.data(), is, got.data(), os, rows, h, which);
            for (std::size_t r = 0; r < rows; ++r) {
              const In* row = in.data() + r * is;
              ref(gi, p, row + (second ? h : 0), row + (second ? 0 : h), want.data() + r * os, h);
            }
            expect_same(got, want, in,
                        label<In, Out>(v.labels[k].c_str()) + " packed rows=" + std::to_string(rows) +
                            " hidden=" + std::to_string(h) + " pad=" + std::to_string(pad) +
                            (second ? " gate second" : " gate first"));
          }
        }
  }
  // Contiguous, and in place (rows compacted).
  const std::size_t rows = 4, h = W + 3;
  const std::vector<In> in = inputs<In>(rows * 2 * h, 23);
  std::vector<Out> want(rows * h), got(rows * h);
  const bool second = default_second;
  for (std::size_t r = 0; r < rows; ++r) {
    const In* row = in.data() + r * 2 * h;
    ref(gi, v.params[0], row + (second ? h : 0), row + (second ? 0 : h), want.data() + r * h, h);
  }
  call(0, in.data(), 2 * h, got.data(), h, rows, h, 3);
  expect_same(got, want, in, label<In, Out>(v.name) + " packed contiguous");
  if constexpr (std::is_same<In, Out>::value) {
    std::vector<In> buf = in;
    call(0, buf.data(), 2 * h, buf.data(), h, rows, h, 3);
    buf.resize(rows * h);
    expect_same(buf, want, in, label<In, Out>(v.name) + " packed in place");
  }
}

template <class In, class Out, class G>
void check_packed(G const& g0) {
  const std::vector<G> gs = variants(g0);
  check_packed_erased<In, Out>(
      describe(gs, dd::gated_index<G>()), G::packed_gate == nonlin::gate_half::second,
      [&gs](std::size_t k, const In* in, std::size_t is, Out* out, std::size_t os, std::size_t rows, std::size_t h,
            int form) {
        if (form == 3) nonlin::dispatch::apply_packed(gs[k], in, out, rows, h);
        else if (form == 0) nonlin::dispatch::apply_packed(gs[k], in, is, out, os, rows, h);
        else
          nonlin::dispatch::apply_packed(gs[k], in, is, out, os, rows, h,
                                         form == 2 ? nonlin::gate_half::second : nonlin::gate_half::first);
      });
}

// ------------------------------------------------------ every table entry --

// One typed suite per element type pair, generated from element_types.
template <class Tuple>
struct gtest_types;
template <class... IO>
struct gtest_types<std::tuple<IO...>> {
  using type = ::testing::Types<IO...>;
};

template <class IO>
class Dispatch : public DispatchBase {};

struct pair_names {
  template <class IO>
  static std::string GetName(int) {
    return name(static_cast<IO*>(nullptr));
  }
  template <class In, class Out>
  static std::string name(dd::io<In, Out>*) {
    return type_name<In>() + "_" + type_name<Out>();
  }
};

TYPED_TEST_SUITE(Dispatch, gtest_types<dd::element_types>::type, pair_names);

template <class In, class Out>
void all_unary(dd::io<In, Out>*) {
  std::size_t count = 0;
  nonlin::for_each_function(nonlin::unary_functions(), [&](auto const& f) {
    check_unary<In, Out>(f);
    ++count;
  });
  EXPECT_EQ(count, dd::unary_count);
}

template <class In, class Out>
void all_gated(dd::io<In, Out>*) {
  std::size_t count = 0;
  nonlin::for_each_function(nonlin::gated_functions(), [&](auto const& g) {
    check_gated<In, Out>(g);
    ++count;
  });
  EXPECT_EQ(count, dd::gated_count);
}

template <class In, class Out>
void all_packed(dd::io<In, Out>*) {
  nonlin::for_each_function(nonlin::gated_functions(), [&](auto const& g) { check_packed<In, Out>(g); });
}

TYPED_TEST(Dispatch, Unary) { all_unary(static_cast<TypeParam*>(nullptr)); }
TYPED_TEST(Dispatch, Gated) { all_gated(static_cast<TypeParam*>(nullptr)); }
TYPED_TEST(Dispatch, Packed) { all_packed(static_cast<TypeParam*>(nullptr)); }

// ---------------------------------------------------------------- edges --

using DispatchEdges = DispatchBase;

TEST_F(DispatchEdges, EmptyCallsTouchNothing) {
  nonlin::dispatch::apply(nonlin::gelu{}, static_cast<const float*>(nullptr), static_cast<float*>(nullptr), 0);
  nonlin::dispatch::apply(nonlin::fast::silu{}, static_cast<const float*>(nullptr),
                          static_cast<nonlin::bf16*>(nullptr), 0);
  nonlin::dispatch::apply(nonlin::swiglu{}, static_cast<const double*>(nullptr), static_cast<const double*>(nullptr),
                          static_cast<double*>(nullptr), 0);
  nonlin::dispatch::apply(nonlin::precise::geglu{}, static_cast<const nonlin::f16*>(nullptr),
                          static_cast<const nonlin::f16*>(nullptr), static_cast<float*>(nullptr), 0);
  nonlin::dispatch::apply_packed(nonlin::geglu{}, static_cast<const float*>(nullptr), static_cast<float*>(nullptr), 0,
                                 16);
  nonlin::dispatch::apply_packed(nonlin::geglu{}, static_cast<const nonlin::bf16*>(nullptr),
                                 static_cast<nonlin::bf16*>(nullptr), 3, 0);
}

#if NONLIN_HAS_FLOAT16
// The compiler's own 16-bit type is taken as f16, as nonlin::apply does.
TEST_F(DispatchEdges, Float16IsF16) {
  const std::vector<nonlin::f16> x = inputs<nonlin::f16>(100, 3);
  std::vector<_Float16> in(x.size()), a(x.size());
  std::vector<nonlin::f16> b(x.size());
  std::memcpy(in.data(), x.data(), 2 * x.size());
  nonlin::dispatch::apply(nonlin::gelu{}, in.data(), a.data(), in.size());
  nonlin::dispatch::apply(nonlin::gelu{}, x.data(), b.data(), x.size());
  EXPECT_EQ(std::memcmp(a.data(), b.data(), 2 * x.size()), 0);
}
#endif

#if defined(__cpp_lib_span)
TEST_F(DispatchEdges, Spans) {
  std::vector<float> in = inputs<float>(37, 3), up = up_inputs<float>(37, 5), a(37), b(37);
  nonlin::dispatch::apply(nonlin::gelu{}, std::span<const float>(in), std::span<float>(a));
  nonlin::dispatch::apply(nonlin::gelu{}, in.data(), b.data(), in.size());
  expect_same(a, b, in, "span gelu");
  nonlin::dispatch::apply(nonlin::swiglu{}, std::span<const float>(in), std::span<const float>(up), std::span<float>(a));
  nonlin::dispatch::apply(nonlin::swiglu{}, in.data(), up.data(), b.data(), in.size());
  expect_same(a, b, in, "span swiglu");
  std::vector<nonlin::bf16> c(37), d(37);
  nonlin::dispatch::apply(nonlin::fast::gelu{}, std::span<float>(in), std::span<nonlin::bf16>(c));
  nonlin::dispatch::apply(nonlin::fast::gelu{}, in.data(), d.data(), in.size());
  expect_same(c, d, in, "span fast::gelu float->bf16");
}
#endif

#ifndef NDEBUG
// The preconditions are asserted in the caller's translation unit.
TEST_F(DispatchEdges, PreconditionsAsserted) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  float buf[64] = {};
  EXPECT_DEATH(nonlin::dispatch::apply(nonlin::relu{}, buf, buf + 1, 32), "overlap");
  EXPECT_DEATH(nonlin::dispatch::apply(nonlin::gelu{}, static_cast<const float*>(nullptr), buf, 4), "null buffer");
  nonlin::bf16 h[64] = {};
  EXPECT_DEATH(nonlin::dispatch::apply(nonlin::swiglu{}, h, h + 8, reinterpret_cast<float*>(h + 2), 8),
               "overlap");
  float in[16] = {}, out[16] = {};
  EXPECT_DEATH(nonlin::dispatch::apply_packed(nonlin::swiglu{}, in, 6, out, 4, 2, 4), "in_stride");
  EXPECT_DEATH(nonlin::dispatch::apply_packed(nonlin::swiglu{}, in, 8, out, 3, 2, 4), "out_stride");
}
#endif

}  // namespace
