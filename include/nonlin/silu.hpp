// nonlin: silu and swish, in the three tiers.
#ifndef NONLIN_SILU_HPP
#define NONLIN_SILU_HPP

#include <type_traits>

#include "detail/eval.hpp"
#include "detail/fast_math.hpp"
#include "detail/math.hpp"
#include "detail/math_std.hpp"
#include "tier.hpp"

NONLIN_BEGIN_NAMESPACE

namespace precise {
/// nonlin::precise::silu: silu(x) = x sigmoid(x) (also called swish-1).
///
/// Evaluated as x/(1 + E) for x >= 0 and x E/(1 + E) for x < 0, E = e^-|x|,
/// with x folded in before the final power-of-two scaling, so that results
/// in the subnormal range are rounded once.
/// Tier: precise. Types: float, double, xsimd::batch<float|double, A>.
/// Bound: 1 ULP (float and double).
/// Special values: NaN -> NaN; +inf -> +inf; -inf -> -0 (not NaN);
/// +-0 -> +-0.
struct silu {
  static constexpr const char* name = "precise::silu";
  static constexpr nonlin::tier tier = nonlin::tier::precise;
  static constexpr double max_ulp_float = 1;
  static constexpr double max_ulp_double = 1;

  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    return detail::eval(x, [](auto const& v) NONLIN_INLINE_LAMBDA { return detail::silu(v); });
  }
  // The kernel in two halves, for the bulk loops (detail::staged): the
  // same operations, the same bits.
  template <class B>
  NONLIN_INLINE auto stage1(B const& x) const noexcept {
    return detail::silu_stage1(x);
  }
  template <class S>
  NONLIN_INLINE auto stage2(S const& s) const noexcept {
    return detail::silu_stage2(s);
  }
};

/// nonlin::precise::swish: swish(x) = x sigmoid(beta x).
///
/// Parameter: beta, default 1 (then equal to silu); held in double and
/// rounded once to the argument's type. beta x is carried as an exact
/// hi + lo pair, so the error does not grow with |beta x|.
/// Tier: precise. Types: float, double, xsimd::batch<float|double, A>.
/// Bound: 1 ULP (float and double) for 2^-80 <= |beta| <= 2^90 in float and
/// 2^-940 <= |beta| <= 2^960 in double; any other beta gives a
/// deterministic result, never NaN for a non-NaN x.
/// Special values: NaN -> NaN; for beta > 0: +inf -> +inf, -inf -> -0;
/// +-0 -> +-0. beta = 0: x/2 for finite x; NaN beta: NaN; 0 * inf (beta = 0
/// at x = +-inf, beta = +-inf at x = +-0): NaN.
struct swish {
  static constexpr const char* name = "precise::swish";
  static constexpr nonlin::tier tier = nonlin::tier::precise;
  static constexpr double max_ulp_float = 1;
  static constexpr double max_ulp_double = 1;
  double beta = 1.0;

  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    const double b = beta;
    return detail::eval(x, [b](auto const& v) NONLIN_INLINE_LAMBDA {
      using W = typename std::decay<decltype(v)>::type;
      return detail::swish(v, detail::splat<W>(b));
    });
  }
  // The kernel in two halves, for the bulk loops (detail::staged): the
  // same operations, the same bits.
  template <class B>
  NONLIN_INLINE auto stage1(B const& x) const noexcept {
    return detail::swish_stage1(x, detail::splat<B>(beta));
  }
  template <class S>
  NONLIN_INLINE auto stage2(S const& s) const noexcept {
    return detail::times_sigmoid_stage2(s);
  }
};
}  // namespace precise

/// nonlin::silu: silu(x) = x sigmoid(x), the default tier.
///
/// float: x/(1 + E) or x E/(1 + E), E = e^-|x|, with x folded in before the
/// final scaling; below x = -109 the result is -0.
/// Tier: standard (the default). Types: float, double,
/// xsimd::batch<float|double, A>.
/// Bound: float 4 ULP; double, and float on a target without an FMA, run
/// the precise kernel (1 ULP).
/// Special values: NaN -> NaN; +inf -> +inf; -inf -> -0 (not NaN);
/// +-0 -> +-0.
struct silu {
  static constexpr const char* name = "silu";
  static constexpr nonlin::tier tier = nonlin::tier::standard;
  // (AVX2 loops: the first half two vectors ahead; bulk.hpp, avx2_ahead.)
  static constexpr std::size_t avx2_ahead = 2;
  static constexpr double max_ulp_float = 4;
  static constexpr double max_ulp_double = precise::silu::max_ulp_double;

  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    return detail::eval(x, [](auto const& v) NONLIN_INLINE_LAMBDA { return detail::standard::silu_kernel(v); });
  }
  // As precise::silu's.
  template <class B>
  NONLIN_INLINE auto stage1(B const& x) const noexcept {
    return detail::standard::silu_kernel_stage1(x);
  }
  template <class S>
  NONLIN_INLINE auto stage2(S const& s) const noexcept {
    return silu_stage2(s);  // (standard:: or detail::, by the state's type)
  }
};

