// nonlin::detail: the loops behind nonlin::apply for 16-bit storage (bf16,
// f16 in, out or both), and the rule that makes the 16-bit outputs of the
// default and precise tiers correctly rounded.
//
// One pass: load (widen), the float kernel, store (narrow). For a 16-bit
// output of a correctly rounded functor (half_rule<F>::exact), the float
// result y is within the functor's float bound B of the exact value, so it
// rounds to the correctly rounded 16-bit value unless it lies within
// E = floor(B) float steps of a 16-bit rounding midpoint (near_midpoint,
// a few integer operations). Those rare lanes are recorded; after a
// block that leaves 64 or more recorded (every block with streaming
// stores), and at the end, the recorded inputs go through the precise
// double kernel as one vectorized array, the value is completed as a pair
// hi + lo where double itself can land on a midpoint (refine), and rounded
// once. The fast tier's
// 16-bit outputs are its float results narrowed: faithful, not always
// correctly rounded.
#ifndef NONLIN_DETAIL_BULK_HALF_HPP
#define NONLIN_DETAIL_BULK_HALF_HPP

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>

#include "../gelu.hpp"
#include "../half.hpp"
#include "../sigmoid.hpp"
#include "../silu.hpp"
#include "../tanh.hpp"
#include "../tier.hpp"
#include "bulk.hpp"
#include "ops_half.hpp"

