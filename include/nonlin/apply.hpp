// nonlin: the bulk kernels (the hot path).
//
//   apply(f, in, out, n)                     out[i] = f(in[i])
//   apply(g, gate, up, out, n)               out[i] = g(gate[i], up[i])
//   apply_packed(g, in, in_stride, out, out_stride, rows, hidden [, half])
//                                            out[r][j] = g(gate[r][j], up[r][j])
//
// Pointer + length, input first, as inference engines call them; std::span
// overloads when the standard library has <span>. Element types: float or
// double in and out alike, or any mix of float, nonlin::bf16 and
// nonlin::f16 (nonlin/half.hpp; _Float16 and std::bfloat16_t buffers are
// taken as f16 / bf16), the math in float in one pass.
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
#include "detail/bulk_half.hpp"
#include "glu.hpp"
#include "half.hpp"

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

// The same for two buffers of any element types, in bytes.
template <class A, class B>
inline bool same_or_disjoint_bytes(const A* a, std::size_t an, const B* b, std::size_t bn) noexcept {
  const auto pa = reinterpret_cast<std::uintptr_t>(a);
  const auto pb = reinterpret_cast<std::uintptr_t>(b);
  return (pa == pb && sizeof(A) == sizeof(B)) || an == 0 || bn == 0 || pa + an * sizeof(A) <= pb ||
         pb + bn * sizeof(B) <= pa;
}

template <class T>
struct is_storage
    : std::integral_constant<bool, std::is_same<T, float>::value || std::is_same<T, nonlin::bf16>::value ||
                                       std::is_same<T, nonlin::f16>::value> {};

// The 16-bit paths: Out and In (both operands of a gated F) any of float,
// bf16, f16, not all float. Correctly rounded 16-bit outputs where
// half_rule<F>::exact (bulk_half.hpp).
template <class F, class Out, class... In>
inline void apply_half(F const& f, Out* out, std::size_t n, In const*... in) noexcept {
  constexpr bool exact = nonlin::is_half<Out>::value && half_rule<F>::exact;
  const half_rare<F> rare{f};
#if NONLIN_USE_XSIMD
  // Two passes where the work after the kernel is more than one instruction:
  // the midpoint test, or bf16's integer rounding.
  constexpr bool two_pass = half_rule<F>::two_pass && (exact || std::is_same<Out, nonlin::bf16>::value);
  using B = xsimd::batch<float>;
  constexpr bool vec = sizeof...(In) == 2 ? accepts_batch2<F, B>::value : accepts_batch<F, B>::value;
  constexpr bool stream = streams<F, float>();
  if constexpr (vec) {
    if constexpr (kernel_choice<F, float>::any) {
      kernel_choice<F, float>::run(f, [&](auto const& k) noexcept {
        half_loop_stream<exact, half_rule<F>::E, stream, two_pass>(k, rare, out, n, in...);
      });
    } else {
      half_loop_stream<exact, half_rule<F>::E, stream, two_pass>(f, rare, out, n, in...);
    }
    return;
  }
#endif
  for (std::size_t i = 0; i < n; ++i) {
    float xs[sizeof...(In)][1] = {{to_float(in[i])}...};  // read before out[i] is written (in place)
    const float y = apply_op(f, &xs[0][0], std::make_index_sequence<sizeof...(In)>(), sizeof(xs[0]) / sizeof(float));
    out[i] = from_float<Out>(y);
    if constexpr (exact) {
      if (near_midpoint<Out>(y, half_rule<F>::E)) {
        std::uint32_t idx[1] = {0};
        rare(1, xs, idx, out + i);
      }
    }
  }
}

template <class T>
inline bool fits(std::size_t rows, std::size_t stride, std::size_t extra) noexcept {
  // (rows - 1) * stride + extra elements must be addressable in bytes.
  if (rows == 0) return true;
  const std::size_t max = SIZE_MAX / sizeof(T);
  return stride == 0 || ((rows - 1) <= (max - extra) / stride);
}

