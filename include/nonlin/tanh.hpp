// nonlin: tanh, in the three tiers.
#ifndef NONLIN_TANH_HPP
#define NONLIN_TANH_HPP

#include "detail/eval.hpp"
#include "detail/fast_math.hpp"
#include "detail/math.hpp"
#include "detail/math_std.hpp"
#include "tier.hpp"

NONLIN_BEGIN_NAMESPACE

namespace precise {
/// nonlin::precise::tanh: tanh(x), the hyperbolic tangent.
///
/// Evaluated as x + x^3 P(x^2) near 0 and as sign(x) (1 - E)/(1 + E),
/// E = e^-2|x|, beyond, both sides carried as hi + lo pairs: nothing
/// overflows and nothing cancels.
/// Tier: precise. Types: float, double, xsimd::batch<float|double, A>.
/// Bound: 1 ULP (float and double).
/// Special values: NaN -> NaN; +-inf -> +-1; +-0 -> +-0.
struct tanh {
  static constexpr const char* name = "precise::tanh";
  static constexpr nonlin::tier tier = nonlin::tier::precise;
  static constexpr double max_ulp_float = 1;
  static constexpr double max_ulp_double = 1;

  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    return detail::eval(x, [](auto const& v) NONLIN_INLINE_LAMBDA { return detail::tanh(v); });
  }
  // The kernel in two halves, for the bulk loops (detail::staged): the
  // same operations, the same bits.
  template <class B>
  NONLIN_INLINE auto stage1(B const& x) const noexcept {
    return detail::tanh_stage1(x);
  }
  template <class S>
  NONLIN_INLINE auto stage2(S const& s) const noexcept {
    return detail::tanh_stage2(s);
  }
};
}  // namespace precise

/// nonlin::tanh: tanh(x), the default tier.
///
/// float: sign(x) q/(2 - q), q = 1 - e^-2|x| evaluated as (1 - 2^n) - 2^n
/// (e^(2h) - 1) with its own polynomial, so it keeps its relative accuracy
/// at 0; |x| clamped at 9.1, where tanh has rounded to 1.
/// Tier: standard (the default). Types: float, double,
/// xsimd::batch<float|double, A>.
/// Bound: float 4 ULP; double, and float on a target without an FMA, run
/// the precise kernel (1 ULP).
/// Special values: NaN -> NaN; +-inf -> +-1; +-0 -> +-0.
struct tanh {
  static constexpr const char* name = "tanh";
  static constexpr nonlin::tier tier = nonlin::tier::standard;
  // (AVX2 loops: the first half two vectors ahead; bulk.hpp, avx2_ahead.)
  static constexpr std::size_t avx2_ahead = 2;
  static constexpr double max_ulp_float = 4;
  static constexpr double max_ulp_double = precise::tanh::max_ulp_double;

  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    return detail::eval(x, [](auto const& v) NONLIN_INLINE_LAMBDA { return detail::standard::tanh_kernel(v); });
  }
  // As precise::tanh's.
  template <class B>
  NONLIN_INLINE auto stage1(B const& x) const noexcept {
    return detail::standard::tanh_kernel_stage1(x);
  }
  template <class S>
  NONLIN_INLINE auto stage2(S const& s) const noexcept {
    return tanh_stage2(s);  // (standard:: or detail::, by the state's type)
  }
};

namespace fast {
/// nonlin::fast::tanh: tanh for results stored as bf16 or fp16:
/// x P(x^2) / Q(x^2), a rational of degrees 7 and 6 (fitted by
/// scripts/fit_tanh_rational.py), x clamped to [-6.747, 6.747] and the
/// result to [-1, 1]; one division, no exp.
/// Tier: fast. Types: as nonlin::tanh.
/// Bound: float 128 ULP (relative error below 2^-16); double runs the
/// precise kernel.
/// Special values: as nonlin::tanh.
struct tanh {
  static constexpr const char* name = "fast::tanh";
  static constexpr nonlin::tier tier = nonlin::tier::fast;
  static constexpr double max_ulp_float = 128;
  static constexpr double max_ulp_double = precise::tanh::max_ulp_double;

  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    return detail::fast_unary_on<detail::fast_k::tanh, detail::fast::route::split>{}(x);
  }
};
}  // namespace fast

NONLIN_END_NAMESPACE  // namespace nonlin

#endif  // NONLIN_TANH_HPP
