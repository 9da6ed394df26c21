// The spec of every nonlin function: one row per functor, from which the
// tests, the sweep, the fuzzer, the digests and the benchmarks expand.
//
// A row is nonlin_spec::spec<F> for a functor type F of nonlin's function
// list (nonlin/function_list.hpp). It names:
//   * the mathematical definition `def` (shared by the tiers of a function):
//     its name; the reference, written once as a template over the wide
//     type R (long double for float results, __float128 for double results,
//     double for the float sweep's first pass); the special-value table;
//     the sampling ranges; the output range; the textbook formula the
//     benchmarks run as a baseline;
//   * the parameter, if any: its default, sample and hostile values, the
//     rules the contract fixes exactly, and the range where the ULP bound
//     holds;
//   * for a gated functor: the activation functor and the packed gate half;
//   * the digest group: which builds must agree bit for bit.
// A functor of the list without a row is a compile error in every program
// that iterates the list (the primary template below).
//
// Internal linkage on purpose (an unnamed namespace in a header): the ODR
// test (tests/odr) and the fast-math test (tests/fastmath) include this from
// translation units compiled with different -march or -ffast-math flags, and
// none of their inline functions may be one the linker could take from
// another TU.
#ifndef NONLIN_TESTS_SPEC_HPP
#define NONLIN_TESTS_SPEC_HPP

#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "nonlin/nonlin.hpp"

#ifndef NONLIN_TEST_HAVE_QUADMATH
#define NONLIN_TEST_HAVE_QUADMATH 0
#endif
#if NONLIN_TEST_HAVE_QUADMATH
#include "quad.hpp"
#endif