// The documented preconditions of apply() and apply_packed(), asserted in
// debug builds (NONLIN_ASSERT), for the storage types (storage_of) In and
// Out. nonlin::dispatch checks them with these too, in the caller.
template <class In, class Out>
inline void check_apply([[maybe_unused]] const In* in, [[maybe_unused]] const Out* out,
                        [[maybe_unused]] std::size_t n) noexcept {
  NONLIN_ASSERT(n == 0 || (in != nullptr && out != nullptr), "nonlin::apply: null buffer");
  if constexpr (std::is_same<In, Out>::value && std::is_floating_point<In>::value) {
    NONLIN_ASSERT(n <= SIZE_MAX / sizeof(In), "nonlin::apply: n overflows the address space");
    NONLIN_ASSERT(same_or_disjoint(in, n, out, n), "nonlin::apply: out must equal in or not overlap it");
  } else {
    NONLIN_ASSERT(n <= SIZE_MAX / sizeof(float), "nonlin::apply: n overflows the address space");
    NONLIN_ASSERT(same_or_disjoint_bytes(in, n, out, n),
                  "nonlin::apply: out must equal in (the same type) or not overlap it");
  }
}

template <class In, class Out>
inline void check_apply([[maybe_unused]] const In* gate, [[maybe_unused]] const In* up,
                        [[maybe_unused]] const Out* out, [[maybe_unused]] std::size_t n) noexcept {
  NONLIN_ASSERT(n == 0 || (gate != nullptr && up != nullptr && out != nullptr), "nonlin::apply: null buffer");
  if constexpr (std::is_same<In, Out>::value && std::is_floating_point<In>::value) {
    NONLIN_ASSERT(n <= SIZE_MAX / sizeof(In), "nonlin::apply: n overflows the address space");
    NONLIN_ASSERT(same_or_disjoint(gate, n, out, n) && same_or_disjoint(up, n, out, n),
                  "nonlin::apply: out must equal gate or up, or overlap neither");
  } else {
    NONLIN_ASSERT(n <= SIZE_MAX / sizeof(float), "nonlin::apply: n overflows the address space");
    NONLIN_ASSERT(same_or_disjoint_bytes(gate, n, out, n) && same_or_disjoint_bytes(up, n, out, n),
                  "nonlin::apply: out must equal gate or up (the same type), or overlap neither");
  }
}

// For rows > 0 and hidden > 0 (apply_packed returns before otherwise).
template <class In, class Out>
inline void check_apply_packed([[maybe_unused]] const In* in, [[maybe_unused]] std::size_t in_stride,
                               [[maybe_unused]] const Out* out, [[maybe_unused]] std::size_t out_stride,
                               [[maybe_unused]] std::size_t rows, [[maybe_unused]] std::size_t hidden) noexcept {
  NONLIN_ASSERT(hidden <= SIZE_MAX / 2 / sizeof(In), "nonlin::apply_packed: hidden too large");
  NONLIN_ASSERT(rows == 1 || in_stride >= 2 * hidden, "nonlin::apply_packed: in_stride < 2*hidden");
  NONLIN_ASSERT(rows == 1 || out_stride >= hidden, "nonlin::apply_packed: out_stride < hidden");
  NONLIN_ASSERT(fits<In>(rows, in_stride, 2 * hidden) && fits<In>(rows, out_stride, hidden),
                "nonlin::apply_packed: rows * stride overflows the address space");
  NONLIN_ASSERT((static_cast<const void*>(out) == static_cast<const void*>(in) && sizeof(In) == sizeof(Out) &&
                 out_stride <= in_stride) ||
                    (static_cast<const void*>(out) != static_cast<const void*>(in) &&
                     same_or_disjoint_bytes(in, (rows - 1) * in_stride + 2 * hidden, out,
                                            (rows - 1) * out_stride + hidden)),
                "nonlin::apply_packed: out must equal in (with out_stride <= in_stride) or not overlap it");
}

}  // namespace detail

