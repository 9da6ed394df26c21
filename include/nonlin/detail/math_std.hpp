// nonlin::detail::standard: the float math of the default tier (nonlin::f),
// written once over V = float | xsimd::batch<float, A>.
//
// The tier's contract: within 4 ULP over every float input (on the
// subnormal grid below the smallest normal), tails and subnormal results
// included; the special values of the other tiers; the same bits on every
// target with an FMA; no microcode assists (time independent of the data).
// So:
//  * only operations whose results IEEE-754 fixes (add, mul, fma, div,
//    compares and selects, integer and bit operations, max/min with the NaN
//    rule written out in ops.hpp); and no vector negation (the ops' fms,
//    fnma, fnms instead: GCC 12 turns a sign-bit XOR into 0 - v);
//  * exp of arguments clamped where the result no longer changes: of a <=
//    0, and in sigmoid and glu of -x of either sign, as 2^n (1 + s) scaled
//    by 2^-K (never overflowing); e^a = p 2^n with n = round(a log2e) by
//    the 1.5 * 2^23 magic number in one fma (its low bits, shifted into the
//    exponent field, are 2^(n + K)), r = a - n ln2 by a two-constant
//    reduction, p = e^r (or s = e^r - 1) a polynomial;
//  * a result that can be subnormal is carried scaled by 2^K, every
//    intermediate normal, until one last fma whose result is normal:
//    fma(q, 2^-K, C) with C = 2^-126 (the sign of q) in the lanes below
//    2^-126 lands in [2^-126, 2^-125), whose ulp is the subnormal grid, so it
//    is 2^-126 plus the correctly rounded result; an integer subtraction of
//    the bit pattern of 2^-126 then leaves the result. No floating-point
//    operation produces or consumes a subnormal -- except on a CPU whose
//    FMAs take them at full speed (ops.hpp, subnormals_plain), whose
//    vectors take one mul_tiny(q, 2^-K) instead: q 2^-K rounded once, the
//    same bits, three or four operations fewer;
//  * nothing is computed as 1 - e^a, 1 + erf(z) or 1 + tanh(z) for z < 0;
//  * the gated functions multiply up into the scaled numerator before the
//    division and the final scaling, so a tiny act(gate) is never rounded on
//    its own. Lanes with |up| > 2^32 (or |x| > 2^32 for swish), an infinite
//    or NaN up, are recomputed in double by the precise tier's kernels (the
//    same bits on every FMA target too), only when a vector has one.
#ifndef NONLIN_DETAIL_MATH_STD_HPP
#define NONLIN_DETAIL_MATH_STD_HPP

#include <cstdint>
#include <limits>
#include <type_traits>

#include "eval.hpp"
#include "math.hpp"

