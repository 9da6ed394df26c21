// nonlin: gelu (exact, erf form) and gelu_tanh (tanh approximation).
#ifndef NONLIN_GELU_HPP
#define NONLIN_GELU_HPP

#include "detail/eval.hpp"
#include "detail/fast_math.hpp"
#include "detail/math.hpp"

NONLIN_BEGIN_NAMESPACE

/// gelu(x) = 0.5 x (1 + erf(x / sqrt 2)) = x Phi(x): PyTorch's
/// F.gelu(approximate='none').
///
/// Never computes 1 + erf(z) for negative z: for |x| > 0.5 it evaluates
/// |x| Phi(-|x|) = |x| erfc(|x|/sqrt 2)/2 directly (exp(-x^2/2) times a
/// fitted polynomial in 1/(|x| + 3.5)), with x^2/2 carried exactly, so the
/// negative tail keeps full relative accuracy down to the subnormal range;
/// x > 0.5 gives x - |x| Phi(-|x|). Near zero, x/2 + x^2 Q(x^2).
/// Types: float, double, xsimd::batch<float|double, A>.
/// Accuracy (max error, measured; see README "Accuracy"):
/// float 1.61 ULP (FMA build) / 2.00 ULP (SSE2 build), over all 2^32
/// inputs; double 1.50 ULP over 33.5M inputs sampled across all binades,
/// which miss the worst region: just past the switch to the tail formula at
/// x = -0.5 (found by the differential fuzzer), 1.99 (FMA) / 2.49 (SSE2) ULP
/// over 33.5M inputs uniform in [-0.51, -0.5] (nonlin_sweep --double-only
/// --only gelu --double-range -0.51,-0.5 --double-samples 8192), up to
/// 2.01 / 2.50 in other draws. Documented bound for double: 2.6.
/// Special values: NaN -> NaN; +inf -> +inf; -inf -> -0 (not NaN);
/// +-0 -> +-0.
struct gelu {
  static constexpr const char* name = "gelu";
  static constexpr double max_ulp_float = 2.0;
  static constexpr double max_ulp_double = 2.6;

  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    return detail::eval(x, [](auto const& v) { return detail::gelu(v); });
  }
};

/// gelu_tanh(x) = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))):
/// PyTorch's F.gelu(approximate='tanh'). Accuracy is measured against this
/// formula evaluated exactly (not against gelu).
///
/// Evaluated as x * sigmoid(z), z = 2 sqrt(2/pi) (x + 0.044715 x^3), which is
/// the same function without the cancellation of 1 + tanh for negative
/// arguments; z is carried as a hi + lo pair because its error is multiplied
/// by |z| in the result.
/// Types: float, double, xsimd::batch<float|double, A>.
/// Accuracy (max error, measured; see README "Accuracy"):
/// float 0.81 ULP (FMA and SSE2 builds), over all 2^32 inputs; double
/// 0.71 ULP (max over 33.5M sampled inputs; documented
/// bound 1.0, the worst case of the two roundings of a subnormal result).
/// Special values: NaN -> NaN; +inf -> +inf; -inf -> -0 (not NaN);
/// +-0 -> +-0.
struct gelu_tanh {
  static constexpr const char* name = "gelu_tanh";
  static constexpr double max_ulp_float = 0.81;
  static constexpr double max_ulp_double = 1.0;

  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    return detail::eval(x, [](auto const& v) { return detail::gelu_tanh(v); });
  }
};

namespace fast {
/// nonlin::fast::gelu: x Phi(x) (erf form) for speed over accuracy (outputs
/// stored as bf16 or fp16): P = Phi(-|x|) = exp(-x^2/2) G(1/(|x| + 3)) with
/// G a fitted polynomial, then x P (x < 0) or x (1 - P); never 1 + erf.
/// Accuracy (float, max error over all 2^32 inputs, AVX-512 build; see
/// README "Fast tier"): 3618 ULP, i.e. relative error below 2^-12.
/// double: the precise kernel (nonlin::gelu's bound).
/// Special values: NaN -> NaN; +inf -> +inf; -inf -> -0; +-0 -> +-0.
struct gelu {
  static constexpr const char* name = "fast::gelu";
  /// Runs at memory speed in float: apply() streams large float outputs
  /// (NONLIN_STREAM_MIN_BYTES); double runs the precise kernels, which do not.
  template <class T>
  static constexpr bool memory_bound() { return std::is_same<T, float>::value; }
  static constexpr double max_ulp_float = 4096;
  static constexpr double max_ulp_double = nonlin::gelu::max_ulp_double;

  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    return detail::eval(x, [](auto const& v) { return detail::fast::gelu_kernel(v); });
  }
};

/// nonlin::fast::gelu_tanh: x * sigmoid(z), z = 2 sqrt(2/pi) (x + 0.044715
/// x^3), for speed over accuracy (outputs stored as bf16 or fp16).
/// Accuracy (float, max error over all 2^32 inputs, AVX-512 build; see
/// README "Fast tier"): 2295 ULP, i.e. relative error below 2^-12.7.
/// double: the precise kernel (nonlin::gelu_tanh's bound).
/// Special values: NaN -> NaN; +inf -> +inf; -inf -> -0; +-0 -> +-0.
struct gelu_tanh {
  static constexpr const char* name = "fast::gelu_tanh";
  /// Runs at memory speed in float: apply() streams large float outputs
  /// (NONLIN_STREAM_MIN_BYTES); double runs the precise kernels, which do not.
  template <class T>
  static constexpr bool memory_bound() { return std::is_same<T, float>::value; }
  static constexpr double max_ulp_float = 2560;
  static constexpr double max_ulp_double = nonlin::gelu_tanh::max_ulp_double;

  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    return detail::eval(x, [](auto const& v) { return detail::fast::gelu_tanh_kernel(v); });
  }
};
}  // namespace fast

NONLIN_END_NAMESPACE  // namespace nonlin

#endif  // NONLIN_GELU_HPP
