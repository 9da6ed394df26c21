// Hostile environments and arguments:
//  * Denormals: subnormal inputs and inputs whose results are subnormal, in
//    the default floating-point environment and with the caller's MXCSR set to
//    flush-to-zero (FTZ) and/or denormals-are-zero (DAZ) (x86), or with the
//    FPCR's FZ bit set (AArch64: FTZ and DAZ together, the only one of these
//    modes it has).
//  * Parameters: leaky_relu alpha and swish / swiglu beta at 0, negative,
//    NaN, inf and huge values -- the table of what comes out is printed, and
//    what is mathematically defined is asserted.
//  * Debug-build precondition checks (NONLIN_ASSERT): overlapping buffers and
//    sizes that overflow the address space must abort. Death tests, run only
//    when NDEBUG is not defined (a Debug build).
//
// Every table printed here starts with "[ hostile ]" so it can be grepped.
#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "common.hpp"
#include "erased.hpp"
#include "nonlin/nonlin.hpp"
#include "spec.hpp"

#if defined(__SSE2__) || defined(_M_X64)
#include <pmmintrin.h>
#include <xmmintrin.h>
#define NONLIN_TEST_HAVE_MXCSR 1
#elif defined(__aarch64__) && (defined(__GNUC__) || defined(__clang__))
#define NONLIN_TEST_HAVE_MXCSR 1  // the FPCR, in the MXCSR's part
#define NONLIN_TEST_FPCR 1
#else
#define NONLIN_TEST_HAVE_MXCSR 0
#endif

#if defined(__GNUC__) || defined(__clang__)
#define TEST_NOINLINE __attribute__((noinline))
#else
#define TEST_NOINLINE
#endif

