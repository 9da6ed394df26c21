// nonlin: relu, leaky_relu and relu6.
#ifndef NONLIN_RELU_HPP
#define NONLIN_RELU_HPP

#include <type_traits>

#include "detail/eval.hpp"
#include "detail/ops.hpp"
#include "tier.hpp"

NONLIN_BEGIN_NAMESPACE

namespace detail {
// v < 0 ? +0 : v, v's NaN and -0 kept: the ops' NaN-keeping max (one
// instruction on AVX and AVX-512, a select elsewhere). relu and relu6.
template <class W>
NONLIN_INLINE W max_zero(W const& v) noexcept {
#if defined(__clang__) && defined(__aarch64__)
  // opaque: clang 14 to 16 turn the select (max_keep_nan's, on NEON) into
  // AArch64's fmax(v, 0), which gives +0 for v = -0
  // (llvm/llvm-project#93414).
  const W zero = opaque(W(0));
#else
  const W zero = W(0);
#endif
  return max_keep_nan(v, zero);
}
}  // namespace detail

/// relu(x) = max(x, 0).
///
/// Tier: all (nonlin::precise::relu and nonlin::fast::relu name it too).
/// Types: float, double, xsimd::batch<float|double, A>.
/// Bound: exact (0 ULP).
/// Special values: NaN -> NaN; +inf -> +inf; -inf -> +0; -0 -> -0.
struct relu {
  static constexpr const char* name = "relu";
  static constexpr nonlin::tier tier = nonlin::tier::all;
  static constexpr double max_ulp_float = 0;
  static constexpr double max_ulp_double = 0;

  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    // Through eval like every functor: with the caller's FTZ/DAZ set, a
    // compiler may rewrite the scalar select into arithmetic that flushes.
    return detail::eval(x, [](auto const& v) NONLIN_INLINE_LAMBDA { return detail::max_zero(v); });
  }
};

/// leaky_relu(x) = x for x >= 0, alpha x otherwise.
///
/// Parameter: alpha, default 0.01 (PyTorch's negative_slope); any value.
/// alpha is held in double and rounded once to the argument's type.
/// Tier: all (named in nonlin::precise and nonlin::fast too).
/// Types: float, double, xsimd::batch<float|double, A>.
/// Bound: 0.5 ULP: x itself, or the product alpha x rounded once.
/// Special values: NaN -> NaN; +inf -> +inf; -inf -> -inf for alpha > 0;
/// -0 -> -0. A NaN alpha gives NaN for x < 0 only.
struct leaky_relu {
  static constexpr const char* name = "leaky_relu";
  static constexpr nonlin::tier tier = nonlin::tier::all;
  static constexpr double max_ulp_float = 0.5;
  static constexpr double max_ulp_double = 0.5;
  double alpha = 0.01;

  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    const double a = alpha;
    return detail::eval(x, [a](auto const& v) NONLIN_INLINE_LAMBDA {
      using W = typename std::decay<decltype(v)>::type;
      // opaque: clang folds select(c, a*v, v) into v * select(c, a, 1), which
      // flushes a subnormal v under the caller's FTZ/DAZ.
      return detail::select(v < W(0), detail::opaque(detail::splat<W>(a) * v), v);
    });
  }
};

/// relu6(x) = min(max(x, 0), 6) (MobileNet; PyTorch's ReLU6).
///
/// Tier: all (named in nonlin::precise and nonlin::fast too).
/// Types: float, double, xsimd::batch<float|double, A>.
/// Bound: exact (0 ULP).
/// Special values: NaN -> NaN; +inf -> 6; -inf -> +0; -0 -> -0.
struct relu6 {
  static constexpr const char* name = "relu6";
  static constexpr nonlin::tier tier = nonlin::tier::all;
  static constexpr double max_ulp_float = 0;
  static constexpr double max_ulp_double = 0;

  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    return detail::eval(x, [](auto const& v) NONLIN_INLINE_LAMBDA {
      using W = typename std::decay<decltype(v)>::type;
      // min_keep_nan: one instruction on AVX and AVX-512, as max_zero's.
      return detail::min_keep_nan(detail::max_zero(v), W(6));
    });
  }
};

namespace precise {
using nonlin::leaky_relu;
using nonlin::relu;
using nonlin::relu6;
}  // namespace precise
namespace fast {
using nonlin::leaky_relu;
using nonlin::relu;
using nonlin::relu6;
}  // namespace fast

NONLIN_END_NAMESPACE  // namespace nonlin

#endif  // NONLIN_RELU_HPP
