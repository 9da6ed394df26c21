// nonlin: sigmoid (the logistic function), in the three tiers.
#ifndef NONLIN_SIGMOID_HPP
#define NONLIN_SIGMOID_HPP

#include "detail/eval.hpp"
#include "detail/fast_math.hpp"
#include "detail/math.hpp"
#include "detail/math_std.hpp"
#include "tier.hpp"

NONLIN_BEGIN_NAMESPACE

namespace precise {
/// nonlin::precise::sigmoid: sigmoid(x) = 1 / (1 + e^-x).
///
/// Evaluated from E = e^-|x| as 1/(1 + E) for x >= 0 and E/(1 + E) for
/// x < 0 with E, numerator and denominator as hi + lo pairs and one
/// corrected quotient; results in the subnormal range are rounded once.
/// Tier: precise. Types: float, double, xsimd::batch<float|double, A>.
/// Bound: 1 ULP (float and double).
/// Special values: NaN -> NaN; +inf -> 1; -inf -> +0; +-0 -> 0.5.
struct sigmoid {
  static constexpr const char* name = "precise::sigmoid";
  static constexpr nonlin::tier tier = nonlin::tier::precise;
  static constexpr double max_ulp_float = 1;
  static constexpr double max_ulp_double = 1;

  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    return detail::eval(x, [](auto const& v) NONLIN_INLINE_LAMBDA { return detail::sigmoid(v); });
  }
  // The kernel in two halves, for the bulk loops (detail::staged): the
  // same operations, the same bits.
  template <class B>
  NONLIN_INLINE auto stage1(B const& x) const noexcept {
    return detail::sigmoid_stage1(x);
  }
  template <class S>
  NONLIN_INLINE auto stage2(S const& s) const noexcept {
    return detail::sigmoid_stage2(s);
  }
};
}  // namespace precise

/// nonlin::sigmoid: sigmoid(x) = 1 / (1 + e^-x), the default tier.
///
/// float: 1/(1 + e^-x), with e^-x = 2^k (1 + s) (degree-6 exp, two-constant
/// reduction) and 1 + e^-x as 2^k + fma(2^k, s, 1); one
/// division; results in the subnormal range rounded once, without a
/// subnormal intermediate. Always in [0, 1].
/// Tier: standard (the default). Types: float, double,
/// xsimd::batch<float|double, A>.
/// Bound: float 4 ULP; double, and float on a target without an FMA, run
/// the precise kernel (1 ULP).
/// Special values: NaN -> NaN; +inf -> 1; -inf -> +0; +-0 -> 0.5.
struct sigmoid {
  static constexpr const char* name = "sigmoid";
  static constexpr nonlin::tier tier = nonlin::tier::standard;
  // (AVX2 loops: the first half two vectors ahead; bulk.hpp, avx2_ahead.)
  static constexpr std::size_t avx2_ahead = 2;
  static constexpr double max_ulp_float = 4;
  static constexpr double max_ulp_double = precise::sigmoid::max_ulp_double;

  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    return detail::eval(x, [](auto const& v) NONLIN_INLINE_LAMBDA { return detail::standard::sigmoid_kernel(v); });
  }
  // As precise::sigmoid's.
  template <class B>
  NONLIN_INLINE auto stage1(B const& x) const noexcept {
    return detail::standard::sigmoid_kernel_stage1(x);
  }
  template <class S>
  NONLIN_INLINE auto stage2(S const& s) const noexcept {
    return sigmoid_stage2(s);  // (standard:: or detail::, by the state's type)
  }
};

namespace fast {
/// nonlin::fast::sigmoid: sigmoid for results stored as bf16 or fp16, with
/// the precise tier's formulation (E = e^-|x|, 1/(1 + E) or E/(1 + E);
/// never negative or NaN; subnormal results scaled once).
/// Tier: fast. Types: as nonlin::sigmoid.
/// Bound: float 2048 ULP (relative error below 2^-12); double runs the
/// precise kernel.
/// Special values: as nonlin::sigmoid.
struct sigmoid {
  static constexpr const char* name = "fast::sigmoid";
  static constexpr nonlin::tier tier = nonlin::tier::fast;
  static constexpr double max_ulp_float = 2048;
  static constexpr double max_ulp_double = precise::sigmoid::max_ulp_double;

  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    return detail::fast_unary_on<detail::fast_k::sigmoid, detail::fast::route::split>{}(x);
  }
};
}  // namespace fast

NONLIN_END_NAMESPACE  // namespace nonlin

#endif  // NONLIN_SIGMOID_HPP
