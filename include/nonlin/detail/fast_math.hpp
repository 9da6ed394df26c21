// nonlin::detail::fast: the vector math of the fast tier (nonlin::fast::*),
// float only, written once over V = float | xsimd::batch<float, A>.
//
// The fast tier keeps every rule of the precise one that is about *what* is
// computed (exp only of non-positive arguments, nothing like 1 + erf(z) for
// negative z, NaN in -> NaN out, the limits at +-inf, signed zeros, results
// in the subnormal range scaled once) and drops what makes the precise tier
// slow (hi + lo pairs, corrected divisions, the two-step power of two):
//   * e^r on |r| <= ln2/2 by a polynomial of degree D (fast_coeffs<D>);
//   * a one-constant argument reduction r = a - n ln2, n from the ops
//     layer's round_product_index (approx_round_product's n, kept as the
//     target scales by 2^n: pow2_index);
//   * 1/d from the ops layer's approx_rcp followed by R Newton steps, and
//     num/d as num times that where approx_rcp is an estimate (AVX-512),
//     else as one division (quotient).
// The two approximate ops differ by instruction set (ops.hpp), so this
// tier's results do too, each within its bound.
// D and R are template parameters so that benchmarks/fast_curve can walk the
// speed/accuracy curve; the tier itself uses fast::degree and fast::refine,
// chosen at the knee of that curve.
#ifndef NONLIN_DETAIL_FAST_MATH_HPP
#define NONLIN_DETAIL_FAST_MATH_HPP

#include <limits>
#include <type_traits>
#include <utility>

#include "../tier.hpp"
#include "coefficients_tanh.hpp"
#include "math.hpp"
#include "math_std.hpp"