/// out[i] = f(in[i]) for i in [0, n).
///
/// f: any nonlin unary functor (or any callable taking float or double,
/// and optionally xsimd::batch of it, returning the same type).
/// In, Out: double and double, or any of float, nonlin::bf16, nonlin::f16
/// (or _Float16 / std::bfloat16_t, taken as f16 / bf16): the math runs in
/// float, one read and one write per element. A 16-bit output of the
/// default and precise tiers (and of leaky_relu, hardsigmoid, hardswish) is
/// correctly rounded: the 16-bit value nearest to the exact f(in[i]), ties
/// to even; of the fast tier, its float result rounded to 16 bits
/// (faithful). Special values as in float, then the conversion's rules
/// (NaN -> quiet NaN; f16 results of magnitude 65520 or more -> +-inf).
/// Any n (0 included), any alignment. The remainder after the last full
/// vector is run as one zero-padded vector, so every element goes through
/// the same instructions: results do not depend on n, alignment or how the
/// caller splits the array, and equal the scalar f(in[i]) bit for bit.
/// Preconditions (asserted in debug builds): in and out valid for n
/// elements; out == in (in place, same type) or the two ranges do not
/// overlap.
template <class F, class In, class Out>
inline void apply(F const& f, const In* in, Out* out, std::size_t n) noexcept {
  using SI = typename storage_of<In>::type;
  using SO = typename storage_of<Out>::type;
  if constexpr (!std::is_same<SI, In>::value || !std::is_same<SO, Out>::value) {
    apply(f, reinterpret_cast<const SI*>(in), reinterpret_cast<SO*>(out), n);
  } else if constexpr (std::is_same<In, Out>::value && std::is_floating_point<In>::value) {
    using T = In;
    static_assert(std::is_same<T, float>::value || std::is_same<T, double>::value,
                  "apply: T must be float or double");
    detail::check_apply(in, static_cast<const T*>(out), n);
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
  } else {
    static_assert(detail::is_storage<In>::value && detail::is_storage<Out>::value,
                  "apply: element types double and double, or float, bf16 and f16 in any mix");
    detail::check_apply(in, out, n);
    detail::apply_half(f, out, n, in);
  }
}

namespace detail {

// The gated apply() without its precondition check. apply_packed runs it
// per row, where in place (out == in, out_stride < in_stride) a row's
// output may start inside its own inputs: allowed there, because the loops
// read every input element before they write an output at or past its
// address (a vector's loads come before its store; the 16-bit loops keep
// the flagged lanes' inputs, not their addresses).
template <class F, class In, class Out>
inline void apply_gated(F const& g, const In* gate, const In* up, Out* out, std::size_t n) noexcept {
  using SI = typename storage_of<In>::type;
  using SO = typename storage_of<Out>::type;
  if constexpr (!std::is_same<SI, In>::value || !std::is_same<SO, Out>::value) {
    apply_gated(g, reinterpret_cast<const SI*>(gate), reinterpret_cast<const SI*>(up), reinterpret_cast<SO*>(out), n);
  } else if constexpr (std::is_same<In, Out>::value && std::is_floating_point<In>::value) {
    using T = In;
    static_assert(std::is_same<T, float>::value || std::is_same<T, double>::value,
                  "apply: T must be float or double");
#if NONLIN_USE_XSIMD
    using B = xsimd::batch<T>;
    if constexpr (accepts_batch2<F, B>::value) {
      if constexpr (kernel_choice<F, T>::any) {
        kernel_choice<F, T>::run(g, [&](auto const& k) noexcept {
          vector_loop<streams<F, T>()>(k, out, n, gate, up);
        });
      } else {
        vector_loop<streams<F, T>()>(g, out, n, gate, up);
      }
      return;
    }
#endif
    for (std::size_t i = 0; i < n; ++i) out[i] = g(gate[i], up[i]);
  } else {
    static_assert(is_storage<In>::value && is_storage<Out>::value,
                  "apply: element types double and double, or float, bf16 and f16 in any mix");
    apply_half(g, out, n, gate, up);
  }
}

}  // namespace detail

