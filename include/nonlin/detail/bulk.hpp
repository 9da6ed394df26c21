// nonlin::detail: the vector loops behind nonlin::apply, and which of them a
// functor runs: streaming stores for the functors that run at memory speed,
// and a kernel chosen once per call where a parameter selects it.
#ifndef NONLIN_DETAIL_BULK_HPP
#define NONLIN_DETAIL_BULK_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>

#include "../glu.hpp"
#include "../tier.hpp"
#include "ops.hpp"

NONLIN_BEGIN_NAMESPACE
namespace detail {

// Whether apply() writes large outputs of F in T with streaming stores: the
// functors that run at memory speed for T -- the piecewise-linear ones
// (relu, ...: piecewise_linear below), and the default and fast tiers in
// float where a float vector is a whole 64-byte cache line (AVX-512). The
// precise tier is compute-bound and measured slower with them
// (benchmarks/README.md), and
// the other tiers' double arguments run the precise kernels. With narrower
// vectors (AVX2, SSE) the default and fast tiers measured faster with plain
// stores, their outputs in float and in 16 bits alike (benchmarks/README.md,
// A/B studies 10 and 12): a line's halves are written a kernel's time apart.
template <class F, class = void>
struct has_tier : std::false_type {};
template <class F>
struct has_tier<F, decltype(void(F::tier))> : std::true_type {};

// The piecewise-linear functors: tier::all (relu, leaky_relu, relu6,
// hardsigmoid, hardswish) and those marked F::piecewise_linear (the fast
// tier's hardsigmoid and hardswish). A few operations per vector, at memory
// speed: their loops stream at every vector width and run two vectors per
// trip, and their 16-bit loops take one pass.
template <class F, class = void>
struct marked_piecewise : std::false_type {};
template <class F>
struct marked_piecewise<F, std::enable_if_t<F::piecewise_linear>> : std::true_type {};
template <class F>
constexpr bool piecewise_linear() {
  if constexpr (has_tier<F>::value) return F::tier == tier::all || marked_piecewise<F>::value;
  else return false;
}

constexpr bool float_vector_is_a_line() {
#if NONLIN_USE_XSIMD
  return sizeof(xsimd::batch<float>) >= 64;
#else
  return false;
#endif
}

template <class F, class T>
constexpr bool streams() {
  if constexpr (has_tier<F>::value) {
    return piecewise_linear<F>() || ((F::tier == tier::fast || F::tier == tier::standard) &&
                                    std::is_same<T, float>::value && float_vector_is_a_line());
  } else {
    return false;
  }
}

// kernel_choice<F, T>::run(f, fn): calls fn with a functor computing
// exactly f's values, chosen once per apply() call:
//  * the fast tier in float, in an x86 build with an FMA on a CPU whose
//    flag says so (ops.hpp, subnormals_full_speed), runs its kernels on the
//    plain route (fast_math.hpp, route), elsewhere on the split route
//    (f itself, or for sigmoid and silu the split route in blocks,
//    fast_blocked);
//  * swish and swiglu of the default and fast tiers in float with beta = 1
//    run a kernel without the beta x product (the same bits).
// Deciding per vector would keep the tests in the loop (too large for the
// compiler to unswitch) and reload the flag or beta every iteration (the
// loop's vector stores may alias any object). The float and the 16-bit
// loops (apply.hpp) both choose so. Functors without a choice are run
// directly, not through a lambda, whose different inlining measured slower
// for precise swiglu.
template <class F, class T, class = void>
struct kernel_choice {
  static constexpr bool any = false;
};

// fast_on<F, Rt>: the fast functor F's float kernel on route Rt (the split
// route is F's own operator()); parameters as F's, beta taken as given
// (no test of beta = 1). K::run<Rt>(v...) is the kernel; beta, where F
// has one, is its last argument.
template <class F, fast::route Rt>
struct fast_on {
  static constexpr bool exists = false;
};

// (fast_unary_on, fast_gated_on, fast_beta_on and the kernels by name,
// fast_k: fast_math.hpp.)

template <fast::route Rt>
struct fast_on<nonlin::fast::sigmoid, Rt> : fast_unary_on<fast_k::sigmoid, Rt> {};
template <fast::route Rt>
struct fast_on<nonlin::fast::silu, Rt> : fast_unary_on<fast_k::silu, Rt> {};
template <fast::route Rt>
struct fast_on<nonlin::fast::gelu, Rt> : fast_unary_on<fast_k::gelu, Rt> {};
template <fast::route Rt>
struct fast_on<nonlin::fast::gelu_tanh, Rt> : fast_unary_on<fast_k::gelu_tanh, Rt> {};
template <fast::route Rt>
struct fast_on<nonlin::fast::swish, Rt> : fast_beta_on<fast_k::swish, Rt> {};
template <fast::route Rt>
struct fast_on<nonlin::fast::glu, Rt> : fast_gated_on<fast_k::glu, Rt> {};
template <fast::route Rt>
struct fast_on<nonlin::fast::swiglu, Rt> : fast_beta_on<fast_k::swiglu, Rt> {};
template <fast::route Rt>
struct fast_on<nonlin::fast::geglu, Rt> : fast_gated_on<fast_k::geglu, Rt> {};
template <fast::route Rt>
struct fast_on<nonlin::fast::geglu_tanh, Rt> : fast_gated_on<fast_k::geglu_tanh, Rt> {};

// fast_blocked<F>: the fast unary functor F's split route in blocks
// (fast_math.hpp, fast_unary_blocked; blocked_vectors), where F has it:
// sigmoid and silu (also swish at beta = 1, kernel_choice below), whose
// tails begin at |x| = 85, beyond realistic inputs but for rare outliers.
// Not the others: the tails of gelu and gelu_tanh begin at |x| = 9.8-12.8,
// where a realistic input (normal, sigma 3) has a lane in a few hundred,
// which would send a block in a few to the second formulas; those of swish
// at |x| = 85/|beta|; and on inputs in the tails almost every vector of
// theirs has such a lane, so their test per vector is taken the same way
// anyway.
template <class F>
struct fast_blocked {
  static constexpr bool exists = false;
};
template <>
struct fast_blocked<nonlin::fast::sigmoid> : fast_unary_blocked<fast_k::sigmoid> {};
template <>
struct fast_blocked<nonlin::fast::silu> : fast_unary_blocked<fast_k::silu> {};

// F's split route for the bulk loops: in blocks where F has them, else
// fast_on<F, split> (F's own kernel; its halves where it has them).
template <class F>
NONLIN_INLINE auto split_op(F const&) noexcept {
  if constexpr (fast_blocked<F>::exists) return fast_blocked<F>{};
  else return fast_on<F, fast::route::split>{};
}

// fn(plain) on the plain route's CPUs, else fn(split) (also where P's
// plain route is its split route: one loop fewer to compile).
template <class Fn, class P, class S>
NONLIN_INLINE void on_fast_route(Fn&& fn, P const& plain, S const& split) {
  if constexpr (P::plain_differs) {
    if (fast::cpu_takes_plain()) fn(plain);
    else fn(split);
  } else {
    fn(split);
  }
}

// The fast functors without parameters.
template <class F>
struct kernel_choice<F, float, typename std::enable_if<fast_on<F, fast::route::plain>::exists>::type> {
  static constexpr bool any = fast_on<F, fast::route::plain>::plain_differs || fast_blocked<F>::exists;
  template <class Fn>
  static void run(F const& f, Fn&& fn) {
    on_fast_route(fn, fast_on<F, fast::route::plain>{}, split_op(f));
  }
};

template <>
struct kernel_choice<nonlin::fast::swish, float> {
  static constexpr bool any = true;
  template <class Fn>
  static void run(nonlin::fast::swish const& f, Fn&& fn) {
    using P = fast_on<nonlin::fast::swish, fast::route::plain>;
    using S = fast_on<nonlin::fast::swish, fast::route::split>;
    using Silu = nonlin::fast::silu;
    if (f.beta == 1.0) on_fast_route(fn, fast_on<Silu, fast::route::plain>{}, split_op(Silu{}));
    else on_fast_route(fn, P{f.beta}, S{f.beta});
  }
};

template <>
struct kernel_choice<nonlin::fast::swiglu, float> {
  static constexpr bool any = true;
  template <class Fn>
  static void run(nonlin::fast::swiglu const& g, Fn&& fn) {
    using P = fast_on<nonlin::fast::swiglu, fast::route::plain>;
    if (g.beta == 1.0)
      on_fast_route(fn, fast_gated_on<fast_k::swiglu1, fast::route::plain>{},
                    fast_gated_on<fast_k::swiglu1, fast::route::split>{});
    else
      on_fast_route(fn, P{g.beta}, fast_on<nonlin::fast::swiglu, fast::route::split>{g.beta});
  }
};

#if NONLIN_USE_XSIMD
template <class F, class B, class = void>
struct accepts_batch : std::false_type {};
template <class F, class B>
struct accepts_batch<F, B, decltype(void(std::declval<F const&>()(std::declval<B const&>())))>
    : std::is_same<decltype(std::declval<F const&>()(std::declval<B const&>())), B> {};

template <class F, class B, class = void>
struct accepts_batch2 : std::false_type {};
template <class F, class B>
struct accepts_batch2<F, B, decltype(void(std::declval<F const&>()(std::declval<B const&>(), std::declval<B const&>())))>
    : std::is_same<decltype(std::declval<F const&>()(std::declval<B const&>(), std::declval<B const&>())), B> {};

// Whether op, given its Args batches, also takes a standard::rare_defer
// after them: a kernel with a cold call for its rare lanes (math_std.hpp).
template <class Op, class B, class Args, class = void>
struct defers_rare : std::false_type {};
template <class Op, class B, class... A>
struct defers_rare<Op, B, void(A...),
                   decltype(void(std::declval<Op const&>()(std::declval<A const&>()...,
                                                           std::declval<standard::rare_defer const&>())))>
    : std::is_same<decltype(std::declval<Op const&>()(std::declval<A const&>()...,
                                                      std::declval<standard::rare_defer const&>())),
                   B> {};
#endif

#if NONLIN_USE_XSIMD
// out[i, i + count) = op(in...[i, i + count)) for count < W, as one
// zero-padded vector (the same instructions as a whole vector). Not inlined:
// the flattened loops keep one copy of the kernel each.
template <class T, class Op, class... In>
NONLIN_NOINLINE void partial_vector(Op const& op, T* out, std::size_t i, std::size_t count, In const*... in) noexcept {
  using B = xsimd::batch<T>;
  const auto padded = [i, count](T const* p) {
    alignas(B) T buf[B::size] = {};
    std::memcpy(buf, p + i, count * sizeof(T));
    return xsimd::load_aligned(buf);
  };
  alignas(B) T res[B::size];
  xsimd::store_aligned(res, op(padded(in)...));
  std::memcpy(out + i, res, count * sizeof(T));
}

// op(x...) out of line: the bulk loops' second evaluation of a vector with
// a rare lane (whole_vectors, half_loop), so that their function holds one
// copy of the kernel, not two.
template <class Op, class... B>
NONLIN_COLD auto call_cold(Op const& op, B... x) noexcept {
  return op(x...);
}

// Whether whole_vectors runs two vectors per trip for Op: the
// piecewise-linear functors (relu, ...), a few operations per vector, whose
// loops are bound by the loop's own instructions and the loads and stores.
template <class Op>
constexpr bool unrolled() {
  return piecewise_linear<Op>();
}

// Whether op has its kernel in two halves, op.stage2(op.stage1(x...))
// equal to op(x...) for Operands batches of B (the same operations;
// unary or gated), and the target
// overlaps them (ops.hpp, overlaps_stages): whole_vectors then runs the
// first half of each vector beside the second half of the one before it.
// A kernel whose one vector is a long dependency chain keeps the
// out-of-order core's scheduler full of operations that wait; overlapped in
// program order, the second halves find their inputs ready
// (benchmarks/README.md, A/B studies 15).
template <class B, std::size_t>
using operand_t = B;
template <class Op, class B, class Seq, class = void>
struct has_stages_n : std::false_type {};
template <class Op, class B, std::size_t... K>
struct has_stages_n<Op, B, std::index_sequence<K...>,
                    decltype(void(std::declval<Op const&>().stage2(
                        std::declval<Op const&>().stage1(std::declval<operand_t<B, K> const&>()...))))>
    : std::true_type {};
template <class Op, class B, std::size_t Operands = 1>
using has_stages = has_stages_n<Op, B, std::make_index_sequence<Operands>>;
// Whether op's state between its halves is small: the default and fast
// tiers' kernels (ops.hpp, overlaps_stages: AVX2 overlaps only those).
template <class Op, class = void>
struct small_stages : std::false_type {};
template <class Op>
struct small_stages<Op, typename std::enable_if<Op::tier != nonlin::tier::precise>::type> : std::true_type {};
// How many vectors ahead the loops of AVX2 builds issue op's first half:
// 0 (not overlapped), 1 or 2, op's avx2_ahead where it sets one (a kernel
// measured no faster overlapped, or faster two ahead: benchmarks/README.md,
// A/B studies 24, 25), else 1 for small states and 0 for the others.
template <class Op, class = void>
struct avx2_ahead : std::integral_constant<std::size_t, small_stages<Op>::value ? 1 : 0> {};
template <class Op>
struct avx2_ahead<Op, decltype(void(Op::avx2_ahead))> : std::integral_constant<std::size_t, Op::avx2_ahead> {};
template <class Op, class B, std::size_t Operands = 1>
constexpr bool staged() {
  return overlaps_stages<B, avx2_ahead<Op>::value != 0>() && has_stages<Op, B, Operands>::value;
}
// How many vectors ahead the loops (float and 16-bit) issue a staged op's
// first half (overlapped_vectors): with AVX-512, 2 for the default and
// fast tiers' kernels (small_stages; the precise ones' large state keeps
// 1); with AVX2, avx2_ahead. As measured (benchmarks/README.md, A/B
// studies 25: AVX-512 1-8 % faster for the unary kernels, up to 1.4x in
// 16-bit loops; AVX2 3-7 % for the ops that set 2, others slower).
template <class Op, class B>
constexpr std::size_t overlap_distance() {
  if constexpr (reg_bytes<B>() == 64) return small_stages<Op>::value ? 2 : 1;
  else if constexpr (reg_bytes<B>() == 32) return avx2_ahead<Op>::value == 2 ? 2 : 1;
  else return 1;
}

// Whether op runs the fast tier's split route in blocks (fast_math.hpp,
// fast_unary_blocked): op.calm_bound<B>(), op.common(x), op.tails(x).
template <class Op, class B, class = void>
struct blocked : std::false_type {};
template <class Op, class B>
struct blocked<Op, B, decltype(void(std::declval<Op const&>().tails(std::declval<B const&>())))>
    : std::true_type {};

// The split route in blocks of kBlockVectors whole vectors from i on (a
// unary op): one test per block, max |x| <= op.calm_bound() (every lane
// then takes the common formulas: op.common), else op.tails, the second
// formulas, for all of the block's vectors (the same values); the vectors
// after the last whole block as op itself (the test per vector). The test
// is taken the same way block after block on uniform inputs and on inputs
// in the tails alike, where a test per vector is taken at random. A
// realistic input (a tail lane in a few thousand) rarely sends a block to
// the second formulas. (A NaN lane may go either way: both give NaN.) The
// block's inputs are all read before its first store (in place stays
// right). Returns the index after the last vector.
constexpr std::size_t kBlockVectors = 4;
template <class B, class Op, class Put, class T>
NONLIN_INLINE std::size_t blocked_vectors(Op const& op, Put const& put, std::size_t i, std::size_t n,
                                          T const* x) noexcept {
  constexpr std::size_t W = B::size;
  const B bound = op.template calm_bound<B>();
  // (Counted in blocks and vectors: after a loop on n - i >= 4W, GCC 12
  // could not bound the last loop and warned of a wrapping index where n is
  // a constant, as in whole_vectors.)
  const std::size_t blocks = (n - i) / W / kBlockVectors;
  std::size_t rest = (n - i) / W % kBlockVectors;
  for (std::size_t b = 0; b < blocks; ++b, i += kBlockVectors * W) {
    B big = detail::abs(xsimd::load_unaligned(x + i));
    for (std::size_t k = 1; k < kBlockVectors; ++k)
      big = max_keep_nan(big, detail::abs(xsimd::load_unaligned(x + i + k * W)));
    if (xsimd::all(big <= bound)) {
      for (std::size_t k = 0; k < kBlockVectors; ++k)
        put(i + k * W, op.common(xsimd::load_unaligned(x + i + k * W)));
    } else {
      for (std::size_t k = 0; k < kBlockVectors; ++k)
        put(i + k * W, op.tails(xsimd::load_unaligned(x + i + k * W)));
    }
  }
  for (; rest != 0; --rest, i += W) put(i, op(xsimd::load_unaligned(x + i)));
  return i;
}

// Whether op's second half also takes a standard::rare_defer: a gated
// kernel whose rare lanes make a call (glu.hpp, gated_stage2).
template <class Op, class S, class = void>
struct stage2_defers : std::false_type {};
template <class Op, class S>
struct stage2_defers<Op, S,
                     decltype(void(std::declval<Op const&>().stage2(std::declval<S const&>(),
                                                                    std::declval<standard::rare_defer const&>())))>
    : std::true_type {};

// The whole vectors from i on with op's halves overlapped (staged):
// put(j, op.stage2(first(j))), where first(j) is op.stage1 of vector j's
// inputs; vector j + W's first half is computed (and its inputs loaded)
// before vector j's result is put, so in place stays correct. Where the
// second half defers its rare lanes (stage2_defers), a vector with one
// leaves the inner loop and is put as redo(j), op's own call out of line
// (call_cold): the loop then holds no call, around which the next vector's
// state would be kept in memory. The same bits. Returns the index after the
// last. (whole_vectors, and half_loop in bulk_half.hpp.)
// With Distance = 2, for an op that does not defer (the others keep 1),
// vector j + 2W's first half is computed beside vector j's second half:
// two states live (overlap_distance).
template <std::size_t W, std::size_t Distance = 1, class Op, class First, class Redo, class Put>
NONLIN_INLINE std::size_t overlapped_vectors(Op const& op, First const& first, Redo const& redo, Put const& put,
                                             std::size_t i, std::size_t n) noexcept {
  if (n - i < W) return i;
  if constexpr (Distance == 2 && !stage2_defers<Op, decltype(first(i))>::value) {
    (void)redo;
    if (n - i < 2 * W) {
      put(i, op.stage2(first(i)));
      return i + W;
    }
    auto s0 = first(i);
    auto s1 = first(i + W);
    for (; n - i >= 3 * W; i += W) {
      const auto next = first(i + 2 * W);
      put(i, op.stage2(s0));
      s0 = s1;
      s1 = next;
    }
    put(i, op.stage2(s0));
    put(i + W, op.stage2(s1));
    return i + 2 * W;
  }
  auto s = first(i);
  if constexpr (stage2_defers<Op, decltype(s)>::value) {
    for (;;) {
      bool hit = false;
      for (; n - i >= 2 * W; i += W) {
        const auto next = first(i + W);
        const auto y = op.stage2(s, standard::rare_defer{hit});
        s = next;
        if (hit) break;
        put(i, y);
      }
      if (!hit) break;
      put(i, redo(i));
      i += W;
    }
    bool hit = false;
    const auto y = op.stage2(s, standard::rare_defer{hit});
    if (hit) put(i, redo(i));
    else put(i, y);
  } else {
    (void)redo;
    for (; n - i >= 2 * W; i += W) {
      const auto next = first(i + W);
      put(i, op.stage2(s));
      s = next;
    }
    put(i, op.stage2(s));
  }
  return i + W;
}

// put(i, op(in...[i, i + W))) for the whole vectors from i on; returns
// the index after the last. Where op defers its rare lanes (defers_rare) and
// the target wants it (defer_rare_lanes, ops.hpp), a vector with a lane for
// op's cold call leaves the hot loop, which so holds no call, and is
// computed again by op's own call, out of line (call_cold): the same bits.
template <class B, class Op, class Put, class... In>
NONLIN_INLINE std::size_t whole_vectors(Op const& op, Put const& put, std::size_t i, std::size_t n,
                                        In const*... in) noexcept {
  constexpr std::size_t W = B::size;
  if constexpr (defer_rare_lanes() && defers_rare<Op, B, void(decltype(xsimd::load_unaligned(in))...)>::value) {
    while (n - i >= W) {
      bool hit = false;
      for (; n - i >= W; i += W) {
        const B y = op(xsimd::load_unaligned(in + i)..., standard::rare_defer{hit});
        if (hit) break;
        put(i, y);
      }
      if (hit) {
        put(i, call_cold(op, xsimd::load_unaligned(in + i)...));
        i += W;
      }
    }
  } else {
    // A copy of op, local to the loop: its parameters (alpha, beta) are
    // then known not to change in the loop (op itself could be anywhere,
    // out included, as far as the compiler knows), and are loaded and
    // converted once instead of in every trip.
    const Op op_ = op;
    if constexpr (blocked<Op, B>::value) {
      i = blocked_vectors<B>(op_, put, i, n, in...);
    } else if constexpr (staged<Op, B, sizeof...(In)>()) {
      const auto first = [&op_, in...](std::size_t j) NONLIN_INLINE_LAMBDA {
        return op_.stage1(xsimd::load_unaligned(in + j)...);
      };
      const auto redo = [&op_, in...](std::size_t j) NONLIN_INLINE_LAMBDA {
        return call_cold(op_, xsimd::load_unaligned(in + j)...);
      };
      i = overlapped_vectors<W, overlap_distance<Op, B>()>(op_, first, redo, put, i, n);
    } else if constexpr (unrolled<Op>()) {
      // Two vectors per trip, both loaded before either is stored (in
      // place), counted in vectors (m): GCC 12 could not bound i by n
      // after a loop on n - i >= 2W and warned of a wrapping second loop.
      std::size_t m = (n - i) / W;
      for (; m >= 2; m -= 2, i += 2 * W) {
        const B y0 = op_(xsimd::load_unaligned(in + i)...);
        const B y1 = op_(xsimd::load_unaligned(in + i + W)...);
        put(i, y0);
        put(i + W, y1);
      }
      if (m != 0) {
        put(i, op_(xsimd::load_unaligned(in + i)...));
        i += W;
      }
    } else {
      for (; n - i >= W; i += W) put(i, op_(xsimd::load_unaligned(in + i)...));
    }
  }
  return i;
}

// out[i] = op(in0[i], in1[i], ...) in whole vectors, and the remainder after
// the last full vector as one zero-padded vector, so every element goes
// through the same instructions. Every input of a chunk is loaded before its
// result is stored, which keeps out == an input (in place) correct.
template <class T, class Op, class... In>
NONLIN_FLATTEN inline void plain_loop(Op const& op, T* out, std::size_t n, In const*... in) noexcept {
  using B = xsimd::batch<T>;
  const auto put = [out](std::size_t j, B const& y) NONLIN_INLINE_LAMBDA { xsimd::store_unaligned(out + j, y); };
  const std::size_t i = whole_vectors<B>(op, put, 0, n, in...);
  if (i < n) partial_vector(op, out, i, n - i, in...);
}

// The same with streaming stores, for outputs of at least 2 vectors: the
// part before out's first vector-aligned element goes as one more
// zero-padded vector, then aligned whole vectors, then the remainder; a
// store fence ends it. The results are the same bits as plain_loop's.
template <class T, class Op, class... In>
NONLIN_FLATTEN inline void stream_loop(Op const& op, T* out, std::size_t n, In const*... in) noexcept {
  using B = xsimd::batch<T>;
  constexpr std::size_t W = B::size;
  const std::size_t head = (W - (reinterpret_cast<std::uintptr_t>(out) / sizeof(T)) % W) % W;
  if (head != 0) partial_vector(op, out, 0, head, in...);
  const auto put = [out](std::size_t j, B const& y) NONLIN_INLINE_LAMBDA { stream_store(out + j, y); };
  const std::size_t i = whole_vectors<B>(op, put, head, n, in...);
  if (i < n) partial_vector(op, out, i, n - i, in...);
  stream_fence();
}

// Stream (functors that run at memory speed for T: streams<F, T>()):
// outputs of NONLIN_STREAM_MIN_BYTES or more go through stream_loop on x86.
template <bool Stream, class T, class Op, class... In>
inline void vector_loop(Op const& op, T* out, std::size_t n, In const*... in) noexcept {
  using B = xsimd::batch<T>;
  if constexpr (Stream && can_stream<B>()) {
    if (n >= std::size_t(NONLIN_STREAM_MIN_BYTES) / sizeof(T) && n >= 2 * B::size &&
        reinterpret_cast<std::uintptr_t>(out) % sizeof(T) == 0) {
      stream_loop(op, out, n, in...);
      return;
    }
  }
  plain_loop(op, out, n, in...);
}
#endif

// The default tier's swiglu with beta = 1 (same bits as beta = 1 given).
struct swiglu_beta1 {
  static constexpr nonlin::tier tier = nonlin::tier::standard;
  template <class V>
  NONLIN_INLINE V operator()(V const& gate, V const& up) const noexcept {
    return detail::eval2(gate, up, [](auto const& g, auto const& u) NONLIN_INLINE_LAMBDA {
      return detail::standard::swiglu1(g, u);
    });
  }
  // The bulk loops' call (batches; rare lanes deferred: standard::rare_defer).
  template <class V>
  NONLIN_INLINE V operator()(V const& gate, V const& up, standard::rare_defer const& rare) const noexcept {
    return detail::standard::swiglu1(gate, up, rare);
  }
  // In two halves (as nonlin::swiglu's).
  template <class B>
  NONLIN_INLINE auto stage1(B const& gate, B const& up) const noexcept {
    return detail::standard::swiglu1_stage1(gate, up);
  }
  template <class B, class Rare = standard::rare_now>
  NONLIN_INLINE B stage2(standard::swiglu_state<B> const& s, Rare const& rare = Rare{}) const noexcept {
    return detail::standard::swiglu1_stage2(s, rare);
  }
};

// The default tier's swish with beta = 1 (same bits as beta = 1 given).
struct swish_beta1 {
  static constexpr nonlin::tier tier = nonlin::tier::standard;
  template <class V>
  NONLIN_INLINE V operator()(V const& x) const noexcept {
    return detail::eval(x, [](auto const& v) NONLIN_INLINE_LAMBDA { return detail::standard::swish1(v); });
  }
  // The bulk loops' call (batches; rare lanes deferred: standard::rare_defer).
  template <class V>
  NONLIN_INLINE V operator()(V const& x, standard::rare_defer const& rare) const noexcept {
    return detail::standard::swish1(x, rare);
  }
  // In two halves (as nonlin::swish's).
  template <class B>
  NONLIN_INLINE auto stage1(B const& x) const noexcept {
    return detail::standard::swish1_stage1(x);
  }
  template <class B, class Rare = standard::rare_now>
  NONLIN_INLINE B stage2(standard::swish_state<B> const& s, Rare const& rare = Rare{}) const noexcept {
    return detail::standard::swish1_stage2(s, rare);
  }
};

// (Without an FMA the default tier runs the precise kernels: no choice.)
template <>
struct kernel_choice<nonlin::swiglu, float> {
  static constexpr bool any = has_fma;
  template <class Fn>
  static void run(nonlin::swiglu const& g, Fn&& fn) {
    if (g.beta == 1.0) fn(swiglu_beta1{});
    else fn(g);
  }
};

template <>
struct kernel_choice<nonlin::swish, float> {
  static constexpr bool any = has_fma;
  template <class Fn>
  static void run(nonlin::swish const& f, Fn&& fn) {
    if (f.beta == 1.0) fn(swish_beta1{});
    else fn(f);
  }
};

}  // namespace detail
NONLIN_END_NAMESPACE  // namespace nonlin

#endif  // NONLIN_DETAIL_BULK_HPP