NONLIN_BEGIN_NAMESPACE
namespace detail {
namespace fast {

// The tier's exp degree and Newton steps: the knee of the curve in
/// benchmarks/fast_curve.md (degree 2 -> 3 buys 4 bits, 3 -> 4 one bit,
/// 4 -> 5 none; the time of one more FMA is within the benchmark's noise).
constexpr int degree = 3;
constexpr int refine = 0;

// Exp arguments below this give e^a < 2^-158: +0, also times 156 (silu's
// clamped x times p).
constexpr double exp_floor = -110.0;

// |a| up to which e^-|a| = p 2^n has n >= -123, above kTinyN (fast_k's
// calm_bound).
constexpr double calm_exp_arg = 85.0;

template <class V>
using is_float = std::is_same<scalar_t<V>, float>;

// 1/d for d >= 1 (or +inf or NaN): the approximate reciprocal of the ops
// layer (a hardware estimate on AVX-512, exact at d = 1 and d = 2, which
// sigmoid(0), sigmoid(+inf) and tanh(+-inf) rely on; the correctly rounded
// 1/d elsewhere) and, where it is an estimate, R Newton steps.
template <int R, class V>
NONLIN_INLINE V rcp(V const& d) noexcept {
  V y = approx_rcp(d);
  if constexpr (approx_rcp_is_estimate<V>()) {
    for (int i = 0; i < R; ++i) y = detail::fma(detail::fma(-d, y, V(1)), y, y);
  }
  return y;
}

// num / d for d >= 1 (or +inf or NaN): num times rcp<R>(d) where the
// reciprocal is an estimate (AVX-512: one multiply instead of a division),
// else the division itself, rounded once (one operation fewer than the
// correctly rounded 1/d and a multiply).
template <int R, class V>
NONLIN_INLINE V quotient(V const& num, V const& d) noexcept {
  if constexpr (approx_rcp_is_estimate<V>()) return mul_tiny(num, rcp<R>(d));
  else return detail::div(num, d);
}

// n = round(a log2e), as a pow2_index (ops.hpp) and as a float in n; e^a =
// e^r 2^n with r = a - n ln2.
template <class V>
NONLIN_INLINE pow2_index<V> exp_index(V const& a, V& n) noexcept {
  return round_product_index(a, splat<V>(coeffs<float>::log2e), n);
}

// e^a = p * 2^n for a in [exp_floor, 0] (or NaN), p in [1/sqrt 2, sqrt 2]
// up to the fit's error: kept apart so that a caller can multiply a factor
// into p before the (single) rounding of the scaling.
// (k: n as the ops layer scales by 2^n, pow2_index.)
template <class V>
struct expo {
  V p;
  pow2_index<V> k;
  // p 2^n rounded once, by one factor: for n >= kTinyN (2^n normal, the
  // split route's plain lanes), and for any n on AVX-512, where it is
  // vscalef (the plain route, which only AVX-512 builds have). The
  // kernels scale their products m p the same way, in the same lanes.
  NONLIN_INLINE V value() const noexcept { return scaled(p); }
  template <int K = 0>
  NONLIN_INLINE V scaled(V const& m) const noexcept { return scale_by_index<K>(m, k); }
  NONLIN_INLINE V n() const noexcept { return index_value(k); }
  NONLIN_INLINE auto n_below(double c) const noexcept { return index_below(k, c); }
};

// Subnormal results without subnormal operands. On x86 a floating-point
// operation whose result underflows or which reads a subnormal takes a
// microcode assist (measured 30-50x slower per instruction on the Intel
// Xeon of benchmarks/README.md), so a kernel that scales into the subnormal
// range with vscalef or a multiply runs 20-400x slower on inputs in its
// tails. The kernels below test each vector for an exponent n below
// kTinyN, where a scaling by 2^n can underflow; a vector without one (all
// of them for |x| below about 86) runs the plain formulas, one with one
// takes the same formulas with the scaling done by ldexp_tiny and the
// denominators' 2^n clamped. In such a vector the lanes with n >= kTinyN
// still get the plain formulas (their n unchanged), and the others, always
// the same lanes, ldexp_tiny: a lane's value does not depend on its
// neighbours, and where the result is normal the two agree anyway (a
// scaling by a power of two commutes with a rounding there, and in a tiny
// lane both round the same product once). With an FMA, sigmoid, silu,
// gelu_tanh, gelu and (without AVX-512) geglu take one formula in every
// lane of such a vector instead, with the same bits and fewer operations
// (sigmoid_tiny below). On the plain route of AVX-512 builds every vector
// takes the plain formulas; their products that can be subnormal are
// mul_tiny's (the plain route without AVX-512: scaled_route below).
constexpr double kTinyN = -124.0;

// Which formulas the kernels take for subnormal results (template
// parameter Rt): split, the test per vector above (every CPU without the
// flag below, every build without an FMA, and every scalar call); plain,
// for a CPU whose vscalef and FMAs take subnormals at full speed (ops.hpp,
// subnormals_full_speed): the plain formulas in every vector with AVX-512,
// fewer tests or cheaper second formulas without (scaled_route). apply() picks
// split or plain once per call (bulk.hpp, kernel_choice), so that neither
// the flag nor the test sits in the loop.
// Two more for the split route in blocks (bulk.hpp, blocked_vectors;
// sigmoid and silu, through fast_unary_blocked): common, the plain
// formulas without the test, for the vectors of a block whose |x| are all
// within calm_bound (no tiny lane; any target: there 2^n is normal); tails,
// the second formulas in every vector of the other blocks (the same values
// in every lane). On inputs in the tails a test per vector is taken at
// random, and a mispredicted branch costs more than the second formulas.
enum class route { split, plain, common, tails };

// The routes that take the split route's formulas (split, common, tails).
template <route Rt>
constexpr bool splits() {
  return Rt == route::split || Rt == route::common || Rt == route::tails;
}

// Whether the fast tier has the plain route (x86 with an FMA: the builds
// with the CPU flag), and whether this CPU takes it.
#if defined(__AVX512F__)
constexpr bool avx512_build = true;
#else
constexpr bool avx512_build = false;
#endif
#if defined(NONLIN_DETAIL_CPU_FLAG)
constexpr bool has_plain_route = true;
NONLIN_INLINE bool cpu_takes_plain() noexcept { return subnormals_full_speed; }
#else
constexpr bool has_plain_route = false;
NONLIN_INLINE bool cpu_takes_plain() noexcept { return false; }
#endif

// The plain route without AVX-512 (scaled_route): there quotient()
// divides, and the plain formulas' numerators in the tails are subnormal,
// which the dividers of the CPUs with the flag take slowly (Zen 5, Zen 4:
// benchmarks/README.md, A/B studies 21, and
// benchmarks/subnormal_probe.cpp). So the kernels take one formula in
// every vector there, without a test, whose subnormal products are
// mul_tiny's and whose divisions see normal operands only: gelu and
// geglu their second formulas with one mul_tiny (gelu_stage2), with the
// split route's bits in every lane; sigmoid, silu, swish, gelu_tanh, glu,
// swiglu and geglu_tanh glu's construction
// (glu_one_formula: every build without AVX-512 takes it, on both
// routes). (benchmarks/README.md, A/B studies 22, 27 and 28.)
template <route Rt, class V>
constexpr bool scaled_route() {
  return Rt == route::plain && !is_avx512_batch<V>();
}

// Whether a vector takes the plain formulas without testing its lanes.
template <route Rt, class V>
NONLIN_INLINE bool plain_formulas() noexcept {
  static_assert(Rt != route::plain || has_plain_route, "the plain route exists in builds with the CPU flag only");
  return (Rt == route::plain && !scaled_route<Rt, V>()) || Rt == route::common;
}

// Whether a vector with these tiny lanes takes the plain formulas.
template <route Rt, class V, class M>
NONLIN_INLINE bool common_formulas(M const& tiny) noexcept {
  if constexpr (Rt == route::tails) return false;
  else return plain_formulas<Rt, V>() || !any_lane(tiny);
}

// fast::geglu's clamp of t = |g|: 16, where 2^32 t Phi(-t) < 2^-150 (gelu's
// own, fast_gelu_end = 14.5, is where t Phi(-t) alone is). The tail fit
// (scripts/fit_coefficients.sollya) is made on t <= 14.5; on (14.5, 16] its
// relative error stays below 2^-12, inside the tier's bound.
constexpr double fast_geglu_end = 16.0;

// m 2^n rounded once, subnormal results included, for integral n >= -215
// and |m| 2^n < 2^38 (every finite m where n <= -125), or m = 0, NaN: w =
// m 2^(n+90) is formed by one product by the normal 2^(n+90) (exact where
// w is normal; where it is not, |m| 2^n < 2^-216 and the result is +-0
// either way), and brought down by one fma that lands in the normal range
// (standard::scale_down_signed's construction): where |w| < 2^-36 it adds
// C = 2^-126 of w's sign, so that the sum's ulp is the subnormal grid, and
// an integer subtraction of C's bits leaves the result. (K = 90 keeps w
// finite for every finite m at n <= -125, and 2^(n+K) normal down to n =
// -216: one product instead of ldexp's two factors.)
// Without a hardware FMA the product w 2^-K would be rounded on its own,
// to a subnormal, which x86 CPUs take a microcode assist for; there the
// lanes with |w| < 2^-36 take the same construction 2^149 higher, w 2^59
// (exact and normal) plus C = 2^23 of w's sign, whose sum's ulp is 1: the
// same rounding, the same bits, no subnormal operand or result.
template <class V>
NONLIN_INLINE V ldexp_tiny(V const& m, V const& n) noexcept {
  constexpr int K = 90;
  using I = bits_t<V>;
  const V w = detail::ldexp_normal<K>(m, n);
  const auto tiny = detail::abs(w) < splat<V>(standard::pow2f_v<K - 126>);
  const I cs = mask_bits(tiny, std::int32_t(has_fma ? 0x00800000 : 0x4b000000));  // 2^-126 or 2^23
  const V c = from_bits<V>(cs | (to_bits(w) & I(std::numeric_limits<std::int32_t>::min())));
  V s = splat<V>(standard::pow2f_v<-K>);
  if constexpr (!has_fma) s = detail::select(tiny, splat<V>(standard::pow2f_v<149 - K>), s);
  const V z = detail::fma(w, s, c);
  return from_bits<V>(standard::bits_sub<V>(to_bits(z), cs));
}

// fast::gelu's threshold for the split route's second formulas: n below
// it where P = Phi(-t) = pg 2^n may not be normal (gelu_core).
constexpr double kTinyGelu = -120.0;

// (Built in place: returned as {p, n}, GCC 12 kept a dead store of n to
// the stack in every iteration of the plain-route loops.)
template <int D, class V>
NONLIN_INLINE expo<V> exp_neg(V const& a) noexcept {
  expo<V> e;
  V n;
  e.k = exp_index(a, n);
  e.p = horner(detail::fma(n, splat<V>(-0.693147180559945309), a), fast_coeffs<D>::exp);
  return e;
}

// The gated family (below) computes act(g) up with up folded into act's
// numerator before the final scaling (as the default tier does, and silu
// with x), so that the bound holds for every (g, up) pair: a tiny act(g)
// is never rounded on its own before a large |up| multiplies it. The
// common path takes the lanes where the multiplier m (up for glu, up g for
// the others) has |m| <= 2^32; there the exp argument is clamped at
// gated_floor, where |m| e^-132 < 2^-158 rounds to zero. The other lanes (an infinite or NaN m included) are evaluated by
// the precise kernels in double and rounded once (standard::fix_lanes).
constexpr double gated_floor = -132.0;

// glu's one formula, in the builds with an FMA but without AVX-512 (AVX2,
// NEON; and their scalar calls): up over (1 + e^-g) 2^-KG, the default
// glu's construction (standard::one_plus_exp_scaled) with the fast tier's
// exp (degree D, one-constant reduction), then the quotient scaled by
// 2^-KG, rounded once (standard::scale_down_any: integer operations where
// it is subnormal, on the split route). g clamped to [-132, 31] (below,
// |up sigmoid(g)| < 2^-158 for |up| <= 2^32; from 31 on, up sigmoid(g)
// rounds to up): every intermediate normal, no test per vector on the
// plain route, whatever the data. swiglu and geglu_tanh take it too, with
// z = beta g or gelu_tanh's z(x) and the numerator up g or up x, and so do
// sigmoid (up = 1), silu, swish and gelu_tanh (below). (AVX-512 keeps
// times_sigmoid: its vscalef and rcp14 make that one shorter.)
constexpr bool glu_one_formula = !avx512_build && has_fma;
template <class V>
struct glu_state {
  V x, w, d;  // (as sig2_state: x the gate, w up)
};
// The denominator (1 + e^-z) 2^-KG of glu's one formula, z clamped to
// [-132, 31] (NaN kept).
template <int D, class V>
NONLIN_INLINE V one_plus_exp_gated(V const& z) noexcept {
  const V zc = min_keep_nan(max_keep_nan(z, splat<V>(gated_floor)), V(31.0f));
  return standard::one_plus_exp_scaled<standard::KG, D>(zc);
}
// w 2^-KG rounded once: on the split route, integer operations only in a
// vector with a lane below 2^(KG-126) (elsewhere the product is exact).
// (Pos: w >= 0 or NaN, as for sigmoid: the construction without the sign.)
template <route Rt, bool Pos = false, class V>
NONLIN_INLINE V scale_down_gated(V const& w) noexcept {
  const V down = splat<V>(standard::pow2f_v<-standard::KG>);
  if constexpr (Rt == route::plain) return mul_tiny(w, down);
  if constexpr (Rt == route::common) return w * down;
  const V small = splat<V>(standard::pow2f_v<standard::KG - 126>);
  const auto tiny = Pos ? w < small : detail::abs(w) < small;
  if (Rt != route::tails && !any_lane(tiny)) return w * down;
  if constexpr (Pos) return standard::scale_down_pos<standard::KG>(w);
  else return standard::scale_down_any(w, down, tiny);
}

// The split route's second formulas with an FMA (a vector with a tiny
// lane, n < kTinyN), one formula for every lane: e^-|z| is carried as eK =
// p 2^(n+K), normal for every n >= -159 (K = standard::K = 40); 1 + e^-|z|
// is one fma of it (the tiny product never rounded on its own); the
// quotients that can be tiny are carried scaled by 2^K and scaled down
// last, rounded once by standard::scale_down_pos / scale_down_signed
// (integer operations where the result is subnormal). The same values as
// the plain formulas in the lanes with n >= kTinyN (a scaling by a power
// of two commutes with the roundings there) and as ldexp_tiny in the
// others (where 1 + e^-|z| rounds to 1): the same bits as the split
// formulas without an FMA, which select between the two, in about half
// their operations.
// sigmoid: 2^K / (1 + e^-x) or eK / (1 + e^-|x|) by x's sign bit.
template <int R, class V>
NONLIN_INLINE V sigmoid_tiny(expo<V> const& ex, V const& x) noexcept {
  constexpr int K = standard::K;
  const V eK = ex.template scaled<K>(ex.p);
  const V d = detail::fma(eK, splat<V>(standard::pow2f_v<-K>), V(1));
  const V q = quotient<R>(sign_select(x, eK, splat<V>(standard::pow2f_v<K>)), d);
  return standard::scale_down_pos(q);
}
// m sigmoid(z) for the callers of times_sigmoid with ShareE and SignBit
// (m_neg <= 0 where z's sign bit is set, and m_neg e^z normal wherever n
// >= kTinyN and n < 0): m_neg eK / (1 + e^-|z|) scaled down by 2^-K where
// z's sign bit is set, m / (1 + e^-|z|) elsewhere.
template <int R, class V>
NONLIN_INLINE V times_sigmoid_tiny(expo<V> const& ex, V const& z, V const& m_neg, V const& m) noexcept {
  constexpr int K = standard::K;
  const V down = splat<V>(standard::pow2f_v<-K>);
  const V eK = ex.template scaled<K>(ex.p);
  const V d = detail::fma(eK, down, V(1));
  const V q = quotient<R>(sign_select(z, m_neg * eK, m), d);
  return standard::scale_down_signed(q, sign_select(z, down, V(1)));
}

// The kernels of the sigmoid family in two halves (stage1: e^-|z|'s pieces;
// stage2: the rest), which the bulk loops overlap across vectors (bulk.hpp,
// staged): the kernel's operands x (and w: up, or what stage1 computed that
// stage2 reads) beside p and n.
template <class V>
struct sig_state {
  V x;
  expo<V> ex;
};
template <class V>
struct sig2_state {
  V x, w;
  expo<V> ex;
};
template <class V>
struct sig3_state {
  V x, w, z;
  expo<V> ex;
};

// (With glu_one_formula: glu's formula with up = 1, 1 over (1 + e^-x)
// 2^-KG, x clamped to [-132, 31], scaled by 2^-KG.)
template <int D, class V>
NONLIN_INLINE auto sigmoid_stage1(V const& x) noexcept {
  if constexpr (glu_one_formula) {
    return glu_state<V>{x, x, one_plus_exp_gated<D>(x)};
  } else {
    return sig_state<V>{x, exp_neg<D>(max_keep_nan(neg_abs(x), splat<V>(exp_floor)))};
  }
}
template <int R, route Rt, class V>
NONLIN_INLINE V sigmoid_stage2(glu_state<V> const& s) noexcept {
  return scale_down_gated<Rt, true>(detail::div(V(1.0f), s.d));
}
template <int R, route Rt, class V>
NONLIN_INLINE V sigmoid_stage2(sig_state<V> const& s) noexcept {
  const V& x = s.x;
  const expo<V>& ex = s.ex;
  const auto tiny = ex.n_below(kTinyN);
  if (Rt == route::plain || Rt == route::common || (Rt != route::tails && !any_lane(tiny))) {
    const V e = ex.value();  // e^-|x|
    return quotient<R>(sign_select(x, e, V(1)), V(1) + e);  // (x = -0: e = 1)
  }
  if constexpr (has_fma) return sigmoid_tiny<R>(ex, x);
  // Without an FMA: the plain formulas in the lanes with n >= kTinyN, and
  // with n = -64 in the tiny ones (|x| > 86, where 1 + e is 1 either way,
  // and so 1/(1 + e) on every target); there ldexp_tiny where x < 0.
  const V e = detail::ldexp_normal(ex.p, detail::select(tiny, V(-64.0f), ex.n()));
  // (The numerator chosen by x < 0 here, the same where x = -0 since e = 1
  // there: a second sign_select of x would let GCC 12 share its sign-bit
  // compare between the two paths, one operation more on the common one.)
  const auto neg = x < V(0);
  return detail::select(tiny & neg, ldexp_tiny(ex.p, ex.n()), quotient<R>(detail::select(neg, e, V(1)), V(1) + e));
}
template <int D = degree, int R = refine, route Rt = route::split, class V>
NONLIN_INLINE V sigmoid(V const& x) noexcept {
  return sigmoid_stage2<R, Rt>(sigmoid_stage1<D>(x));
}

// neg where z < 0 (SignBit: where z's sign bit is set), else pos.
template <bool SignBit, class V>
NONLIN_INLINE V numerator(V const& z, V const& neg, V const& pos) noexcept {
  if constexpr (SignBit) return sign_select(z, neg, pos);
  else return detail::select(z < V(0), neg, pos);
}

// m * sigmoid(z). Where z < 0 the numerator m e^z is formed as
// (m p) 2^n, so a result in the subnormal range is not lost to an e^z
// that underflowed on its own; one product by a normal 2^n, since the lanes
// that take these formulas have n >= kTinyN (on the plain route, AVX-512
// only, it is vscalef, for any n). -|z| is clamped at `floor`; the caller
// bounds m (m_neg, used where z < 0) so that m p 2^n is below 2^-150 there
// (+-0).
// (ArgIsMNeg: m_neg is the exp argument itself, max(-|z|, floor), as for
// silu, where z = m = x; the m_neg passed is then not read. SignBit: the
// numerator is chosen by z's sign bit, one operation fewer than z < 0, for
// callers whose m_neg equals m where z = -0 (there p = 1 and n = 0); not
// swish, whose z = beta x is -0 for beta = 0 and a clamped x.
// ShareE: on the split route the numerator is m_neg e, e = p 2^n the
// denominator's (normal there, n >= kTinyN), one product fewer: for
// callers whose m_neg e^z is normal wherever n < 0 (silu, gelu_tanh: a
// small m_neg comes with a small z), so that it equals (m_neg p) 2^n, the
// plain route's, in every lane; not swish and the gated kernels, where a
// small m_neg can meet any z and (m_neg p) 2^n be rounded twice.)
// In two halves: exp_neg<D>(max(-|z|, floor)), then times_sigmoid_rest
// with it (the second half of the kernels in halves).
template <int R, route Rt, bool SignBit = true, bool ShareE = false, class V>
NONLIN_INLINE V times_sigmoid_rest(expo<V> const& ex, V const& m, V const& m_neg, V const& z) noexcept {
  constexpr bool share = ShareE && splits<Rt>();
  const auto tiny = ex.n_below(kTinyN);
  if (common_formulas<Rt, V>(tiny)) {
    const V e = ex.value();
    const V num = share ? mul_tiny(m_neg, e) : ex.scaled(m_neg * ex.p);
    return quotient<R>(numerator<SignBit>(z, num, m), V(1) + e);
  }
  // (Not swish and the gated kernels: their m_neg p 2^n can be subnormal in
  // the lanes with n >= kTinyN, where the plain route rounds it before the
  // division; times_sigmoid_tiny would round it once, after.)
  if constexpr (share && SignBit && has_fma) return times_sigmoid_tiny<R>(ex, z, m_neg, m);
  // Otherwise, as in sigmoid without an FMA: the plain formulas in the
  // lanes with n >= kTinyN (n = -64 in the others), ldexp_tiny in the tiny
  // lanes where z < 0. There n is raised to ldexp_tiny's -215, where the
  // result still rounds to zero (|m_neg p| 2^-215 < 2^-150 for |m_neg| <=
  // 2^64: swish clamps x there, and the gated kernels recompute the lanes
  // beyond 2^32; swish's floor, -170, reaches n = -246, the gated kernels'
  // -132 n = -190; silu's and gelu_tanh's n >= -159 are never raised).
  // (In the tiny lanes 1 + 2^-64 p is 1, and so is its reciprocal.)
  const V nc = detail::select(tiny, V(-64.0f), ex.n());
  const V e = detail::ldexp_normal(ex.p, nc);
  const auto neg = z < V(0);
  const V num = share ? mul_tiny(m_neg, e) : detail::ldexp_normal(m_neg * ex.p, nc);
  // (Chosen by z < 0, as in sigmoid: where z = -0 the two numerators agree
  // for the SignBit callers.)
  const V plain = quotient<R>(detail::select(neg, num, m), V(1) + e);
  return detail::select(tiny & neg, ldexp_tiny(m_neg * ex.p, max_keep_nan(ex.n(), V(-215.0f))), plain);
}
template <int D, int R, route Rt, bool ArgIsMNeg = false, bool SignBit = true, bool ShareE = false, class V>
NONLIN_INLINE V times_sigmoid(V const& m, V const& m_neg, V const& z, V const& floor) noexcept {
  const V a = max_keep_nan(neg_abs(z), floor);
  return times_sigmoid_rest<R, Rt, SignBit, ShareE>(exp_neg<D>(a), m, ArgIsMNeg ? a : m_neg, z);
}

// silu and swish in the builds with glu_one_formula: glu's one formula
// (above) with the numerator x, z = x (silu) or beta x (swish) clamped to
// [-132, 31]. silu's numerator is x clamped the same way, and x itself is
// taken from 31 on (there silu(x) rounds to x, and the quotient would
// overflow for x > 2^48); swish's is x, and its lanes with |x| > 2^32 (an
// infinite or NaN x included) are recomputed in double by the precise
// kernels, as the gated kernels' are (below 2^32, |x| e^-132 < 2^-158
// rounds to 0 where z is clamped). With beta = 1 both give the same bits.
template <int D, class V>
NONLIN_INLINE auto silu_stage1(V const& x) noexcept {
  if constexpr (glu_one_formula) {
    // (xc is one_plus_exp_gated's clamp, and the numerator.)
    const V xc = min_keep_nan(max_keep_nan(x, splat<V>(gated_floor)), V(31.0f));
    return glu_state<V>{x, xc, standard::one_plus_exp_scaled<standard::KG, D>(xc)};
  } else {
    const V a = max_keep_nan(neg_abs(x), splat<V>(exp_floor));
    return sig2_state<V>{x, a, exp_neg<D>(a)};
  }
}
template <int R, route Rt, class V>
NONLIN_INLINE V silu_stage2(glu_state<V> const& s) noexcept {
  const V y = scale_down_gated<Rt>(detail::div(s.w, s.d));
  return detail::select(s.x > V(31.0f), s.x, y);
}
template <int R, route Rt, class V>
NONLIN_INLINE V silu_stage2(sig2_state<V> const& s) noexcept {
  // Where x < 0, m_neg is x clamped at exp_floor (the exp argument, w): the
  // result is -0 beyond it.
  return times_sigmoid_rest<R, Rt, true, true>(s.ex, s.x, s.w, s.x);
}
template <int D = degree, int R = refine, route Rt = route::split, class V>
NONLIN_INLINE V silu(V const& x) noexcept {
  return silu_stage2<R, Rt>(silu_stage1<D>(x));
}

// swish (without glu_one_formula: AVX-512 builds, no FMA): beta x can be
// small where x is huge, so the floor is lower (-170, 2^n still a product
// of two normal powers of two) and |x| is clamped at 2^64 in the numerator
// (then 2^64 e^-170 rounds to 0). The clamp shows only for |beta| < 2^-56
// and |x| > 2^64. (w: z = beta x.) With glu_one_formula: above.
template <int D, class V>
NONLIN_INLINE auto swish_stage1(V const& x, V const& beta) noexcept {
  const V z = beta * x;
  if constexpr (glu_one_formula) {
    return glu_state<V>{x, z, one_plus_exp_gated<D>(z)};
  } else {
    return sig2_state<V>{x, z, exp_neg<D>(max_keep_nan(neg_abs(z), splat<V>(-170.0)))};
  }
}
template <int R, route Rt, class V>
NONLIN_INLINE V swish_stage2(glu_state<V> const& s, V const& beta) noexcept {
  const V y = scale_down_gated<Rt>(detail::div(s.x, s.d));
  const auto big = standard::big_lanes(s.x);
  if (!any_lane(big)) return y;
  return standard::fix_lanes(y, s.x, beta, big, [](double xx, double b) { return standard::swish_d(xx, b); });
}
template <int R, route Rt, class V>
NONLIN_INLINE V swish_stage2(sig2_state<V> const& s, V const&) noexcept {
  const V& x = s.x;
  // (x clamped to [-2^64, 2^64], NaN kept: the ops' max and min, two
  // operations.)
  const V big = splat<V>(18446744073709551616.0);  // 2^64
  const V m = min_keep_nan(max_keep_nan(x, splat<V>(-18446744073709551616.0)), big);
  return times_sigmoid_rest<R, Rt, false>(s.ex, x, m, s.w);
}
template <int D = degree, int R = refine, route Rt = route::split, class V>
NONLIN_INLINE V swish(V const& x, V const& beta) noexcept {
  return swish_stage2<R, Rt>(swish_stage1<D>(x, beta), beta);
}

// gelu_tanh(x) = x sigmoid(z), z = x (c1 + c2 x^2) (w: z).
template <class V>
NONLIN_INLINE V gelu_tanh_z(V const& x) noexcept {
  using C = coeffs<float>;
  const V x2 = x * x;
  return x * detail::fma(splat<V>(C::gelu_tanh_c2_hi), x2, splat<V>(C::gelu_tanh_c1_hi));
}
template <int D, class V>
NONLIN_INLINE auto gelu_tanh_stage1(V const& x) noexcept {
  const V z = gelu_tanh_z(x);
  if constexpr (glu_one_formula) {
    // (silu's one formula with z = z(x): x below -20 (z < -570) gives -0.)
    const V xc = min_keep_nan(max_keep_nan(x, V(-20.0f)), V(31.0f));
    return glu_state<V>{x, xc, one_plus_exp_gated<D>(z)};
  } else {
    return sig2_state<V>{x, z, exp_neg<D>(max_keep_nan(neg_abs(z), splat<V>(exp_floor)))};
  }
}
template <int R, route Rt, class V>
NONLIN_INLINE V gelu_tanh_stage2(glu_state<V> const& s) noexcept {
  return silu_stage2<R, Rt>(s);
}
template <int R, route Rt, class V>
NONLIN_INLINE V gelu_tanh_stage2(sig2_state<V> const& s) noexcept {
  // Below -20 the result is -0 (z < -570): the clamp keeps inf * 0 out.
  return times_sigmoid_rest<R, Rt, true, true>(s.ex, s.x, max_keep_nan(s.x, V(-20.0f)), s.w);
}
template <int D = degree, int R = refine, route Rt = route::split, class V>
NONLIN_INLINE V gelu_tanh(V const& x) noexcept {
  return gelu_tanh_stage2<R, Rt>(gelu_tanh_stage1<D>(x));
}

// tanh(x) = x P(x^2) / Q(x^2) (fast_tanh, a rational fitted by
// scripts/fit_tanh_rational.py to a relative error of 2^-20.6) with x
// clamped to [-C, C] and the result to [-1, 1]: the rational exceeds 1 at
// C, so +-1 from there on and at +-inf. Odd: +-0 -> +-0. Thirteen
// operations, one division, no exp and no approximate op: the same bits on
// every target with an FMA.
template <class V>
NONLIN_INLINE V tanh(V const& x) noexcept {
  using T = fast_tanh;
  const V xc = max_keep_nan(min_keep_nan(x, V(T::clamp)), V(-T::clamp));
  const V s = xc * xc;
  const V y = detail::div(xc * horner(s, T::p), horner(s, T::q));
  return max_keep_nan(min_keep_nan(y, V(1.0f)), V(-1.0f));
}

// gelu(x) = x Phi(x). With t = min(|x|, fast_gelu_end) and
// P = Phi(-t) = e^(-t^2/2) G(1/(t + c)):
//   x < 0:  gelu = -t P, formed as ldexp(-t p G, n): -t folded in before the
//           scaling, so a subnormal result is rounded once (and not lost to
//           a P that underflowed on its own);
//   x >= 0: gelu = x (1 - P) (not x - t P: without a hardware FMA, t P
//           for a tiny x would flush to 0 under FTZ and leave x instead of
//           x/2; 1 - P is in [1/2, 1], so only the result itself can flush).
// Beyond fast_gelu_end P has underflowed to 0: +inf -> +inf, -inf -> -0.
//
// e^(-t^2/2) is reduced from t^2 itself (one multiply fewer): with
// a = -t^2/2, n = round(t^2 (-log2e/2)) and -2r = t^2 + n 2ln2, so the
// polynomial runs in -2r with its coefficients scaled by (-1/2)^k; every
// step is exactly -2 or (-1/2)^k times the one for a, so the bits are those
// of exp_neg(a).
template <int D, class Seq = std::make_index_sequence<sizeof(fast_coeffs<D>::exp) / sizeof(float)>>
struct exp_of_minus_half;
template <int D, std::size_t... I>
struct exp_of_minus_half<D, std::index_sequence<I...>> {
  static constexpr float c[] = {fast_coeffs<D>::exp[I] * ((I % 2 ? -1.0f : 1.0f) / static_cast<float>(1u << I))...};
};

// Gated: up gelu(x) with up folded in before the scaling and the rounding
// (m_neg = (up (-t)) G p, m_pos = up x), and t clamped at fast_geglu_end.
// In two halves (gelu_stage1: P's pieces; gelu_stage2: the rest), which
// the bulk loops overlap across vectors (bulk.hpp, staged).
template <class V>
struct gelu_state {
  V x, up, mt, pg;
  pow2_index<V> k;  // n
};
template <int D, int R, bool Gated, class V>
NONLIN_INLINE gelu_state<V> gelu_stage1(V const& x, V const& up) noexcept {
  using C = coeffs<float>;
  gelu_state<V> s;
  s.x = x;
  s.up = up;
  s.mt = max_keep_nan(neg_abs(x), splat<V>(-(Gated ? fast_geglu_end : fast_gelu_end)));  // -t
  const V t2 = s.mt * s.mt;
  V n;
  s.k = round_product_index(t2, splat<V>(-0.5 * C::log2e), n);
  const V r2 = detail::fma(n, splat<V>(2.0 * 0.693147180559945309), t2);  // -2r
  const V p = horner(r2, exp_of_minus_half<D>::c);
  const V u = rcp<R>(splat<V>(fast_gelu_shift) - s.mt);
  s.pg = p * horner(u, fast_coeffs<D>::gelu_tail);
  return s;
}
template <bool Gated, route Rt, class V>
NONLIN_INLINE V gelu_stage2(gelu_state<V> const& s) noexcept {
  const V& x = s.x;
  const V& up = s.up;
  const V& mt = s.mt;
  const V& pg = s.pg;
  const pow2_index<V>& k = s.k;
  V m_neg, m_pos;
  if constexpr (Gated) {
    m_neg = (up * mt) * pg;
    m_pos = up * x;
  } else {
    m_neg = mt * pg;
    m_pos = x;
  }
  // share (gelu on the split route): the result where x < 0 is -t P, P =
  // pg 2^n the one 1 - P uses, one product fewer than (-t pg) 2^n and the
  // same value where P is normal: the common path then takes the lanes with
  // n >= kTinyGelu, t <= 12.92, where P >= 2^-125.5; there -t P is normal
  // wherever n < 0 (t > 0.83), so both round once. Not geglu: a small up
  // can make (up (-t) pg) 2^n subnormal.
  constexpr bool share = !Gated && splits<Rt>();
  // The plain route without AVX-512 (scaled_route) takes the second
  // formulas below in every vector, no test.
  constexpr bool every_vector = scaled_route<Rt, V>();
  const auto tiny = index_below(k, share ? kTinyGelu : kTinyN);
  if constexpr (!every_vector) {
    if (common_formulas<Rt, V>(tiny)) {
      const V p = scale_by_index(pg, k);  // (as expo::value)
      const V neg_result = share ? mul_tiny(mt, p) : scale_by_index(m_neg, k);
      return sign_select(x, neg_result, m_pos * (V(1) - p));  // (x = -0: both are (-0) up)
    }
  }
  // (geglu's split route: not with AVX-512, whose split route runs on CPUs
  // without the flag only, and there measured slower on uniform inputs with
  // this formula: benchmarks/README.md, A/B studies 22.)
  if constexpr (every_vector || ((share || (Gated && !is_avx512_batch<V>())) && has_fma)) {
    // As times_sigmoid_tiny: P carried as pK = pg 2^(n+K) (normal: gelu's n
    // >= -152 with K = 40; geglu's t <= 16, n >= -185, with K = KG = 80), 1
    // - P as one fma of it, -t P (up) as m_neg 2^(n+K) scaled down last
    // (where x < 0; geglu's up x (1 - P) may be negative). The common
    // formulas' bits in every lane: where 2^n is normal, pK 2^-K is their
    // P exactly, and (m_neg 2^(n+K)) 2^-K rounds as m_neg 2^n (a scaling
    // by a power of two commutes with the rounding of a normal product;
    // where m_neg 2^(n+K) is not normal, geglu's result is +-0 either way).
    // gelu takes m_neg = -t pg rounded, not -t pK: where -t P is subnormal
    // for a tiny t (n = 0) that one would be rounded twice, m_neg once, as
    // the common formulas' -t P.
    constexpr int K = Gated ? standard::KG : standard::K;
    const V down = splat<V>(standard::pow2f_v<-K>);
    const V pK = scale_by_index<K>(pg, k);
    const V neg_q = scale_by_index<K>(m_neg, k), pos_q = m_pos * detail::fnma(pK, down, V(1));
    if constexpr (every_vector) {
      // (The CPU's flag is set: the final scaling one mul_tiny.)
      return sign_select(x, mul_tiny(neg_q, down), pos_q);
    } else if constexpr (Gated) {
      // (By x < 0, as below, not by the sign bit: GCC 12 then turned the
      // common path's blend on x into a compare and a blend. Where x = -0
      // both are (-0) up.)
      const auto neg = x < V(0);
      return standard::scale_down_any(detail::select(neg, neg_q, pos_q), detail::select(neg, down, V(1)), neg);
    } else {
      return standard::scale_down_signed(sign_select(x, neg_q, pos_q), sign_select(x, down, V(1)));
    }
  }
  // Otherwise (no FMA): the plain formulas in the lanes with n >= kTinyN (n
  // = -64 in the tiny ones: where x >= 0, 1 - P is 1 either way),
  // ldexp_tiny in the tiny lanes where x < 0.
  // (Chosen by x < 0, as in sigmoid: where x = -0 both are (-0) up.)
  const V n = index_value(k);
  const V nc = detail::select(tiny, V(-64.0f), n);
  const auto neg = x < V(0);
  const V p = detail::ldexp_normal(pg, nc);
  const V neg_result = share ? mul_tiny(mt, p) : detail::ldexp_normal(m_neg, nc);
  const V plain = detail::select(neg, neg_result, m_pos * (V(1) - p));
  return detail::select(tiny & neg, ldexp_tiny(m_neg, n), plain);
}
template <int D, int R, bool Gated, route Rt, class V>
NONLIN_INLINE V gelu_core(V const& x, V const& up) noexcept {
  return gelu_stage2<Gated, Rt>(gelu_stage1<D, R, Gated>(x, up));
}

template <int D = degree, int R = refine, route Rt = route::split, class V>
NONLIN_INLINE V gelu(V const& x) noexcept {
  return gelu_core<D, R, false, Rt>(x, x);
}


// The gated kernels in halves as the unary ones (sig2_state, sig3_state:
// x the gate, w up, z the exp argument's source where it is not the gate).
// The kernels called whole keep their own bodies beside the halves (the
// rare lanes' test shared): composed of its halves, swiglu's measured
// slower in the loops that do not overlap them (benchmarks/README.md, A/B
// studies 24).

// ------------------------------------------------- the gated family --
// glu(g, up) = up sigmoid(g).
// (Rare: standard::rare_now or rare_defer, as there.)
template <class V, class Rare>
NONLIN_INLINE V glu_rare_lanes(V y, V const& g, V const& up, Rare const& rare) noexcept {
  const auto big = standard::big_lanes(up);
  if constexpr (standard::defers<Rare>()) rare.hit = any_lane(big);
  else if (any_lane(big)) y = standard::fix_lanes(y, g, up, big, standard::glu_rare);
  return y;
}
template <int D, class V>
NONLIN_INLINE auto glu_stage1(V const& g, V const& up) noexcept {
  if constexpr (glu_one_formula) {
    return glu_state<V>{g, up, one_plus_exp_gated<D>(g)};
  } else {
    return sig2_state<V>{g, up, exp_neg<D>(max_keep_nan(neg_abs(g), splat<V>(gated_floor)))};
  }
}
template <int R, route Rt, class V, class Rare = standard::rare_now>
NONLIN_INLINE V glu_stage2(glu_state<V> const& s, Rare const& rare = Rare{}) noexcept {
  return glu_rare_lanes(scale_down_gated<Rt>(detail::div(s.w, s.d)), s.x, s.w, rare);
}
template <int R, route Rt, class V, class Rare = standard::rare_now>
NONLIN_INLINE V glu_stage2(sig2_state<V> const& s, Rare const& rare = Rare{}) noexcept {
  const V y = times_sigmoid_rest<R, Rt>(s.ex, s.w, s.w, s.x);
  return glu_rare_lanes(y, s.x, s.w, rare);
}
template <int D = degree, int R = refine, route Rt = route::split, class V, class Rare = standard::rare_now>
NONLIN_INLINE V glu(V const& g, V const& up, Rare const& rare = Rare{}) noexcept {
  if constexpr (glu_one_formula) return glu_stage2<R, Rt>(glu_stage1<D>(g, up), rare);
  else return glu_rare_lanes(times_sigmoid<D, R, Rt>(up, up, g, splat<V>(gated_floor)), g, up, rare);
}

// swiglu(g, up) = (up g) sigmoid(beta g); Beta1: beta = 1 (LLaMA's), no
// beta g product (the same bits as beta = 1 given). In halves: the state
// is sig2_state with Beta1 (z = g), else sig3_state (z = beta g).
template <bool Beta1, class V, class Rare>
NONLIN_INLINE V swiglu_rare_lanes(V y, V const& g, V const& up, V const& m, V const& beta,
                                  Rare const& rare) noexcept {
  const auto big = standard::big_lanes(m);
  if constexpr (standard::defers<Rare>()) {
    (void)beta;
    rare.hit = any_lane(big);
  } else if (any_lane(big)) {
    if constexpr (Beta1) {
      (void)beta;
      y = standard::fix_lanes(y, g, up, big, standard::swiglu1_rare);
    } else {
      const double b = standard::first_lane(beta);
      y = standard::fix_lanes(y, g, up, big, [b](double gg, double u) { return standard::swiglu_rare(gg, u, b); });
    }
  }
  return y;
}
template <bool Beta1, int D, class V>
NONLIN_INLINE auto swiglu_stage1(V const& g, V const& up, V const& beta) noexcept {
  if constexpr (glu_one_formula) {
    // (glu's one formula with z = beta g and the numerator up g.)
    const V z = Beta1 ? g : beta * g;
    return glu_state<V>{g, up, one_plus_exp_gated<D>(z)};
  } else if constexpr (Beta1) {
    (void)beta;
    return sig2_state<V>{g, up, exp_neg<D>(max_keep_nan(neg_abs(g), splat<V>(gated_floor)))};
  } else {
    const V z = beta * g;
    return sig3_state<V>{g, up, z, exp_neg<D>(max_keep_nan(neg_abs(z), splat<V>(gated_floor)))};
  }
}
template <class V>
NONLIN_INLINE V const& exp_source(sig2_state<V> const& s) noexcept {
  return s.x;
}
template <class V>
NONLIN_INLINE V const& exp_source(sig3_state<V> const& s) noexcept {
  return s.z;
}
template <bool Beta1, int R, route Rt, class S, class V, class Rare = standard::rare_now>
NONLIN_INLINE V swiglu_stage2(S const& s, V const& beta, Rare const& rare = Rare{}) noexcept {
  const V m = s.w * s.x;
  return swiglu_rare_lanes<Beta1>(times_sigmoid_rest<R, Rt>(s.ex, m, m, exp_source(s)), s.x, s.w, m, beta, rare);
}
template <bool Beta1, int R, route Rt, class V, class Rare = standard::rare_now>
NONLIN_INLINE V swiglu_stage2(glu_state<V> const& s, V const& beta, Rare const& rare = Rare{}) noexcept {
  const V m = s.w * s.x;
  return swiglu_rare_lanes<Beta1>(scale_down_gated<Rt>(detail::div(m, s.d)), s.x, s.w, m, beta, rare);
}
template <bool Beta1, int D = degree, int R = refine, route Rt = route::split, class V,
          class Rare = standard::rare_now>
NONLIN_INLINE V swiglu(V const& g, V const& up, V const& beta, Rare const& rare = Rare{}) noexcept {
  if constexpr (glu_one_formula) {
    return swiglu_stage2<Beta1, R, Rt>(swiglu_stage1<Beta1, D>(g, up, beta), beta, rare);
  } else {
    const V m = up * g;
    const V y = times_sigmoid<D, R, Rt>(m, m, Beta1 ? g : beta * g, splat<V>(gated_floor));
    return swiglu_rare_lanes<Beta1>(y, g, up, m, beta, rare);
  }
}

// geglu(g, up) = up gelu(g), t clamped at fast_geglu_end: beyond it
// |up gelu(g)| < 2^-150 wherever |up g| <= 2^32. (Halves: gelu_stage1,
// gelu_stage2 with Gated.)
template <route Rt, class V, class Rare = standard::rare_now>
NONLIN_INLINE V geglu_stage2(gelu_state<V> const& s, Rare const& rare = Rare{}) noexcept {
  V y = gelu_stage2<true, Rt>(s);
  const auto big = standard::big_lanes(s.up * s.x);
  if constexpr (standard::defers<Rare>()) rare.hit = any_lane(big);
  else if (any_lane(big)) y = standard::fix_lanes(y, s.x, s.up, big, standard::geglu_rare);
  return y;
}
template <int D = degree, int R = refine, route Rt = route::split, class V, class Rare = standard::rare_now>
NONLIN_INLINE V geglu(V const& g, V const& up, Rare const& rare = Rare{}) noexcept {
  return geglu_stage2<Rt>(gelu_stage1<D, R, true>(g, up), rare);
}

// geglu_tanh(x, up) = (up x) sigmoid(z(x)): gelu_tanh's z, with m_neg =
// up max(x, -20) (|m_neg| <= |up x|).
template <class V, class Rare>
NONLIN_INLINE V geglu_tanh_rare_lanes(V y, V const& x, V const& up, V const& m, Rare const& rare) noexcept {
  const auto big = standard::big_lanes(m);
  if constexpr (standard::defers<Rare>()) rare.hit = any_lane(big);
  else if (any_lane(big)) y = standard::fix_lanes(y, x, up, big, standard::geglu_tanh_rare);
  return y;
}
// (Without AVX-512: glu's one formula with z = z(x) and the numerator
// up x; where x < -11.3, z is clamped at -132 and the result is +-0.)
template <int D, class V>
NONLIN_INLINE auto geglu_tanh_stage1(V const& x, V const& up) noexcept {
  const V z = gelu_tanh_z(x);
  if constexpr (glu_one_formula) {
    return glu_state<V>{x, up, one_plus_exp_gated<D>(z)};
  } else {
    return sig3_state<V>{x, up, z, exp_neg<D>(max_keep_nan(neg_abs(z), splat<V>(gated_floor)))};
  }
}
template <int R, route Rt, class V, class Rare = standard::rare_now>
NONLIN_INLINE V geglu_tanh_stage2(glu_state<V> const& s, Rare const& rare = Rare{}) noexcept {
  const V m = s.w * s.x;
  return geglu_tanh_rare_lanes(scale_down_gated<Rt>(detail::div(m, s.d)), s.x, s.w, m, rare);
}
template <int R, route Rt, class V, class Rare = standard::rare_now>
NONLIN_INLINE V geglu_tanh_stage2(sig3_state<V> const& s, Rare const& rare = Rare{}) noexcept {
  const V& x = s.x;
  const V& up = s.w;
  const V m = up * x;
  const V y = times_sigmoid_rest<R, Rt>(s.ex, m, up * max_keep_nan(x, V(-20.0f)), s.z);
  return geglu_tanh_rare_lanes(y, x, up, m, rare);
}
template <int D = degree, int R = refine, route Rt = route::split, class V, class Rare = standard::rare_now>
NONLIN_INLINE V geglu_tanh(V const& x, V const& up, Rare const& rare = Rare{}) noexcept {
  if constexpr (glu_one_formula) {
    return geglu_tanh_stage2<R, Rt>(geglu_tanh_stage1<D>(x, up), rare);
  } else {
    const V z = gelu_tanh_z(x);
    const V m = up * x;
    const V y = times_sigmoid<D, R, Rt>(m, up * max_keep_nan(x, V(-20.0f)), z, splat<V>(gated_floor));
    return geglu_tanh_rare_lanes(y, x, up, m, rare);
  }
}

}  // namespace fast

// ------------------------------------------- the kernels as functors --
// A fast kernel K (fast_k below) on route Rt as a functor for detail::eval:
// the public fast functors run these on the split route, and the bulk loops
// (bulk.hpp, fast_on) on the route they pick per call.
// Whether K's plain route is not its split route (bulk.hpp, on_fast_route):
// in every build that has the plain route (every kernel with an exp has one
// of its own, with AVX-512 and without: scaled_route; fast::tanh has no exp
// and does not go through the bulk loops' route choice).
template <class K>
constexpr bool plain_differs_v = fast::has_plain_route;

template <class K, fast::route Rt>
struct fast_unary_on {
  static constexpr nonlin::tier tier = nonlin::tier::fast;
  static constexpr std::size_t avx2_ahead = K::avx2_ahead;
  static constexpr bool overlaps_in_avx2_16 = K::overlaps_in_avx2_16;
  static constexpr bool exists = true;
  static constexpr bool plain_differs = plain_differs_v<K>;
  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    return detail::eval(x, [](auto const& v) NONLIN_INLINE_LAMBDA { return K::template run<Rt>(v); });
  }
  // K's kernel in two halves, where K has them (bulk.hpp, staged).
  template <class B, class KK = K>
  NONLIN_INLINE auto stage1(B const& x) const noexcept -> decltype(KK::template stage1<Rt>(x)) {
    return K::template stage1<Rt>(x);
  }
  template <class S, class KK = K>
  NONLIN_INLINE auto stage2(S const& s) const noexcept -> decltype(KK::template stage2<Rt>(s)) {
    return K::template stage2<Rt>(s);
  }
};
template <class K, fast::route Rt>
struct fast_gated_on {
  static constexpr nonlin::tier tier = nonlin::tier::fast;
  static constexpr std::size_t avx2_ahead = K::avx2_ahead;
  static constexpr bool overlaps_in_avx2_16 = K::overlaps_in_avx2_16;
  static constexpr bool exists = true;
  static constexpr bool plain_differs = plain_differs_v<K>;
  template <class V>
  NONLIN_INLINE V operator()(V const& gate, V const& up) const noexcept {
    return detail::eval2(gate, up, [](auto const& g, auto const& u) NONLIN_INLINE_LAMBDA {
      return K::template run<Rt>(g, u);
    });
  }
  // The bulk loops' call (batches; rare lanes deferred: standard::rare_defer).
  template <class V>
  NONLIN_INLINE V operator()(V const& gate, V const& up, standard::rare_defer const& rare) const noexcept {
    return K::template run<Rt>(gate, up, rare);
  }
  // K's kernel in two halves, where K has them (bulk.hpp, staged).
  template <class B, class KK = K>
  NONLIN_INLINE auto stage1(B const& gate, B const& up) const noexcept -> decltype(KK::template stage1<Rt>(gate, up)) {
    return K::template stage1<Rt>(gate, up);
  }
  template <class S, class KK = K>
  NONLIN_INLINE auto stage2(S const& s) const noexcept -> decltype(KK::template stage2<Rt>(s)) {
    return K::template stage2<Rt>(s);
  }
  template <class S, class KK = K>
  NONLIN_INLINE auto stage2(S const& s, standard::rare_defer const& rare) const noexcept
      -> decltype(KK::template stage2<Rt>(s, rare)) {
    return K::template stage2<Rt>(s, rare);
  }
};
template <class K, fast::route Rt>
struct fast_beta_on {
  static constexpr nonlin::tier tier = nonlin::tier::fast;
  static constexpr std::size_t avx2_ahead = K::avx2_ahead;
  static constexpr bool overlaps_in_avx2_16 = K::overlaps_in_avx2_16;
  static constexpr bool exists = true;
  static constexpr bool plain_differs = plain_differs_v<K>;
  double beta;
  // The kernels with their beta, named types: GCC 12 on x86 left the
  // capturing lambdas these were out of line, one call per vector.
  struct unary_kernel {
    double b;
    template <class W>
    NONLIN_INLINE W operator()(W const& v) const noexcept {
      return K::template run<Rt>(v, detail::splat<W>(b));
    }
  };
  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    return detail::eval(x, unary_kernel{beta});
  }
  struct gated_kernel {
    double b;
    template <class W>
    NONLIN_INLINE W operator()(W const& g, W const& u) const noexcept {
      return K::template run<Rt>(g, u, detail::splat<W>(b));
    }
  };
  template <class V>
  NONLIN_INLINE V operator()(V const& gate, V const& up) const noexcept {
    return detail::eval2(gate, up, gated_kernel{beta});
  }
  // The bulk loops' call (batches; rare lanes deferred: standard::rare_defer).
  template <class V>
  NONLIN_INLINE V operator()(V const& gate, V const& up, standard::rare_defer const& rare) const noexcept {
    return K::template run<Rt>(gate, up, detail::splat<V>(beta), rare);
  }
  // K's kernel in two halves, where K has them (bulk.hpp, staged): unary
  // (swish) or gated (swiglu), beta as in the calls above.
  template <class B, class KK = K>
  NONLIN_INLINE auto stage1(B const& x) const noexcept -> decltype(KK::template stage1<Rt>(x, x)) {
    return K::template stage1<Rt>(x, detail::splat<B>(beta));
  }
  template <class B, class KK = K>
  NONLIN_INLINE auto stage1(B const& gate, B const& up) const noexcept
      -> decltype(KK::template stage1<Rt>(gate, up, up)) {
    return K::template stage1<Rt>(gate, up, detail::splat<B>(beta));
  }
  template <class S, class KK = K>
  NONLIN_INLINE auto stage2(S const& s) const noexcept -> decltype(KK::template stage2<Rt>(s, s.x)) {
    return K::template stage2<Rt>(s, detail::splat<typename std::decay<decltype(s.x)>::type>(beta));
  }
  template <class S, class KK = K>
  NONLIN_INLINE auto stage2(S const& s, standard::rare_defer const& rare) const noexcept
      -> decltype(KK::template stage2<Rt>(s, s.x, rare)) {
    return K::template stage2<Rt>(s, detail::splat<typename std::decay<decltype(s.x)>::type>(beta), rare);
  }
};

