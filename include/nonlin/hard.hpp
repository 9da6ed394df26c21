// nonlin: hardsigmoid and hardswish, the piecewise-polynomial activations of
// MobileNetV3 and the YOLO family.
#ifndef NONLIN_HARD_HPP
#define NONLIN_HARD_HPP

#include <type_traits>

#include "detail/eval.hpp"
#include "detail/math.hpp"
#include "tier.hpp"

NONLIN_BEGIN_NAMESPACE

/// hardsigmoid(x) = relu6(x + 3) / 6 = min(max((x + 3)/6, 0), 1)
/// (PyTorch's Hardsigmoid).
///
/// Evaluated with x + 3 carried exactly and one corrected quotient.
/// Tier: default and precise (named in nonlin::precise too;
/// nonlin::fast::hardsigmoid is the textbook form).
/// Types: float, double, xsimd::batch<float|double, A>.
/// Bound: 1 ULP.
/// Special values: NaN -> NaN; +inf -> 1; -inf -> +0; +-0 -> 0.5;
/// x <= -3 -> +0; x >= 3 -> 1.
struct hardsigmoid {
  static constexpr const char* name = "hardsigmoid";
  static constexpr nonlin::tier tier = nonlin::tier::all;
  static constexpr double max_ulp_float = 1;
  static constexpr double max_ulp_double = 1;

  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    return detail::eval(x, [](auto const& v) NONLIN_INLINE_LAMBDA { return detail::hardsigmoid(v); });
  }
};

/// hardswish(x) = x relu6(x + 3) / 6 (PyTorch's Hardswish).
///
/// Evaluated with x + 3 and x (x + 3) carried exactly and one corrected
/// quotient.
/// Tier: default and precise (named in nonlin::precise too;
/// nonlin::fast::hardswish is the textbook form).
/// Types: float, double, xsimd::batch<float|double, A>.
/// Bound: 1 ULP.
/// Special values: NaN -> NaN; +inf -> +inf; -inf -> -0 (not NaN);
/// +-0 -> +-0; -3 < x < 0 -> negative; x <= -3 -> a zero with the sign of x.
struct hardswish {
  static constexpr const char* name = "hardswish";
  static constexpr nonlin::tier tier = nonlin::tier::all;
  static constexpr double max_ulp_float = 1;
  static constexpr double max_ulp_double = 1;

  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    return detail::eval(x, [](auto const& v) NONLIN_INLINE_LAMBDA { return detail::hardswish(v); });
  }
};

namespace precise {
using nonlin::hardsigmoid;
using nonlin::hardswish;
}  // namespace precise

namespace detail {
// The fast tier's piecewise-linear functors' call: K::fast in float,
// K::exact (the correctly rounded kernel) in double; their loops are those
// of tier::all (piecewise_linear: detail/bulk.hpp).
template <class K>
struct fast_piecewise_on {
  static constexpr bool piecewise_linear = true;
  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    return detail::eval(x, [](auto const& v) NONLIN_INLINE_LAMBDA {
      if constexpr (std::is_same<scalar_t<std::decay_t<decltype(v)>>, float>::value) return K::fast(v);
      else return K::exact(v);
    });
  }
};
struct hardsigmoid_k {
  template <class V>
  static NONLIN_INLINE V fast(V const& x) noexcept { return hardsigmoid_fast(x); }
  template <class V>
  static NONLIN_INLINE V exact(V const& x) noexcept { return hardsigmoid(x); }
};
struct hardswish_k {
  template <class V>
  static NONLIN_INLINE V fast(V const& x) noexcept { return hardswish_fast(x); }
  template <class V>
  static NONLIN_INLINE V exact(V const& x) noexcept { return hardswish(x); }
};
}  // namespace detail

namespace fast {
/// nonlin::fast::hardsigmoid: hardsigmoid(x) = min(max((x + 3)/6, 0), 1)
/// with the textbook's roundings (x clamped to [-3, 3], x + 3 rounded, the
/// quotient by 6 rounded), in five operations per vector and no division.
/// Tier: fast. Types: float, double, xsimd::batch<float|double, A>.
/// Bound: float 1 ULP (two roundings); double runs nonlin::hardsigmoid.
/// Special values: as nonlin::hardsigmoid.
struct hardsigmoid : detail::fast_piecewise_on<detail::hardsigmoid_k> {
  static constexpr const char* name = "fast::hardsigmoid";
  static constexpr nonlin::tier tier = nonlin::tier::fast;
  static constexpr double max_ulp_float = 1;
  static constexpr double max_ulp_double = nonlin::hardsigmoid::max_ulp_double;
};

/// nonlin::fast::hardswish: hardswish(x) = x relu6(x + 3) / 6 as
/// xm (min(xm + 3, 6)/6), xm = max(x, -3), each step rounded: six
/// operations per vector, no division.
/// Tier: fast. Types: float, double, xsimd::batch<float|double, A>.
/// Bound: float 2 ULP (three roundings); double runs nonlin::hardswish.
/// Special values: as nonlin::hardswish.
struct hardswish : detail::fast_piecewise_on<detail::hardswish_k> {
  static constexpr const char* name = "fast::hardswish";
  static constexpr nonlin::tier tier = nonlin::tier::fast;
  static constexpr double max_ulp_float = 2;
  static constexpr double max_ulp_double = nonlin::hardswish::max_ulp_double;
};
}  // namespace fast

NONLIN_END_NAMESPACE  // namespace nonlin

#endif  // NONLIN_HARD_HPP