namespace {

using nonlin_test::same_bits;
using nonlin_test::show;
using nonlin_test::ulp_error;

template <class T>
const char* type_name() {
  return sizeof(T) == 4 ? "float" : "double";
}

template <class T>
bool is_subnormal(T x) {
  return std::fpclassify(x) == FP_SUBNORMAL;
}

// Compact value for tables: %.9g / %.17g, with the class of tiny values.
template <class T>
std::string brief(T x) {
  std::ostringstream s;
  if (std::isnan(x)) return std::signbit(x) ? "-nan" : "nan";
  s << std::setprecision(std::numeric_limits<T>::max_digits10) << x;
  if (x == 0 && std::signbit(x)) return "-0";
  if (is_subnormal(x)) s << "(sub)";
  return s.str();
}

// ================================================================ denormals ==

enum class Mode { standard, ftz, daz, ftz_daz };
const char* mode_name(Mode m) {
  switch (m) {
    case Mode::standard: return "default";
    case Mode::ftz: return "FTZ";
    case Mode::daz: return "DAZ";
    case Mode::ftz_daz: return "FTZ+DAZ";
  }
  return "?";
}

// Whether the target has mode m: AArch64's FZ flushes subnormal inputs and
// results alike, so FTZ or DAZ alone are not available there.
bool mode_available(Mode m) {
#if defined(NONLIN_TEST_FPCR)
  return m == Mode::standard || m == Mode::ftz_daz;
#elif NONLIN_TEST_HAVE_MXCSR
  (void)m;
  return true;
#else
  return m == Mode::standard;
#endif
}

#if defined(NONLIN_TEST_FPCR)
constexpr std::uint64_t kFzBit = std::uint64_t(1) << 24;  // FPCR.FZ
TEST_NOINLINE std::uint64_t get_fpcr() {
  std::uint64_t v;
  __asm__ __volatile__("mrs %0, fpcr" : "=r"(v));
  return v;
}
TEST_NOINLINE void set_fpcr(std::uint64_t v) { __asm__ __volatile__("msr fpcr, %0" : : "r"(v)); }
TEST_NOINLINE std::uint64_t enter_mode(Mode m) {
  const std::uint64_t saved = get_fpcr();
  set_fpcr(m == Mode::ftz_daz ? (saved | kFzBit) : (saved & ~kFzBit));
  return saved;
}
TEST_NOINLINE void leave_mode(std::uint64_t saved) { set_fpcr(saved); }
#elif NONLIN_TEST_HAVE_MXCSR
constexpr unsigned kFtzBit = 0x8000, kDazBit = 0x0040;

// Set and restore in functions the optimizer cannot look into, and compute in
// another, on memory: no floating-point operation of the kernels may be
// constant-folded or moved across the change of mode.
TEST_NOINLINE unsigned enter_mode(Mode m) {
  const unsigned saved = _mm_getcsr();
  _MM_SET_FLUSH_ZERO_MODE((m == Mode::ftz || m == Mode::ftz_daz) ? _MM_FLUSH_ZERO_ON : _MM_FLUSH_ZERO_OFF);
  _MM_SET_DENORMALS_ZERO_MODE((m == Mode::daz || m == Mode::ftz_daz) ? _MM_DENORMALS_ZERO_ON
                                                                     : _MM_DENORMALS_ZERO_OFF);
  return saved;
}
TEST_NOINLINE void leave_mode(unsigned saved) { _mm_setcsr(saved); }
#endif

// A table cell for mode m: "n/a" where the target does not have the mode.
template <class T>
std::string cell(Mode m, T y) {
  return mode_available(m) ? brief(y) : "n/a";
}

// A functor under test, without its type (tests/erased.hpp), with what the
// checks below read of its spec. The checks are then compiled once per T;
// only erase_unary() and erase_gated() are compiled once per functor.
template <class T>
struct unary_case : nonlin_test::unary_fn<T> {
  double param;
  long double max_ulp;
  bool passthrough;         // spec: x itself on the x >= 0 side, no arithmetic
  bool integer_subnormals;  // see integer_subnormals() below
};
template <class T>
struct gated_case : nonlin_test::gated_fn<T> {
  double param;
  bool integer_subnormals;
  bool every_pair;  // spec: a subnormal act(gate) recomputed in double
};

template <class T, class F>
constexpr bool integer_subnormals(F const&);

template <class T, class F>
unary_case<T> erase_unary(F const& f) {
  return {nonlin_test::unary_fn_of<T>(f), nonlin_spec::param_of(f),
          std::is_same<T, float>::value ? F::max_ulp_float : F::max_ulp_double,
          nonlin_spec::spec_of<F>::def::passthrough, integer_subnormals<T>(f)};
}
template <class T, class G>
gated_case<T> erase_gated(G const& g) {
  return {nonlin_test::gated_fn_of<T>(g), nonlin_spec::param_of(g), integer_subnormals<T>(g),
          nonlin_spec::spec_of<G>::template every_pair<T>()};
}
template <class T>
std::vector<unary_case<T>> unary_cases() {
  std::vector<unary_case<T>> v;
  nonlin::for_each_function(nonlin::unary_functions(), [&](auto const& f) { v.push_back(erase_unary<T>(f)); });
  return v;
}
template <class T>
std::vector<gated_case<T>> gated_cases() {
  std::vector<gated_case<T>> v;
  nonlin::for_each_function(nonlin::gated_functions(), [&](auto const& g) { v.push_back(erase_gated<T>(g)); });
  return v;
}

// Scalar and bulk agree bit for bit in the default mode. Under FTZ/DAZ they
// may differ in whether a subnormal result (or intermediate) was flushed: the
// compiler arranges the same arithmetic differently in the two paths. That
// is documented (README, "Guarantees"); anything else must still agree.
template <class T>
bool agree(Mode m, T a, T b) {
  if (same_bits(a, b)) return true;
  if (m == Mode::standard) return false;
  const auto tiny = [](T v) { return std::fabs(v) < std::numeric_limits<T>::min(); };
  return tiny(a) && tiny(b) && std::signbit(a) == std::signbit(b);
}

// Runs f over xs in a mode, scalar and bulk; they must agree bit for bit.
template <class T>
std::vector<T> run_unary(Mode m, unary_case<T> const& f, std::vector<T> const& xs) {
  std::vector<T> ys(xs.size()), yb(xs.size());
#if NONLIN_TEST_HAVE_MXCSR
  const auto saved = enter_mode(m);
#else
  (void)m;
#endif
  for (std::size_t i = 0; i < xs.size(); ++i) ys[i] = f.scalar(xs[i]);
  f.bulk(xs.data(), yb.data(), xs.size());
#if NONLIN_TEST_HAVE_MXCSR
  leave_mode(saved);
#endif
  for (std::size_t i = 0; i < xs.size(); ++i)
    EXPECT_TRUE(agree(m, ys[i], yb[i])) << f.name << " " << mode_name(m) << " x=" << show(xs[i]) << ": scalar "
                                         << show(ys[i]) << " != bulk " << show(yb[i]);
  return ys;
}

template <class T>
std::vector<T> run_gated(Mode m, gated_case<T> const& g, std::vector<T> const& gs, std::vector<T> const& us) {
  std::vector<T> ys(gs.size()), yb(gs.size());
#if NONLIN_TEST_HAVE_MXCSR
  const auto saved = enter_mode(m);
#else
  (void)m;
#endif
  for (std::size_t i = 0; i < gs.size(); ++i) ys[i] = g.scalar(gs[i], us[i]);
  g.bulk(gs.data(), us.data(), yb.data(), gs.size());
#if NONLIN_TEST_HAVE_MXCSR
  leave_mode(saved);
#endif
  for (std::size_t i = 0; i < gs.size(); ++i)
    EXPECT_TRUE(agree(m, ys[i], yb[i])) << g.name << " " << mode_name(m) << " gate=" << show(gs[i])
                                         << " up=" << show(us[i]) << ": scalar " << show(ys[i]) << " != bulk "
                                         << show(yb[i]);
  return ys;
}

// Inputs for function `name` in T: ordinary normal values, subnormal inputs,
// and the first few inputs (on a 1/8 grid, walking down from 0) whose exact
// result is subnormal in T, found with the reference.
template <class T>
std::vector<T> denormal_inputs(std::string const& name, double param) {
  using R = nonlin_spec::wide;
  const T mn = std::numeric_limits<T>::min(), dm = std::numeric_limits<T>::denorm_min();
  std::vector<T> xs = {T(-30), T(-5), T(-1), T(-0.25), T(0), -T(0), T(0.5), T(3), T(20), mn, -mn, T(4) * mn,
                       // the named cases: sigmoid(-100), silu(-95), gelu(-13.5), tanh(1e-40) in float
                       T(-100), T(-95), T(-13.5), static_cast<T>(1e-40), static_cast<T>(-1e-40)};
  for (T d : {dm, T(3) * dm, mn / 2, std::nextafter(mn, T(0))}) {
    xs.push_back(d);
    xs.push_back(-d);
  }
  // Results below min: tiny inputs for the functions linear near 0 ...
  for (T t : {mn * T(0.75), mn * T(64), mn * T(1.5)}) {
    xs.push_back(t);
    xs.push_back(-t);
  }
  // ... and the negative tails: results in the subnormal range, then the
  // first inputs whose (nonzero) result rounds to zero -- a -0 in the x * p(x)
  // family.
  int found = 0, zeros = 0;
  for (double x = -0.125; zeros < 2 && x > -2000; x -= 0.125) {
    const R r = nonlin_spec::reference_by_name<R>(name, R(static_cast<T>(x)), R(static_cast<T>(param)));
    const T rt = static_cast<T>(r);
    if (rt == 0) {
      if (r == 0) break;
      xs.push_back(static_cast<T>(x));
      ++zeros;
    } else if (is_subnormal(rt) && found < 4) {
      xs.push_back(static_cast<T>(x));
      ++found;
    }
  }
  return xs;
}

template <class T>
void require_default_env() {
#if defined(NONLIN_TEST_FPCR)
  ASSERT_EQ(get_fpcr() & kFzBit, 0u) << "the test process starts with FPCR.FZ set";
#elif NONLIN_TEST_HAVE_MXCSR
  ASSERT_EQ(_mm_getcsr() & (kFtzBit | kDazBit), 0u) << "the test process starts with FTZ/DAZ set";
#endif
}

template <class T>
class Denormals : public ::testing::Test {};
using Types = ::testing::Types<float, double>;
TYPED_TEST_SUITE(Denormals, Types, nonlin_test::TypeNames);

// The brief's named cases, in float and double: default results against the
// reference, then each mode printed.
TYPED_TEST(Denormals, UnaryDefaultModeWithinBound) {
  using T = TypeParam;
  require_default_env<T>();
  using R = nonlin_spec::wide;
  for (auto const& f : unary_cases<T>()) {
    const double p = f.param;
    const auto xs = denormal_inputs<T>(f.name, p);
    const auto ys = run_unary(Mode::standard, f, xs);
    for (std::size_t i = 0; i < xs.size(); ++i) {
      long double hi, lo;
      nonlin_test::split(nonlin_spec::reference_by_name<R>(f.name, R(xs[i]), R(static_cast<T>(p))), hi, lo);
      const long double err = ulp_error<T>(ys[i], hi, lo);
      EXPECT_LE(err, f.max_ulp) << f.name << "<" << type_name<T>() << ">(" << show(xs[i]) << ") = " << show(ys[i])
                                    << ", reference " << hi;
      // signed zeros: a result that is zero carries the sign of the exact value
      if (ys[i] == 0 && hi != 0) {
        EXPECT_EQ(std::signbit(ys[i]), std::signbit(hi)) << f.name << " " << show(xs[i]);
      }
    }
  }
}

// What each mode does, per input class. Asserted (FTZ+DAZ, FTZ, DAZ):
//  * no NaN from a non-NaN input;
//  * normal (or zero / infinite) input with a normal (or zero / infinite)
//    result in the default mode: the same bits in every mode;
//  * normal input, subnormal result in the default mode: with FTZ, a zero of
//    the same sign; with DAZ alone, unchanged or that zero (x < 0 in silu,
//    swish, gelu_tanh: the subnormal quotient is scaled once more, and DAZ
//    reads it as zero);
//  * subnormal input with DAZ: the result of the same-signed zero, except
//    relu / relu6 / leaky_relu, which return the subnormal input itself (no
//    arithmetic: a blend of x, and DAZ makes x < 0 false for a negative
//    one) -- or a zero (relu and relu6 take a max instruction on AVX and
//    AVX-512, which reads x as zero); see the table.
// The default tier in float (with an FMA) scales its results into the
// subnormal range with integer operations (no floating-point underflow, no
// assist); the fast tier (in float, with or without an FMA) does so in its
// tails (fast_math.hpp, ldexp_tiny), and elsewhere by plain multiplies --
// near zero (silu(x) ~ x/2 for a tiny normal x), or a gated numerator
// with a tiny up folded in, which can be subnormal before the scaling --
// which FTZ flushes and DAZ then reads as zero: either way the result as
// computed or a zero of its sign.
template <class T, class F>
constexpr bool integer_subnormals(F const&) {
  constexpr auto tier = std::decay_t<F>::tier;
  return std::is_same<T, float>::value &&
         ((tier == nonlin::tier::standard && nonlin::detail::has_fma) || tier == nonlin::tier::fast);
}

TYPED_TEST(Denormals, UnaryFlushModes) {
#if !NONLIN_TEST_HAVE_MXCSR
  GTEST_SKIP() << "FTZ/DAZ are x86 MXCSR and AArch64 FPCR modes";
#else
  using T = TypeParam;
  require_default_env<T>();
  for (auto const& f : unary_cases<T>()) {
    const auto xs = denormal_inputs<T>(f.name, f.param);
    const auto y0 = run_unary(Mode::standard, f, xs);
    const bool passthrough = f.passthrough;
    std::vector<T> zeros;
    for (T x : xs) zeros.push_back(std::signbit(x) ? -T(0) : T(0));
    const auto y_of_zero = run_unary(Mode::standard, f, zeros);
    for (Mode m : {Mode::ftz, Mode::daz, Mode::ftz_daz}) {
      if (!mode_available(m)) continue;
      const bool ftz = m != Mode::daz, daz = m != Mode::ftz;
      const auto y = run_unary(m, f, xs);
      for (std::size_t i = 0; i < xs.size(); ++i) {
        const T x = xs[i];
        std::ostringstream ctx;
        ctx << f.name << "<" << type_name<T>() << "> " << mode_name(m) << " x=" << show(x) << ": default "
            << show(y0[i]) << ", got " << show(y[i]);
        EXPECT_FALSE(std::isnan(y[i])) << ctx.str();
        if (is_subnormal(x)) {
          if (!daz) {
            // FTZ alone: the input is used as is; a subnormal result flushes.
            if (is_subnormal(y0[i])) {
              EXPECT_TRUE(same_bits(y[i], std::signbit(y0[i]) ? -T(0) : T(0)) || (passthrough && same_bits(y[i], x)) ||
                          (f.integer_subnormals && same_bits(y[i], y0[i])))
                  << ctx.str();
            } else {
              EXPECT_TRUE(same_bits(y[i], y0[i])) << ctx.str();
            }
          } else if (passthrough) {
            // No arithmetic on the x >= 0 side: the blend returns x itself, a
            // subnormal FTZ does not touch; for a negative subnormal, DAZ
            // makes x < 0 false, so x again. (A compiler may also use a
            // max instruction, which reads x as zero: a zero then.)
            EXPECT_TRUE(same_bits(y[i], x) || y[i] == 0) << ctx.str() << " (relu family)";
          } else {
            EXPECT_TRUE(same_bits(y[i], y_of_zero[i])) << ctx.str() << " (expected f(" << show(zeros[i]) << ") = "
                                                       << show(y_of_zero[i]) << ")";
          }
        } else if (is_subnormal(y0[i])) {
          const T zero = std::signbit(y0[i]) ? -T(0) : T(0);
          if (f.integer_subnormals) {
            // The default tier builds subnormal results with integer
            // operations, which FTZ does not flush; a subnormal
            // intermediate that FTZ or DAZ flushes may still move it:
            // at most the smallest normal, with the result's sign.
            EXPECT_TRUE(std::signbit(y[i]) == std::signbit(y0[i]) && std::fabs(y[i]) <= std::numeric_limits<T>::min())
                << ctx.str();
          } else if (ftz) {
            EXPECT_TRUE(same_bits(y[i], zero)) << ctx.str();
          } else {
            // DAZ alone: returned as computed, or -- where the kernel scales a
            // subnormal intermediate once more (x < 0 side of the sigmoid
            // family) -- read as zero there.
            EXPECT_TRUE(same_bits(y[i], y0[i]) || same_bits(y[i], zero)) << ctx.str();
          }
        } else {
          EXPECT_TRUE(same_bits(y[i], y0[i])) << ctx.str();
        }
      }
    }
  }
#endif
}

// The observation table: every input where some mode differs from the
// default (and the brief's named cases).
TYPED_TEST(Denormals, PrintTable) {
#if !NONLIN_TEST_HAVE_MXCSR
  GTEST_SKIP() << "FTZ/DAZ are x86 MXCSR and AArch64 FPCR modes";
#else
  using T = TypeParam;
  require_default_env<T>();
  std::cout << "[ hostile ] " << type_name<T>() << ": function(x) | default | FTZ | DAZ | FTZ+DAZ  (rows where a mode"
            << " differs from the default)\n";
  for (auto const& f : unary_cases<T>()) {
    const auto xs = denormal_inputs<T>(f.name, f.param);
    const auto y0 = run_unary(Mode::standard, f, xs);
    const auto y1 = run_unary(Mode::ftz, f, xs);
    const auto y2 = run_unary(Mode::daz, f, xs);
    const auto y3 = run_unary(Mode::ftz_daz, f, xs);
    for (std::size_t i = 0; i < xs.size(); ++i) {
      if (same_bits(y0[i], y1[i]) && same_bits(y0[i], y2[i]) && same_bits(y0[i], y3[i])) continue;
      std::cout << "[ hostile ]   " << f.name << "(" << brief(xs[i]) << ") | " << brief(y0[i]) << " | " << cell(Mode::ftz, y1[i])
                << " | " << cell(Mode::daz, y2[i]) << " | " << cell(Mode::ftz_daz, y3[i]) << "\n";
    }
  }
  std::cout << std::flush;
#endif
}

// Gated: act(gate) * up. Cases: subnormal product of normal factors; act
// subnormal with |up| <= 1 and with a large up (product normal!); subnormal
// gate; subnormal up.
TYPED_TEST(Denormals, GatedFlushModes) {
#if !NONLIN_TEST_HAVE_MXCSR
  GTEST_SKIP() << "FTZ/DAZ are x86 MXCSR and AArch64 FPCR modes";
#else
  using T = TypeParam;
  require_default_env<T>();
  using R = nonlin_spec::wide;
  const T mn = std::numeric_limits<T>::min(), dm = std::numeric_limits<T>::denorm_min();
  for (auto const& g : gated_cases<T>()) {
    const double beta = g.param;
    // gate values whose activation is subnormal (on a 1/8 grid)
    std::vector<T> sub_gates;
    for (double x = -0.125; sub_gates.size() < 2 && x > -2000; x -= 0.125) {
      const T a = static_cast<T>(nonlin_spec::reference_by_name<R>(g.name, R(static_cast<T>(x)), R(static_cast<T>(beta))));
      if (a == 0) break;
      if (is_subnormal(a)) sub_gates.push_back(static_cast<T>(x));
    }
    ASSERT_FALSE(sub_gates.empty()) << g.name;
    std::vector<T> gs, us;
    auto add = [&](T a, T b) {
      gs.push_back(a);
      us.push_back(b);
    };
    add(T(1.5), T(-2));     // ordinary
    add(T(1), mn * 3);      // normal factors, subnormal product
    add(T(-1), -mn * 3);    // normal factors, subnormal product
    add(T(2), mn / 4);      // subnormal up
    add(dm * 8, T(1));      // subnormal gate
    add(-dm * 8, T(5));     // subnormal gate
    for (T sg : sub_gates) {
      add(sg, T(1));             // act subnormal, |up| <= 1: product subnormal
      add(sg, T(-0.5));
      add(sg, T(1) / mn / 64);   // act subnormal, up huge: product normal
    }
    const auto y0 = run_gated(Mode::standard, g, gs, us);
    // act(gate) alone in the default mode, through up = 1
    const std::vector<T> ones(gs.size(), T(1));
    const auto act0 = run_gated(Mode::standard, g, gs, ones);
    std::cout << "[ hostile ] " << type_name<T>() << " " << g.name
              << "(gate, up) | act(gate) | default | FTZ | DAZ | FTZ+DAZ\n";
    for (Mode m : {Mode::ftz, Mode::daz, Mode::ftz_daz}) {
      if (!mode_available(m)) continue;
      const bool ftz = m != Mode::daz, daz = m != Mode::ftz;
      const auto y = run_gated(m, g, gs, us);
      for (std::size_t i = 0; i < gs.size(); ++i) {
        std::ostringstream ctx;
        ctx << g.name << "<" << type_name<T>() << "> " << mode_name(m) << " gate=" << show(gs[i])
            << " up=" << show(us[i]) << ": default " << show(y0[i]) << ", got " << show(y[i]);
        EXPECT_FALSE(std::isnan(y[i])) << ctx.str();
        const bool sub_in = is_subnormal(gs[i]) || is_subnormal(us[i]);
        const bool sub_act = is_subnormal(act0[i]) && !is_subnormal(gs[i]);
        const T zero = std::signbit(y0[i]) ? -T(0) : T(0);
        if (sub_in && daz) {
          // The subnormal operand is read as a zero of its sign.
          const T ga = is_subnormal(gs[i]) ? (std::signbit(gs[i]) ? -T(0) : T(0)) : gs[i];
          const T ua = is_subnormal(us[i]) ? (std::signbit(us[i]) ? -T(0) : T(0)) : us[i];
          const T expect = g.scalar(ga, ua);
          EXPECT_TRUE(same_bits(y[i], expect) || (ftz && same_bits(y[i], std::signbit(expect) ? -T(0) : T(0))))
              << ctx.str() << " (expected " << show(expect) << ")";
        } else if ((sub_act || is_subnormal(y0[i])) && g.integer_subnormals) {
          // Default and fast tiers: up is folded in before the scaling, so
          // a subnormal act(gate) is never rounded on its own; what FTZ or
          // DAZ can do is flush a subnormal result or intermediate to zero.
          EXPECT_TRUE(same_bits(y[i], y0[i]) || same_bits(y[i], zero)) << ctx.str();
        } else if (sub_act && g.every_pair) {
          // float: the lane is recomputed in double (glu.hpp), where FTZ
          // and DAZ do not touch act(gate): as computed, or a zero.
          EXPECT_TRUE(same_bits(y[i], y0[i]) || same_bits(y[i], zero)) << ctx.str() << " (act(gate) = " << show(act0[i]) << ")";
        } else if (sub_act) {
          // act(gate) is subnormal: FTZ flushes it, and DAZ reads it as zero in
          // the product, so the result is a zero even when the default result
          // is a normal number.
          EXPECT_TRUE(same_bits(y[i], zero)) << ctx.str() << " (act(gate) = " << show(act0[i]) << ")";
        } else if (is_subnormal(y0[i]) && ftz) {
          EXPECT_TRUE(same_bits(y[i], zero)) << ctx.str();
        } else if (!sub_in) {
          EXPECT_TRUE(same_bits(y[i], y0[i])) << ctx.str();
        }
      }
    }
    const auto y1 = run_gated(Mode::ftz, g, gs, us);
    const auto y2 = run_gated(Mode::daz, g, gs, us);
    const auto y3 = run_gated(Mode::ftz_daz, g, gs, us);
    for (std::size_t i = 0; i < gs.size(); ++i)
      std::cout << "[ hostile ]   " << g.name << "(" << brief(gs[i]) << ", " << brief(us[i]) << ") | "
                << brief(act0[i]) << " | " << brief(y0[i]) << " | " << cell(Mode::ftz, y1[i]) << " | "
                << cell(Mode::daz, y2[i]) << " | " << cell(Mode::ftz_daz, y3[i]) << "\n";
    std::cout << std::flush;
  }
#endif
}

// =============================================================== parameters ==

template <class T>
std::vector<T> param_xs() {
  const T inf = std::numeric_limits<T>::infinity();
  return {-inf, T(-1), -T(0), T(0), T(1), inf, std::numeric_limits<T>::quiet_NaN()};
}

std::vector<double> param_values() {
  return {0.0, -0.0, -0.5, -1.0, std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
          -std::numeric_limits<double>::infinity(), 1e300, std::numeric_limits<float>::max() * 1.0, 1e-300};
}

template <class T>
std::vector<T> eval_all(unary_case<T> const& f, std::vector<T> const& xs) {
  // scalar twice (deterministic) and bulk: all three the same bits
  const auto a = run_unary(Mode::standard, f, xs);
  const auto b = run_unary(Mode::standard, f, xs);
  for (std::size_t i = 0; i < xs.size(); ++i)
    EXPECT_TRUE(same_bits(a[i], b[i])) << f.name << " not deterministic at " << show(xs[i]);
  return a;
}

template <class T>
void print_row(const char* fn, double p, std::vector<T> const& ys) {
  std::ostringstream s;
  s << "[ hostile ] " << type_name<T>() << " " << fn << "{" << brief(p) << "}:";
  for (T y : ys) s << " " << std::setw(12) << brief(y);
  std::cout << s.str() << "\n";
}

template <class T>
class Parameters : public ::testing::Test {};
TYPED_TEST_SUITE(Parameters, Types, nonlin_test::TypeNames);

TYPED_TEST(Parameters, LeakyReluAlpha) {
  using T = TypeParam;
  const auto xs = param_xs<T>();
  std::ostringstream head;
  head << "[ hostile ] " << type_name<T>() << " leaky_relu{alpha}(x), x =";
  for (T x : xs) head << " " << std::setw(12) << brief(x);
  std::cout << head.str() << "\n";
  for (double alpha : param_values()) {
    const auto ys = eval_all(erase_unary<T>(nonlin::leaky_relu{alpha}), xs);
    print_row<T>("leaky_relu", alpha, ys);
    const T a = static_cast<T>(alpha);  // nonlin rounds alpha once to T
    for (std::size_t i = 0; i < xs.size(); ++i) {
      const T x = xs[i], y = ys[i];
      if (std::isnan(x)) {
        EXPECT_TRUE(std::isnan(y)) << "alpha " << alpha;
      } else if (!(x < 0)) {
        // x >= 0 (and -0): x itself, whatever alpha is
        EXPECT_TRUE(same_bits(y, x)) << "alpha " << alpha << " x " << show(x) << " -> " << show(y);
      } else {
        // x < 0: the IEEE product alpha * x, rounded once; NaN alpha -> NaN,
        // 0 * -inf -> NaN
        EXPECT_TRUE(same_bits(y, T(a * x))) << "alpha " << alpha << " x " << show(x) << " -> " << show(y);
      }
    }
  }
  std::cout << std::flush;
}

// swish_beta(x) = x sigmoid(beta x); swiglu_beta(x, up) = swish_beta(x) up.
TYPED_TEST(Parameters, SwishAndSwigluBeta) {
  using T = TypeParam;
  using R = nonlin_spec::wide;
  const auto xs = param_xs<T>();
  std::ostringstream head;
  head << "[ hostile ] " << type_name<T>() << " swish{beta}(x), x =";
  for (T x : xs) head << " " << std::setw(12) << brief(x);
  std::cout << head.str() << "\n";
  for (double beta : param_values()) {
    const auto ys = eval_all(erase_unary<T>(nonlin::swish{beta}), xs);
    print_row<T>("swish", beta, ys);
    const T b = static_cast<T>(beta);
    // swiglu with the same beta: up = 1 gives swish exactly, up = 3 swish * 3
    const auto g = erase_gated<T>(nonlin::swiglu{beta});
    const std::vector<T> ones(xs.size(), T(1)), threes(xs.size(), T(3));
    const auto g1 = run_gated(Mode::standard, g, xs, ones);
    const auto g3 = run_gated(Mode::standard, g, xs, threes);
    for (std::size_t i = 0; i < xs.size(); ++i) {
      const T x = xs[i], y = ys[i];
      std::ostringstream ctx;
      ctx << "swish{" << beta << "}(" << show(x) << ") = " << show(y);
      EXPECT_TRUE(same_bits(g1[i], y)) << ctx.str() << " but swiglu(x, 1) = " << show(g1[i]);
      if (nonlin_spec::spec_of<nonlin::swiglu>::template folded<T>() && std::isfinite(x) && std::isfinite(y) &&
          std::isfinite(b)) {
        // folded: 3 x sigmoid(beta x) rounded once, within swiglu's bound
        long double hi, lo;
        nonlin_test::split(3 * nonlin_spec::def_swish::ref(R(x), R(b)), hi, lo);
        EXPECT_LE(ulp_error<T>(g3[i], hi, lo), nonlin::swiglu::max_ulp_float)
            << ctx.str() << " but swiglu(x, 3) = " << show(g3[i]) << ", reference " << hi;
      } else {
        EXPECT_TRUE(same_bits(g3[i], T(y * T(3)))) << ctx.str() << " but swiglu(x, 3) = " << show(g3[i]);
      }
      if (std::isnan(x)) {
        EXPECT_TRUE(std::isnan(y)) << ctx.str();
        continue;
      }
      if (std::isnan(b)) {
        // NaN beta: NaN wherever x != 0 (beta x is NaN); x = +-0 is reported, not asserted.
        if (x != 0) {
          EXPECT_TRUE(std::isnan(y)) << ctx.str();
        }
        continue;
      }
      if (std::isfinite(x) && std::isfinite(b)) {
        // Finite beta and x: the definition; beta = 0 gives exactly x / 2.
        if (b == 0) {
          EXPECT_TRUE(same_bits(y, T(x / 2))) << ctx.str();
        } else {
          long double hi, lo;
          nonlin_test::split(nonlin_spec::def_swish::ref(R(x), R(b)), hi, lo);
          EXPECT_LE(ulp_error<T>(y, hi, lo), nonlin::swish::max_ulp_float) << ctx.str() << ", reference " << hi;
          if (y == 0) {
            EXPECT_EQ(std::signbit(y), std::signbit(x)) << ctx.str();
          }
        }
        continue;
      }
      // Infinite x or beta, where beta x is not 0 * inf: the limit of
      // x sigmoid(beta x), i.e. x when beta x -> +inf, a zero with the sign
      // of x when beta x -> -inf.
      const bool bx_undefined = (x == 0 && std::isinf(b)) || (b == 0 && std::isinf(x));
      if (bx_undefined) continue;  // reported only
      const bool bx_pos = (b > 0) == (x > 0);
      if (bx_pos)
        EXPECT_TRUE(same_bits(y, x)) << ctx.str();
      else
        EXPECT_TRUE(y == 0 && std::signbit(y) == std::signbit(x)) << ctx.str();
    }
  }
  std::cout << std::flush;
}

// ============================================================ death tests ==
// NONLIN_ASSERT is assert(): active only without NDEBUG.

template <class T>
class Preconditions : public ::testing::Test {};
TYPED_TEST_SUITE(Preconditions, Types, nonlin_test::TypeNames);

#ifdef NDEBUG
TYPED_TEST(Preconditions, AssertsInDebugBuilds) {
  GTEST_SKIP() << "NDEBUG is defined: nonlin's precondition checks are compiled out (run a Debug build)";
}
#else
TYPED_TEST(Preconditions, AssertsInDebugBuilds) {
  using T = TypeParam;
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  std::vector<T> buf(64, T(1)), other(64, T(1)), out(64);
  const nonlin::gelu f;
  const nonlin::swiglu g;
  const std::size_t huge = SIZE_MAX / sizeof(T) + 1;
  // unary apply
  EXPECT_DEATH(nonlin::apply(f, buf.data(), buf.data() + 1, 8), "overlap");
  EXPECT_DEATH(nonlin::apply(f, buf.data() + 1, buf.data(), 8), "overlap");
  EXPECT_DEATH(nonlin::apply(f, static_cast<const T*>(nullptr), out.data(), 4), "null buffer");
  EXPECT_DEATH(nonlin::apply(f, buf.data(), static_cast<T*>(nullptr), 4), "null buffer");
  EXPECT_DEATH(nonlin::apply(f, buf.data(), out.data(), huge), "overflows");
  EXPECT_DEATH(nonlin::apply(f, buf.data(), out.data(), SIZE_MAX), "overflows");
  // gated apply
  EXPECT_DEATH(nonlin::apply(g, buf.data(), other.data(), buf.data() + 2, 8), "overlap");
  EXPECT_DEATH(nonlin::apply(g, buf.data(), other.data(), other.data() + 3, 8), "overlap");
  EXPECT_DEATH(nonlin::apply(g, buf.data(), other.data(), out.data(), huge), "overflows");
  EXPECT_DEATH(nonlin::apply(g, buf.data(), static_cast<const T*>(nullptr), out.data(), 4), "null buffer");
  // apply_packed
  EXPECT_DEATH(nonlin::apply_packed(g, buf.data(), 7, out.data(), 4, 2, 4), "in_stride");
  EXPECT_DEATH(nonlin::apply_packed(g, buf.data(), 8, out.data(), 3, 2, 4), "out_stride");
  EXPECT_DEATH(nonlin::apply_packed(g, buf.data(), 8, buf.data(), 9, 2, 4), "out must equal in");  // in place, growing
  EXPECT_DEATH(nonlin::apply_packed(g, buf.data(), 8, buf.data() + 1, 4, 2, 4), "out must equal in");  // overlap
  EXPECT_DEATH(nonlin::apply_packed(g, buf.data(), SIZE_MAX / sizeof(T) / 2 + 1, out.data(), 4, 3, 4), "overflows");
  EXPECT_DEATH(nonlin::apply_packed(g, buf.data(), 8, out.data(), SIZE_MAX / sizeof(T) / 2 + 1, 3, 4), "overflows");
  EXPECT_DEATH(nonlin::apply_packed(g, buf.data(), buf.data() + 1, 2, 4), "out must equal in");  // contiguous overlap
  EXPECT_DEATH(nonlin::apply_packed(g, buf.data(), SIZE_MAX, out.data(), SIZE_MAX, 1, SIZE_MAX / 2), "hidden too large");
  // ... and the legal edge cases do not trip them
  nonlin::apply(f, buf.data(), buf.data(), 8);                          // in place
  nonlin::apply(f, buf.data(), buf.data() + 8, 8);                      // adjacent
  nonlin::apply(f, static_cast<const T*>(nullptr), static_cast<T*>(nullptr), 0);
  nonlin::apply(g, buf.data(), other.data(), other.data(), 8);          // out == up
  nonlin::apply_packed(g, buf.data(), 8, buf.data(), 4, 4, 4);          // in place, compacting
  nonlin::apply_packed(g, buf.data(), 8, buf.data() + 32, 4, 4, 4);     // adjacent regions
  nonlin::apply_packed(g, buf.data(), 3, out.data(), 1, 1, 4);          // one row: strides unused
  SUCCEED();
}
#endif

}  // namespace
