// nonlin: silu and swish.
#ifndef NONLIN_SILU_HPP
#define NONLIN_SILU_HPP

#include "detail/eval.hpp"
#include "detail/fast_math.hpp"
#include "detail/math.hpp"

NONLIN_BEGIN_NAMESPACE

/// silu(x) = x * sigmoid(x) (also called swish-1).
///
/// Evaluated as x/(1+e) for x >= 0 and x e/(1+e) for x < 0, e = exp(-|x|),
/// with x folded in before the final power-of-two scaling, so that tiny
/// results (x < -87 in float) are rounded once.
/// Types: float, double, xsimd::batch<float|double, A>.
/// Accuracy (max error, measured; see README "Accuracy"):
/// float 0.79 ULP (FMA build) / 0.81 ULP (SSE2 build), over all 2^32
/// inputs; double 0.66 ULP (max over 33.5M sampled inputs; documented
/// bound 1.0, the worst case of the two roundings of a subnormal result).
/// Special values: NaN -> NaN; +inf -> +inf; -inf -> -0 (not NaN);
/// +-0 -> +-0.
struct silu {
  static constexpr const char* name = "silu";
  static constexpr double max_ulp_float = 0.81;
  static constexpr double max_ulp_double = 1.0;

  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    return detail::eval(x, [](auto const& v) { return detail::silu(v); });
  }
};

/// swish(x) = x * sigmoid(beta * x). Default beta = 1 (then equal to silu).
///
/// beta * x is carried as an exact hi + lo pair, so the error does not grow
/// with |beta x| in the tails. beta is held in double and rounded once to
/// the argument's type.
/// Types: float, double, xsimd::batch<float|double, A>.
/// Accuracy (max error, measured; see README "Accuracy"):
/// float 0.79 ULP for beta = 1.702 over all 2^32 inputs (FMA and SSE2
/// builds; 0.77 ULP for beta = 0.5 on the reference set); double 0.61 ULP
/// (max over 33.5M sampled inputs; documented
/// bound 1.0, the worst case of the two roundings of a subnormal result).
/// Special values: NaN -> NaN; for beta > 0: +inf -> +inf, -inf -> -0;
/// +-0 -> +-0. beta = 0 gives x/2 for finite x.
struct swish {
  static constexpr const char* name = "swish";
  static constexpr double max_ulp_float = 0.8;
  static constexpr double max_ulp_double = 1.0;
  double beta = 1.0;

  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    const double b = beta;
    return detail::eval(x, [b](auto const& v) {
      using W = typename std::decay<decltype(v)>::type;
      return detail::swish(v, detail::splat<W>(b));
    });
  }
};

namespace detail {
namespace fast {
// fast::swish's kernel without its per-vector test of beta = 1 (apply()
// makes that choice once per call: fast::swish::with_kernel).
struct swish_beta {
  double beta;

  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    const double b = beta;
    return detail::eval(x, [b](auto const& v) {
      using W = typename std::decay<decltype(v)>::type;
      return detail::fast::swish_kernel(v, detail::splat<W>(b));
    });
  }
};
}  // namespace fast
}  // namespace detail

namespace fast {
/// nonlin::fast::silu: x * sigmoid(x) for speed over accuracy (outputs
/// stored as bf16 or fp16); same formulation as nonlin::fast::sigmoid.
/// Accuracy (float, max error over all 2^32 inputs, AVX-512 build; see
/// README "Fast tier"): 2334 ULP, i.e. relative error below 2^-12.7.
/// double: the precise kernel (nonlin::silu's bound).
/// Special values: NaN -> NaN; +inf -> +inf; -inf -> -0; +-0 -> +-0.
struct silu {
  static constexpr const char* name = "fast::silu";
  /// Runs at memory speed in float: apply() streams large float outputs
  /// (NONLIN_STREAM_MIN_BYTES); double runs the precise kernels, which do not.
  template <class T>
  static constexpr bool memory_bound() { return std::is_same<T, float>::value; }
  static constexpr double max_ulp_float = 2560;
  static constexpr double max_ulp_double = nonlin::silu::max_ulp_double;

  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    return detail::eval(x, [](auto const& v) { return detail::fast::silu_kernel(v); });
  }
};

/// nonlin::fast::swish: x * sigmoid(beta x) for speed over accuracy
/// (outputs stored as bf16 or fp16). Default beta = 1.
/// Accuracy (float, max error over all 2^32 inputs for beta = 1.702,
/// AVX-512 build; see README "Fast tier"): 2140 ULP, relative error below
/// 2^-12.7 (for other beta, plus the rounding of beta x: |beta x| ulp/2).
/// For |beta| < 2^-56 the bound holds for |x| <= 2^64.
/// double: the precise kernel (nonlin::swish's bound).
/// Special values: as nonlin::swish.
struct swish {
  static constexpr const char* name = "fast::swish";
  /// Runs at memory speed in float: apply() streams large float outputs
  /// (NONLIN_STREAM_MIN_BYTES); double runs the precise kernels, which do not.
  template <class T>
  static constexpr bool memory_bound() { return std::is_same<T, float>::value; }
  static constexpr double max_ulp_float = 2560;
  static constexpr double max_ulp_double = nonlin::swish::max_ulp_double;
  double beta = 1.0;

  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    // float, beta = 1 (SwiGLU's default): the silu kernel, which has no
    // beta x product and no clamp of x and gives the same bits (checked over
    // all 2^32 floats).
    if (detail::fast::is_float<V>::value && beta == 1.0) return fast::silu{}(x);
    return detail::fast::swish_beta{beta}(x);
  }

  /// For apply(): the same choice of kernel made once per call rather than
  /// per vector (the loop then has no test of beta in it). Same bits.
  template <class T, class Fn>
  void with_kernel(Fn&& fn) const noexcept {
    if (std::is_same<T, float>::value && beta == 1.0) {
      fn(fast::silu{});
    } else {
      fn(detail::fast::swish_beta{beta});
    }
  }
};
}  // namespace fast

NONLIN_END_NAMESPACE  // namespace nonlin

#endif  // NONLIN_SILU_HPP
