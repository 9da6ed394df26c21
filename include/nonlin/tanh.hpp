// nonlin: tanh.
#ifndef NONLIN_TANH_HPP
#define NONLIN_TANH_HPP

#include "detail/eval.hpp"
#include "detail/fast_math.hpp"
#include "detail/math.hpp"

NONLIN_BEGIN_NAMESPACE

/// tanh(x), the hyperbolic tangent.
///
/// Evaluated as x + x^3 P(x^2) for |x| <= 0.625 and as
/// sign(x) (1 - e) / (1 + e), e = exp(-2|x|), beyond: nothing overflows and
/// nothing cancels.
/// Types: float, double, xsimd::batch<float|double, A>.
/// Accuracy (max error, measured; see README "Accuracy"):
/// float 0.77 ULP (FMA build) / 0.83 ULP (SSE2 build), over all 2^32 inputs;
/// double 0.71 / 0.74 ULP over 33.5M inputs sampled across all binades,
/// which miss the worst region near |x| = 0.54: 0.81 (FMA) / 0.87 (SSE2) ULP
/// over 33.5M inputs uniform in [0.53, 0.56] (nonlin_sweep --double-only
/// --only tanh --double-range 0.53,0.56 --double-samples 8192), up to 0.88
/// in other draws. Documented bound for double: 0.9.
/// Special values: NaN -> NaN; +-inf -> +-1; +-0 -> +-0 (odd, sign kept).
struct tanh {
  static constexpr const char* name = "tanh";
  static constexpr double max_ulp_float = 0.83;
  static constexpr double max_ulp_double = 0.9;

  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    return detail::eval(x, [](auto const& v) { return detail::tanh(v); });
  }
};

namespace fast {
/// nonlin::fast::tanh: tanh for speed over accuracy (outputs stored as bf16
/// or fp16): -sign(x) q/(2 + q) with q = exp(-2|x|) - 1 evaluated as
/// 2^n (e^r - 1) + (2^n - 1), so it keeps its relative accuracy at 0.
/// Accuracy (float, max error over all 2^32 inputs, AVX-512 build; see
/// README "Fast tier"): 893 ULP, i.e. relative error below 2^-14.
/// double: the precise kernel (nonlin::tanh's bound).
/// Special values: NaN -> NaN; +-inf -> +-1; +-0 -> +-0.
struct tanh {
  static constexpr const char* name = "fast::tanh";
  /// Runs at memory speed in float: apply() streams large float outputs
  /// (NONLIN_STREAM_MIN_BYTES); double runs the precise kernels, which do not.
  template <class T>
  static constexpr bool memory_bound() { return std::is_same<T, float>::value; }
  static constexpr double max_ulp_float = 1024;
  static constexpr double max_ulp_double = nonlin::tanh::max_ulp_double;

  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    return detail::eval(x, [](auto const& v) { return detail::fast::tanh_kernel(v); });
  }
};
}  // namespace fast

NONLIN_END_NAMESPACE  // namespace nonlin

#endif  // NONLIN_TANH_HPP
