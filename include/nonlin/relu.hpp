// nonlin: relu and leaky_relu.
#ifndef NONLIN_RELU_HPP
#define NONLIN_RELU_HPP

#include <type_traits>

#include "detail/eval.hpp"
#include "detail/simd.hpp"

NONLIN_BEGIN_NAMESPACE

/// relu(x) = max(x, 0).
///
/// Types: float, double, xsimd::batch<float|double, A>.
/// Accuracy: exact (0 ULP) for every input of either type.
/// Special values: NaN -> NaN (same payload); +inf -> +inf; -inf -> +0;
/// -0 -> -0 (x < 0 is false for -0, so it passes through unchanged).
struct relu {
  static constexpr const char* name = "relu";
  /// Runs at memory speed: apply() streams its large outputs (NONLIN_STREAM_MIN_BYTES).
  template <class T>
  static constexpr bool memory_bound() { return true; }
  static constexpr double max_ulp_float = 0;
  static constexpr double max_ulp_double = 0;

  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    // Through eval like every functor: with the caller's FTZ/DAZ set, a
    // compiler may rewrite the scalar select into arithmetic that flushes.
    return detail::eval(x, [](auto const& v) {
      using W = typename std::decay<decltype(v)>::type;
      return detail::select(v < W(0), W(0), v);
    });
  }
};

/// leaky_relu(x) = x if x >= 0, alpha * x otherwise. Default alpha = 0.01
/// (PyTorch's negative_slope). alpha is held in double and rounded once to
/// the argument's type, so leaky_relu{0.01}(x) for float x uses 0.01f.
///
/// Types: float, double, xsimd::batch<float|double, A>.
/// Accuracy: exact up to the one rounding of alpha * x, i.e. correctly
/// rounded (<= 0.5 ULP) for every input.
/// Special values: NaN -> NaN; +inf -> +inf; -inf -> -inf for alpha > 0;
/// -0 -> -0. Any alpha is accepted; NaN alpha gives NaN for x < 0 only.
struct leaky_relu {
  static constexpr const char* name = "leaky_relu";
  /// Runs at memory speed: apply() streams its large outputs (NONLIN_STREAM_MIN_BYTES).
  template <class T>
  static constexpr bool memory_bound() { return true; }
  static constexpr double max_ulp_float = 0.5;
  static constexpr double max_ulp_double = 0.5;
  double alpha = 0.01;

  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    const double a = alpha;
    return detail::eval(x, [a](auto const& v) {
      using W = typename std::decay<decltype(v)>::type;
      // opaque: clang folds select(c, a*v, v) into v * select(c, a, 1), which
      // flushes a subnormal v under the caller's FTZ/DAZ.
      return detail::select(v < W(0), detail::opaque(detail::splat<W>(a) * v), v);
    });
  }
};

namespace fast {
/// relu and leaky_relu are exact in both tiers; nonlin::fast names them too
/// so that a whole model can switch tiers by namespace.
using nonlin::leaky_relu;
using nonlin::relu;
}  // namespace fast

NONLIN_END_NAMESPACE  // namespace nonlin

#endif  // NONLIN_RELU_HPP