/// nonlin::swish: swish(x) = x sigmoid(beta x), the default tier.
///
/// Parameter: beta, default 1; held in double and rounded once to the
/// argument's type. float: beta x carried as an exact pair; lanes with
/// |x| > 2^32 are evaluated by the precise kernel in double.
/// Tier: standard (the default). Types: float, double,
/// xsimd::batch<float|double, A>.
/// Bound: float 4 ULP for the beta range of precise::swish; double, and
/// float on a target without an FMA, run the precise kernel.
/// Special values: as precise::swish.
struct swish {
  static constexpr const char* name = "swish";
  static constexpr nonlin::tier tier = nonlin::tier::standard;
  static constexpr double max_ulp_float = 4;
  static constexpr double max_ulp_double = precise::swish::max_ulp_double;
  double beta = 1.0;

  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    const double b = beta;
    return detail::eval(x, [b](auto const& v) NONLIN_INLINE_LAMBDA {
      using W = typename std::decay<decltype(v)>::type;
      return detail::standard::swish_kernel(v, detail::splat<W>(b));
    });
  }
  // The bulk loops' call (batches; rare lanes deferred: detail::standard::rare_defer).
  template <class V>
  NONLIN_INLINE V operator()(V const& x, detail::standard::rare_defer const& rare) const noexcept {
    if constexpr (detail::standard::is_float<V>::value)
      return detail::standard::swish(x, detail::splat<V>(beta), rare);
    else
      return detail::swish(x, detail::splat<V>(beta));
  }
  // The float kernel in two halves, for the bulk loops (detail::staged):
  // the same operations, the same bits; the second half also with the rare
  // lanes deferred.
  template <class B, class = typename std::enable_if<detail::standard::is_float<B>::value>::type>
  NONLIN_INLINE auto stage1(B const& x) const noexcept {
    return detail::standard::swish_stage1(x, detail::splat<B>(beta));
  }
  template <class B, class Rare = detail::standard::rare_now>
  NONLIN_INLINE B stage2(detail::standard::swish_state<B> const& s, Rare const& rare = Rare{}) const noexcept {
    return detail::standard::swish_stage2(s, detail::splat<B>(beta), rare);
  }
};

namespace fast {
/// nonlin::fast::silu: x sigmoid(x) for results stored as bf16 or fp16;
/// the formulation of nonlin::fast::sigmoid.
/// Tier: fast. Types: as nonlin::silu.
/// Bound: float 4096 ULP (relative error below 2^-11); double runs the
/// precise kernel.
/// Special values: as nonlin::silu.
struct silu {
  static constexpr const char* name = "fast::silu";
  static constexpr nonlin::tier tier = nonlin::tier::fast;
  static constexpr double max_ulp_float = 4096;
  static constexpr double max_ulp_double = precise::silu::max_ulp_double;

  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    return detail::fast_unary_on<detail::fast_k::silu, detail::fast::route::split>{}(x);
  }
};

/// nonlin::fast::swish: x sigmoid(beta x) for results stored as bf16 or
/// fp16. Parameter: beta, default 1 (then the same bits as fast::silu).
/// Tier: fast. Types: as nonlin::swish.
/// Bound: float 4096 ULP for 2^-56 <= |beta| <= 2^90 (with AVX-512 |x| is
/// clamped at 2^64 in the numerator; in other builds with an FMA the lanes
/// with |x| > 2^32 are computed by the precise kernel, and the bound holds
/// from 2^-80); double runs the precise kernel.
/// Special values: as precise::swish.
struct swish {
  static constexpr const char* name = "fast::swish";
  static constexpr nonlin::tier tier = nonlin::tier::fast;
  static constexpr double max_ulp_float = 4096;
  static constexpr double max_ulp_double = precise::swish::max_ulp_double;
  double beta = 1.0;

  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    // float with beta = 1: silu's kernel, which has no beta x product and
    // no clamp of x, and gives the same bits.
    if (std::is_same<detail::scalar_t<V>, float>::value && beta == 1.0) return fast::silu{}(x);
    return detail::fast_beta_on<detail::fast_k::swish, detail::fast::route::split>{beta}(x);
  }
};
}  // namespace fast

NONLIN_END_NAMESPACE  // namespace nonlin

#endif  // NONLIN_SILU_HPP
