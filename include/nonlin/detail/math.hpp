// nonlin::detail: the vector math every activation is built from, written
// once over V = float | double | xsimd::batch<float|double, A>.
//
// Design rules (they are what the accuracy tables in README.md rest on):
//  * Only exp of a non-positive argument is ever needed: every activation is
//    rewritten in terms of exp(-|z|), so nothing overflows.
//  * exp returns its result in pieces, e^a = (u + x) * 2^k1 * 2^k2 with
//    both powers of two normal, so that a caller can multiply its own factor
//    in before the last scaling: a result in the subnormal range is then
//    rounded once, not twice (gradual underflow done right).
//  * No intrinsic and no instruction-set test here: only the ops of ops.hpp.
//  * Nothing is computed as 1 + erf(z) or 1 + tanh(z) for negative z; the
//    negative side uses Phi(-t) = erfc(t/sqrt 2)/2 or e^z directly.
//  * Branch-free: both sides of every case are computed and selected, so
//    the same code runs in the vector body and on scalars.
#ifndef NONLIN_DETAIL_MATH_HPP
#define NONLIN_DETAIL_MATH_HPP

#include <cstddef>
#include <limits>

#include "coefficients.hpp"
#include "ops.hpp"

NONLIN_BEGIN_NAMESPACE
namespace detail {

// ---------------------------------------------------------------- helpers --

template <std::size_t I, class V, class T, std::size_t N>
NONLIN_INLINE V horner_at(V const& x, const T (&c)[N]) noexcept {
  if constexpr (I + 1 == N) {
    (void)x;
    return V(c[I]);
  } else {
    return detail::fma(horner_at<I + 1>(x, c), x, V(c[I]));
  }
}

// c[0] + c[1]*x + ... + c[N-1]*x^(N-1), Horner's scheme with fma.
template <class V, class T, std::size_t N>
NONLIN_INLINE V horner(V const& x, const T (&c)[N]) noexcept {
  return horner_at<0>(x, c);
}

// Per-precision constants of the kernels that are not fitted.
template <class T>
struct limits;
template <>
struct limits<float> {
  // exp arguments below this are clamped (the result is then scaled into
  // zero). Low enough that x * e^a stays exact for |x| up to 2^60;
  // k = -246 still splits into two normal powers of two.
  static constexpr double exp_floor = -170.0;
  // tanh(x) for |x| >= tanh_one is 1 rounded (1 - tanh(10) < 2^-27):
  // tanh's exponential is clamped there, where e^-2|x| would be subnormal.
  static constexpr double tanh_one = 10.0;
  // Bits of a float cleared to leave 12 significant bits (an exact square).
  static constexpr std::int32_t split_mask = ~std::int32_t(0xFFF);
};
template <>
struct limits<double> {
  static constexpr double exp_floor = -1410.0;
  static constexpr double tanh_one = 20.0;  // 1 - tanh(20) < 2^-56
  static constexpr std::int64_t split_mask = ~std::int64_t(0x7FFFFFF);  // 26 bits left
};

// Error-free product: a*b = hi + lo exactly (with a hardware FMA; without
// one, lo is computed by Dekker's split, also exact barring overflow).
template <class V>
NONLIN_INLINE V two_prod(V const& a, V const& b, V& lo) noexcept {
  V hi = detail::opaque(a * b);
  if constexpr (has_fma) {
    lo = detail::fma(a, b, -hi);
  } else {
    using T = scalar_t<V>;
    const V split = splat<V>(std::is_same<T, float>::value ? 4097.0 : 134217729.0);
    V ca = split * a, cb = split * b;
    V ah = ca - (ca - a), bh = cb - (cb - b);
    V al = a - ah, bl = b - bh;
    lo = ((ah * bh - hi) + ah * bl + al * bh) + al * bl;
    // The split overflows (NaN) for |a| or |b| near the top of the range; the
    // product is then infinite or nearly so and its lo part irrelevant.
    lo = detail::select(lo == lo, lo, V(0));
  }
  return hi;
}

// Error-free sum: a+b = hi + lo exactly.
template <class V>
NONLIN_INLINE V two_sum(V const& a, V const& b, V& lo) noexcept {
  V s = detail::opaque(a + b);
  const V bb = detail::opaque(s - a);
  lo = detail::opaque(a - detail::opaque(s - bb)) + detail::opaque(b - bb);
  return s;
}

// a*b + c rounded (nearly) once: the hardware fma, or without one an exact
// product and an exact sum. Only for the few steps whose accuracy depends on
// it (residuals, hi + lo splits); everything else uses detail::fma, which is
// a plain a*b+c on targets without FMA.
template <class V>
NONLIN_INLINE V fma_x(V const& a, V const& b, V const& c) noexcept {
  if constexpr (has_fma) {
    return detail::fma(a, b, c);
  } else {
    V pl, sl;
    const V ph = two_prod(a, b, pl);
    const V sh = two_sum(ph, c, sl);
    return sh + (sl + pl);
  }
}

// --------------------------------------------------------------------- exp --

// e^a = (u + x) * 2^k, for a <= 0 (or NaN): the pieces of exp_neg().
template <class V>
struct exp_parts {
  // e^r = u + x to about 2^-48, with u = fl(1 + r) and |x| < 2^-8, so that
  // callers lose nothing to a rounding of e^r itself.
  V u, x;
  // 2^k = 2^k1 * 2^k2, k1 = round(k/2), both normal.
  pow2_pair<V> s;

