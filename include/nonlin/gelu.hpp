// nonlin: gelu (exact, erf form) and gelu_tanh (tanh approximation), in the
// three tiers.
#ifndef NONLIN_GELU_HPP
#define NONLIN_GELU_HPP

#include "detail/eval.hpp"
#include "detail/fast_math.hpp"
#include "detail/math.hpp"
#include "detail/math_std.hpp"
#include "tier.hpp"

NONLIN_BEGIN_NAMESPACE

namespace precise {
/// nonlin::precise::gelu: gelu(x) = x Phi(x) = 0.5 x (1 + erf(x / sqrt 2)), Phi the standard normal
/// CDF: PyTorch's F.gelu(approximate='none').
///
/// Never computes 1 + erf(z) for negative z: beyond |x| = 0.5 it evaluates
/// |x| Phi(-|x|) = e^(-x^2/2) H(1/(|x| + 3.5)) with a fitted H and x^2/2
/// carried exactly, so the negative tail keeps its relative accuracy down to
/// the subnormal range; x > 0.5 gives x - |x| Phi(-|x|); near zero,
/// x/2 + x^2 Q(x^2).
/// Tier: precise. Types: float, double, xsimd::batch<float|double, A>.
/// Bound: float 2 ULP, double 3 ULP.
/// Special values: NaN -> NaN; +inf -> +inf; -inf -> -0 (not NaN);
/// +-0 -> +-0.
struct gelu {
  static constexpr const char* name = "precise::gelu";
  static constexpr nonlin::tier tier = nonlin::tier::precise;
  static constexpr double max_ulp_float = 2;
  static constexpr double max_ulp_double = 3;

  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    return detail::eval(x, [](auto const& v) NONLIN_INLINE_LAMBDA { return detail::gelu(v); });
  }
  // The kernel in two halves, for the bulk loops (detail::staged): the
  // same operations, the same bits.
  template <class B>
  NONLIN_INLINE auto stage1(B const& x) const noexcept {
    return detail::gelu_stage1(x);
  }
  template <class S>
  NONLIN_INLINE auto stage2(S const& s) const noexcept {
    return detail::gelu_stage2(s);
  }
};

/// nonlin::precise::gelu_tanh: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))):
/// PyTorch's F.gelu(approximate='tanh'), measured against this formula
/// evaluated exactly (not against gelu).
///
/// Evaluated as x sigmoid(z), z = 2 sqrt(2/pi) (x + 0.044715 x^3): the same
/// function without the cancellation of 1 + tanh for negative arguments; z
/// is carried as a hi + lo pair because its error is multiplied by |z| in
/// the result.
/// Tier: precise. Types: float, double, xsimd::batch<float|double, A>.
/// Bound: 1 ULP (float and double).
/// Special values: NaN -> NaN; +inf -> +inf; -inf -> -0 (not NaN);
/// +-0 -> +-0.
struct gelu_tanh {
  static constexpr const char* name = "precise::gelu_tanh";
  static constexpr nonlin::tier tier = nonlin::tier::precise;
  static constexpr double max_ulp_float = 1;
  static constexpr double max_ulp_double = 1;

  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    return detail::eval(x, [](auto const& v) NONLIN_INLINE_LAMBDA { return detail::gelu_tanh(v); });
  }
  // As precise::gelu's.
  template <class B>
  NONLIN_INLINE auto stage1(B const& x) const noexcept {
    return detail::gelu_tanh_stage1(x);
  }
  template <class S>
  NONLIN_INLINE auto stage2(S const& s) const noexcept {
    return detail::gelu_tanh_stage2(s);
  }
};
}  // namespace precise