NONLIN_BEGIN_NAMESPACE
namespace detail {

// ----------------------------------------------------------- the family --

enum class family { other, tanh, sigmoid, gelu, gelu_tanh, silu, swish, hardswish };

constexpr bool same_str(const char* a, const char* b) {
  while (*a != 0 && *a == *b) ++a, ++b;
  return *a == *b;
}
// The name without its tier prefix ("precise::", "fast::").
constexpr const char* base_name(const char* n) {
  const char* p = n;
  for (const char* q = n; *q != 0; ++q)
    if (*q == ':' && q[1] == ':') p = q + 2;
  return p;
}
// The activation's family of a unary functor, or of a gated one's act.
constexpr family family_of(const char* name) {
  const char* b = base_name(name);
  return same_str(b, "tanh")                                  ? family::tanh
         : same_str(b, "sigmoid") || same_str(b, "glu")       ? family::sigmoid
         : same_str(b, "gelu") || same_str(b, "geglu")        ? family::gelu
         : same_str(b, "gelu_tanh") || same_str(b, "geglu_tanh") ? family::gelu_tanh
         : same_str(b, "silu")                                ? family::silu
         : same_str(b, "swish") || same_str(b, "swiglu")      ? family::swish
         : same_str(b, "hardswish")                           ? family::hardswish
                                                              : family::other;
}

// F with its parameters (alpha, beta) rounded to float, as the float
// kernels use them.
template <class F, class = void>
struct has_beta : std::false_type {};
template <class F>
struct has_beta<F, decltype(void(std::declval<F&>().beta = 1.0))> : std::true_type {};
template <class F, class = void>
struct has_alpha : std::false_type {};
template <class F>
struct has_alpha<F, decltype(void(std::declval<F&>().alpha = 1.0))> : std::true_type {};

template <class F>
F float_params(F f) noexcept {
  if constexpr (has_beta<F>::value) f.beta = double(float(f.beta));
  if constexpr (has_alpha<F>::value) f.alpha = double(float(f.alpha));
  return f;
}

template <class F, class = void>
struct is_gated_functor : std::false_type {};
template <class F>
struct is_gated_functor<F, decltype(void(F::packed_gate))> : std::true_type {};

// The double function the rare lanes are computed with: the precise
// kernel of F's activation (its parameter rounded to float), or F itself
// for the functors of tier::all.
template <class F>
auto double_twin(F const& f) noexcept {
  constexpr family fam = family_of(F::name);
  double beta = 1.0;
  if constexpr (has_beta<F>::value) beta = double(float(f.beta));
  (void)beta;
  if constexpr (fam == family::tanh) return nonlin::precise::tanh{};
  else if constexpr (fam == family::sigmoid) return nonlin::precise::sigmoid{};
  else if constexpr (fam == family::gelu) return nonlin::precise::gelu{};
  else if constexpr (fam == family::gelu_tanh) return nonlin::precise::gelu_tanh{};
  else if constexpr (fam == family::silu) return nonlin::precise::silu{};
  else if constexpr (fam == family::swish) return nonlin::precise::swish{beta};
  else return float_params(f);
}

// half_rule<F>: exact -- F's 16-bit outputs are correctly rounded (default
// and precise tiers, and the tier::all functors whose float result is
// rounded); E -- how many float steps from a midpoint are sent to the rare
// path: floor of F's float bound. The fast tier, and the functors whose
// float result is exact (relu, relu6), narrow their float result.
template <class F, class = void>
struct half_rule {
  static constexpr bool exact = false;
  static constexpr std::int32_t E = -1;
  static constexpr bool two_pass = false;
};
template <class F>
struct half_rule<F, decltype(void(F::tier))> {
  static constexpr bool exact = F::tier != nonlin::tier::fast && F::max_ulp_float > 0;
  static constexpr std::int32_t E = exact ? static_cast<std::int32_t>(F::max_ulp_float) : -1;
  // half_loop's two passes: for the transcendental kernels, not for the
  // piecewise-linear ones, which run at memory speed anyway.
  static constexpr bool two_pass = !piecewise_linear<F>();
};

// op.stage1(x[0], x[1], ...).
template <class Op, class B, std::size_t... K>
NONLIN_INLINE auto stage1_of(Op const& op, const B* xv, std::index_sequence<K...>) noexcept {
  return op.stage1(xv[K]...);
}

// op(x[0], x[stride], ...): the operands of a unary or gated op.
template <class Op, class B, std::size_t... K>
NONLIN_INLINE B apply_op(Op const& op, const B* xv, std::index_sequence<K...>, std::size_t stride = 1) noexcept {
  return op(xv[K * stride]...);
}
#if NONLIN_USE_XSIMD
// op(x[0], x[1], ..., rare): its rare lanes deferred (bulk.hpp, whole_vectors).
template <class Op, class B, std::size_t... K>
NONLIN_INLINE B apply_op_defer(Op const& op, const B* xv, std::index_sequence<K...>,
                               standard::rare_defer const& rare) noexcept {
  return op(xv[K]..., rare);
}
// op(x[0], x[1], ...) out of line (bulk.hpp, call_cold).
template <class Op, class B, std::size_t... K>
NONLIN_INLINE B apply_op_cold(Op const& op, const B* xv, std::index_sequence<K...>) noexcept {
  return call_cold(op, xv[K]...);
}
#endif

// -------------------------------------------------------- the rare path --

struct dd {
  double hi, lo;
};

// The exact act(x) as hi + lo from the double kernel's result hi, where
// double alone can land on a 16-bit midpoint (a float input, or a product
// with up, can be one):
//  * tiny |x|: act(x) = a0 + a1 x + a2 x^2 + ... with the leading terms far
//    apart: tanh x - x^3/3 (|x| < 2^-20); sigmoid 1/2 + x/4 (|x| < 2^-40);
//    silu, swish, gelu, gelu_tanh, hardswish x/2 + c x^2 (c = beta/4 for
//    swish, of either sign; > 0 for the others) (|x| < 2^-40): the first
//    term as hi, the next as lo;
//  * large x > 0 where the kernel returns x itself (act(x) = x - x T(x), T
//    tiny), or 1 for sigmoid and tanh (1 - T): act(gate) up can be a
//    midpoint exactly (48.5 x 1.5 2^-132), and lo = -x T(x) (-T) gives the
//    side (a stand-in of that sign where T underflows); tanh's x < 0 by
//    symmetry.
inline double sigmoid_tail(double z) noexcept {  // 1/(1 + e^z) for z > 0
  const double e = std::exp(-z);
  return e / (1 + e);
}
inline dd refine(family fam, double x, double hi, double beta) noexcept {
  const double c_gelu = 0.3989422804014326779399460599343818684758586311649;  // 1/sqrt(2 pi)
  const double ax = std::fabs(x);
  if (fam == family::other || x == 0 || !(ax < 1.79769313486231570815e308)) return {hi, 0.0};
  if (fam == family::tanh) {
    if (ax < 0x1p-20) return {x, -x * x * x / 3};
    if (hi == 1 || hi == -1) {
      double t = 2 * std::exp(-2 * ax);
      if (t == 0) t = 0x1p-900;
      return {hi, x > 0 ? -t : t};
    }
    return {hi, 0.0};
  }
  if (fam == family::sigmoid) {
    if (ax < 0x1p-40) return {0.5, x / 4};
    if (x > 0 && hi == 1) {
      double t = sigmoid_tail(x);
      if (t == 0) t = 0x1p-900;
      return {hi, -t};
    }
    return {hi, 0.0};
  }
  if (ax < 0x1p-40) {
    const double c = fam == family::silu        ? 0.25
                     : fam == family::swish     ? 0.25 * beta
                     : fam == family::hardswish ? 1.0 / 6
                                                : c_gelu;
    if (c != 0) return {x / 2, c * x * x};  // (swish with beta < 0: c < 0)
  }
  if (fam == family::hardswish) return {hi, 0.0};
  if (x > 0 && hi == x && !(fam == family::swish && !(beta > 0))) {
    double t;
    if (fam == family::gelu) {
      t = 0.5 * std::erfc(x * 0.70710678118654752440);  // Phi(-x)
    } else {
      const double z = fam == family::silu    ? x
                       : fam == family::swish ? beta * x
                                              : 1.5957691216057307117597842397375 * (x + 0.044715 * x * x * x);
      t = sigmoid_tail(z);
    }
    double lo = -x * t;
    if (lo == 0) lo = -x * 0x1p-900;
    return {hi, lo};
  }
  return {hi, 0.0};
}

// (hi + lo) u as a pair. A lo whose product with u underflows keeps its
// sign as +-2^-1074 (all the rounding needs); a product below 2^-1000 is
// a signed zero in both formats, and hi u carries its sign.
inline dd mul_dd(dd a, double u) noexcept {
  const double ph = a.hi * u;
  if (!(std::fabs(ph) < 1.79769313486231570815e308) || std::fabs(ph) < 0x1p-1000) return {ph, 0.0};
  double ll = a.lo * u;
  if (ll == 0 && a.lo != 0 && u != 0) ll = ((a.lo < 0) != (u < 0)) ? -0x1p-1074 : 0x1p-1074;
  return {ph, std::fma(a.hi, u, -ph) + ll};
}

// hi + lo rounded to a float with round-to-odd: float has at least two bits
// more than bf16 and f16 (and a finer subnormal grid), so rounding that
// float to nearest even rounds hi + lo once.
inline float round_odd(dd v) noexcept {
  const float f = static_cast<float>(v.hi);
  if (v.hi != v.hi || !(std::fabs(f) < 3.4028235677973366e38f)) return f;
  const double rem = (v.hi - double(f)) + v.lo;
  if (rem == 0) return f;
  std::uint32_t u = half_detail::bits_of(f);
  // Toward zero if f is above |hi + lo| in magnitude, then the odd bit.
  if ((rem < 0) != (f < 0) && f != 0) u -= 1;
  return half_detail::float_of(u | 1u);
}

template <class Out>
inline Out from_float(float y) noexcept {
  if constexpr (std::is_same<Out, float>::value) return y;
  else return Out::from_bits(half_conv<Out>::narrow(y));
}
template <class In>
inline float to_float(In x) noexcept {
  if constexpr (std::is_same<In, float>::value) return x;
  else return half_conv<In>::widen(x.bits);
}

#if NONLIN_USE_XSIMD

template <class In>
NONLIN_INLINE xsimd::batch<float> load_as_float(const In* p) noexcept {
  if constexpr (std::is_same<In, float>::value) return xsimd::load_unaligned(p);
  else return load_widen<In>(p);
}
// (Even: as narrow_store's.)
template <bool Even = true, class Out>
NONLIN_INLINE void store_from_float(Out* p, xsimd::batch<float> const& y) noexcept {
  if constexpr (std::is_same<Out, float>::value) xsimd::store_unaligned(p, y);
  else narrow_store<Even>(p, y);
}

// Whether half_loop can write Out with streaming stores (x86: float with
// stream_store, 16-bit with narrow_stream), and such a store.
template <class Out>
constexpr bool can_stream_out() {
  if constexpr (std::is_same<Out, float>::value) return can_stream<xsimd::batch<float>>();
  else return can_stream_half<xsimd::default_arch>();
}
template <bool Even = true, class Out>
NONLIN_INLINE void stream_from_float(Out* p, xsimd::batch<float> const& y) noexcept {
  if constexpr (std::is_same<Out, float>::value) stream_store(p, y);
  else narrow_stream<Even>(p, y);
}
// half_loop's store of a whole vector: streaming where Stream.
template <bool Stream, bool Even = true, class Out>
NONLIN_INLINE void put_from_float(Out* p, xsimd::batch<float> const& y) noexcept {
  if constexpr (Stream) stream_from_float<Even>(p, y);
  else store_from_float<Even>(p, y);
}

// out[i] = op(in...[i]) for storage types In (float, bf16, f16) and Out,
// one pass in float vectors, the remainder as one zero-padded vector (all
// zero bits: +0 in every type). Exact: Out is 16-bit and F's outputs are
// correctly rounded: the lanes near_midpoint<Out>(y, E) flags are
// recomputed by rare(count, x..., idx) (see half_rare below) in batches.
// Inputs are loaded before a vector is stored: out may equal an input of
// its own type. Stream: the whole vectors go by streaming stores (out
// aligned to a vector of Out, can_stream_out<Out>()), fenced at the end;
// the two-pass loop completes a block's rare lanes before it stores the
// block, the one-pass loop fences before it rewrites them.
// The flagged lanes of one block: their indices and inputs.
template <std::size_t Args, std::size_t N>
struct flagged_lanes {
  std::uint32_t idx[N];
  float xs[Args][N];
  std::size_t count = 0;