namespace {
namespace nonlin_spec {

// ------------------------------------------------------ wide arithmetic --

inline double r_exp(double x) { return std::exp(x); }
inline double r_erfc(double x) { return std::erfc(x); }
inline double r_tanh(double x) { return std::tanh(x); }
inline double r_sqrt(double x) { return std::sqrt(x); }
inline double r_atan(double x) { return std::atan(x); }
inline long double r_exp(long double x) { return std::exp(x); }
inline long double r_erfc(long double x) { return std::erfc(x); }
inline long double r_tanh(long double x) { return std::tanh(x); }
inline long double r_sqrt(long double x) { return std::sqrt(x); }
inline long double r_atan(long double x) { return std::atan(x); }
#if NONLIN_TEST_HAVE_QUADMATH
typedef nonlin_quad quad;  // __float128, or long double where that is binary128 (quad.hpp)
#endif
#if NONLIN_TEST_HAVE_QUADMATH && !NONLIN_TEST_QUAD_IS_LONG_DOUBLE
inline quad r_exp(quad x) { return expq(x); }
inline quad r_erfc(quad x) { return erfcq(x); }
inline quad r_tanh(quad x) { return tanhq(x); }
inline quad r_sqrt(quad x) { return sqrtq(x); }
inline quad r_atan(quad x) { return atanq(x); }
#endif

// The reference type for results of type T: ~2^-64 relative for float,
// ~2^-113 for double (long double where __float128 is missing).
template <class T>
struct wide_of {
  using type = long double;
};
#if NONLIN_TEST_HAVE_QUADMATH
template <>
struct wide_of<double> {
  using type = quad;
};
#endif

// The widest reference type: __float128 where the compiler has it.
#if NONLIN_TEST_HAVE_QUADMATH
using wide = quad;
#else
using wide = long double;
#endif

// sigmoid(z) and x sigmoid(z) without cancellation or overflow for either
// sign of z.
template <class R>
R sigmoid_of(R z) {
  if (z >= 0) return R(1) / (R(1) + r_exp(-z));
  const R e = r_exp(z);
  return e / (R(1) + e);
}
template <class R>
R x_sigmoid(R x, R z) {
  if (z >= 0) return x / (R(1) + r_exp(-z));
  const R e = r_exp(z);
  return x * e / (R(1) + e);
}

// ------------------------------------------------------------- row parts --

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// One special input and the result the contract fixes for it, compared bit
// for bit (the sign of a zero included; any NaN matches NaN). kMax and
// -kMax stand for the largest finite value of the argument type.
struct special {
  double x, y;
};
constexpr double kMax = std::numeric_limits<double>::max();

// A special value in T: +-kMax as T's largest finite value.
template <class T>
T special_value(double v) {
  if (v == kMax) return std::numeric_limits<T>::max();
  if (v == -kMax) return std::numeric_limits<T>::lowest();
  return static_cast<T>(v);
}

struct range {
  double lo, hi;
};

// Which builds must give the same bits (scripts/test.sh, tests/digest):
//   exact: every build (no rounding, or one rounding the same everywhere);
//   fma:   every build with an FMA, and every build without one (the
//          kernels fuse a*b + c where the target can);
//   isa:   every build without an FMA; builds with one may differ by
//          instruction set (the fast tier's approximate ops), each within
//          the functor's bound.
enum class group { exact, fma, isa };
inline const char* group_name(group g) { return g == group::exact ? "exact" : g == group::fma ? "fma" : "isa"; }

// No parameter.
struct no_param {};

// ------------------------------------------------- the mathematical rows --
// Each def_*: name, ref<R>(x, p) (the exact value for finite x; p is the
// parameter rounded to the argument type, 0 when there is none), specials
// (at the default parameter), core and tail (sampling ranges: where the
// function bends, and where its tails end), out_lo/out_hi (the range of the
// result), passthrough (x is returned without arithmetic on one side, so a
// subnormal x survives DAZ), sign_of_x (|f(x)| <= |x| with the sign of x),
// and textbook<M>(x, p): the formula as a framework writes it, for the
// benchmarks' baselines (M: the math policy, std:: or xsimd).

struct def_relu {
  static constexpr const char* name = "relu";
  template <class R>
  static R ref(R x, R) {
    // The zero is read from a volatile: clang 14 to 16 turn x < 0 ? 0 : x
    // into AArch64's fmax(x, 0), which gives +0 for -0 (llvm/llvm-project
    // #93414; relu.hpp does the same in nonlin's relu).
    volatile R zero = 0;
    return x < 0 ? R(zero) : x;
  }
  static constexpr special specials[] = {{kNaN, kNaN}, {kInf, kInf}, {-kInf, 0.0}, {0.0, 0.0}, {-0.0, -0.0}};
  static constexpr range core{-8, 8}, tail{-100, 100};
  static constexpr double out_lo = 0, out_hi = kInf;
  static constexpr bool passthrough = true, sign_of_x = false;
  template <class M, class V>
  static V textbook(V x, float) {
    return M::max(x, V(0.0f));
  }
};

struct def_leaky_relu {
  static constexpr const char* name = "leaky_relu";
  template <class R>
  static R ref(R x, R a) {
    return x < 0 ? a * x : x;
  }
  static constexpr special specials[] = {{kNaN, kNaN}, {kInf, kInf}, {-kInf, -kInf}, {0.0, 0.0}, {-0.0, -0.0}};
  static constexpr range core{-8, 8}, tail{-100, 100};
  static constexpr double out_lo = -kInf, out_hi = kInf;
  static constexpr bool passthrough = true, sign_of_x = false;
  template <class M, class V>
  static V textbook(V x, float a) {
    return M::select(x < V(0.0f), V(a) * x, x);
  }
};

struct def_relu6 {
  static constexpr const char* name = "relu6";
  template <class R>
  static R ref(R x, R) {
    return x < 0 ? R(0) : x > 6 ? R(6) : x;
  }
  static constexpr special specials[] = {{kNaN, kNaN}, {kInf, 6.0}, {-kInf, 0.0}, {0.0, 0.0},
                                         {-0.0, -0.0}, {6.0, 6.0},  {7.0, 6.0}};
  static constexpr range core{-2, 8}, tail{-100, 100};
  static constexpr double out_lo = 0, out_hi = 6;
  static constexpr bool passthrough = true, sign_of_x = false;
  template <class M, class V>
  static V textbook(V x, float) {
    return M::min(M::max(x, V(0.0f)), V(6.0f));
  }
};

struct def_hardsigmoid {
  static constexpr const char* name = "hardsigmoid";
  template <class R>
  static R ref(R x, R) {
    return x <= -3 ? R(0) : x >= 3 ? R(1) : (x + 3) / 6;
  }
  static constexpr special specials[] = {{kNaN, kNaN}, {kInf, 1.0}, {-kInf, 0.0}, {0.0, 0.5},
                                         {-0.0, 0.5},  {3.0, 1.0},  {-3.0, 0.0}};
  static constexpr range core{-4, 4}, tail{-100, 100};
  static constexpr double out_lo = 0, out_hi = 1;
  static constexpr bool passthrough = false, sign_of_x = false;
  template <class M, class V>
  static V textbook(V x, float) {
    return M::min(M::max(x + V(3.0f), V(0.0f)), V(6.0f)) / V(6.0f);
  }
};

struct def_hardswish {
  static constexpr const char* name = "hardswish";
  template <class R>
  static R ref(R x, R) {
    return x <= -3 ? (x < 0 ? -R(0) : R(0)) : x >= 3 ? x : x * (x + 3) / 6;
  }
  static constexpr special specials[] = {{kNaN, kNaN}, {kInf, kInf},  {-kInf, -0.0}, {0.0, 0.0},
                                         {-0.0, -0.0}, {3.0, 3.0},    {-3.0, -0.0}};
  static constexpr range core{-4, 4}, tail{-100, 100};
  static constexpr double out_lo = -kInf, out_hi = kInf;
  static constexpr bool passthrough = false, sign_of_x = true;
  template <class M, class V>
  static V textbook(V x, float) {
    return x * M::min(M::max(x + V(3.0f), V(0.0f)), V(6.0f)) / V(6.0f);
  }
};

struct def_tanh {
  static constexpr const char* name = "tanh";
  template <class R>
  static R ref(R x, R) {
    return r_tanh(x);
  }
  static constexpr special specials[] = {{kNaN, kNaN}, {kInf, 1.0}, {-kInf, -1.0}, {0.0, 0.0}, {-0.0, -0.0}};
  static constexpr range core{-5, 5}, tail{-20, 20};
  static constexpr double out_lo = -1, out_hi = 1;
  static constexpr bool passthrough = false, sign_of_x = false;
  template <class M, class V>
  static V textbook(V x, float) {
    return M::tanh(x);
  }
};

struct def_sigmoid {
  static constexpr const char* name = "sigmoid";
  template <class R>
  static R ref(R x, R) {
    return sigmoid_of(x);
  }
  static constexpr special specials[] = {{kNaN, kNaN},
                                         {kInf, 1.0},
                                         {-kInf, 0.0},
                                         {0.0, 0.5},
                                         {-0.0, 0.5},
                                         {kMax, 1.0},
                                         {-kMax, 0.0}};
  static constexpr range core{-16, 16}, tail{-750, 40};
  static constexpr double out_lo = 0, out_hi = 1;
  static constexpr bool passthrough = false, sign_of_x = false;
  template <class M, class V>
  static V textbook(V x, float) {
    return V(1.0f) / (V(1.0f) + M::exp(-x));
  }
};

// The x * p(x) family shares these specials: -inf -> -0, never NaN.
constexpr special kXTimesP[] = {{kNaN, kNaN},
                                {kInf, kInf},
                                {-kInf, -0.0},
                                {0.0, 0.0},
                                {-0.0, -0.0},
                                {kMax, kMax},
                                {-kMax, -0.0}};

struct def_silu {
  static constexpr const char* name = "silu";
  template <class R>
  static R ref(R x, R) {
    return x_sigmoid(x, x);
  }
  static constexpr auto& specials = kXTimesP;
  static constexpr range core{-16, 16}, tail{-750, 40};
  static constexpr double out_lo = -kInf, out_hi = kInf;
  static constexpr bool passthrough = false, sign_of_x = true;
  template <class M, class V>
  static V textbook(V x, float) {
    return x / (V(1.0f) + M::exp(-x));
  }
};

struct def_swish {
  static constexpr const char* name = "swish";
  template <class R>
  static R ref(R x, R beta) {
    return x_sigmoid(x, beta * x);
  }
  static constexpr auto& specials = kXTimesP;  // beta = 1
  static constexpr range core{-16, 16}, tail{-750, 40};
  static constexpr double out_lo = -kInf, out_hi = kInf;
  static constexpr bool passthrough = false, sign_of_x = true;  // beta > 0
  template <class M, class V>
  static V textbook(V x, float beta) {
    return x / (V(1.0f) + M::exp(-(V(beta) * x)));
  }
};

struct def_gelu {
  static constexpr const char* name = "gelu";
  // x/2 erfc(-x/sqrt 2): no cancellation for either sign.
  template <class R>
  static R ref(R x, R) {
    const R rsqrt2 = R(1) / r_sqrt(R(2));
    return x / 2 * r_erfc(-x * rsqrt2);
  }
  static constexpr auto& specials = kXTimesP;
  static constexpr range core{-6, 6}, tail{-40, 10};
  static constexpr double out_lo = -kInf, out_hi = kInf;
  static constexpr bool passthrough = false, sign_of_x = true;
  template <class M, class V>
  static V textbook(V x, float) {
    return V(0.5f) * x * (V(1.0f) + M::erf(x * V(0.7071067811865475244f)));
  }
};

struct def_gelu_tanh {
  static constexpr const char* name = "gelu_tanh";
  // x sigmoid(2 sqrt(2/pi) (x + 0.044715 x^3)), the identity
  // (1 + tanh u)/2 = sigmoid(2u); x and x^3 have one sign, so nothing
  // cancels.
  template <class R>
  static R ref(R x, R) {
    const R k = 2 * r_sqrt(R(2) / (4 * r_atan(R(1))));
    const R c = R(44715) / R(1000000);
    return x_sigmoid(x, k * (x + c * x * x * x));
  }
  static constexpr auto& specials = kXTimesP;
  static constexpr range core{-6, 6}, tail{-40, 10};
  static constexpr double out_lo = -kInf, out_hi = kInf;
  static constexpr bool passthrough = false, sign_of_x = true;
  template <class M, class V>
  static V textbook(V x, float) {
    return V(0.5f) * x * (V(1.0f) + M::tanh(V(0.7978845608028653559f) * (x + V(0.044715f) * x * x * x)));
  }
};

// ------------------------------------------------------------ parameters --

// leaky_relu's alpha: any value; the result is x or the product alpha * x
// rounded once, so every output is fixed exactly.
template <class F>
struct param_alpha {
  static constexpr const char* name = "alpha";
  static constexpr double samples[] = {0.01, 0.2, 0.5};
  static constexpr double hostile[] = {0.0, -0.0, -1.0, 1.0, 1e30, -1e30, 1e-45, kInf, -kInf, kNaN, 3e38, 1e300};
  static double get(F const& f) { return f.alpha; }
  static F with(double a) {
    F f;
    f.alpha = a;
    return f;
  }
  template <class T>
  static bool fixed(T x, T a, T& y) {
    y = x < 0 ? T(a * x) : x;
    return true;
  }
  template <class T>
  static bool bounded(T, bool) {
    return true;
  }
};

// swish's and swiglu's beta. The contract fixes: NaN beta -> NaN; beta = 0
// -> x/2 (NaN at +-inf, 0 * inf); +-inf beta at x = +-0 -> NaN; at an
// infinite x or beta the limit (x where beta x -> +inf, a zero with the sign
// of x where beta x -> -inf). The ULP bound holds for 2^-80 <= |beta| <=
// 2^90 in float (the fast tier: from 2^-56, as with AVX-512 it clamps |x|
// at 2^64) and
// 2^-940 <= |beta| <= 2^960 in double (README, Guarantees).
template <class F>
struct param_beta {
  static constexpr const char* name = "beta";
  static constexpr double samples[] = {1.0, 1.702, 0.5};
  // The documented special cases: 0, -0, negative, NaN, +-inf, too large
  // or too small for float, subnormal, and the edges of the bounded range.
  static constexpr double hostile[] = {0.0,    -0.0,   -0.5,  -1.0,  -1.702, kNaN,   kInf,   -kInf,
                                       1e300,  -1e300, 3.4028234663852886e38, 1e-300, 1e-40, 4.9e-324,
                                       3.0e38, 1e5,    -1e5,  100.0, 0x1p-80, 0x1p90, 0x1p-940, 0x1p960};
  static double get(F const& f) { return f.beta; }
  static F with(double b) {
    F f;
    f.beta = b;
    return f;
  }
  template <class T>
  static bool fixed(T x, T b, T& y) {
    if (std::isnan(x) || std::isnan(b)) {
      y = std::numeric_limits<T>::quiet_NaN();
      return true;
    }
    if (b == 0) {
      y = std::isinf(x) ? std::numeric_limits<T>::quiet_NaN() : T(x / 2);
      return true;
    }
    if (std::isinf(b) && x == 0) {
      y = std::numeric_limits<T>::quiet_NaN();
      return true;
    }
    if (std::isinf(x) || std::isinf(b)) {
      y = (b > 0) == (x > 0) ? x : std::copysign(T(0), x);
      return true;
    }
    return false;
  }
  template <class T>
  static bool bounded(T b, bool fast_tier) {
    const bool f = std::is_same<T, float>::value;
    const T a = std::fabs(b);
    const int lo = f ? (fast_tier ? -56 : -80) : -940;
    return a >= std::ldexp(T(1), lo) && a <= std::ldexp(T(1), f ? 90 : 960);
  }
};

// --------------------------------------------------------- the functor rows --

// The primary template: a functor of the function list with no row.
template <class F>
struct spec {
  static_assert(sizeof(F) == 0, "nonlin_spec: this functor has no spec row; add one to tests/spec.hpp");
};

template <class Def, class F, group G>
struct unary_row {
  using def = Def;
  using functor = F;
  using param = no_param;
  static constexpr bool gated = false;
  static constexpr group digest = G;
  static constexpr bool fast_tier = F::tier == nonlin::tier::fast;
};


template <class Def, class F, group G, template <class> class P>
struct unary_param_row : unary_row<Def, F, G> {
  using param = P<F>;
};

// Gated: out = act(gate) * up, with Act the activation's functor (of the
// same tier) and Half the documented packed gate half. folded: up is
// multiplied into act's numerator before its final scaling (float: the
// default tier with an FMA, the fast tier), so the result is not the
// rounded act(gate) times up, and the bound holds for every pair; otherwise out = act(gate) * up rounded
// once, except in the float lanes of nonlin::detail::recomputes (act(gate)
// below the smallest normal, 1 < |up| <= max: up act(gate) in double), so
// the bound holds for every pair in float and, in double, where act(gate)
// is normal or |up| <= 1.
template <class F, class Act, nonlin::gate_half Half, group G>
struct gated_row {
  static_assert(F::packed_gate == Half, "the functor's packed gate half differs from its spec row");
  using functor = F;
  using act = Act;
  using def = typename spec<Act>::def;
  using param = no_param;
  static constexpr bool gated = true;
  static constexpr nonlin::gate_half half = Half;
  static constexpr group digest = G;
  static constexpr bool fast_tier = F::tier == nonlin::tier::fast;
  // Whether the bound holds for every finite pair: folded, or float (where
  // the unfolded tiers recompute the lanes of nonlin::detail::recomputes).
  template <class T>
  static constexpr bool every_pair() {
    return folded<T>() || std::is_same<T, float>::value;
  }
  template <class T>
  static constexpr bool folded() {
    return std::is_same<T, float>::value &&
           ((F::tier == nonlin::tier::standard && nonlin::detail::has_fma) || F::tier == nonlin::tier::fast);
  }
};

template <class F, class Act, nonlin::gate_half Half, group G, template <class> class P>
struct gated_param_row : gated_row<F, Act, Half, G> {
  using param = P<F>;
};

using nonlin::gate_half;

// clang-format off
template <> struct spec<nonlin::relu> : unary_row<def_relu, nonlin::relu, group::exact> {};
template <> struct spec<nonlin::leaky_relu>
    : unary_param_row<def_leaky_relu, nonlin::leaky_relu, group::exact, param_alpha> {};
template <> struct spec<nonlin::relu6> : unary_row<def_relu6, nonlin::relu6, group::exact> {};
template <> struct spec<nonlin::hardsigmoid> : unary_row<def_hardsigmoid, nonlin::hardsigmoid, group::fma> {};
template <> struct spec<nonlin::hardswish> : unary_row<def_hardswish, nonlin::hardswish, group::fma> {};
template <> struct spec<nonlin::fast::hardsigmoid>
    : unary_row<def_hardsigmoid, nonlin::fast::hardsigmoid, group::fma> {};
template <> struct spec<nonlin::fast::hardswish> : unary_row<def_hardswish, nonlin::fast::hardswish, group::fma> {};

// One row per function and tier: default (nonlin::), precise, fast.
#define NONLIN_SPEC_UNARY(fn)                                                                              \
  template <> struct spec<nonlin::fn> : unary_row<def_##fn, nonlin::fn, group::fma> {};                   \
  template <> struct spec<nonlin::precise::fn> : unary_row<def_##fn, nonlin::precise::fn, group::fma> {}; \
  template <> struct spec<nonlin::fast::fn> : unary_row<def_##fn, nonlin::fast::fn, group::isa> {};
NONLIN_SPEC_UNARY(tanh)
NONLIN_SPEC_UNARY(sigmoid)
NONLIN_SPEC_UNARY(gelu)
NONLIN_SPEC_UNARY(gelu_tanh)
NONLIN_SPEC_UNARY(silu)
#undef NONLIN_SPEC_UNARY
template <> struct spec<nonlin::swish> : unary_param_row<def_swish, nonlin::swish, group::fma, param_beta> {};
template <> struct spec<nonlin::precise::swish>
    : unary_param_row<def_swish, nonlin::precise::swish, group::fma, param_beta> {};
template <> struct spec<nonlin::fast::swish>
    : unary_param_row<def_swish, nonlin::fast::swish, group::isa, param_beta> {};

#define NONLIN_SPEC_GATED(g, act, half)                                                                  \
  template <> struct spec<nonlin::g> : gated_row<nonlin::g, nonlin::act, half, group::fma> {};            \
  template <> struct spec<nonlin::precise::g>                                                             \
      : gated_row<nonlin::precise::g, nonlin::precise::act, half, group::fma> {};                        \
  template <> struct spec<nonlin::fast::g> : gated_row<nonlin::fast::g, nonlin::fast::act, half, group::isa> {};
NONLIN_SPEC_GATED(glu, sigmoid, gate_half::second)
NONLIN_SPEC_GATED(geglu, gelu, gate_half::first)
NONLIN_SPEC_GATED(geglu_tanh, gelu_tanh, gate_half::first)
#undef NONLIN_SPEC_GATED
template <> struct spec<nonlin::swiglu>
    : gated_param_row<nonlin::swiglu, nonlin::swish, gate_half::first, group::fma, param_beta> {};
template <> struct spec<nonlin::precise::swiglu>
    : gated_param_row<nonlin::precise::swiglu, nonlin::precise::swish, gate_half::first, group::fma, param_beta> {};
template <> struct spec<nonlin::fast::swiglu>
    : gated_param_row<nonlin::fast::swiglu, nonlin::fast::swish, gate_half::first, group::isa, param_beta> {};
// clang-format on

// ----------------------------------------------------------------- access --

template <class F>
using spec_of = spec<std::decay_t<F>>;

template <class F>
constexpr bool has_param() {
  return !std::is_same<typename spec_of<F>::param, no_param>::value;
}

// The functor's parameter as a double (0 when it has none).
template <class F>
double param_of(F const& f) {
  if constexpr (has_param<F>()) return spec_of<F>::param::get(f);
  else return (void)f, 0.0;
}

// The functor with its parameter set to p (unchanged when it has none).
template <class F>
F with_param(F const& f, double p) {
  if constexpr (has_param<F>()) return spec_of<F>::param::with(p);
  else return (void)p, f;
}

// The functor's name, with its parameter where that is not the default:
// "swish(beta=1.702)".
template <class F>
std::string label_of(F const& f) {
  std::string s = F::name;
  if constexpr (has_param<F>()) {
    const double p = param_of(f);
    if (p != param_of(F{})) {
      char buf[48];
      std::snprintf(buf, sizeof buf, "(%s=%g)", spec_of<F>::param::name, p);
      s += buf;
    }
  }
  return s;
}

template <class T, class F>
constexpr double bound_of() {
  return std::is_same<T, float>::value ? F::max_ulp_float : F::max_ulp_double;
}

// The activation functor of a gated functor g, with g's parameter.
template <class G>
typename spec_of<G>::act act_of(G const& g) {
  using A = typename spec_of<G>::act;
  if constexpr (has_param<G>()) return spec_of<A>::param::with(param_of(g));
  else return (void)g, A{};
}

// The value the contract fixes exactly for f at x (parameter p, already
// rounded to T): the special-value table at the default parameter, the
// parameter rules, and for the functions that round at most once (relu,
// leaky_relu, relu6) every input. Returns false where only the ULP bound
// applies.
template <class F, class T>
bool fixed_value(F const& f, T x, T& y) {
  using S = spec_of<F>;
  static_assert(!S::gated, "fixed_value: unary functors");
  if (std::isnan(x)) {
    y = std::numeric_limits<T>::quiet_NaN();
    return true;
  }
  if constexpr (has_param<F>()) {
    const T p = static_cast<T>(param_of(f));
    if (S::param::fixed(x, p, y)) return true;
    if (param_of(f) != param_of(F{})) return false;
  }
  if constexpr (std::is_same<typename S::def, def_relu>::value || std::is_same<typename S::def, def_relu6>::value) {
    y = static_cast<T>(S::def::ref(x, T(0)));
    return true;
  }
  for (special const& c : S::def::specials) {
    if (std::isnan(c.x)) continue;
    const T cx = special_value<T>(c.x);
    if (std::memcmp(&cx, &x, sizeof x) == 0) {
      y = special_value<T>(c.y);
      return true;
    }
  }
  return false;
}

// The exact value of f at the finite x in R (the parameter rounded to the
// argument type first, as the functors document).
template <class R, class F, class T>
R reference(F const& f, T x) {
  using S = spec_of<F>;
  static_assert(!S::gated, "reference: unary functors");
  return S::def::ref(R(x), R(static_cast<T>(param_of(f))));
}

// The value the contract fixes for g(gate, up) in T, if any: NaN in either
// operand gives NaN; an infinite gate gives act's limit times up (NaN for
// 0 * inf); a gate whose act the table fixes gives that value times up
// rounded once. An infinite up with a finite gate: unfolded rows multiply
// the rounded act(gate) (0 * inf = NaN where it underflowed); folded rows
// give the limit of the exact product: +-inf with the sign of act (sigmoid
// > 0; the x * p(x) family has the sign of gate), NaN at gate = +-0 for the
// latter.
template <class G, class T>
bool gated_fixed(G const& g, T gate, T up, T& y) {
  using S = spec_of<G>;
  const auto act = act_of(g);
  if (std::isnan(gate) || std::isnan(up)) {
    y = std::numeric_limits<T>::quiet_NaN();
    return true;
  }
  T a;
  if (S::template folded<T>() && std::isfinite(gate) && std::isinf(up)) {
    if (std::isnan(param_of(g))) {  // NaN beta: NaN
      y = std::numeric_limits<T>::quiet_NaN();
      return true;
    }
    const bool x_times_p = S::def::sign_of_x;
    if (x_times_p && gate == 0) y = std::numeric_limits<T>::quiet_NaN();
    else y = (x_times_p && gate < 0) ? -up : up;
    return true;
  }
  if (fixed_value(act, gate, a)) {
    // Folded rows, and the lanes the unfolded tiers recompute in double,
    // multiply up in before rounding: where the fixed act(gate) is itself
    // rounded (e.g. x/2 at beta = 0 in the subnormal range), the product is
    // not fixed, only bounded (the caller's ULP check).
    // Folded rows also round up * gate on the way (subnormal products
    // included): only a zero act(gate) fixes their product.
    using W = typename wide_of<T>::type;
    if (S::template folded<T>() && std::isfinite(gate) && std::isfinite(a) && a != 0) return false;
    if (nonlin::detail::recomputes(a, up) && std::isfinite(gate) && std::isfinite(a) &&
        static_cast<W>(a) != reference<W>(act, gate))
      return false;
    y = a * up;
    return true;
  }
  if (std::isinf(up)) {
    y = act(gate) * up;  // unfolded: the rounded act times up
    return true;
  }
  return false;
}

// The exact value of act(gate) * up for finite gate and up, in R.
template <class R, class G, class T>
R gated_reference(G const& g, T gate, T up) {
  return reference<R>(act_of(g), gate) * R(up);
}

// Whether the ULP bound is promised at this parameter (always, for the
// functions without one).
template <class F, class T>
bool bound_holds(F const& f) {
  if constexpr (has_param<F>()) return spec_of<F>::param::bounded(static_cast<T>(param_of(f)), spec_of<F>::fast_tier);
  else return (void)f, true;
}

// Calls fn(f) for every functor of nonlin's lists, unary then gated; every
// one must have a row (checked at compile time by spec_of).
template <class Fn>
void for_each_unary(Fn&& fn) {
  nonlin::for_each_function(nonlin::unary_functions(), [&](auto const& f) {
    (void)sizeof(spec_of<decltype(f)>);
    fn(f);
  });
}
template <class Fn>
void for_each_gated(Fn&& fn) {
  nonlin::for_each_function(nonlin::gated_functions(), [&](auto const& g) {
    (void)sizeof(spec_of<decltype(g)>);
    fn(g);
  });
}

// The reference of the function named `name` (any functor's F::name; for a
// gated one, its activation's) at the finite x with parameter p (rounded to
// the argument type), in R: for the programs that hold functions by name
// and must not instantiate nonlin's kernels themselves (tests/odr,
// tests/fastmath). NaN for an unknown name.
template <class R>
R reference_by_name(std::string const& name, R x, R p) {
  R out = R(std::numeric_limits<double>::quiet_NaN());
  bool found = false;
  for_each_unary([&](auto const& f) {
    if (!found && name == f.name) {
      out = spec_of<decltype(f)>::def::ref(x, p);
      found = true;
    }
  });
  for_each_gated([&](auto const& g) {
    if (!found && name == g.name) {
      out = spec_of<decltype(g)>::def::ref(x, p);
      found = true;
    }
  });
  return out;
}

constexpr std::size_t kUnaryCount = std::tuple_size<decltype(nonlin::unary_functions())>::value;
constexpr std::size_t kGatedCount = std::tuple_size<decltype(nonlin::gated_functions())>::value;

}  // namespace nonlin_spec
}  // namespace

#endif  // NONLIN_TESTS_SPEC_HPP
