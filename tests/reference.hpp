// Reference values for the hardening tests (test_hostile, fastmath/, odr/),
// computed directly from each definition in a wider type: long double, or
// __float128 (libquadmath) when NONLIN_TEST_HAVE_QUADMATH is 1. Independent
// of nonlin (no nonlin header is included), so a translation unit that must
// not instantiate nonlin itself can still use it.
//
// Every formula is written so that it does not cancel or overflow in the wide
// type (sigmoid from e^-|x|, gelu from erfc of a non-negative argument when
// x < 0), so the only error is the wide type's rounding: ~2^-64 relative
// (long double) or ~2^-113 (quad). Long double is ample for float results;
// for double results in the deep tails of gelu / gelu_tanh (|x| > ~20), where
// the argument's rounding is amplified by x^2, prefer quad.
#ifndef NONLIN_TESTS_REFERENCE_HPP
#define NONLIN_TESTS_REFERENCE_HPP

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#ifndef NONLIN_TEST_HAVE_QUADMATH
#define NONLIN_TEST_HAVE_QUADMATH 0
#endif
#if NONLIN_TEST_HAVE_QUADMATH
#include "quad.hpp"
#endif

namespace nonlin_ref {

inline long double r_exp(long double x) { return std::exp(x); }
inline long double r_erfc(long double x) { return std::erfc(x); }
inline long double r_tanh(long double x) { return std::tanh(x); }
inline long double r_sqrt(long double x) { return std::sqrt(x); }
inline long double r_atan(long double x) { return std::atan(x); }
inline bool r_isnan(long double x) { return std::isnan(x); }
#if NONLIN_TEST_HAVE_QUADMATH
using quad = __float128;
inline quad r_exp(quad x) { return expq(x); }
inline quad r_erfc(quad x) { return erfcq(x); }
inline quad r_tanh(quad x) { return tanhq(x); }
inline quad r_sqrt(quad x) { return sqrtq(x); }
inline quad r_atan(quad x) { return atanq(x); }
inline bool r_isnan(quad x) { return isnanq(x) != 0; }
using wide = quad;
#else
using wide = long double;
#endif

template <class R>
R relu(R x) {
  return x < 0 ? R(0) : x;
}

template <class R>
R leaky_relu(R x, R alpha) {
  return x < 0 ? alpha * x : x;
}

template <class R>
R sigmoid(R x) {
  if (r_isnan(x)) return x;
  if (x >= 0) return R(1) / (R(1) + r_exp(-x));
  const R e = r_exp(x);
  return e / (R(1) + e);
}

template <class R>
R swish(R x, R beta) {
  return x * sigmoid(beta * x);
}

template <class R>
R silu(R x) {
  return x * sigmoid(x);
}

template <class R>
R tanh(R x) {
  return r_tanh(x);
}

// gelu(x) = x/2 erfc(-x/sqrt 2): no cancellation for either sign.
template <class R>
R gelu(R x) {
  static const R rsqrt2 = R(1) / r_sqrt(R(2));
  return x / 2 * r_erfc(-x * rsqrt2);
}

// gelu_tanh(x) = x sigmoid(2 sqrt(2/pi) (x + 0.044715 x^3)), the identity
// 1/2 (1 + tanh u) = sigmoid(2u), evaluated in the wide type.
template <class R>
R gelu_tanh(R x) {
  static const R k = 2 * r_sqrt(R(2) / (4 * r_atan(R(1))));
  static const R c = R(44715) / R(1000000);
  return x * sigmoid(k * (x + c * x * x * x));
}

// The mathematical function a functor computes: its name without the tier
// prefix ("fast::sigmoid" -> "sigmoid").
inline std::string base_name(std::string const& name) {
  return name.rfind("fast::", 0) == 0 ? name.substr(6) : name;
}

// Unary reference by nonlin's functor name (either tier); param is alpha
// (leaky_relu) or beta (swish), already rounded to the argument type as
// nonlin does.
template <class R>
R unary(std::string const& full_name, R x, R param) {
  const std::string name = base_name(full_name);
  if (name == "relu") return relu(x);
  if (name == "leaky_relu") return leaky_relu(x, param);
  if (name == "tanh") return tanh(x);
  if (name == "sigmoid") return sigmoid(x);
  if (name == "gelu") return gelu(x);
  if (name == "gelu_tanh") return gelu_tanh(x);
  if (name == "silu") return silu(x);
  if (name == "swish") return swish(x, param);
  return std::numeric_limits<R>::quiet_NaN();
}

// The activation of a gated functor, by name (glu: sigmoid, swiglu: swish).
template <class R>
R gate_act(std::string const& full_name, R gate, R beta) {
  const std::string name = base_name(full_name);
  if (name == "glu") return sigmoid(gate);
  if (name == "swiglu") return swish(gate, beta);
  if (name == "geglu") return gelu(gate);
  if (name == "geglu_tanh") return gelu_tanh(gate);
  return std::numeric_limits<R>::quiet_NaN();
}

// The reference as the (hi, lo) long double pair tests/common.hpp's
// ulp_error takes: hi + lo = ref to the wide type's precision.
template <class R>
void split(R ref, long double& hi, long double& lo) {
  hi = static_cast<long double>(ref);
  lo = std::isfinite(hi) ? static_cast<long double>(ref - R(hi)) : 0.0L;
}

}  // namespace nonlin_ref

#endif  // NONLIN_TESTS_REFERENCE_HPP