  // Records the lanes of m (a float mask) below `end`, base + stride j the
  // index of lane j; xv the inputs. Out of the hot loop: flags are rare.
  // (By value: the copies are made on the cold path, not kept in memory in
  // the loop.)
  template <class M, class... B>
  NONLIN_COLD void add(M m, std::size_t base, std::size_t stride, std::size_t end, B... xv) noexcept {
    static_assert(sizeof...(B) == Args, "one batch per operand");
    constexpr std::size_t W = M::size;
    std::uint64_t bits = lane_bits(m);
    alignas(64) float xa[Args][W];
    std::size_t arg = 0;
    ((xv.store_aligned(xa[arg]), ++arg), ...);
    for (std::size_t j = 0; bits != 0 && base + stride * j < end; ++j, bits >>= 1) {
      if ((bits & 1u) == 0) continue;
      idx[count] = static_cast<std::uint32_t>(base + stride * j);
      for (std::size_t k = 0; k < Args; ++k) xs[k][count] = xa[k][j];
      ++count;
    }
  }
};

// flags.add with the operands xv[K...] passed by value (stride 1: lane j
// at base + j).
template <class Flags, class M, class B, std::size_t... K>
NONLIN_INLINE void add_lanes(Flags& flags, M const& m, std::size_t base, std::size_t end, const B* xv,
                             std::index_sequence<K...>, std::size_t stride = 1) noexcept {
  flags.add(m, base, stride, end, xv[K]...);
}

// Whether the 16-bit loops overlap op's halves: where the float loops do
// (bulk.hpp, staged), but in AVX2 builds for the ops whose
// overlaps_in_avx2_16 says otherwise: kernels whose state beside the
// loops' conversions measured no faster or slower there (the default gelu,
// most fast kernels: benchmarks/README.md, A/B studies 23 and 24).
template <class Op, class = void>
struct overlaps_in_avx2_16 : std::true_type {};
template <class Op>
struct overlaps_in_avx2_16<Op, decltype(void(Op::overlaps_in_avx2_16))>
    : std::integral_constant<bool, Op::overlaps_in_avx2_16> {};
template <class Op, class B, std::size_t kArgs>
constexpr bool staged_16() {
  return staged<Op, B, kArgs>() && (reg_bytes<B>() != 32 || overlaps_in_avx2_16<Op>::value);
}

// Whether op is staged (staged_16) and its second half does not defer
// rare lanes (stage2_defers): the pair loop's overlapped halves.
template <class Op, class B, std::size_t kArgs>
constexpr bool staged_whole() {
  if constexpr (staged_16<Op, B, kArgs>()) {
    using S = decltype(stage1_of(std::declval<Op const&>(), std::declval<const B*>(),
                                 std::make_index_sequence<kArgs>()));
    return !stage2_defers<Op, S>::value;
  } else {
    return false;
  }
}

// Whether half_loop's two-pass loop reads and writes Out and In... as bf16
// pairs (ops_half.hpp, load_widen_pair): every operand and the output bf16,
// on a target where pairs take no shuffle.
template <class Out, class... In>
constexpr bool bf16_pair_loop() {
  return std::is_same<Out, nonlin::bf16>::value && (std::is_same<In, nonlin::bf16>::value && ...) &&
         bf16_pairs<xsimd::default_arch>();
}

// The vector of in at index j (a multiple of B::size): load_as_float, or
// for Pairs vector K = j / B::size % 2 of the pair that holds it (lane l:
// the pair's value 2 l + K).
template <bool Pairs, class In>
NONLIN_INLINE xsimd::batch<float> load_vector(const In* in, std::size_t j) noexcept {
  constexpr std::size_t W = xsimd::batch<float>::size;
  if constexpr (Pairs) {
    const std::size_t k = (j / W) & 1u;
    return load_widen_pair(in + (j - k * W), k);
  } else {
    return load_as_float(in + j);
  }
}

// TwoPass: the block's whole vectors are computed into a float buffer
// first, then narrowed, stored and tested for midpoints. For a kernel with
// a long dependency chain this keeps the narrowing and the midpoint test,
// which wait for its end, out of the out-of-order window the kernel needs;
// the same bits. (A flagged lane's inputs are read again before its vector
// is stored: in place, they are still there.) bf16 to bf16, where the
// target has them (bf16_pair_loop), the vectors of a pair (2 W values)
// hold its even and its odd values: no shuffle to widen or narrow them
// (the rest of a block, up to 2 W - 1 values, as zero-padded vectors).
template <bool Exact, std::int32_t E, bool Stream = false, bool TwoPass = false, class Out, class Op, class Rare,
          class... In>
inline void half_loop(Op const& op, Rare const& rare, Out* out, std::size_t n,
                      In const*... in) noexcept {
  using B = xsimd::batch<float>;
  constexpr std::size_t W = B::size;
  constexpr std::size_t kBlock = 1024;
  constexpr std::size_t kArgs = sizeof...(In);
  // As whole_vectors (bulk.hpp): a vector with a lane for op's cold call
  // leaves the inner loops too, and is computed again by op's own call
  // (out of line: call_cold).
  constexpr bool Defer = defer_rare_lanes() && defers_rare<Op, B, void(decltype(load_as_float(in))...)>::value;
  constexpr bool Pairs = TwoPass && bf16_pair_loop<Out, In...>();
  constexpr std::size_t step = Pairs ? 2 * W : W;  // the second pass's
  static_assert(kBlock % (2 * W) == 0, "blocks of whole pairs");
  // Exact: every lane within E >= 0 float steps of a midpoint, ties
  // included, is flagged and rewritten (the streaming loop completes it in
  // ybuf first, a 16-bit value, never a tie): the narrowing need not round
  // ties to even (narrow_store, Even).
  constexpr bool Even = !Exact;
  static_assert(!Exact || E >= 0, "ties are flagged");
  // The flagged lanes are recomputed (rare) after a block when kCarry or
  // more are recorded, and at the end: one double evaluation, whose
  // latency chain is the rare lanes' cost, for the few lanes of several
  // blocks. Streaming: after every block (its lines are written once).
  constexpr std::size_t kCarry = Stream ? 0 : 64;
  flagged_lanes<kArgs, kBlock + kCarry> flags;
  (void)flags;
  (void)E;
  std::size_t i = 0;
  while (i < n) {
    const std::size_t end = n - i > kBlock ? i + kBlock : n;
    if constexpr (TwoPass) {
      alignas(64) float ybuf[kBlock];
      const std::size_t start = i;
      // The whole vectors (Pairs: of whole pairs) end at wend.
      const std::size_t wend = i + (end - i) / step * step;
      if constexpr (Defer) {
        while (wend - i >= W) {
          bool hit = false;
          for (; wend - i >= W; i += W) {
            const B xv[kArgs] = {load_vector<Pairs>(in, i)...};
            const B y = apply_op_defer(op, xv, std::make_index_sequence<kArgs>(), standard::rare_defer{hit});
            if (hit) break;
            y.store_aligned(ybuf + (i - start));
          }
          if (hit) {
            const B xv[kArgs] = {load_vector<Pairs>(in, i)...};
            apply_op_cold(op, xv, std::make_index_sequence<kArgs>()).store_aligned(ybuf + (i - start));
            i += W;
          }
        }
      } else if constexpr (Pairs && staged_whole<Op, B, kArgs>()) {
        // As overlapped_vectors (bulk.hpp), a pair per trip: the same bits.
        if (wend - i >= 2 * W) {
          auto s0 = op.stage1(load_widen_pair(in + i, 0)...);
          auto s1 = op.stage1(load_widen_pair(in + i, 1)...);
          for (; wend - i >= 4 * W; i += 2 * W) {
            const auto n0 = op.stage1(load_widen_pair(in + i + 2 * W, 0)...);
            op.stage2(s0).store_aligned(ybuf + (i - start));
            s0 = n0;
            const auto n1 = op.stage1(load_widen_pair(in + i + 2 * W, 1)...);
            op.stage2(s1).store_aligned(ybuf + (i - start + W));
            s1 = n1;
          }
          op.stage2(s0).store_aligned(ybuf + (i - start));
          op.stage2(s1).store_aligned(ybuf + (i - start + W));
          i += 2 * W;
        }
      } else if constexpr (staged_16<Op, B, kArgs>()) {
        // As whole_vectors (bulk.hpp): the same bits.
        const auto first = [&op, in...](std::size_t j) NONLIN_INLINE_LAMBDA {
          return op.stage1(load_vector<Pairs>(in, j)...);
        };
        const auto redo = [&op, in...](std::size_t j) NONLIN_INLINE_LAMBDA {
          return call_cold(op, load_vector<Pairs>(in, j)...);
        };
        const auto put = [&ybuf, start](std::size_t j, B const& y) NONLIN_INLINE_LAMBDA {
          y.store_aligned(ybuf + (j - start));
        };
        i = overlapped_vectors<W, overlap_distance<Op, B>()>(op, first, redo, put, i, wend);
      } else if constexpr (Pairs) {
        // A pair per trip: each word loaded once, its two halves widened.
        for (; wend - i >= 2 * W; i += 2 * W) {
          const B x0[kArgs] = {load_widen_pair(in + i, 0)...};
          const B x1[kArgs] = {load_widen_pair(in + i, 1)...};
          apply_op(op, x0, std::make_index_sequence<kArgs>()).store_aligned(ybuf + (i - start));
          apply_op(op, x1, std::make_index_sequence<kArgs>()).store_aligned(ybuf + (i - start + W));
        }
      } else {
        for (; wend - i >= W; i += W) {
          const B xv[kArgs] = {load_vector<Pairs>(in, i)...};
          apply_op(op, xv, std::make_index_sequence<kArgs>()).store_aligned(ybuf + (i - start));
        }
      }
      // The second pass's unit at j (a pair, or one vector): its results
      // in ybuf narrowed and stored, and whether a lane of it is near a
      // midpoint.
      const auto y_at = [&ybuf, start](std::size_t j) NONLIN_INLINE_LAMBDA {
        return B::load_aligned(ybuf + (j - start));
      };
      const auto put_at = [&y_at, out](std::size_t j) NONLIN_INLINE_LAMBDA {
        if constexpr (Pairs) narrow_store_pair<Stream && can_stream_out<Out>(), Even>(out + j, y_at(j), y_at(j + W));
        else put_from_float<Stream, Even>(out + j, y_at(j));
      };
      [[maybe_unused]] const auto flagged_at = [&y_at](std::size_t j) NONLIN_INLINE_LAMBDA {
        if constexpr (Pairs) return any_lane(near_midpoint<Out>(y_at(j), E) | near_midpoint<Out>(y_at(j + W), E));
        else return any_lane(near_midpoint<Out>(y_at(j), E));
      };
      if constexpr (Exact && Stream) {
        // Streaming stores: the flagged lanes are completed in ybuf (their
        // 16-bit values widened, exactly) before the block is narrowed and
        // stored, so that no line is written twice: a line that a
        // streaming store has sent towards memory and a plain store then
        // rewrites is read back, after a fence per block. (Indices
        // relative to the block here, into ybuf: the vectors' own order,
        // pairs or not; the same bits.)
        for (std::size_t j = start; j < i; j += W) {
          const auto m = near_midpoint<Out>(y_at(j), E);
          if (any_lane(m)) {
            const B xv[kArgs] = {load_vector<Pairs>(in, j)...};
            add_lanes(flags, m, j - start, end - start, xv, std::make_index_sequence<kArgs>());
          }
        }
        if (flags.count != 0) {
          rare.template widened<Out>(flags.count, flags.xs, flags.idx, ybuf);
          flags.count = 0;
        }
        for (std::size_t j = start; j < i; j += step) put_at(j);
      } else {
        // A unit with a flagged lane leaves the inner loop, which then
        // holds no call: compilers keep the narrowing's constants in
        // registers there instead of rebuilding them after each test.
        for (std::size_t j = start; j < i;) {
          for (; j < i; j += step) {
            if constexpr (Exact) {
              if (flagged_at(j)) break;
            }
            put_at(j);
          }
          if constexpr (Exact) {
            if (j < i) {
              // (Pairs: lane l of vector k holds value j + k + 2 l.)
              for (std::size_t k = 0; k < step / W; ++k) {
                const auto m = near_midpoint<Out>(y_at(j + k * W), E);
                if (!any_lane(m)) continue;
                const B xv[kArgs] = {load_vector<Pairs>(in, j + k * W)...};
                add_lanes(flags, m, j + k * (Pairs ? 1 : W), end, xv, std::make_index_sequence<kArgs>(), Pairs ? 2 : 1);
              }
              put_at(j);
              j += step;
            }
          }
        }
      }
    } else if constexpr (!Exact && !Defer && staged_16<Op, B, kArgs>()) {
      // Overlapped halves, as in the first pass above.
      const auto first = [&op, in...](std::size_t j) NONLIN_INLINE_LAMBDA {
        return op.stage1(load_as_float(in + j)...);
      };
      const auto redo = [&op, in...](std::size_t j) NONLIN_INLINE_LAMBDA {
        return call_cold(op, load_as_float(in + j)...);
      };
      const auto put = [out](std::size_t j, B const& y) NONLIN_INLINE_LAMBDA { put_from_float<Stream, Even>(out + j, y); };
      i = overlapped_vectors<W, overlap_distance<Op, B>()>(op, first, redo, put, i, end);
    } else {
      // (As above: a flagged vector leaves the inner loop, stored or not;
      // with Defer, a vector with a rare lane too.)
      B xv[kArgs] = {};
      B y = B(0.0f);
      while (end - i >= W) {
        [[maybe_unused]] bool hit = false;
        for (; end - i >= W; i += W) {
          std::size_t k = 0;
          ((xv[k++] = load_as_float(in + i)), ...);
          if constexpr (Defer) {
            y = apply_op_defer(op, xv, std::make_index_sequence<kArgs>(), standard::rare_defer{hit});
            if (hit) break;
          } else {
            y = apply_op(op, xv, std::make_index_sequence<kArgs>());
          }
          if constexpr (Exact) {
            if (any_lane(near_midpoint<Out>(y, E))) break;
          }
          put_from_float<Stream, Even>(out + i, y);
        }
        if constexpr (Exact || Defer) {
          if (end - i >= W) {
            if constexpr (Defer) {
              if (hit) y = apply_op_cold(op, xv, std::make_index_sequence<kArgs>());
            }
            if constexpr (Exact) {
              add_lanes(flags, near_midpoint<Out>(y, E), i, end, xv, std::make_index_sequence<kArgs>());
            }
            put_from_float<Stream, Even>(out + i, y);
            i += W;
          }
        }
      }
    }
    // The rest: one zero-padded vector (two where Pairs left up to 2 W - 1).
    while (i < end) {
      const std::size_t rest = end - i < W ? end - i : W;
      const auto padded = [i, rest](auto const* p) {
        using T = typename std::remove_cv<typename std::remove_pointer<decltype(p)>::type>::type;
        alignas(64) T buf[W] = {};
        std::memcpy(static_cast<void*>(buf), static_cast<const void*>(p + i), rest * sizeof(T));
        return load_as_float(buf);
      };
      const B xv[kArgs] = {padded(in)...};
      const B y = apply_op(op, xv, std::make_index_sequence<kArgs>());
      alignas(64) Out res[W];
      store_from_float<Even>(res, y);
      std::memcpy(static_cast<void*>(out + i), static_cast<const void*>(res), rest * sizeof(Out));
      if constexpr (Exact) {
        const auto m = near_midpoint<Out>(y, E);
        if (any_lane(m)) add_lanes(flags, m, i, end, xv, std::make_index_sequence<kArgs>());
      }
      i += rest;
    }
    if constexpr (Exact) {
      if (flags.count >= kCarry && flags.count != 0) {
        if constexpr (Stream) stream_fence();
        rare(flags.count, flags.xs, flags.idx, out);
        flags.count = 0;
      }
    }
  }
  if constexpr (Exact && !Stream) {
    if (flags.count != 0) rare(flags.count, flags.xs, flags.idx, out);
  }
  if constexpr (Stream) stream_fence();
}

// half_loop, with streaming stores where Stream (F runs at memory speed:
// streams<F, float>()) and the output has NONLIN_STREAM_MIN_BYTES or more:
// the elements before out's first vector-aligned one go by plain stores.
// The same bits either way.
template <bool Exact, std::int32_t E, bool Stream, bool TwoPass, class Out, class Op, class Rare, class... In>
inline void half_loop_stream(Op const& op, Rare const& rare, Out* out, std::size_t n,
                             In const*... in) noexcept {
  if constexpr (Stream && can_stream_out<Out>()) {
    constexpr std::size_t W = xsimd::batch<float>::size;
    constexpr std::size_t align = (TwoPass && bf16_pair_loop<Out, In...>() ? 2 : 1) * W * sizeof(Out);
    const auto addr = reinterpret_cast<std::uintptr_t>(out);
    if (n >= std::size_t(NONLIN_STREAM_MIN_BYTES) / sizeof(Out) && n >= 2 * W && addr % sizeof(Out) == 0) {
      const std::size_t head = ((align - addr % align) % align) / sizeof(Out);
      half_loop<Exact, E, false, TwoPass>(op, rare, out, head, in...);
      half_loop<Exact, E, true, TwoPass>(op, rare, out + head, n - head, (in + head)...);
      return;
    }
  }
  half_loop<Exact, E, false, TwoPass>(op, rare, out, n, in...);
}

#endif  // NONLIN_USE_XSIMD

// y[j] = twin(x[j]) for j < count, in double vectors where there are.
// (x is set for j < count only; GCC 12 -O3 cannot see that plain_loop
// reads no further, and warns.)
template <class F>
inline void twin_apply(F const& twin, const double* x, double* y, std::size_t count) noexcept {
#if NONLIN_USE_XSIMD
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
  plain_loop(twin, y, count, x);
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#else
  for (std::size_t j = 0; j < count; ++j) y[j] = twin(x[j]);
#endif
}

// The rare lanes of F: act = double_twin(f) on the recorded inputs (the
// gates of a gated F) as one double array, then refine; a gated F's act
// times up as a pair; rounded once (round_odd, then the narrowing). Lanes
// with a NaN operand, an infinite gate or an infinite up keep the float
// kernel's result: the contract fixes those values (never flagged for a
// NaN in general, and if so the twin gives NaN too).
// One object serves one apply() call. A unary F remembers the outputs of
// the last inputs it recomputed (memo: 16 slots by the input's bits), and
// evaluates an input that recurs among the lanes of one batch once: a
// 16-bit input has few values, so the same flagged inputs recur (silu:
// 5.9375 and -3.046875 in every 512 and 1024 uniform bf16 inputs in
// [-8, 8)), and a hit is one load instead of the double evaluation.
template <class F>
struct half_rare {
  F f;
  mutable std::uint32_t memo_key[16] = {};
  mutable std::uint16_t memo_out[16] = {};
  mutable std::uint32_t memo_valid = 0;