NONLIN_BEGIN_NAMESPACE
namespace detail {
namespace standard {

using C = std_coeffs;

// 2^e as a float, for -126 <= e <= 127. The kernels take pow2f_v<e>, a
// constant by definition: a call of the constexpr function in a kernel is
// folded only if the compiler unrolls its loop, and clang 16 for AArch64
// did not -- it ran the loop (up to 80 dependent multiplies) in every
// trip of the bulk loops.
constexpr float pow2f(int e) {
  float r = 1.0f;
  for (int i = 0; i < (e > 0 ? e : -e); ++i) r = e > 0 ? r * 2.0f : r * 0.5f;
  return r;
}
template <int E>
inline constexpr float pow2f_v = pow2f(E);
constexpr std::int32_t bits_of_pow2(int e) { return (e + 127) << 23; }
constexpr double kMagic = 12582912.0;  // 1.5 * 2^23

// Results carried scaled by 2^K (unary) and 2^KG (gated, where up is
// folded in): every intermediate stays normal for the clamps below.
constexpr int K = 40;
constexpr int KG = 80;

template <class V>
using ibits = bits_t<V>;

// a - b on bit patterns, wrapping (no overflow is possible for the values
// used, but the scalar form is written without undefined behaviour).
template <class V>
NONLIN_INLINE ibits<V> bits_sub(ibits<V> const& a, ibits<V> const& b) noexcept {
  if constexpr (is_scalar<V>::value) {
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(a) - static_cast<std::uint32_t>(b));
  } else {
    return a - b;
  }
}

// 2^e from t = fma(a, log2e, kMagic + 127 + e0): the low mantissa bits of t
// hold e = n + 127 + e0, which the shift moves into the exponent field
// (the bits of 1.5 * 2^23 above them are shifted out).
template <class V>
NONLIN_INLINE V pow2_of_magic(V const& t) noexcept {
  return from_bits<V>(shl(to_bits(t), 23));
}

template <class V>
NONLIN_INLINE V exp_poly6(V const& r) noexcept {
  return horner(r, C::exp6);
}
template <class V>
NONLIN_INLINE V exp_poly5(V const& r) noexcept {
  return horner(r, C::exp5);
}

// e^(a + alo) = p * sK * 2^-KK for a <= 0 (or NaN) with round(a log2e) >=
// -126 - KK: sK = 2^(n + KK), p = e^r. alo (HasLo): a small correction,
// added to the exact first reduction step.
template <class V>
struct exp_k {
  V p, sK;
};
template <int KK, int Degree = 6, bool HasLo = false, class V>
NONLIN_INLINE exp_k<V> exp_neg_k(V const& a, V const& alo = V(0.0f)) noexcept {
  constexpr double magic = kMagic + 127 + KK;
  const V t = detail::fma(a, splat<V>(C::log2e), splat<V>(magic));
  const V n = t - splat<V>(magic);
  V r = detail::fma(n, splat<V>(-C::ln2_hi), a);  // exact: n ln2_hi exact, Sterbenz
  if constexpr (HasLo) r = r + alo;
  r = detail::fma(n, splat<V>(-C::ln2_lo), r);
  if constexpr (Degree == 6) return {exp_poly6(r), pow2_of_magic(t)};
  else return {exp_poly5(r), pow2_of_magic(t)};
}

// (1 + e^-x) 2^-KK, for x clamped by the caller so that 2^(k - KK) is
// normal: e^-x = 2^k (1 + s), k = round(-x log2e), s = e^r - 1 by its
// polynomial (1 + s is never rounded), and the sum as 2^(k - KK) +
// fma(2^(k - KK), s, 2^-KK): two roundings, the first at most half the
// sum's ulp (the default sigmoid's maximum over every float:
// tests/accuracy-default.md). The single rounding of fma(2^(k - KK), s,
// 2^-KK + 2^(k - KK)) holds only for k <= 23, where that addend is exact;
// its correction for k >= 24 took four more operations (benchmarks/
// README.md, A/B studies 27).
// FastD > 0: the fast tier's form (fast::glu, swiglu, geglu_tanh without
// AVX-512), s from the degree-FastD exp of fast_coeffs and a one-constant
// reduction.
template <int KK, int FastD = 0, class V>
NONLIN_INLINE V one_plus_exp_scaled(V const& xc) noexcept {
  constexpr double magic = kMagic + 127 - KK;
  const V t = detail::fma(xc, splat<V>(-C::log2e), splat<V>(magic));
  const V n = t - splat<V>(magic);
  V s;
  if constexpr (FastD == 0) {
    V r = detail::fnms(n, splat<V>(C::ln2_hi), xc);  // -x - n ln2_hi, exact
    r = detail::fma(n, splat<V>(-C::ln2_lo), r);
    s = r * horner_at<1>(r, C::exp6);  // e^r - 1
  } else {
    const V r = detail::fnms(n, splat<V>(0.693147180559945309), xc);  // -x - n ln2
    s = r * horner_at<1>(r, fast_coeffs<FastD>::exp);
  }
  const V sK = pow2_of_magic(t);  // 2^(k - KK)
  return sK + detail::fma(sK, s, splat<V>(pow2f_v<-KK>));
}

// q * 2^-KK rounded once for q >= 0 (or NaN), subnormal results included.
template <int KK = K, class V>
NONLIN_INLINE V scale_down_pos(V const& q) noexcept {
  if (subnormals_plain<V>()) return mul_tiny(q, splat<V>(pow2f_v<-KK>));
  const auto tiny = q < splat<V>(pow2f_v<KK - 126>);
  const ibits<V> c = mask_bits(tiny, bits_of_pow2(-126));
  const V z = detail::fma(q, splat<V>(pow2f_v<-KK>), from_bits<V>(c));
  return from_bits<V>(bits_sub<V>(to_bits(z), c));
}

// q * s rounded once for a signed q, s = 2^-K where q < 0 may be tiny and
// s = 1 where q >= 0: the tiny lanes, -2^(K-126) < q <= -0, are found by
// one signed integer compare of the bit pattern.
template <class V>
NONLIN_INLINE V scale_down_signed(V const& q, V const& s) noexcept {
  if (subnormals_plain<V>()) return mul_tiny(q, s);
  const auto tiny = bits_below(q, std::numeric_limits<std::int32_t>::min() + bits_of_pow2(K - 126));
  const ibits<V> cf = mask_bits(tiny, static_cast<std::int32_t>(0x80800000u));  // -2^-126
  const ibits<V> cs = mask_bits(tiny, std::int32_t(0x00800000));
  const V z = detail::fma(q, s, from_bits<V>(cf));
  return from_bits<V>(bits_sub<V>(to_bits(z), cs));
}

// w * s rounded once, w any sign; the lanes of tiny_ok may be subnormal
// (s = 2^-KG there), elsewhere the product is exact or normal.
template <class V, class M>
NONLIN_INLINE V scale_down_any(V const& w, V const& s, M const& tiny_ok) noexcept {
  if (subnormals_plain<V>()) return mul_tiny(w, s);
  const auto tiny = tiny_ok & (detail::abs(w) < splat<V>(pow2f_v<KG - 126>));
  const ibits<V> cs = mask_bits(tiny, std::int32_t(0x00800000));
  const V c = from_bits<V>(cs | (to_bits(w) & ibits<V>(std::numeric_limits<std::int32_t>::min())));
  const V z = detail::fma(w, s, c);
  return from_bits<V>(bits_sub<V>(to_bits(z), cs));
}

// The lanes where the sign bit of x is set, as a mask.
template <class V>
NONLIN_INLINE auto negative_lanes(V const& x) noexcept {
  return bits_below(x, 0);
}

// The value of a batch that holds one value in every lane.
template <class V>
NONLIN_INLINE float first_lane(V const& v) noexcept {
  if constexpr (is_scalar<V>::value) return v;
  else return v.get(0);
}

// ------------------------------------------------------------- unary --

// sigmoid(x) = 1/(1 + e^-x): 2^K over (1 + e^-x) 2^-K, one rounding of the
// denominator and one of the quotient, then the final scaling. x is
// clamped to [-104, 59] (sigmoid(-104) < 2^-150: +0; from 17 on, 1).
// In two halves for the bulk loops (as detail::tanh): the denominator,
// and the rest.
template <class V>
struct sigmoid_state {
  V d;
};
template <class V>
NONLIN_INLINE sigmoid_state<V> sigmoid_stage1(V const& x) noexcept {
  const V xc = min_keep_nan(max_keep_nan(x, splat<V>(-104.0)), splat<V>(59.0));
  return {one_plus_exp_scaled<K>(xc)};
}
template <class V>
NONLIN_INLINE V sigmoid_stage2(sigmoid_state<V> const& s) noexcept {
  return scale_down_pos(detail::div(V(1.0f), s.d));
}
template <class V>
NONLIN_INLINE V sigmoid(V const& x) noexcept {
  return sigmoid_stage2(sigmoid_stage1(x));
}

// silu(x) = x sigmoid(x): x/(1 + E) (x >= 0), x E/(1 + E) (x < 0); below
// -109 the result is -0 (x is clamped with the exp argument).
// In two halves for the bulk loops: up to e^a's pieces, and the rest.
template <class V>
struct silu_state {
  V x, a;
  exp_k<V> e;
};
template <class V>
NONLIN_INLINE silu_state<V> silu_stage1(V const& x) noexcept {
  const V a = max_keep_nan(neg_abs(x), splat<V>(-109.0));
  return {x, a, exp_neg_k<K>(a)};
}
template <class V>
NONLIN_INLINE V silu_stage2(silu_state<V> const& st) noexcept {
  const V& x = st.x;
  const V eK = st.e.p * st.e.sK;
  const V d = detail::fma(eK, splat<V>(pow2f_v<-K>), V(1.0f));
  const V num = sign_select(x, st.a * eK, x);                     // x < 0: a = max(x, -109)
  const V s = sign_select(x, splat<V>(pow2f_v<-K>), V(1.0f));
  return scale_down_signed(detail::div(num, d), s);
}
template <class V>
NONLIN_INLINE V silu(V const& x) noexcept {
  return silu_stage2(silu_stage1(x));
}

// tanh(x) = copysign(q/(2 - q), x), q = 1 - e^-2|x| = (1 - 2^n) - 2^n
// (e^(2hr) - 1), with e^(2hr) - 1 by its own polynomial (no cancellation near
// 0). |x| is clamped at 9.1 (tanh rounds to 1 from 9.011 on): nothing is
// subnormal. The reduction runs on h = -|x|: n = round(2h log2e), hr = h -
// n ln2/2, one constant (|n| <= 27).
// In two halves for the bulk loops (as detail::tanh): up to e^(2hr) - 1,
// and the rest.
template <class V>
struct tanh_state {
  V x, t, em1;
};
template <class V>
NONLIN_INLINE tanh_state<V> tanh_stage1(V const& x) noexcept {
  const V h = max_keep_nan(neg_abs(x), splat<V>(-9.1));
  tanh_state<V> s;
  s.x = x;
  s.t = detail::fma(h, splat<V>(C::log2e_twice), splat<V>(kMagic + 127));
  const V n = s.t - splat<V>(kMagic + 127);
  const V hr = detail::fma(n, splat<V>(-C::ln2_half), h);
  s.em1 = hr * horner(hr, C::tanh_em1);  // e^(2hr) - 1
  return s;
}
template <class V>
NONLIN_INLINE V tanh_stage2(tanh_state<V> const& st) noexcept {
  const V s = pow2_of_magic(st.t);                     // 2^n
  const V q = detail::fnma(s, st.em1, V(1.0f) - s);   // 1 - e^-2|x| >= 0
  // (tanh |x| has its sign bit clear, +0 at x = +-0: or_sign, not copysign.)
  return or_sign(detail::div(q, V(2.0f) - q), st.x);
}
template <class V>
NONLIN_INLINE V tanh(V const& x) noexcept {
  return tanh_stage2(tanh_stage1(x));
}

// The reduced exp arguments of gelu_tanh and geglu_tanh, gelu and geglu:
// e^a = e^r 2^n with r = a - n ln2 (two constants, r_out) and the magic
// sum whose low bits give 2^(n + KK) (t_out, for pow2_of_magic). Written
// to the caller's variables, not returned as a pair: GCC 12 ordered the
// kernels' loops differently for the pair (the default geglu_tanh 1.13x
// slower in AVX2 builds; benchmarks/README.md, A/B studies 25).
// a = -|z|, z = x (c1 + c2 x^2), for xc = x clamped: S = c1 + c2 x^2 =
// Sh + Sl (x^2 an exact pair; c1_hi on a 2^-20 grid, so c1_hi - Sh is
// exact for |x| <= 11.75), and r = -|x| Sh - n ln2_hi (one fnma) - |x| Sl
// - n ln2_lo, so |x| Sh is never rounded.
template <int KK, class V>
NONLIN_INLINE void gelu_tanh_reduce(V const& xc, V& r_out, V& t_out) noexcept {
  constexpr double magic = kMagic + 127 + KK;
  const V ax = detail::abs(xc);
  const V x2h = ax * ax;
  const V x2l = detail::fms(ax, ax, x2h);
  const V sh = detail::fma(splat<V>(C::gt_c2_hi), x2h, splat<V>(C::gt_c1_hi));
  V sl = detail::fma(splat<V>(C::gt_c2_hi), x2h, splat<V>(C::gt_c1_hi) - sh);
  sl = sl + detail::fma(splat<V>(C::gt_c2_hi), x2l, detail::fma(splat<V>(C::gt_c2_lo), x2h, splat<V>(C::gt_c1_lo)));
  const V zh = ax * sh;  // |z|, only for n
  const V t = detail::fma(zh, splat<V>(-C::log2e), splat<V>(magic));
  const V n = t - splat<V>(magic);
  V r = detail::fnma(ax, sh, n * splat<V>(-C::ln2_hi));
  r = detail::fnma(ax, sl, r);
  r = detail::fma(n, splat<V>(-C::ln2_lo), r);
  r_out = r;
  t_out = t;
}
// a = -t^2/2 for t >= 0, t^2 carried as an exact pair (an error of 2^-24
// in t^2/2 = 100 would cost 100 ulps).
template <int KK, class V>
NONLIN_INLINE void gelu_reduce(V const& t, V& r_out, V& t_out) noexcept {
  constexpr double magic = kMagic + 127 + KK;
  const V th = t * t;
  const V tl = detail::fms(t, t, th);
  const V ah = th * V(-0.5f);  // exact
  const V tt = detail::fma(th, splat<V>(-C::log2e_half), splat<V>(magic));
  const V n = tt - splat<V>(magic);
  V r = detail::fma(n, splat<V>(-C::ln2_hi), ah);  // exact
  r = detail::fma(tl, V(-0.5f), r);
  r = detail::fma(n, splat<V>(-C::ln2_lo), r);
  r_out = r;
  t_out = tt;
}

// gelu_tanh(x) = x sigmoid(z), z = x (c1 + c2 x^2); the error of z is
// multiplied by |z| in the result, so z is carried to about 2^-40:
// S = c1 + c2 x^2 = Sh + Sl (x^2 an exact pair; c1_hi on a 2^-20 grid, so
// c1_hi - Sh is exact for |x| <= 11), and the reduction takes |z| = |x| (Sh
// + Sl) directly, r = -|x| Sh - n ln2_hi (one fnma) - |x| Sl - n ln2_lo, so
// |x| Sh is never rounded. x is clamped to [-11, 11] for z (below -10.77 the
// result is -0, above 11 it is x).
// In two halves for the bulk loops (as sigmoid): up to the reduced exp
// argument, and the rest.
template <class V>
struct gelu_tanh_state {
  V x, xc, r, t;
};
template <class V>
NONLIN_INLINE gelu_tanh_state<V> gelu_tanh_stage1(V const& x) noexcept {
  const V xc = max_keep_nan(min_keep_nan(x, V(11.0f)), V(-11.0f));
  V r, t;
  gelu_tanh_reduce<K>(xc, r, t);
  return {x, xc, r, t};
}
template <class V>
NONLIN_INLINE V gelu_tanh_stage2(gelu_tanh_state<V> const& st) noexcept {
  const V& x = st.x;
  const V eK = exp_poly6(st.r) * pow2_of_magic(st.t);
  const V d = detail::fma(eK, splat<V>(pow2f_v<-K>), V(1.0f));
  const V num = sign_select(x, st.xc * eK, x);
  const V s = sign_select(x, splat<V>(pow2f_v<-K>), V(1.0f));
  return scale_down_signed(detail::div(num, d), s);
}
template <class V>
NONLIN_INLINE V gelu_tanh(V const& x) noexcept {
  return gelu_tanh_stage2(gelu_tanh_stage1(x));
}

// gelu(x) = x Phi(x). With t = min(|x|, 14.5): Phi(-t) = e^(-t^2/2) G(t),
// G = B / (sqrt(2 pi) (t B + A)) (std_coeffs: B degree 5, A degree 4; the
// 1/sqrt(2 pi) is in gelu_exp), v = t Phi(-t) 2^K, then
//   x >= 0: x - t Phi(-t) = fma(v, -2^-K, x)   (>= x/2: no cancellation)
//   x < 0:  -t Phi(-t) = fma(v, -2^-K, C) and the integer fix-up.
// t^2 is carried as an exact pair: an error of 2^-24 in t^2/2 = 100 would
// cost 100 ulps.
// In two halves for the bulk loops (as sigmoid): up to v's numerator and
// denominator, and the rest.
template <class V>
struct gelu_state {
  V x, t, r, tt;
};
template <class V>
NONLIN_INLINE gelu_state<V> gelu_stage1(V const& x) noexcept {
  const V t = min_keep_nan(detail::abs(x), splat<V>(C::gelu_end));
  V r, tt;
  gelu_reduce<K>(t, r, tt);
  return {x, t, r, tt};
}
template <class V>
NONLIN_INLINE V gelu_stage2(gelu_state<V> const& st) noexcept {
  const V& x = st.x;
  const V& t = st.t;
  const V& r = st.r;
  const V e = detail::fma(horner(r, C::gelu_exp), r, splat<V>(C::gelu_c0_lo));
  const V sK = pow2_of_magic(st.tt);
  const V tb = t * horner(t, C::gelu_b);
  const V den = tb + horner(t, C::gelu_a);
  const V v = detail::div(sK * detail::fma(splat<V>(C::gelu_c0_hi), tb, e * tb), den);  // t Phi(-t) 2^K
  // x < 0: -v 2^-K rounded once, with -0 added (the sign of a zero
  // product kept); where the CPU's FMAs take subnormals at full speed, one
  // fma; elsewhere, for the lanes whose result is below 2^-126, C = -2^-126
  // and the fix-up.
  if (subnormals_plain<V>()) return detail::fma(v, splat<V>(-pow2f_v<-K>), sign_select(x, V(-0.0f), x));
  const auto tiny = v < splat<V>(pow2f_v<K - 126>);
  const ibits<V> cf = mask_bits(tiny, static_cast<std::int32_t>(0x80800000u));
  const V base = sign_select(x, from_bits<V>(cf), x);
  const ibits<V> cs = to_bits(sign_select(x, from_bits<V>(mask_bits(tiny, std::int32_t(0x00800000))), V(0.0f)));
  const V z = detail::fma(v, splat<V>(-pow2f_v<-K>), base);
  return from_bits<V>(bits_sub<V>(to_bits(z), cs));
}
template <class V>
NONLIN_INLINE V gelu(V const& x) noexcept {
  return gelu_stage2(gelu_stage1(x));
}

// ------------------------------------------ swish and the gated forms --

// Lanes where |u| <= 2^32 does not hold (infinities and NaNs included).
template <class V>
NONLIN_INLINE auto big_lanes(V const& u) noexcept {
  return bits_above(detail::abs(u), to_bits(splat<scalar_t<V>>(pow2f_v<32>)));
}

// Recomputes the lanes of `big` as f(g, u) (doubles in, float out). The
// vectors are taken by value (in registers): by reference, GCC 12 stored
// them to the stack in every iteration of the caller's loop, not only on
// the way to this cold call (fast::glu 15 % slower, benchmarks/README.md).
template <class V, class M, class F>
NONLIN_COLD V fix_lanes(V y, V g, V u, M big, F const& f) noexcept {
  if constexpr (is_scalar<V>::value) {
    return big ? static_cast<float>(f(static_cast<double>(g), static_cast<double>(u))) : y;
  } else {
    constexpr std::size_t W = V::size;
    alignas(64) float ys[W], gs[W], us[W], bs[W];
    y.store_aligned(ys);
    g.store_aligned(gs);
    u.store_aligned(us);
    detail::select(big, V(1.0f), V(0.0f)).store_aligned(bs);
    for (std::size_t i = 0; i < W; ++i)
      if (bs[i] != 0.0f) ys[i] = static_cast<float>(f(static_cast<double>(gs[i]), static_cast<double>(us[i])));
    return V::load_aligned(ys);
  }
}

// Recomputes the lanes of `rare` as u act_d(g), in double (act_d a functor
// that takes xsimd::batch<double>), rounded once to float. The rare lanes are
// packed into batches of doubles of the default architecture -- the batch a
// scalar act_d(g) runs in lane 0 (eval.hpp) -- so each lane gets the same
// bits as from that scalar call, at one kernel call per batch of rare lanes
// instead of one per lane (the other lanes of the last batch are zeros).
template <class V, class M, class ActD>
NONLIN_COLD V fix_lanes_d(V y, V g, V u, M rare, ActD const& act_d) noexcept {
  if constexpr (is_scalar<V>::value) {
    return rare ? static_cast<float>(static_cast<double>(u) * act_d(static_cast<double>(g))) : y;
  } else {
#if NONLIN_USE_XSIMD
    using D = xsimd::batch<double>;
    constexpr std::size_t W = V::size, WD = D::size;
    alignas(64) float ys[W], gs[W], us[W], bs[W];
    y.store_aligned(ys);
    g.store_aligned(gs);
    u.store_aligned(us);
    detail::select(rare, V(1.0f), V(0.0f)).store_aligned(bs);
    alignas(64) double gd[W + WD] = {}, ud[W + WD] = {};
    std::size_t idx[W];
    std::size_t k = 0;
    for (std::size_t i = 0; i < W; ++i) {
      if (bs[i] == 0.0f) continue;
      idx[k] = i;
      gd[k] = static_cast<double>(gs[i]);
      ud[k] = static_cast<double>(us[i]);
      ++k;
    }
    for (std::size_t j = 0; j < k; j += WD)
      (D::load_aligned(ud + j) * act_d(D::load_aligned(gd + j))).store_aligned(gd + j);
    for (std::size_t j = 0; j < k; ++j) ys[idx[j]] = static_cast<float>(gd[j]);
    return V::load_aligned(ys);
#else
    static_assert(sizeof(V) == 0, "fix_lanes_d: batches need xsimd");
    return y;
#endif
  }
}

// How a kernel meets a vector with lanes for its cold call (fix_lanes,
// fix_lanes_d). rare_now, the functors' own call: it makes that call.
// rare_defer, the bulk loops' on AArch64 (bulk.hpp, whole_vectors): it only
// sets `hit` to whether the vector has such a lane, and the loop computes
// that vector again through the functor's own call outside its hot loop,
// which then holds no call (ops.hpp, defer_rare_lanes). The same bits
// either way.
struct rare_now {};
struct rare_defer {
  bool& hit;
};
template <class Rare>
constexpr bool defers() noexcept {
  return std::is_same<Rare, rare_defer>::value;
}

// The precise tier's double kernels, through a batch lane as every scalar
// call is (eval.hpp), for the rare lanes.
inline double sigmoid_d(double g) {
  return eval(g, [](auto const& v) { return detail::sigmoid(v); });
}
inline double silu_d(double g) {
  return eval(g, [](auto const& v) { return detail::silu(v); });
}
inline double swish_d(double x, double b) {
  return eval(x, [b](auto const& v) { return detail::swish(v, splat<std::decay_t<decltype(v)>>(b)); });
}
inline double gelu_d(double g) {
  return eval(g, [](auto const& v) { return detail::gelu(v); });
}
inline double gelu_tanh_d(double g) {
  return eval(g, [](auto const& v) { return detail::gelu_tanh(v); });
}

// act(g) * u for an infinite u (act(g) has the sign of g, sigmoid is > 0):
// the limit, NaN for 0 * inf.
inline double times_inf(double act_sign, double u) { return act_sign == 0 ? u - u : act_sign > 0 ? u : -u; }

// up act(g) for a rare lane, in double: NaN in either operand gives NaN;
// an infinite up the limit (times_inf with act_sign: 0 where act(g) is 0,
// else a value with act(g)'s sign); else up act(g), rounded once to float
// by the caller.
template <class Act>
inline double rare_product(double g, double u, double act_sign, Act const& act) {
  if (u != u || g != g) return u + g;
  if (u - u != 0) return times_inf(act_sign, u);
  return u * act(g);
}

// The gated kernels' rare lanes (those of big_lanes, which the default and
// fast tiers send to the precise kernels in double), each act(g) u rounded
// once by fix_lanes: NaN in g, u (or beta) gives NaN, an infinite u the
// limit.
inline double glu_rare(double g, double u) { return rare_product(g, u, g == -INFINITY ? 0 : 1, sigmoid_d); }
inline double swiglu_rare(double g, double u, double b) {
  if (u == u && g == g && (b != b || (b == 0 && g - g != 0))) return g - g + b;  // NaN beta; 0 * inf
  return rare_product(g, u, g == 0 || (g - g != 0 && b * g < 0) ? 0 : g, [b](double x) { return swish_d(x, b); });
}
inline double swiglu1_rare(double g, double u) {
  return rare_product(g, u, g == 0 || g == -INFINITY ? 0 : g, silu_d);
}
inline double geglu_rare(double g, double u) { return rare_product(g, u, g == 0 || g == -INFINITY ? 0 : g, gelu_d); }
inline double geglu_tanh_rare(double g, double u) {
  return rare_product(g, u, g == 0 || g == -INFINITY ? 0 : g, gelu_tanh_d);
}

// m sigmoid(zh + zl) on the common path (|m| <= 2^32), m folded into the
// scaled numerator; the core of swish and swiglu. In two halves for the
// bulk loops: e^-|z|'s pieces (of z alone), and the rest.
template <class V>
struct times_sigmoid_state {
  V zh;
  exp_k<V> e;
};
template <bool HasLo, class V>
NONLIN_INLINE times_sigmoid_state<V> times_sigmoid_stage1(V const& zh, V const& zl) noexcept {
  const V a = max_keep_nan(neg_abs(zh), V(-132.0f));
  V alo = V(0.0f);
  if constexpr (HasLo) {
    // -|z| = a + alo: alo = -zl for zh >= 0, zl for zh < 0 (a bit flip, no
    // negation); dropped where the argument was clamped.
    alo = from_bits<V>(to_bits(zl) ^ (~to_bits(zh) & ibits<V>(std::numeric_limits<std::int32_t>::min())));
    alo = detail::select(a == neg_abs(zh), alo, V(0.0f));
  }
  return {zh, exp_neg_k<KG, 6, HasLo>(a, alo)};
}
template <class V>
NONLIN_INLINE V times_sigmoid_stage2(times_sigmoid_state<V> const& st, V const& m, V const& m_neg) noexcept {
  const V& zh = st.zh;
  const V eK = st.e.p * st.e.sK;
  const V d = detail::fma(eK, splat<V>(pow2f_v<-KG>), V(1.0f));
  const V num = sign_select(zh, m_neg * eK, m);
  const V s = sign_select(zh, splat<V>(pow2f_v<-KG>), V(1.0f));
  return scale_down_any(detail::div(num, d), s, negative_lanes(zh));
}

// swish(x, beta) = x sigmoid(beta x), beta x carried as an exact pair.
// In two halves for the bulk loops (times_sigmoid's).
template <class V>
struct swish_state {
  V x;
  times_sigmoid_state<V> ts;
};
template <class V>
NONLIN_INLINE swish_state<V> swish_stage1(V const& x, V const& beta) noexcept {
  const V zh = beta * x;
  const V zl = detail::fms(beta, x, zh);
  return {x, times_sigmoid_stage1<true>(zh, zl)};
}
template <class V, class Rare = rare_now>
NONLIN_INLINE V swish_stage2(swish_state<V> const& st, V const& beta, Rare const& rare = Rare{}) noexcept {
  const V& x = st.x;
  V y = times_sigmoid_stage2(st.ts, x, x);
  const auto big = big_lanes(x);
  if constexpr (defers<Rare>()) rare.hit = any_lane(big);
  else if (any_lane(big)) y = fix_lanes(y, x, beta, big, [](double xx, double b) { return swish_d(xx, b); });
  return y;
}
template <class V, class Rare = rare_now>
NONLIN_INLINE V swish(V const& x, V const& beta, Rare const& rare = Rare{}) noexcept {
  return swish_stage2(swish_stage1(x, beta), beta, rare);
}

// glu(g, up) = sigmoid(g) up.
// In two halves for the bulk loops (as sigmoid): the denominator, and the
// rest.
template <class V>
struct glu_state {
  V d, g, up;
};
template <class V>
NONLIN_INLINE glu_state<V> glu_stage1(V const& g, V const& up) noexcept {
  // up itself over (1 + e^-g) 2^-KG: no product rounded before the
  // division. g clamped to [-132, 31]: below, |up sigmoid(g)| < 2^-158 for
  // |up| <= 2^32; from 31 on, up sigmoid(g) rounds to up.
  const V gc = min_keep_nan(max_keep_nan(g, V(-132.0f)), V(31.0f));
  return {one_plus_exp_scaled<KG>(gc), g, up};
}
template <class V, class Rare = rare_now>
NONLIN_INLINE V glu_stage2(glu_state<V> const& s, Rare const& rare = Rare{}) noexcept {
  const V w = detail::div(s.up, s.d);  // up sigmoid(g) 2^KG
  V y = scale_down_any(w, splat<V>(pow2f_v<-KG>), w == w);  // every lane may be tiny
  const auto big = big_lanes(s.up);
  if constexpr (defers<Rare>()) rare.hit = any_lane(big);
  else if (any_lane(big)) y = fix_lanes(y, s.g, s.up, big, glu_rare);
  return y;
}
template <class V, class Rare = rare_now>
NONLIN_INLINE V glu(V const& g, V const& up, Rare const& rare = Rare{}) noexcept {
  return glu_stage2(glu_stage1(g, up), rare);
}

// swiglu(g, up) = swish(g) up = up g sigmoid(beta g): the numerator is
// m = up g, folded in before the division (|m| <= 2^32 on the common path,
// so that m e^-132 still rounds to 0 where the exp argument is clamped).
// In two halves for the bulk loops (times_sigmoid's; m in the second).
template <class V>
struct swiglu_state {
  V g, up;
  times_sigmoid_state<V> ts;
};
template <class V>
NONLIN_INLINE swiglu_state<V> swiglu_stage1(V const& g, V const& up, V const& beta) noexcept {
  const V zh = beta * g;
  const V zl = detail::fms(beta, g, zh);
  return {g, up, times_sigmoid_stage1<true>(zh, zl)};
}
template <class V, class Rare = rare_now>
NONLIN_INLINE V swiglu_stage2(swiglu_state<V> const& st, V const& beta, Rare const& rare = Rare{}) noexcept {
  const V& g = st.g;
  const V& up = st.up;
  const V m = up * g;
  V y = times_sigmoid_stage2(st.ts, m, m);
  const auto big = big_lanes(m);
  if constexpr (defers<Rare>()) {
    rare.hit = any_lane(big);
  } else if (any_lane(big)) {
    const double b = first_lane(beta);
    y = fix_lanes(y, g, up, big, [b](double gg, double u) { return swiglu_rare(gg, u, b); });
  }
  return y;
}
template <class V, class Rare = rare_now>
NONLIN_INLINE V swiglu(V const& g, V const& up, V const& beta, Rare const& rare = Rare{}) noexcept {
  return swiglu_stage2(swiglu_stage1(g, up, beta), beta, rare);
}

// swish with beta = 1: silu's exp argument, no beta x product. The same
// bits as swish(x, 1), where zh = x and zl = +-0. In two halves as swish.
template <class V>
NONLIN_INLINE swish_state<V> swish1_stage1(V const& x) noexcept {
  return {x, times_sigmoid_stage1<false>(x, V(0.0f))};
}
template <class V, class Rare = rare_now>
NONLIN_INLINE V swish1_stage2(swish_state<V> const& st, Rare const& rare = Rare{}) noexcept {
  const V& x = st.x;
  V y = times_sigmoid_stage2(st.ts, x, x);
  const auto big = big_lanes(x);
  if constexpr (defers<Rare>()) rare.hit = any_lane(big);
  else if (any_lane(big)) y = fix_lanes(y, x, V(1.0f), big, [](double xx, double) { return swish_d(xx, 1.0); });
  return y;
}
template <class V, class Rare = rare_now>
NONLIN_INLINE V swish1(V const& x, Rare const& rare = Rare{}) noexcept {
  return swish1_stage2(swish1_stage1(x), rare);
}

// swiglu with beta = 1 (LLaMA's): silu's exp argument, no beta g product.
// The same bits as swiglu(g, up, 1): there zh = g and zl = +-0. In two
// halves as swiglu.
template <class V>
NONLIN_INLINE swiglu_state<V> swiglu1_stage1(V const& g, V const& up) noexcept {
  return {g, up, times_sigmoid_stage1<false>(g, V(0.0f))};
}
template <class V, class Rare = rare_now>
NONLIN_INLINE V swiglu1_stage2(swiglu_state<V> const& st, Rare const& rare = Rare{}) noexcept {
  const V& g = st.g;
  const V& up = st.up;
  const V m = up * g;
  V y = times_sigmoid_stage2(st.ts, m, m);
  const auto big = big_lanes(m);
  if constexpr (defers<Rare>()) rare.hit = any_lane(big);
  else if (any_lane(big)) y = fix_lanes(y, g, up, big, swiglu1_rare);
  return y;
}
template <class V, class Rare = rare_now>
NONLIN_INLINE V swiglu1(V const& g, V const& up, Rare const& rare = Rare{}) noexcept {
  return swiglu1_stage2(swiglu1_stage1(g, up), rare);
}

// geglu(g, up) = gelu(g) up: gelu's kernel with KG and t <= 16; u =
// Phi(-t) 2^KG without the factor t (a tiny gate meets up before any
// rounding).
// In two halves for the bulk loops (as gelu): up to the reduced exp
// argument, and the rest.
template <class V>
struct geglu_state {
  V g, up, t, r, tt;
};
template <class V>
NONLIN_INLINE geglu_state<V> geglu_stage1(V const& g, V const& up) noexcept {
  const V t = min_keep_nan(detail::abs(g), splat<V>(C::geglu_end));
  V r, tt;
  gelu_reduce<KG>(t, r, tt);
  return {g, up, t, r, tt};
}
template <class V, class Rare = rare_now>
NONLIN_INLINE V geglu_stage2(geglu_state<V> const& st, Rare const& rare = Rare{}) noexcept {
  const V& g = st.g;
  const V& up = st.up;
  const V& t = st.t;
  const V& r = st.r;
  const V e = detail::fma(horner(r, C::gelu_exp), r, splat<V>(C::gelu_c0_lo));
  const V sK = pow2_of_magic(st.tt);
  const V b = horner(t, C::gelu_b);
  const V den = detail::fma(t, b, horner(t, C::gelu_a));
  const V u = detail::div(sK * detail::fma(splat<V>(C::gelu_c0_hi), b, e * b), den);  // Phi(-t) 2^KG
  // g < 0: -up t Phi(-t) = -((up t) u) 2^-KG (fnms keeps the sign of zero);
  // g >= 0: up g (1 - Phi(-t)) = fma(-(up g), P, up g), P = u 2^-KG, and
  // P = 0 for t > 9 (1 - P rounds to 1 there; P would be subnormal past 13).
  const V pp = detail::opaque(detail::select(t > V(9.0f), V(0.0f), u)) * splat<V>(pow2f_v<-KG>);
  const V mg = up * g;
  // (copysign: mg - mg P is +0 where mg is -0.)
  const V w = sign_select(g, detail::fnms(up * t, u, V(0.0f)), detail::copysign(detail::fnma(mg, pp, mg), mg));
  const V s = sign_select(g, splat<V>(pow2f_v<-KG>), V(1.0f));
  V y = scale_down_any(w, s, negative_lanes(g));
  const auto big_up = big_lanes(up), big_mg = big_lanes(mg);  // (up g overflows: inf * 0 in w)
  const auto big = big_up | big_mg;
  if constexpr (defers<Rare>()) rare.hit = any_lane(big);
  else if (any_lane(big)) y = fix_lanes(y, g, up, big, geglu_rare);
  return y;
}
template <class V, class Rare = rare_now>
NONLIN_INLINE V geglu(V const& g, V const& up, Rare const& rare = Rare{}) noexcept {
  return geglu_stage2(geglu_stage1(g, up), rare);
}

// geglu_tanh(g, up) = gelu_tanh(g) up: gelu_tanh's kernel with KG, up
// folded into the numerator, x clamped to [-11.75, 11.75] for z: below,
// |gelu_tanh(x) up| < 2^-158 for |up| <= 2^32 (a signed zero), above, the
// result is x up; and e^-|z| 2^KG >= 2^-114 stays normal (at 12 it was
// subnormal: no wrong bits, but microcode assists on x86).
// In two halves for the bulk loops (as gelu_tanh).
template <class V>
struct geglu_tanh_state {
  V x, up, xc, r, t;
};
template <class V>
NONLIN_INLINE geglu_tanh_state<V> geglu_tanh_stage1(V const& x, V const& up) noexcept {
  const V xc = max_keep_nan(min_keep_nan(x, V(11.75f)), V(-11.75f));
  V r, t;
  gelu_tanh_reduce<KG>(xc, r, t);
  return {x, up, xc, r, t};
}
template <class V, class Rare = rare_now>
NONLIN_INLINE V geglu_tanh_stage2(geglu_tanh_state<V> const& st, Rare const& rare = Rare{}) noexcept {
  const V& x = st.x;
  const V& up = st.up;
  const V eK = exp_poly6(st.r) * pow2_of_magic(st.t);
  const V d = detail::fma(eK, splat<V>(pow2f_v<-KG>), V(1.0f));
  const V w = detail::div(up * sign_select(x, st.xc * eK, x), d);
  const V s = sign_select(x, splat<V>(pow2f_v<-KG>), V(1.0f));
  V y = scale_down_any(w, s, negative_lanes(x));
  const auto big = big_lanes(up);
  if constexpr (defers<Rare>()) rare.hit = any_lane(big);
  else if (any_lane(big)) y = fix_lanes(y, x, up, big, geglu_tanh_rare);
  return y;
}
template <class V, class Rare = rare_now>
NONLIN_INLINE V geglu_tanh(V const& x, V const& up, Rare const& rare = Rare{}) noexcept {
  return geglu_tanh_stage2(geglu_tanh_stage1(x, up), rare);
}

// ---------------------------------------------------- functor kernels --
// float on a target with an FMA: the kernels above; double, and float
// without an FMA (where their error-free steps do not hold): the precise
// tier's.

template <class V>
using is_float = std::integral_constant<bool, std::is_same<scalar_t<V>, float>::value && has_fma>;

template <class V>
NONLIN_INLINE V sigmoid_kernel(V const& x) noexcept {
  if constexpr (is_float<V>::value) return standard::sigmoid(x);
  else return detail::sigmoid(x);
}
template <class V>
NONLIN_INLINE V tanh_kernel(V const& x) noexcept {
  if constexpr (is_float<V>::value) return standard::tanh(x);
  else return detail::tanh(x);
}
template <class V>
NONLIN_INLINE V silu_kernel(V const& x) noexcept {
  if constexpr (is_float<V>::value) return standard::silu(x);
  else return detail::silu(x);
}
template <class V>
NONLIN_INLINE V swish_kernel(V const& x, V const& beta) noexcept {
  if constexpr (is_float<V>::value) return standard::swish(x, beta);
  else return detail::swish(x, beta);
}
template <class V>
NONLIN_INLINE V gelu_kernel(V const& x) noexcept {
  if constexpr (is_float<V>::value) return standard::gelu(x);
  else return detail::gelu(x);
}
template <class V>
NONLIN_INLINE V gelu_tanh_kernel(V const& x) noexcept {
  if constexpr (is_float<V>::value) return standard::gelu_tanh(x);
  else return detail::gelu_tanh(x);
}

// The first halves of tanh_kernel, sigmoid_kernel, silu_kernel,
// gelu_kernel and gelu_tanh_kernel (the default functors' stage1). Their
// second halves are found by the state's type: standard::tanh_stage2 or
// detail::tanh_stage2, and so on (the functors call them unqualified;
// precise gelu_tanh's is detail::times_sigmoid_stage2).
template <class V>
NONLIN_INLINE auto tanh_kernel_stage1(V const& x) noexcept {
  if constexpr (is_float<V>::value) return standard::tanh_stage1(x);
  else return detail::tanh_stage1(x);
}
template <class V>
NONLIN_INLINE auto sigmoid_kernel_stage1(V const& x) noexcept {
  if constexpr (is_float<V>::value) return standard::sigmoid_stage1(x);
  else return detail::sigmoid_stage1(x);
}
template <class V>
NONLIN_INLINE auto silu_kernel_stage1(V const& x) noexcept {
  if constexpr (is_float<V>::value) return standard::silu_stage1(x);
  else return detail::silu_stage1(x);
}
template <class V>
NONLIN_INLINE auto gelu_kernel_stage1(V const& x) noexcept {
  if constexpr (is_float<V>::value) return standard::gelu_stage1(x);
  else return detail::gelu_stage1(x);
}
template <class V>
NONLIN_INLINE auto gelu_tanh_kernel_stage1(V const& x) noexcept {
  if constexpr (is_float<V>::value) return standard::gelu_tanh_stage1(x);
  else return detail::gelu_tanh_stage1(x);
}

// The gated functors (glu.hpp) call the kernels above where is_float
// holds, else detail::gated with the precise tier's activation.

}  // namespace standard
}  // namespace detail
NONLIN_END_NAMESPACE  // namespace nonlin

#endif  // NONLIN_DETAIL_MATH_STD_HPP
