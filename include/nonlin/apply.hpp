// nonlin: the bulk kernels (the hot path).
//
//   apply(f, in, out, n)                     out[i] = f(in[i])
//   apply(g, gate, up, out, n)               out[i] = g(gate[i], up[i])
//   apply_packed(g, in, in_stride, out, out_stride, rows, hidden [, half])
//                                            out[r][j] = g(gate[r][j], up[r][j])
//
// Pointer + length, input first, as inference engines call them; std::span
// overloads when the standard library has <span>.
#ifndef NONLIN_APPLY_HPP
#define NONLIN_APPLY_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>
#if defined(__has_include)
#if __has_include(<version>)
#include <version>
#endif
#endif
#if defined(__cpp_lib_span)
#include <span>
#endif

#include "config.hpp"
#include "glu.hpp"
#if NONLIN_USE_XSIMD && (defined(__SSE2__) || defined(__AVX__))
#include <immintrin.h>
#endif

NONLIN_BEGIN_NAMESPACE
namespace detail {

// True when [a, a+an) and [b, b+bn) (in elements of T) are the same range
// start or do not overlap. Compared as integers: the buffers may be unrelated.
template <class T>
inline bool same_or_disjoint(const T* a, std::size_t an, const T* b, std::size_t bn) noexcept {
  const auto pa = reinterpret_cast<std::uintptr_t>(a);
  const auto pb = reinterpret_cast<std::uintptr_t>(b);
  return pa == pb || an == 0 || bn == 0 || pa + an * sizeof(T) <= pb || pb + bn * sizeof(T) <= pa;
}

template <class T>
inline bool fits(std::size_t rows, std::size_t stride, std::size_t extra) noexcept {
  // (rows - 1) * stride + extra elements must be addressable in bytes.
  if (rows == 0) return true;
  const std::size_t max = SIZE_MAX / sizeof(T);
  return stride == 0 || ((rows - 1) <= (max - extra) / stride);
}

// F::memory_bound<T>(): the functor runs at memory speed for T (relu,
// leaky_relu; the fast tier in float), so streaming stores pay for large
// outputs (fast::sigmoid at 16M: 3.39 -> 2.63 ms). The precise tier is
// compute-bound (20-41 % of copy bandwidth) and measured 12-18 % slower with
// them (sigmoid 7.9 -> 9.4 ms, tanh, gelu alike; AMD EPYC, AVX-512,
// 2026-11-22), so it keeps plain stores.
template <class F, class T, class = void>
struct memory_bound : std::false_type {};
template <class F, class T>
struct memory_bound<F, T, decltype(void(F::template memory_bound<T>()))>
    : std::integral_constant<bool, F::template memory_bound<T>()> {};

// What a vector loop runs for F: a functor computing exactly F's values,
// handed to fn. Functors with a runtime parameter that selects their kernel
// (fast::swish and fast::swiglu in float with beta = 1 run silu's) define
// with_kernel<T>(fn) and make that choice once per apply() call: in the loop
// the test stays (the loop is too large for the compiler to unswitch), and
// beta is reloaded every iteration, since the loop's vector stores may alias
// any object (the intrinsic vector types are may_alias). Other functors are
// run directly, without the detour through a lambda, whose different
// inlining made precise swiglu 13 % slower (GCC 12, AVX-512). (A local copy
// of every functor was tried as well: no gain for leaky_relu, precise
// swiglu 4 % slower.)
struct any_kernel_fn {
  template <class K>
  void operator()(K const&) const noexcept {}
};
template <class F, class T, class = void>
struct has_with_kernel : std::false_type {};
template <class F, class T>
struct has_with_kernel<F, T, decltype(std::declval<F const&>().template with_kernel<T>(any_kernel_fn{}))>
    : std::true_type {};

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
#endif

#if NONLIN_USE_XSIMD
// Non-temporal ("streaming") stores of one whole vector to p, which is
// aligned to the vector's size: x86 only (SSE2, AVX, AVX-512 registers).
// (Told apart by size: std::is_same on __m512 and the like draws GCC's
// -Wignored-attributes.)
template <class B>
constexpr bool can_stream() {
  constexpr std::size_t bytes = sizeof(typename B::register_type);
#if defined(__AVX512F__)
  if constexpr (bytes == 64) return true;
#endif
#if defined(__AVX__)
  if constexpr (bytes == 32) return true;
#endif
#if defined(__SSE2__)
  if constexpr (bytes == 16) return true;
#endif
  return bytes == 0;
}

template <class B>
inline void stream_store(typename B::value_type* p, B const& v) noexcept {
  constexpr std::size_t bytes = sizeof(typename B::register_type);
  constexpr bool is_f = std::is_same<typename B::value_type, float>::value;
  (void)p;
  (void)v;
  (void)is_f;
#if defined(__AVX512F__)
  if constexpr (bytes == 64) {
    if constexpr (is_f) _mm512_stream_ps(p, v);
    else _mm512_stream_pd(p, v);
  }
#endif
#if defined(__AVX__)
  if constexpr (bytes == 32) {
    if constexpr (is_f) _mm256_stream_ps(p, v);
    else _mm256_stream_pd(p, v);
  }
#endif
#if defined(__SSE2__)
  if constexpr (bytes == 16) {
    if constexpr (is_f) _mm_stream_ps(p, v);
    else _mm_stream_pd(p, v);
  }
#endif
}

inline void stream_fence() noexcept {
#if defined(__SSE2__) || defined(__AVX__)  // whenever can_stream can be true (MSVC: __AVX__ only)
  _mm_sfence();
#endif
}

// out[i, i + count) = op(in...[i, i + count)) for count < W, as one
// zero-padded vector (the same instructions as a whole vector).
template <class T, class Op, class... In>
inline void partial_vector(Op const& op, T* out, std::size_t i, std::size_t count, In const*... in) noexcept {
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

// out[i] = op(in0[i], in1[i], ...) in whole vectors, and the remainder after
// the last full vector as one zero-padded vector, so every element goes
// through the same instructions. Every input of a chunk is loaded before its
// result is stored, which keeps out == an input (in place) correct.
template <class T, class Op, class... In>
inline void plain_loop(Op const& op, T* out, std::size_t n, In const*... in) noexcept {
  using B = xsimd::batch<T>;
  constexpr std::size_t W = B::size;
  std::size_t i = 0;
  for (; n - i >= W; i += W) xsimd::store_unaligned(out + i, op(xsimd::load_unaligned(in + i)...));
  if (i < n) {
    const std::size_t rest = n - i;
    const auto padded = [i, rest](T const* p) {
      alignas(B) T buf[B::size] = {};  // B::size, not W: clang 14 rejects W here
      std::memcpy(buf, p + i, rest * sizeof(T));
      return xsimd::load_aligned(buf);
    };
    alignas(B) T res[W];
    xsimd::store_aligned(res, op(padded(in)...));
    std::memcpy(out + i, res, rest * sizeof(T));
  }
}

// The same with streaming stores, for outputs of at least 2 vectors: the
// part before out's first vector-aligned element goes as one more
// zero-padded vector, then aligned whole vectors, then the remainder; a
// store fence ends it. The results are the same bits as plain_loop's.
template <class T, class Op, class... In>
inline void stream_loop(Op const& op, T* out, std::size_t n, In const*... in) noexcept {
  using B = xsimd::batch<T>;
  constexpr std::size_t W = B::size;
  const std::size_t head = (W - (reinterpret_cast<std::uintptr_t>(out) / sizeof(T)) % W) % W;
  if (head != 0) partial_vector(op, out, 0, head, in...);
  std::size_t i = head;
  for (; n - i >= W; i += W) stream_store(out + i, op(xsimd::load_unaligned(in + i)...));
  if (i < n) partial_vector(op, out, i, n - i, in...);
  stream_fence();
}

// Stream (functors that run at memory speed for T: F::memory_bound<T>()):
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

}  // namespace detail

/// out[i] = f(in[i]) for i in [0, n).
///
/// f: any nonlin unary functor (or any callable taking T, and optionally
/// xsimd::batch<T>, returning the same type). T: float or double.
/// Any n (0 included), any alignment. The remainder after the last full
/// vector is run as one zero-padded vector, so every element goes through
/// the same instructions: results do not depend on n, alignment or how the
/// caller splits the array, and equal the scalar f(in[i]) bit for bit.
/// Preconditions (asserted in debug builds): in and out valid for n
/// elements; out == in (in place) or the two ranges do not overlap.
template <class F, class T>
inline void apply(F const& f, const T* in, T* out, std::size_t n) noexcept {
  static_assert(std::is_same<T, float>::value || std::is_same<T, double>::value, "apply: T must be float or double");
  NONLIN_ASSERT(n == 0 || (in != nullptr && out != nullptr), "nonlin::apply: null buffer");
  NONLIN_ASSERT(n <= SIZE_MAX / sizeof(T), "nonlin::apply: n overflows the address space");
  NONLIN_ASSERT(detail::same_or_disjoint(in, n, static_cast<const T*>(out), n),
                "nonlin::apply: out must equal in or not overlap it");
#if NONLIN_USE_XSIMD
  using B = xsimd::batch<T>;
  if constexpr (detail::accepts_batch<F, B>::value) {
    if constexpr (detail::has_with_kernel<F, T>::value) {
      f.template with_kernel<T>([&](auto const& k) noexcept {
        detail::vector_loop<detail::memory_bound<F, T>::value>(k, out, n, in);
      });
    } else {
      detail::vector_loop<detail::memory_bound<F, T>::value>(f, out, n, in);
    }
    return;
  }
#endif
  for (std::size_t i = 0; i < n; ++i) out[i] = f(in[i]);
}

/// Gated, two separate inputs (LLaMA w1/w3, ggml *_split):
/// out[i] = g(gate[i], up[i]) = act(gate[i]) * up[i] for i in [0, n).
///
/// g: glu, swiglu, geglu, geglu_tanh (or any binary callable of the same
/// shape). Any n, any alignment; same tail rule as the unary apply().
/// Preconditions (asserted in debug builds): all three buffers valid for n
/// elements; out equals gate or up, or overlaps neither.
template <class F, class T>
inline void apply(F const& g, const T* gate, const T* up, T* out, std::size_t n) noexcept {
  static_assert(std::is_same<T, float>::value || std::is_same<T, double>::value, "apply: T must be float or double");
  NONLIN_ASSERT(n == 0 || (gate != nullptr && up != nullptr && out != nullptr), "nonlin::apply: null buffer");
  NONLIN_ASSERT(n <= SIZE_MAX / sizeof(T), "nonlin::apply: n overflows the address space");
  NONLIN_ASSERT(detail::same_or_disjoint(gate, n, static_cast<const T*>(out), n) &&
                    detail::same_or_disjoint(up, n, static_cast<const T*>(out), n),
                "nonlin::apply: out must equal gate or up, or overlap neither");
#if NONLIN_USE_XSIMD
  using B = xsimd::batch<T>;
  if constexpr (detail::accepts_batch2<F, B>::value) {
    if constexpr (detail::has_with_kernel<F, T>::value) {
      g.template with_kernel<T>([&](auto const& k) noexcept {
        detail::vector_loop<detail::memory_bound<F, T>::value>(k, out, n, gate, up);
      });
    } else {
      detail::vector_loop<detail::memory_bound<F, T>::value>(g, out, n, gate, up);
    }
    return;
  }
#endif
  for (std::size_t i = 0; i < n; ++i) out[i] = g(gate[i], up[i]);
}

/// Gated, packed rows: in is [rows x 2*hidden] with row stride in_stride
/// (elements), out is [rows x hidden] with row stride out_stride.
/// Row r of in is [first | second], each `hidden` wide; `half` says which
/// one is the gate (the activated operand):
///   out[r][j] = g(gate_r[j], up_r[j]).
/// The default for `half` is g's packed_gate: gate_half::first for swiglu,
/// geglu and geglu_tanh (vLLM, HF, ggml, LLaMA [gate | up] checkpoints),
/// gate_half::second for glu (PyTorch F.glu(x, dim=-1)
/// = x[..., :H] * sigmoid(x[..., H:])).
/// Preconditions (asserted in debug builds): in_stride >= 2*hidden,
/// out_stride >= hidden (when rows > 1); the strided extents fit in size_t;
/// out == in with out_stride <= in_stride (in place, rows compacted), or the
/// two strided regions do not overlap.
template <class F, class T>
inline void apply_packed(F const& g, const T* in, std::size_t in_stride, T* out, std::size_t out_stride,
                         std::size_t rows, std::size_t hidden, gate_half half = F::packed_gate) noexcept {
  if (rows == 0 || hidden == 0) return;
  NONLIN_ASSERT(hidden <= SIZE_MAX / 2 / sizeof(T), "nonlin::apply_packed: hidden too large");
  NONLIN_ASSERT(rows == 1 || in_stride >= 2 * hidden, "nonlin::apply_packed: in_stride < 2*hidden");
  NONLIN_ASSERT(rows == 1 || out_stride >= hidden, "nonlin::apply_packed: out_stride < hidden");
  NONLIN_ASSERT(detail::fits<T>(rows, in_stride, 2 * hidden) && detail::fits<T>(rows, out_stride, hidden),
                "nonlin::apply_packed: rows * stride overflows the address space");
  NONLIN_ASSERT((static_cast<const T*>(out) == in && out_stride <= in_stride) ||
                    (static_cast<const T*>(out) != in &&
                     detail::same_or_disjoint(in, (rows - 1) * in_stride + 2 * hidden, static_cast<const T*>(out),
                                              (rows - 1) * out_stride + hidden)),
                "nonlin::apply_packed: out must equal in (with out_stride <= in_stride) or not overlap it");
  const std::size_t goff = half == gate_half::first ? 0 : hidden;
  const std::size_t uoff = hidden - goff;
  for (std::size_t r = 0; r < rows; ++r) {
    const T* row = in + r * in_stride;
    apply(g, row + goff, row + uoff, out + r * out_stride, hidden);
  }
}

/// apply_packed for contiguous rows: in is [rows x 2*hidden], out is
/// [rows x hidden], gate half = g's packed_gate.
template <class F, class T>
inline void apply_packed(F const& g, const T* in, T* out, std::size_t rows, std::size_t hidden) noexcept {
  apply_packed(g, in, 2 * hidden, out, hidden, rows, hidden, F::packed_gate);
}

#if defined(__cpp_lib_span)
/// std::span forms. Precondition (asserted in debug builds): equal sizes.
template <class F, class T, std::size_t N1, std::size_t N2>
inline void apply(F const& f, std::span<const T, N1> in, std::span<T, N2> out) noexcept {
  NONLIN_ASSERT(in.size() == out.size(), "nonlin::apply: in and out differ in size");
  apply(f, in.data(), out.data(), in.size());
}
template <class F, class T, std::size_t N1, std::size_t N2>
inline void apply(F const& f, std::span<T, N1> in, std::span<T, N2> out) noexcept {
  apply(f, std::span<const T, N1>(in), out);
}
template <class F, class T, std::size_t N1, std::size_t N2, std::size_t N3>
inline void apply(F const& g, std::span<const T, N1> gate, std::span<const T, N2> up, std::span<T, N3> out) noexcept {
  NONLIN_ASSERT(gate.size() == out.size() && up.size() == out.size(), "nonlin::apply: gate, up and out differ in size");
  apply(g, gate.data(), up.data(), out.data(), out.size());
}
#endif

NONLIN_END_NAMESPACE  // namespace nonlin

#endif  // NONLIN_APPLY_HPP
