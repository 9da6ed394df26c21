// nonlin: sigmoid (the logistic function).
#ifndef NONLIN_SIGMOID_HPP
#define NONLIN_SIGMOID_HPP

#include "detail/eval.hpp"
#include "detail/math.hpp"

NONLIN_BEGIN_NAMESPACE

/// sigmoid(x) = 1 / (1 + exp(-x)).
///
/// Evaluated from e = exp(-|x|) as 1/(1+e) for x >= 0 and e/(1+e) for x < 0,
/// so exp never overflows and the result is always in [0, 1]; results in the
/// subnormal range (x < -87.3 in float) are rounded once, correctly scaled.
/// Types: float, double, xsimd::batch<float|double, A>.
/// Accuracy (max error, measured; see README "Accuracy"): float 1.5 ULP,
/// double 1.5 ULP.
/// Special values: NaN -> NaN; +inf -> 1; -inf -> +0; +-0 -> 0.5.
struct sigmoid {
  static constexpr const char* name = "sigmoid";
  static constexpr double max_ulp_float = 1.5;
  static constexpr double max_ulp_double = 1.5;

  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    return detail::eval(x, [](auto const& v) { return detail::sigmoid(v); });
  }
};

NONLIN_END_NAMESPACE  // namespace nonlin

#endif  // NONLIN_SIGMOID_HPP