/// nonlin::gelu: gelu(x) = x Phi(x) (erf form), the default tier.
///
/// float: with t = min(|x|, 14.5), Phi(-t) = e^(-t^2/2) B(t) / (sqrt(2 pi)
/// (t B(t) + A(t))) (a fitted rational whose rounding errors cancel), t^2
/// an exact pair; x < 0: -t Phi(-t), x >= 0: x - t Phi(-t); never 1 + erf.
/// Tier: standard (the default). Types: float, double,
/// xsimd::batch<float|double, A>.
/// Bound: float 4 ULP; double, and float on a target without an FMA, run
/// the precise kernel (3 ULP).
/// Special values: NaN -> NaN; +inf -> +inf; -inf -> -0 (not NaN);
/// +-0 -> +-0.
struct gelu {
  static constexpr const char* name = "gelu";
  static constexpr nonlin::tier tier = nonlin::tier::standard;
  static constexpr double max_ulp_float = 4;
  static constexpr double max_ulp_double = precise::gelu::max_ulp_double;
  // (The 16-bit loops of AVX2 builds run it unstaged: detail::staged_16.)
  static constexpr bool overlaps_in_avx2_16 = false;

  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    return detail::eval(x, [](auto const& v) NONLIN_INLINE_LAMBDA { return detail::standard::gelu_kernel(v); });
  }
  // As precise::gelu's.
  template <class B>
  NONLIN_INLINE auto stage1(B const& x) const noexcept {
    return detail::standard::gelu_kernel_stage1(x);
  }
  template <class S>
  NONLIN_INLINE auto stage2(S const& s) const noexcept {
    return gelu_stage2(s);  // (standard:: or detail::, by the state's type)
  }
};

/// nonlin::gelu_tanh: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), the
/// default tier, measured against this formula evaluated exactly.
///
/// float: x sigmoid(z), z = x (c1 + c2 x^2) carried to about 2^-40 (its
/// error is multiplied by |z|); x clamped to [-11, 11] for z.
/// Tier: standard (the default). Types: float, double,
/// xsimd::batch<float|double, A>.
/// Bound: float 4 ULP; double, and float on a target without an FMA, run
/// the precise kernel (1 ULP).
/// Special values: NaN -> NaN; +inf -> +inf; -inf -> -0 (not NaN);
/// +-0 -> +-0.
struct gelu_tanh {
  static constexpr const char* name = "gelu_tanh";
  static constexpr nonlin::tier tier = nonlin::tier::standard;
  // (AVX2 loops: the first half two vectors ahead; bulk.hpp, avx2_ahead.)
  static constexpr std::size_t avx2_ahead = 2;
  static constexpr double max_ulp_float = 4;
  static constexpr double max_ulp_double = precise::gelu_tanh::max_ulp_double;

  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    return detail::eval(x, [](auto const& v) NONLIN_INLINE_LAMBDA { return detail::standard::gelu_tanh_kernel(v); });
  }
  // As precise::gelu's.
  template <class B>
  NONLIN_INLINE auto stage1(B const& x) const noexcept {
    return detail::standard::gelu_tanh_kernel_stage1(x);
  }
  template <class S>
  NONLIN_INLINE auto stage2(S const& s) const noexcept {
    return gelu_tanh_stage2(s);  // (standard:: or detail::, by the state's type)
  }
};

namespace fast {
/// nonlin::fast::gelu: x Phi(x) (erf form) for results stored as bf16 or
/// fp16: P = Phi(-|x|) = e^(-x^2/2) G(1/(|x| + 3)) with a fitted G, then
/// x P (x < 0) or x (1 - P); never 1 + erf.
/// Tier: fast. Types: as nonlin::gelu.
/// Bound: float 4096 ULP (relative error below 2^-11); double runs the
/// precise kernel.
/// Special values: as nonlin::gelu.
struct gelu {
  static constexpr const char* name = "fast::gelu";
  static constexpr nonlin::tier tier = nonlin::tier::fast;
  static constexpr double max_ulp_float = 4096;
  static constexpr double max_ulp_double = precise::gelu::max_ulp_double;

  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    return detail::fast_unary_on<detail::fast_k::gelu, detail::fast::route::split>{}(x);
  }
};

/// nonlin::fast::gelu_tanh: x sigmoid(z), z = 2 sqrt(2/pi) (x + 0.044715
/// x^3), for results stored as bf16 or fp16.
/// Tier: fast. Types: as nonlin::gelu_tanh.
/// Bound: float 4096 ULP (relative error below 2^-11); double runs the
/// precise kernel.
/// Special values: as nonlin::gelu_tanh.
struct gelu_tanh {
  static constexpr const char* name = "fast::gelu_tanh";
  static constexpr nonlin::tier tier = nonlin::tier::fast;
  static constexpr double max_ulp_float = 4096;
  static constexpr double max_ulp_double = precise::gelu_tanh::max_ulp_double;

  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    return detail::fast_unary_on<detail::fast_k::gelu_tanh, detail::fast::route::split>{}(x);
  }
};
}  // namespace fast

NONLIN_END_NAMESPACE  // namespace nonlin

#endif  // NONLIN_GELU_HPP
