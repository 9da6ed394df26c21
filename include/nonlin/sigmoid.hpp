// nonlin: sigmoid (the logistic function).
#ifndef NONLIN_SIGMOID_HPP
#define NONLIN_SIGMOID_HPP

#include "detail/eval.hpp"
#include "detail/fast_math.hpp"
#include "detail/math.hpp"

NONLIN_BEGIN_NAMESPACE

/// sigmoid(x) = 1 / (1 + exp(-x)).
///
/// Evaluated from e = exp(-|x|) as 1/(1+e) for x >= 0 and e/(1+e) for x < 0,
/// so exp never overflows and the result is always in [0, 1]; results in the
/// subnormal range (x < -87.3 in float) are rounded once, correctly scaled.
/// Types: float, double, xsimd::batch<float|double, A>.
/// Accuracy (max error, measured; see README "Accuracy"):
/// float 0.78 ULP (FMA and SSE2 builds), over all 2^32 inputs;
/// double 0.59 / 0.58 ULP (max over 33.5M sampled inputs; documented
/// bound 1.0, the worst case of the two roundings of a subnormal result).
/// Special values: NaN -> NaN; +inf -> 1; -inf -> +0; +-0 -> 0.5.
struct sigmoid {
  static constexpr const char* name = "sigmoid";
  static constexpr double max_ulp_float = 0.78;
  static constexpr double max_ulp_double = 1.0;

  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    return detail::eval(x, [](auto const& v) { return detail::sigmoid(v); });
  }
};

namespace fast {
/// nonlin::fast::sigmoid: sigmoid for speed over accuracy (for outputs
/// stored as bf16 or fp16), with the precise tier's formulation: e =
/// exp(-|x|), 1/(1+e) or e/(1+e), results never negative or NaN, subnormal
/// results scaled once.
/// Accuracy (float, max error over all 2^32 inputs, AVX-512 build; see
/// README "Fast tier"): 1835 ULP, i.e. relative error below 2^-13.
/// double: the precise kernel (nonlin::sigmoid's bound).
/// Special values: NaN -> NaN; +inf -> 1; -inf -> +0; +-0 -> 0.5.
struct sigmoid {
  static constexpr const char* name = "fast::sigmoid";
  /// Runs at memory speed in float: apply() streams large float outputs
  /// (NONLIN_STREAM_MIN_BYTES); double runs the precise kernels, which do not.
  template <class T>
  static constexpr bool memory_bound() { return std::is_same<T, float>::value; }
  static constexpr double max_ulp_float = 2048;
  static constexpr double max_ulp_double = nonlin::sigmoid::max_ulp_double;

  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    return detail::eval(x, [](auto const& v) { return detail::fast::sigmoid_kernel(v); });
  }
};
}  // namespace fast

NONLIN_END_NAMESPACE  // namespace nonlin

#endif  // NONLIN_SIGMOID_HPP