  // The memo slot of input x; key = its bits.
  static std::uint32_t memo_slot(float x, std::uint32_t& key) noexcept {
    std::memcpy(&key, &x, sizeof key);
    return (key ^ (key >> 16)) & 15u;
  }

  template <std::size_t Args, std::size_t N, class Out>
  void operator()(std::size_t count, float const (&xs)[Args][N], std::uint32_t const* idx, Out* out) const noexcept {
    run<Out>(count, xs, idx, out);
  }
  // The same values widened to float (exactly) into y[idx[j]], a buffer
  // that the caller narrows afterwards: the same 16-bit values.
  template <class Out, std::size_t Args, std::size_t N>
  void widened(std::size_t count, float const (&xs)[Args][N], std::uint32_t const* idx, float* y) const noexcept {
    run<Out>(count, xs, idx, y);
  }

  // out[i] = the 16-bit value of type Out with bits h, or its float value.
  template <class Out, class Dst>
  static void put(Dst* out, std::uint32_t i, std::uint16_t h) noexcept {
    if constexpr (std::is_same<Dst, float>::value) out[i] = to_float(Out::from_bits(h));
    else out[i] = Out::from_bits(h);
  }

  // (ref, hk and ok are set for the lanes read: j < count, k < m; GCC 12
  // cannot see that where N = 1, the scalar loop's call, and warns.)
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
  template <class Out, std::size_t Args, std::size_t N, class Dst>
  void run(std::size_t count, float const (&xs)[Args][N], std::uint32_t const* idx, Dst* out) const noexcept {
    static_assert(Args == 1 || Args == 2, "unary or gated");
    constexpr family fam = family_of(F::name);
    double beta = 1.0;
    if constexpr (has_beta<F>::value) beta = double(float(f.beta));
    // x[k]: the distinct inputs to evaluate; ref[j]: lane j's k, or -1
    // where the memo gave its value (stored). A unary F's repeated inputs
    // in one call share one k (pend: the slot's k in this call).
#if NONLIN_USE_XSIMD
    constexpr std::size_t Wd = xsimd::batch<double>::size;
#else
    constexpr std::size_t Wd = 1;
#endif
    double x[(N + Wd - 1) / Wd * Wd], y[(N + Wd - 1) / Wd * Wd];
    std::int32_t ref[N];
    std::uint16_t hk[N];
    bool ok[N];
    std::int32_t pend[16];
    for (auto& p : pend) p = -1;
    std::size_t m = 0;
    for (std::size_t j = 0; j < count; ++j) {
      if constexpr (Args == 1) {
        std::uint32_t b;
        const std::uint32_t slot = memo_slot(xs[0][j], b);
        if (memo_key[slot] == b) {
          if (pend[slot] >= 0) {
            ref[j] = pend[slot];
            continue;
          }
          if ((memo_valid >> slot & 1u) != 0) {
            put<Out>(out, idx[j], memo_out[slot]);
            ref[j] = -1;
            continue;
          }
        }
        memo_key[slot] = b;
        memo_valid &= ~(1u << slot);
        pend[slot] = static_cast<std::int32_t>(m);
      }
      x[m] = xs[0][j];
      ref[j] = static_cast<std::int32_t>(m++);
    }
    // Whole double vectors (zeros after the last input): the remainder's
    // padded copy in plain_loop costs more than a vector's lanes.
    const std::size_t mw = (m + Wd - 1) / Wd * Wd;
    for (std::size_t k = m; k < mw; ++k) x[k] = 0.0;
    twin_apply(double_twin(f), x, y, mw);
    for (std::size_t k = 0; k < m; ++k) {
      ok[k] = false;
      if (x[k] - x[k] != 0) continue;  // NaN or infinite
      dd v = refine(fam, x[k], y[k], beta);
      if constexpr (Args == 2) {
        const double u = xs[1][k];  // (no memo: lane k is x[k])
        if (u - u != 0) continue;
        v = mul_dd(v, u);
      }
      hk[k] = half_conv<Out>::narrow(round_odd(v));
      ok[k] = true;
      if constexpr (Args == 1) {
        std::uint32_t b;
        const std::uint32_t slot = memo_slot(static_cast<float>(x[k]), b);
        memo_key[slot] = b;
        memo_out[slot] = hk[k];
        memo_valid |= 1u << slot;
      }
    }
    for (std::size_t j = 0; j < count; ++j) {
      if (ref[j] >= 0 && ok[ref[j]]) put<Out>(out, idx[j], hk[ref[j]]);
    }
  }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
};

}  // namespace detail
NONLIN_END_NAMESPACE

#endif  // NONLIN_DETAIL_BULK_HALF_HPP