// The split route in blocks (bulk.hpp, blocked_vectors): F's operator()
// (the split route: the loops' remainder, scalars), and for the blocks of
// whole vectors K's calm_bound (up to which |x| takes the common formulas)
// and K's kernel on route::common and on route::tails. Unary kernels only.
template <class K>
struct fast_unary_blocked : fast_unary_on<K, fast::route::split> {
  template <class B>
  NONLIN_INLINE B calm_bound() const noexcept {
    return K::template calm_bound<B>();
  }
  template <class B>
  NONLIN_INLINE B common(B const& x) const noexcept {
    return K::template run<fast::route::common>(x);
  }
  template <class B>
  NONLIN_INLINE B tails(B const& x) const noexcept {
    return K::template run<fast::route::tails>(x);
  }
};

// The kernels, by name: the fast math for float, the precise kernels for
// double (the fast tier is a float tier; double keeps its bounds).
// Each kernel's flags (defaults in flags, which every kernel derives from):
// avx2_ahead: how many vectors ahead the float loops of AVX2 builds issue
// its first half, where it has halves (0: not overlapped; bulk.hpp, staged,
// overlap_distance; the 16-bit loops take the same distance);
// overlaps_in_avx2_16: whether the 16-bit loops of AVX2 builds overlap
// them at all (bulk_half.hpp, staged_16). Set where measured
// (benchmarks/README.md, A/B studies 24, 25, 28).
struct fast_k {
  struct flags {
    static constexpr std::size_t avx2_ahead = 1;
    static constexpr bool overlaps_in_avx2_16 = false;
  };
  // calm_bound: where |x| is at most this, a lane takes the common formulas
  // on the split route (fast_unary_blocked): 85 where the exp argument is
  // -|x| (n >= -123 > kTinyN).
  struct sigmoid : flags {
    static constexpr std::size_t avx2_ahead = 2;
    template <fast::route Rt, class V>
    static NONLIN_INLINE V run(V const& x) noexcept {
      if constexpr (fast::is_float<V>::value) return fast::sigmoid<fast::degree, fast::refine, Rt>(x);
      else return detail::sigmoid(x);
    }
    // run's float kernel in two halves (fast_unary_on's stage1, stage2).
    template <fast::route Rt, class V, class = typename std::enable_if<fast::is_float<V>::value>::type>
    static NONLIN_INLINE auto stage1(V const& x) noexcept {
      return fast::sigmoid_stage1<fast::degree>(x);
    }
    template <fast::route Rt, class S>
    static NONLIN_INLINE auto stage2(S const& s) noexcept {
      return fast::sigmoid_stage2<fast::refine, Rt>(s);
    }
    template <class V>
    static NONLIN_INLINE V calm_bound() noexcept {
      return splat<V>(fast::calm_exp_arg);
    }
  };
  struct silu : flags {
    static constexpr std::size_t avx2_ahead = 2;
    template <fast::route Rt, class V>
    static NONLIN_INLINE V run(V const& x) noexcept {
      if constexpr (fast::is_float<V>::value) return fast::silu<fast::degree, fast::refine, Rt>(x);
      else return detail::silu(x);
    }
    template <fast::route Rt, class V, class = typename std::enable_if<fast::is_float<V>::value>::type>
    static NONLIN_INLINE auto stage1(V const& x) noexcept {
      return fast::silu_stage1<fast::degree>(x);
    }
    template <fast::route Rt, class S>
    static NONLIN_INLINE auto stage2(S const& s) noexcept {
      return fast::silu_stage2<fast::refine, Rt>(s);
    }
    template <class V>
    static NONLIN_INLINE V calm_bound() noexcept {
      return splat<V>(fast::calm_exp_arg);
    }
  };
  // (No route: no exp, no subnormal results but for subnormal inputs.)
  struct tanh : flags {
    template <fast::route, class V>
    static NONLIN_INLINE V run(V const& x) noexcept {
      if constexpr (fast::is_float<V>::value) return fast::tanh(x);
      else return detail::tanh(x);
    }
  };
  struct gelu : flags {
    static constexpr bool overlaps_in_avx2_16 = true;
    template <fast::route Rt, class V>
    static NONLIN_INLINE V run(V const& x) noexcept {
      if constexpr (fast::is_float<V>::value) return fast::gelu<fast::degree, fast::refine, Rt>(x);
      else return detail::gelu(x);
    }
    // run's float kernel in two halves (fast_unary_on's stage1, stage2).
    template <fast::route Rt, class V, class = typename std::enable_if<fast::is_float<V>::value>::type>
    static NONLIN_INLINE fast::gelu_state<V> stage1(V const& x) noexcept {
      return fast::gelu_stage1<fast::degree, fast::refine, false>(x, x);
    }
    template <fast::route Rt, class V>
    static NONLIN_INLINE V stage2(fast::gelu_state<V> const& s) noexcept {
      return fast::gelu_stage2<false, Rt>(s);
    }
  };
  struct gelu_tanh : flags {
    static constexpr std::size_t avx2_ahead = 2;
    template <fast::route Rt, class V>
    static NONLIN_INLINE V run(V const& x) noexcept {
      if constexpr (fast::is_float<V>::value) return fast::gelu_tanh<fast::degree, fast::refine, Rt>(x);
      else return detail::gelu_tanh(x);
    }
    template <fast::route Rt, class V, class = typename std::enable_if<fast::is_float<V>::value>::type>
    static NONLIN_INLINE auto stage1(V const& x) noexcept {
      return fast::gelu_tanh_stage1<fast::degree>(x);
    }
    template <fast::route Rt, class S>
    static NONLIN_INLINE auto stage2(S const& s) noexcept {
      return fast::gelu_tanh_stage2<fast::refine, Rt>(s);
    }
  };
  struct swish : flags {
    static constexpr std::size_t avx2_ahead = 2;
    template <fast::route Rt, class V>
    static NONLIN_INLINE V run(V const& x, V const& beta) noexcept {
      if constexpr (fast::is_float<V>::value) return fast::swish<fast::degree, fast::refine, Rt>(x, beta);
      else return detail::swish(x, beta);
    }
    template <fast::route Rt, class V, class = typename std::enable_if<fast::is_float<V>::value>::type>
    static NONLIN_INLINE auto stage1(V const& x, V const& beta) noexcept {
      return fast::swish_stage1<fast::degree>(x, beta);
    }
    template <fast::route Rt, class S, class V>
    static NONLIN_INLINE V stage2(S const& s, V const& beta) noexcept {
      return fast::swish_stage2<fast::refine, Rt>(s, beta);
    }
  };
  // (The gated kernels' Rare: standard::rare_now or rare_defer.)
  struct glu : flags {
    template <fast::route Rt, class V, class Rare = standard::rare_now>
    static NONLIN_INLINE V run(V const& g, V const& u, Rare const& rare = Rare{}) noexcept {
      return fast::glu<fast::degree, fast::refine, Rt>(g, u, rare);
    }
    template <fast::route Rt, class V, class = typename std::enable_if<fast::is_float<V>::value>::type>
    static NONLIN_INLINE auto stage1(V const& g, V const& u) noexcept {
      return fast::glu_stage1<fast::degree>(g, u);
    }
    template <fast::route Rt, class S, class Rare = standard::rare_now>
    static NONLIN_INLINE auto stage2(S const& s, Rare const& rare = Rare{}) noexcept {
      return fast::glu_stage2<fast::refine, Rt>(s, rare);
    }
  };
  // swiglu with beta = 1 (the same bits as beta = 1 given; beta unused).
  struct swiglu1 : flags {
    template <fast::route Rt, class V, class Rare = standard::rare_now>
    static NONLIN_INLINE V run(V const& g, V const& u, Rare const& rare = Rare{}) noexcept {
      return fast::swiglu<true, fast::degree, fast::refine, Rt>(g, u, V(1.0f), rare);
    }
    template <fast::route Rt, class V, class = typename std::enable_if<fast::is_float<V>::value>::type>
    static NONLIN_INLINE auto stage1(V const& g, V const& u) noexcept {
      return fast::swiglu_stage1<true, fast::degree>(g, u, V(1.0f));
    }
    template <fast::route Rt, class S, class Rare = standard::rare_now>
    static NONLIN_INLINE auto stage2(S const& s, Rare const& rare = Rare{}) noexcept {
      using V = decltype(s.x + s.w);
      return fast::swiglu_stage2<true, fast::refine, Rt>(s, V(1.0f), rare);
    }
  };
  struct swiglu : flags {
    template <fast::route Rt, class V, class Rare = standard::rare_now>
    static NONLIN_INLINE V run(V const& g, V const& u, V const& beta, Rare const& rare = Rare{}) noexcept {
      return fast::swiglu<false, fast::degree, fast::refine, Rt>(g, u, beta, rare);
    }
    template <fast::route Rt, class V, class = typename std::enable_if<fast::is_float<V>::value>::type>
    static NONLIN_INLINE auto stage1(V const& g, V const& u, V const& beta) noexcept {
      return fast::swiglu_stage1<false, fast::degree>(g, u, beta);
    }
    template <fast::route Rt, class S, class V, class Rare = standard::rare_now>
    static NONLIN_INLINE V stage2(S const& s, V const& beta, Rare const& rare = Rare{}) noexcept {
      return fast::swiglu_stage2<false, fast::refine, Rt>(s, beta, rare);
    }
  };
  struct geglu : flags {
    template <fast::route Rt, class V, class Rare = standard::rare_now>
    static NONLIN_INLINE V run(V const& g, V const& u, Rare const& rare = Rare{}) noexcept {
      return fast::geglu<fast::degree, fast::refine, Rt>(g, u, rare);
    }
    template <fast::route Rt, class V, class = typename std::enable_if<fast::is_float<V>::value>::type>
    static NONLIN_INLINE fast::gelu_state<V> stage1(V const& g, V const& u) noexcept {
      return fast::gelu_stage1<fast::degree, fast::refine, true>(g, u);
    }
    template <fast::route Rt, class V, class Rare = standard::rare_now>
    static NONLIN_INLINE V stage2(fast::gelu_state<V> const& s, Rare const& rare = Rare{}) noexcept {
      return fast::geglu_stage2<Rt>(s, rare);
    }
  };
  struct geglu_tanh : flags {
    template <fast::route Rt, class V, class Rare = standard::rare_now>
    static NONLIN_INLINE V run(V const& g, V const& u, Rare const& rare = Rare{}) noexcept {
      return fast::geglu_tanh<fast::degree, fast::refine, Rt>(g, u, rare);
    }
    template <fast::route Rt, class V, class = typename std::enable_if<fast::is_float<V>::value>::type>
    static NONLIN_INLINE auto stage1(V const& g, V const& u) noexcept {
      return fast::geglu_tanh_stage1<fast::degree>(g, u);
    }
    template <fast::route Rt, class S, class Rare = standard::rare_now>
    static NONLIN_INLINE auto stage2(S const& s, Rare const& rare = Rare{}) noexcept {
      return fast::geglu_tanh_stage2<fast::refine, Rt>(s, rare);
    }
  };
};

}  // namespace detail
NONLIN_END_NAMESPACE  // namespace nonlin

#endif  // NONLIN_DETAIL_FAST_MATH_HPP
