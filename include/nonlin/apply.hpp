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
#include "detail/bulk.hpp"
#include "glu.hpp"

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
    if constexpr (detail::kernel_choice<F, T>::any) {
      detail::kernel_choice<F, T>::run(f, [&](auto const& k) noexcept {
        detail::vector_loop<detail::streams<F, T>()>(k, out, n, in);
      });
    } else {
      detail::vector_loop<detail::streams<F, T>()>(f, out, n, in);
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
    if constexpr (detail::kernel_choice<F, T>::any) {
      detail::kernel_choice<F, T>::run(g, [&](auto const& k) noexcept {
        detail::vector_loop<detail::streams<F, T>()>(k, out, n, gate, up);
      });
    } else {
      detail::vector_loop<detail::streams<F, T>()>(g, out, n, gate, up);
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