  // v * 2^k2 and v * 2^k, each rounded once.
  NONLIN_INLINE V mul_s2(V const& v) const noexcept { return scale(v, s.p2); }
  NONLIN_INLINE V mul_2k(V const& v) const noexcept { return scale(v, s); }
  // u + x as an exact pair h0 + l0 (Fast2Sum: |x| < u).
  NONLIN_INLINE V sum(V& l0) const noexcept {
    const V h0 = detail::opaque(u + x);
    l0 = detail::opaque(u - h0) + x;
    return h0;
  }
  // 2^k1 (u + x) as a pair h + l, so that e^a = (h + l) * 2^k2 and a factor
  // up to 2^100 times h cannot overflow. s1 u is exact, and s1 u - h too
  // (h / (s1 u) is within [1/2, 2]).
  NONLIN_INLINE V hi_lo_s1(V& l) const noexcept {
    const V s1 = scale(V(1), s.p1);
    const V su = s1 * u;
    const V h = fma_x(s1, x, su);
    l = fma_x(s1, x, su - h);
    return h;
  }
  // (mh + ml) * e^a for a pair with |ml| << |mh|, rounded once at full size
  // (the last addition) and once more only if the result is subnormal.
  NONLIN_INLINE V times(V const& mh, V const& ml) const noexcept {
    V pl;
    const V ph = two_prod(mh, u, pl);
    const V rest = detail::fma(mh, x, detail::fma(ml, u, pl));
    return mul_2k(ph + rest);
  }
};

// e^(a + a_lo) for a <= 0 (or NaN) as exp_parts; a_lo may be up to about
// 2^-8 |a| (gelu's split of x^2/2). HasLo = false: a_lo is zero and ignored.
// Arguments below floor_ (limits<T>::exp_floor or higher) are clamped to
// it; callers that can see them select the limit themselves.
template <bool HasLo, class V>
NONLIN_INLINE exp_parts<V> exp_neg(V a, V a_lo, V const& floor_) noexcept {
  using T = scalar_t<V>;
  using C = coeffs<T>;
  // NaN compares false and passes through; a clamped argument drops its lo
  // part, which could be anything up to 2^-24 |a| for huge |a|.
  const auto clamped = a < floor_;
  a = detail::select(clamped, floor_, a);
  const V shifter = splat<V>(fp<T>::shifter);
  V t;
  if constexpr (HasLo) {
    a_lo = detail::select(clamped, V(0), a_lo);
    t = detail::fma(a + a_lo, splat<V>(C::log2e), shifter);
  } else {
    t = detail::fma(a, splat<V>(C::log2e), shifter);
  }
  t = detail::opaque(t);
  const V k = t - shifter;  // round(a / ln 2), exact
  // r + rl = a + a_lo - k ln 2 to about 2^-48 (Cody-Waite: r1 is exact since
  // ln2_hi has trailing zeros, and rr - r is exact since r is close to rr).
  const V r1 = detail::fma(-k, splat<V>(C::ln2_hi), a);
  V rr = r1, rre = V(0);
  if constexpr (HasLo) rr = two_sum(r1, a_lo, rre);
  const V r = detail::opaque(detail::fma(-k, splat<V>(C::ln2_lo), rr));
  V rl = fma_x(-k, splat<V>(C::ln2_lo), rr - r);
  if constexpr (HasLo) rl = rl + rre;
  // e^(r + rl) = (1 + r + r^2 P(r)) (1 + rl) = u + x.
  const V u = detail::opaque(V(1) + r);
  const V ul = detail::opaque(V(1) - u) + r;  // exact (Fast2Sum, |r| < 1)
  const V x0 = detail::fma(r * r, horner(r, C::exp), ul);
  exp_parts<V> e;
  e.u = u;
  e.x = detail::fma(rl, u + x0, x0);
  // k = k1 + k2 with k1 = round(k/2): both halves stay normal powers of two.
  e.s = pow2_split(t, k, detail::fma(k, splat<V>(0.5), shifter));
  return e;
}

template <bool HasLo, class V>
NONLIN_INLINE exp_parts<V> exp_neg(V const& a, V const& a_lo) noexcept {
  return exp_neg<HasLo>(a, a_lo, splat<V>(limits<scalar_t<V>>::exp_floor));
}
template <class V>
NONLIN_INLINE exp_parts<V> exp_neg(V const& a) noexcept {
  return exp_neg<false>(a, V(0));
}

// ------------------------------------------------------- piecewise linear --

// (nh + nl) / 6 for |nl| <= ulp(nh): the quotient q = nh * fl(1/6), within
// two ulps of nh / 6, its remainder nh - 6q (exact: a multiple of 2 ulp(q)
// below 12 ulp(q)), then one fused correction, so the result is within
// about 0.5 ULP of the exact quotient.
template <class V>
NONLIN_INLINE V div6(V const& nh, V const& nl) noexcept {
  const V sixth = splat<V>(1.0 / 6.0);
  const V q = detail::opaque(nh * sixth);
  const V r = fma_x(-q, V(6), nh);
  return detail::fma(r + nl, sixth, q);
}

// hardsigmoid(x) = min(max((x + 3)/6, 0), 1) = (xc + 3)/6 with xc = x
// clamped to [-3, 3], xc + 3 = s + e exactly (Fast2Sum: |xc| <= 3).
template <class V>
NONLIN_INLINE V hardsigmoid(V const& x) noexcept {
  const V three = V(3);
  // x clamped to [-3, 3] (NaN kept): s = 0 gives +0 and s = 6 gives 1
  // exactly, so no select on the result is needed.
  const V xc = detail::min_keep_nan(detail::max_keep_nan(x, V(-3)), three);
  const V s = detail::opaque(xc + three);
  const V e = detail::opaque(three - s) + xc;
  return div6(s, e);
}

// hardswish(x) = x min(max(x + 3, 0), 6) / 6: x (s + e) / 6 with x + 3 =
// s + e exactly and x s = ph + pl exactly. The result has the sign of x
// (copysign: zeros included), and is x itself from 3 up.
template <class V>
NONLIN_INLINE V hardswish(V const& x) noexcept {
  const V three = V(3);
  const V s = detail::opaque(x + three);
  const V e = detail::opaque(three - s) + x;
  V pl;
  const V ph = two_prod(x, s, pl);
  const V y = detail::copysign(div6(ph, detail::fma(x, e, pl)), x);
  return detail::select(x >= three, x, detail::select(x <= -three, detail::copysign(V(0), x), y));
}

// RN(s/6), the IEEE quotient, for float s, 0 <= s <= 6, with s = 0 or
// s >= 2^-100 (every such float checked once, benchmarks/README.md A/B
// studies 14; a strided test in tests/test_ops.cpp): with an FMA,
// s hi + s lo rounded once, 1/6 = hi + lo (hi = fl(1/6), lo = fl(1/6 -
// hi)): two operations, no division; without one, the division. The same
// bits either way.
template <class V>
NONLIN_INLINE V div6_rn(V const& s) noexcept {
  static_assert(std::is_same<scalar_t<V>, float>::value, "div6_rn: float (hi + lo is float's split of 1/6)");
  if constexpr (has_fma) {
    constexpr float hi = static_cast<float>(1.0 / 6.0);
    constexpr float lo = static_cast<float>(1.0 / 6.0 - static_cast<double>(hi));
    // (opaque: under -ffast-math a compiler may otherwise fold s hi + s lo
    // into s (hi + lo) = s hi, the product alone.)
    return detail::fma(s, splat<V>(hi), detail::opaque(s * splat<V>(lo)));
  } else {
    return detail::div(s, V(6));
  }
}

// The fast tier's forms: the textbook's roundings, with the clamps on x so
// that NaN stays NaN, the infinities give the limits and nothing overflows.
//
// hardsigmoid: (xc + 3)/6, xc = x clamped to [-3, 3]: x + 3 rounded, then
// divided (two roundings: within 1 ULP).
template <class V>
NONLIN_INLINE V hardsigmoid_fast(V const& x) noexcept {
  const V three = V(3);
  const V xc = detail::min_keep_nan(detail::max_keep_nan(x, V(-3)), three);
  return div6_rn(xc + three);
}

// hardswish: xm (min(xm + 3, 6)/6), xm = max(x, -3): three roundings (within
// 2 ULP). From 3 up the factor is 6/6 = 1, so the result is x (no product
// to overflow); at or below -3 it is 0, so xm 0 = -0 (and -inf gives -0).
template <class V>
NONLIN_INLINE V hardswish_fast(V const& x) noexcept {
  const V xm = detail::max_keep_nan(x, V(-3));
  return xm * div6_rn(detail::min_keep_nan(xm + V(3), V(6)));
}

// ------------------------------------------------------------- activations --

// (nh + nl) / (dh + dl) for dh in [1, 2], |dl| << dh: one division, then one
// correction step, so the quotient is off by little more than its final
// rounding (the plain nh / dh would add up to another ulp).
// FiniteNum: the caller knows nh is finite (no guard for an infinite quotient).
template <bool FiniteNum = false, class V>
NONLIN_INLINE V div_dd(V const& nh, V const& nl, V const& dh, V const& dl) noexcept {
  const V r = detail::div(V(1), dh);
  const V y = nh * r;
  const V rho = fma_x(-y, dh, nh) + detail::fma(-y, dl, nl);
  if constexpr (FiniteNum) {
    return detail::fma(rho, r, y);
  } else {
    // An infinite (or NaN) quotient has no correction to make: rho would be
    // NaN. constexpr: at -O0 a call to numeric_limits<T>::infinity() would be
    // an out-of-line function shared by every TU, whatever its -m flags.
    constexpr scalar_t<V> inf_s = std::numeric_limits<scalar_t<V>>::infinity();
    const V inf = V(inf_s);
    return detail::select(detail::abs(y) < inf, detail::fma(rho, r, y), y);
  }
}

// 1 + E and 1 - E as hi + lo pairs, E = eh + el <= 1. (When E is subnormal
// its lost bits are far below the ulp of 1, so rounding there is harmless.)
template <class V>
NONLIN_INLINE V one_plus(V const& eh, V const& el, V& lo) noexcept {
  const V s = detail::opaque(V(1) + eh);
  lo = detail::opaque(detail::opaque(V(1) - s) + eh) + el;
  return s;
}
template <class V>
NONLIN_INLINE V one_minus(V const& eh, V const& el, V& lo) noexcept {
  const V s = detail::opaque(V(1) - eh);
  lo = detail::opaque(detail::opaque(V(1) - s) - eh) - el;
  return s;
}

// m * sigmoid(z_hi + z_lo) without overflow, cancellation or double rounding
// of subnormal results. The result has the sign of m (sigmoid >= 0), zeros
// included; where e^-|z| underflows completely and z < 0 it is a zero.
//   z >= 0: m / (1 + E)       z < 0: m E / (1 + E),   E = e^-|z| <= 1,
// with E, the numerator and the denominator carried as hi + lo pairs and the
// final power of two applied last.
// In two halves (times_sigmoid_stage1: up to the exp; _stage2: the rest),
// which the bulk loops overlap across vectors (bulk.hpp, staged).
template <class V>
struct sigmoid_state {
  V m, a;
  decltype(std::declval<V const&>() < std::declval<V const&>()) neg;
  exp_parts<V> e;
};
template <bool HasLo, class V>
NONLIN_INLINE sigmoid_state<V> times_sigmoid_stage1(V const& m, V const& z, V const& z_lo) noexcept {
  sigmoid_state<V> s;
  s.m = m;
  s.neg = z < V(0);
  s.a = -detail::abs(z);
  V a_lo = z_lo;
  if constexpr (HasLo) a_lo = detail::select(s.neg, z_lo, -z_lo);
  s.e = exp_neg<HasLo>(s.a, a_lo);
  return s;
}
template <bool UnitM = false, class V>
NONLIN_INLINE V times_sigmoid_stage2(sigmoid_state<V> const& s) noexcept {
  using T = scalar_t<V>;
  const V& m = s.m;
  const auto& neg = s.neg;
  const auto& e = s.e;
  if constexpr (UnitM) {
    // sigmoid itself (m = 1): E = (h0 + l0) 2^k, the numerator is h0 + l0
    // or 1 and 2^k is applied to the quotient, which is finite and >= +0;
    // below exp_floor it underflows to +0 anyway.
    (void)m;
    V l0;
    const V h0 = e.sum(l0);
    V dl;
    const V dh = one_plus(detail::opaque(e.mul_2k(h0)), e.mul_2k(l0), dl);
    const V y = div_dd<true>(detail::select(neg, h0, V(1)), detail::select(neg, l0, V(0)), dh, dl);
    return detail::select(neg, e.mul_2k(y), y);
  } else {
    // E = (h + l) 2^k2 with h near 2^k1 (normal), so m h cannot overflow:
    // the numerator is m (h + l) and 2^k2 is applied to the quotient.
    V l;
    const V h = e.hi_lo_s1(l);
    V dl;
    const V dh = one_plus(detail::opaque(e.mul_s2(h)), e.mul_s2(l), dl);
    V pl;
    const V ph = two_prod(m, h, pl);
    const V nh = detail::select(neg, ph, m);
    const V nl = detail::select(neg, detail::fma(m, l, pl), V(0));
    const V y = div_dd(nh, nl, dh, dl);
    const V res = detail::select(neg, e.mul_s2(y), y);
    return detail::copysign(detail::select(neg & (s.a < splat<V>(limits<T>::exp_floor)), V(0), res), m);
  }
}
template <bool HasLo, bool UnitM = false, class V>
NONLIN_INLINE V times_sigmoid(V const& m, V const& z, V const& z_lo) noexcept {
  return times_sigmoid_stage2<UnitM>(times_sigmoid_stage1<HasLo>(m, z, z_lo));
}

// sigmoid(x) = 1 / (1 + e^-x), via e = e^-|x|.
template <class V>
NONLIN_INLINE V sigmoid(V const& x) noexcept {
  return times_sigmoid<false, true>(V(1), x, V(0));
}
// (sigmoid and silu in two halves, for the functors' stage1 and stage2.)
template <class V>
NONLIN_INLINE sigmoid_state<V> sigmoid_stage1(V const& x) noexcept {
  return times_sigmoid_stage1<false>(V(1), x, V(0));
}
template <class V>
NONLIN_INLINE V sigmoid_stage2(sigmoid_state<V> const& s) noexcept {
  return times_sigmoid_stage2<true>(s);
}

// x * sigmoid(x) (silu), with -0 at x = -inf, -0 at x = -0.
template <class V>
NONLIN_INLINE V silu(V const& x) noexcept {
  return times_sigmoid<false>(x, x, V(0));
}
template <class V>
NONLIN_INLINE sigmoid_state<V> silu_stage1(V const& x) noexcept {
  return times_sigmoid_stage1<false>(x, x, V(0));
}
template <class V>
NONLIN_INLINE V silu_stage2(sigmoid_state<V> const& s) noexcept {
  return times_sigmoid_stage2<false>(s);
}

// x * sigmoid(beta x); beta * x is carried as an exact hi + lo pair.
// In two halves (swish_stage1: beta x and the exp; times_sigmoid_stage2).
template <class V>
NONLIN_INLINE sigmoid_state<V> swish_stage1(V const& x, V const& beta) noexcept {
  V lo;
  const V hi = two_prod(beta, x, lo);
  constexpr scalar_t<V> big = std::numeric_limits<scalar_t<V>>::max();
  lo = detail::select(detail::abs(hi) <= V(big), lo, V(0));
  return times_sigmoid_stage1<true>(x, hi, lo);
}
template <class V>
NONLIN_INLINE V swish(V const& x, V const& beta) noexcept {
  return times_sigmoid_stage2(swish_stage1(x, beta));
}

// tanh: odd polynomial near 0; beyond, (1 - E)/(1 + E) with E = e^-2|x| and
// both sides carried as hi + lo pairs. In two halves (tanh_stage1, up to
// the exp; tanh_stage2, the rest), which the bulk loops overlap across
// vectors (bulk.hpp, staged); tanh() is the one after the other.
template <class V>
struct tanh_state {
  V x, ax, small;
  exp_parts<V> e;
};
template <class V>
NONLIN_INLINE tanh_state<V> tanh_stage1(V const& x) noexcept {
  using T = scalar_t<V>;
  using C = coeffs<T>;
  tanh_state<V> s;
  s.x = x;
  s.ax = detail::abs(x);
  const V x2 = x * x;
  s.small = detail::fma(x * x2, horner(x2, C::tanh_core), x);
  // (Clamped at -2 tanh_one: beyond, big is 1 either way, and e^-2|x|
  // would take the products below into the subnormal range, which some
  // CPUs' multipliers take slowly.)
  s.e = exp_neg<false>(V(-2) * s.ax, V(0), splat<V>(-2 * limits<T>::tanh_one));
  return s;
}
template <class V>
NONLIN_INLINE V tanh_stage2(tanh_state<V> const& s) noexcept {
  using C = coeffs<scalar_t<V>>;
  V l0;
  const V h0 = s.e.sum(l0);
  // opaque: the product must be rounded before it meets the additions of
  // one_plus and one_minus (no contraction into an fma).
  const V eh = detail::opaque(s.e.mul_2k(h0)), el = s.e.mul_2k(l0);
  V nl, dl;
  const V nh = one_minus(eh, el, nl);
  const V dh = one_plus(eh, el, dl);
  const V big = div_dd(nh, nl, dh, dl);
  // copysign last: it also makes tanh(-0) = -0, which the fma above loses.
  return detail::copysign(detail::select(s.ax <= splat<V>(C::tanh_core_end), s.small, big), s.x);
}
template <class V>
NONLIN_INLINE V tanh(V const& x) noexcept {
  return tanh_stage2(tanh_stage1(x));
}

// gelu(x) = x * Phi(x), Phi the standard normal CDF.
//   |x| <= gelu_core_end: gelu = x/2 + x^2 Q(x^2), Q = (Phi(x) - 1/2) / x.
//   beyond, with t = |x|: t Phi(-t) = e^(-t^2/2) H(u - uc), u = 1/(t + c);
//     x < 0: gelu = -t Phi(-t)      (H folded in before the last scaling)
//     x > 0: gelu = x - t Phi(-t).
// t^2/2 is carried exactly as hi + lo (t split into two halves), since an
// error of one ulp in t^2/2 = 100 would cost 100 ulps in e^(-t^2/2).
// In two halves (gelu_stage1: the core, H and the exp; gelu_stage2: their
// product and the selects), which the bulk loops overlap across vectors.
template <class V>
struct gelu_state {
  V x, t, core, hu, hl;
  exp_parts<V> e;
};
template <class V>
NONLIN_INLINE gelu_state<V> gelu_stage1(V const& x) noexcept {
  using T = scalar_t<V>;
  using C = coeffs<T>;
  gelu_state<V> s;
  s.x = x;
  s.t = detail::abs(x);
  const V& t = s.t;
  // core
  const V x2 = x * x;
  s.core = detail::fma(x2, horner(x2, C::phi_core), splat<V>(0.5) * x);  // x/2 + x^2 Q
  // tail
  // u = 1/(t + c) to about 2^-45 relative, as w = u - uc: near t = 0.5, H
  // amplifies the relative error of u fourfold, so a plain division would
  // cost gelu up to 2 ulps.
  V sl;
  const V sh = two_sum(t, splat<V>(C::tail_shift), sl);
  const V u0 = detail::div(V(1), sh);
  const V rho = detail::fma(-u0, sl, fma_x(-u0, sh, V(1)));
  const V d = u0 - splat<V>(C::phi_tail_centre);  // exact while u0 is within 2x of the centre
  const V w = detail::fma(u0, rho, d);
  const V wl = fma_x(u0, rho, d - detail::opaque(w));  // w + wl = u - uc
  // H(w + wl) = c0 + w P1(w) + wl H'(w), c0 = hi + lo; H' is needed to ~10%
  // only (wl is 2^-24 of w), so three terms of it do.
  const V dh = detail::fma(detail::fma(splat<V>(3.0 * C::phi_tail[3]), w, splat<V>(2.0 * C::phi_tail[2])), w,
                           V(C::phi_tail[1]));
  const V hrest = detail::fma(w, horner_at<1>(w, C::phi_tail), detail::fma(wl, dh, splat<V>(C::phi_tail_c0_lo)));
  const V c0 = V(C::phi_tail[0]);
  // H = hu + hl exactly (Fast2Sum: |hrest| < c0).
  s.hu = detail::opaque(c0 + hrest);
  s.hl = hrest - detail::opaque(s.hu - c0);
  const V th = detail::from_bits<V>(detail::to_bits(t) & bits_t<V>(limits<T>::split_mask));
  const V a_hi = splat<V>(-0.5) * (th * th);  // exact
  const V a_lo = splat<V>(-0.5) * ((t - th) * (t + th));
  s.e = exp_neg<true>(a_hi, a_lo);
  return s;
}
template <class V>
NONLIN_INLINE V gelu_stage2(gelu_state<V> const& s) noexcept {
  using T = scalar_t<V>;
  using C = coeffs<T>;
  const V& x = s.x;
  const V& t = s.t;
  const auto neg = x < V(0);
  const V p = s.e.times(s.hu, s.hl);  // t Phi(-t)
  V tail = detail::select(neg, -p, x - p);
  // Past phi_tail_end the result is x (x > 0) or -0 (x < 0), also at +-inf.
  tail = detail::select(t > splat<V>(C::phi_tail_end), detail::select(neg, V(-0.0), x), tail);
  // gelu(x) has the sign of x; the copysign also gives gelu(-0) = -0, which
  // the core's x/2 + x^2 Q would round to +0.
  return detail::copysign(detail::select(t <= splat<V>(C::gelu_core_end), s.core, tail), x);
}
template <class V>
NONLIN_INLINE V gelu(V const& x) noexcept {
  return gelu_stage2(gelu_stage1(x));
}

// gelu_tanh(x) = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) = x * sigmoid(z),
// z = x (c1 + c2 x^2), evaluated as an exact-enough hi + lo pair because the
// error of z is multiplied by |z| in the result. In two halves
// (gelu_tanh_stage1: z and the exp; gelu_tanh_stage2: times_sigmoid_stage2).
template <class V>
NONLIN_INLINE sigmoid_state<V> gelu_tanh_stage1(V const& x) noexcept {
  using T = scalar_t<V>;
  using C = coeffs<T>;
  V x2l;
  const V x2h = two_prod(x, x, x2l);
  // c2 * x^2
  V pl;
  const V ph = two_prod(splat<V>(C::gelu_tanh_c2_hi), x2h, pl);
  pl = pl + detail::fma(splat<V>(C::gelu_tanh_c2_hi), x2l, splat<V>(C::gelu_tanh_c2_lo) * x2h);
  // w = c1 + c2 x^2
  V wl;
  const V wh = two_sum(splat<V>(C::gelu_tanh_c1_hi), ph, wl);
  wl = wl + (pl + splat<V>(C::gelu_tanh_c1_lo));
  // z = x w
  V zl;
  const V zh = two_prod(x, wh, zl);
  zl = detail::fma(x, wl, zl);
  // x^2 overflows to inf for huge |x|, and two_prod then yields NaN parts;
  // z is +-inf there and its lo part must not poison it.
  constexpr T big = std::numeric_limits<T>::max();
  const auto finite = detail::abs(zh) <= V(big);
  zl = detail::select(finite, zl, V(0));
  return times_sigmoid_stage1<true>(x, zh, zl);
}
template <class V>
NONLIN_INLINE V gelu_tanh_stage2(sigmoid_state<V> const& s) noexcept {
  return times_sigmoid_stage2(s);
}
template <class V>
NONLIN_INLINE V gelu_tanh(V const& x) noexcept {
  return gelu_tanh_stage2(gelu_tanh_stage1(x));
}

}  // namespace detail
NONLIN_END_NAMESPACE  // namespace nonlin

#endif  // NONLIN_DETAIL_MATH_HPP