/// Gated, two separate inputs (LLaMA w1/w3, ggml *_split):
/// out[i] = g(gate[i], up[i]) = act(gate[i]) * up[i] for i in [0, n).
///
/// g: glu, swiglu, geglu, geglu_tanh (or any binary callable of the same
/// shape). In (gate and up alike), Out: as the unary apply(); a 16-bit
/// output of the default and precise tiers is correctly rounded (the
/// nearest 16-bit value to the exact act(gate) * up). Any n, any
/// alignment; same tail rule as the unary apply().
/// Preconditions (asserted in debug builds): all three buffers valid for n
/// elements; out equals gate or up (the same type), or overlaps neither.
template <class F, class In, class Out>
inline void apply(F const& g, const In* gate, const In* up, Out* out, std::size_t n) noexcept {
  using SI = typename storage_of<In>::type;
  using SO = typename storage_of<Out>::type;
  detail::check_apply(reinterpret_cast<const SI*>(gate), reinterpret_cast<const SI*>(up),
                      reinterpret_cast<const SO*>(out), n);
  detail::apply_gated(g, gate, up, out, n);
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
/// Element types: as the gated apply().
/// Preconditions (asserted in debug builds): in_stride >= 2*hidden,
/// out_stride >= hidden (when rows > 1); the strided extents fit in size_t;
/// out == in with out_stride <= in_stride (in place, rows compacted; the
/// same type), or the two strided regions do not overlap.
template <class F, class In, class Out>
inline void apply_packed(F const& g, const In* in, std::size_t in_stride, Out* out, std::size_t out_stride,
                         std::size_t rows, std::size_t hidden, gate_half half = F::packed_gate) noexcept {
  using T = In;
  if (rows == 0 || hidden == 0) return;
  detail::check_apply_packed(in, in_stride, out, out_stride, rows, hidden);
  const std::size_t goff = half == gate_half::first ? 0 : hidden;
  const std::size_t uoff = hidden - goff;
  for (std::size_t r = 0; r < rows; ++r) {
    const T* row = in + r * in_stride;
    detail::apply_gated(g, row + goff, row + uoff, out + r * out_stride, hidden);
  }
}

/// apply_packed for contiguous rows: in is [rows x 2*hidden], out is
/// [rows x hidden], gate half = g's packed_gate.
template <class F, class In, class Out>
inline void apply_packed(F const& g, const In* in, Out* out, std::size_t rows, std::size_t hidden) noexcept {
  apply_packed(g, in, 2 * hidden, out, hidden, rows, hidden, F::packed_gate);
}

#if defined(__cpp_lib_span)
/// std::span forms, any element types apply() takes. Precondition
/// (asserted in debug builds): equal sizes.
template <class F, class In, class Out, std::size_t N1, std::size_t N2>
inline void apply(F const& f, std::span<const In, N1> in, std::span<Out, N2> out) noexcept {
  NONLIN_ASSERT(in.size() == out.size(), "nonlin::apply: in and out differ in size");
  apply(f, in.data(), out.data(), in.size());
}
template <class F, class In, class Out, std::size_t N1, std::size_t N2>
inline void apply(F const& f, std::span<In, N1> in, std::span<Out, N2> out) noexcept {
  apply(f, std::span<const In, N1>(in), out);
}
template <class F, class In, class Out, std::size_t N1, std::size_t N2, std::size_t N3>
inline void apply(F const& g, std::span<const In, N1> gate, std::span<const In, N2> up,
                  std::span<Out, N3> out) noexcept {
  NONLIN_ASSERT(gate.size() == out.size() && up.size() == out.size(), "nonlin::apply: gate, up and out differ in size");
  apply(g, gate.data(), up.data(), out.data(), out.size());
}
#endif

NONLIN_END_NAMESPACE  // namespace nonlin

#endif  // NONLIN_APPLY_HPP
