// nonlin::dispatch: the bulk kernels compiled once per instruction set and
// chosen at run time, for programs built for a baseline ISA (a distribution
// package, a Python wheel: no -march) that should still run AVX2 or AVX-512
// code where the CPU has it.
//
//   nonlin::dispatch::apply(f, in, out, n)                      out[i] = f(in[i])
//   nonlin::dispatch::apply(g, gate, up, out, n)                out[i] = g(gate[i], up[i])
//   nonlin::dispatch::apply_packed(g, in, in_stride, out, out_stride, rows, hidden [, half])
//   nonlin::dispatch::apply_packed(g, in, out, rows, hidden)
//   nonlin::dispatch::active_isa()                              "avx512", "avx2", "sse2"
//
// The same overloads and contracts as nonlin::apply and nonlin::apply_packed
// (apply.hpp), for every functor of nonlin::unary_functions() and
// nonlin::gated_functions() (every tier), float -> float, double -> double
// and the 16-bit storage pairs bf16/f16 -> same, float -> bf16/f16,
// bf16/f16 -> float, with the functor's parameters (alpha, beta) passed
// through. The results are the bits nonlin::apply gives in a build for the
// chosen instruction set.
//
// Needs the compiled library: CMake target nonlin::dispatch, or src/ built
// as README.md ("Runtime dispatch") describes. A call costs one indirect
// call more than nonlin::apply compiled for that instruction set.
#ifndef NONLIN_DISPATCH_HPP
#define NONLIN_DISPATCH_HPP

#include <cstddef>
#include <cstring>
#include <tuple>
#include <type_traits>
#include <utility>

#include "apply.hpp"  // and <span> where the library has it (__cpp_lib_span)
#include "config.hpp"
#include "function_list.hpp"

// Outside NONLIN_ABI on purpose: the library's tables and the callers are
// compiled for different instruction sets, so everything shared between them
// has one name in every translation unit. The functors are not shared: each
// side uses its own ABI's type of the same name and layout.
namespace nonlin {
namespace dispatch {
namespace detail {

// An input and an output element type (a gated kernel's gate and up are
// both In).
template <class In, class Out>
struct io {};

// What the library compiles per instruction set: the functors of these
// lists, for these element types. A functor or type pair added here (and
// so a kernel in every table) is available through nonlin::dispatch.
using unary_list = decltype(nonlin::unary_functions());
using gated_list = decltype(nonlin::gated_functions());
using element_types = std::tuple<io<float, float>, io<double, double>,                          //
                                 io<nonlin::bf16, nonlin::bf16>, io<nonlin::f16, nonlin::f16>,  //
                                 io<float, nonlin::bf16>, io<float, nonlin::f16>,               //
                                 io<nonlin::bf16, float>, io<nonlin::f16, float>>;

constexpr std::size_t unary_count = std::tuple_size<unary_list>::value;
constexpr std::size_t gated_count = std::tuple_size<gated_list>::value;

// The position of X in the tuple type List; its size when X is not in it.
template <class X, class List>
struct index_in;
template <class X, class... Ts>
struct index_in<X, std::tuple<Ts...>> {
  static constexpr std::size_t value = [] {
    constexpr bool match[] = {false, std::is_same<X, Ts>::value...};
    std::size_t i = 0;
    while (i < sizeof...(Ts) && !match[i + 1]) ++i;
    return i;
  }();
};

// The instruction sets a table can be compiled for: every NONLIN_ISA token
// (detail/isa.hpp).
enum class isa { sse2, sse4_2, avx, avx2, avx512, neon, neon64, generic, sve, sve128, sve256, sve512, sve1024, sve2048 };

constexpr const char* isa_name(isa i) noexcept {
  switch (i) {
    case isa::sse2: return "sse2";
    case isa::sse4_2: return "sse4_2";
    case isa::avx: return "avx";
    case isa::avx2: return "avx2";
    case isa::avx512: return "avx512";
    case isa::neon: return "neon";
    case isa::neon64: return "neon64";
    case isa::generic: return "generic";
    case isa::sve: return "sve";
    case isa::sve128: return "sve128";
    case isa::sve256: return "sve256";
    case isa::sve512: return "sve512";
    case isa::sve1024: return "sve1024";
    case isa::sve2048: return "sve2048";
  }
  return "unknown";
}

// One kernel of each kind per functor of the lists, for one element type
// pair. f points to the caller's functor, which the kernel copies into its
// own ABI's type of the same name (trivially copyable, the same members).
template <class IO>
struct kernels;
template <class In, class Out>
struct kernels<io<In, Out>> {
  using unary_fn = void (*)(const void* f, const In* in, Out* out, std::size_t n) noexcept;
  using gated_fn = void (*)(const void* g, const In* gate, const In* up, Out* out, std::size_t n) noexcept;
  using packed_fn = void (*)(const void* g, const In* in, std::size_t in_stride, Out* out, std::size_t out_stride,
                             std::size_t rows, std::size_t hidden, bool gate_second) noexcept;
  unary_fn unary[unary_count];
  gated_fn gated[gated_count];
  packed_fn packed[gated_count];
};

template <class Types>
struct kernels_of;
template <class... IO>
struct kernels_of<std::tuple<IO...>> {
  using type = std::tuple<kernels<IO>...>;
};

// What a table's kernel at some index was compiled for, checked against the
// caller's functor in debug builds (a library built from another nonlin).
struct functor_info {
  const char* name;
  std::size_t size;
};

// The kernels of one instruction set: src/dispatch_isa.cpp, compiled once
// per ISA, defines isa_table<its NONLIN_ISA>().
struct table {
  const char* name;
  functor_info unary[unary_count];
  functor_info gated[gated_count];
  typename kernels_of<element_types>::type by_type;
};

template <isa I>
const table& isa_table() noexcept;

// The table this process runs, chosen at the first call (src/dispatch.cpp):
// the widest instruction set the CPU and the OS support, capped by the
// environment variable NONLIN_ISA. Thread-safe.
const table& select_table() noexcept;

// select_table() cached in the caller: after the first call, a guard test
// and a load. Forced inline, like everything here that is not in an ABI
// namespace: an out-of-line copy, compiled for the ISA of whichever
// translation unit emitted it, could be the one the linker keeps for all.
NONLIN_INLINE const table& active() noexcept {
  static const table& t = select_table();
  return t;
}

template <class F>
constexpr std::size_t unary_index() noexcept {
  return index_in<F, unary_list>::value;
}
template <class F>
constexpr std::size_t gated_index() noexcept {
  return index_in<F, gated_list>::value;
}

template <class F>
inline bool same_functor(functor_info const& info) noexcept {
  return std::strcmp(info.name, F::name) == 0 && info.size == sizeof(F);
}

template <class In, class Out>
NONLIN_INLINE kernels<io<In, Out>> const& kernels_for(table const& t) noexcept {
  return std::get<kernels<io<In, Out>>>(t.by_type);
}

// The storage type (nonlin::storage_of: _Float16 is f16) of a caller's T.
template <class T>
using storage_t = typename nonlin::storage_of<T>::type;

template <class F, class In, class Out>
constexpr void check_types() noexcept {
  static_assert(index_in<io<In, Out>, element_types>::value < std::tuple_size<element_types>::value,
                "nonlin::dispatch: element types float -> float, double -> double, bf16 -> bf16, f16 -> f16, "
                "float -> bf16 or f16, bf16 or f16 -> float (dispatch::detail::element_types)");
  static_assert(std::is_trivially_copyable<F>::value, "nonlin::dispatch: the functor must be trivially copyable");
}

}  // namespace detail

/// The instruction set whose kernels nonlin::dispatch runs in this process:
/// "avx512" (x86-64-v4: AVX-512 F, BW, CD, DQ, VL), "avx2" (x86-64-v3: AVX2,
/// FMA, BMI1/2, F16C, LZCNT, MOVBE) or "sse2" (x86-64) on x86-64 with GCC or
/// Clang; elsewhere the one the library was compiled for (e.g. "neon64").
/// Chosen once, at the first call of any nonlin::dispatch function, from
/// CPUID and the OS's saved register state (XGETBV): the widest the CPU
/// runs, or, when the environment variable NONLIN_ISA names one of sse2,
/// avx2, avx512, the widest the CPU runs that is not above it (other values
/// are ignored). Thread-safe.
NONLIN_INLINE const char* active_isa() noexcept { return detail::active().name; }

/// nonlin::apply(f, in, out, n) (apply.hpp) with the kernel of the active
/// instruction set: the same contract and, for that instruction set, the
/// same bits. F: a functor of nonlin::unary_functions() (any parameter
/// value); In -> Out: float -> float, double -> double, bf16 -> bf16,
/// f16 -> f16, float -> bf16 or f16, bf16 or f16 -> float (_Float16 and
/// std::bfloat16_t taken as f16 and bf16, as apply() does). Preconditions
/// asserted in debug builds, in the caller.
template <class F, class In, class Out>
inline void apply(F const& f, const In* in, Out* out, std::size_t n) noexcept {
  using SI = detail::storage_t<In>;
  using SO = detail::storage_t<Out>;
  constexpr std::size_t i = detail::unary_index<F>();
  static_assert(i < detail::unary_count,
                "nonlin::dispatch::apply: F is not in nonlin::unary_functions() (nonlin::apply takes any functor)");
  detail::check_types<F, SI, SO>();
  const SI* pin = reinterpret_cast<const SI*>(in);
  SO* pout = reinterpret_cast<SO*>(out);
  ::nonlin::detail::check_apply(pin, static_cast<const SO*>(pout), n);
  detail::table const& t = detail::active();
  NONLIN_ASSERT(detail::same_functor<F>(t.unary[i]), "nonlin::dispatch: the library is from another nonlin");
  detail::kernels_for<SI, SO>(t).unary[i](&f, pin, pout, n);
}

/// nonlin::apply(g, gate, up, out, n): out[i] = g(gate[i], up[i]), with the
/// kernel of the active instruction set. G: a functor of
/// nonlin::gated_functions(); In (gate and up) -> Out: as the unary apply.
template <class G, class In, class Out>
inline void apply(G const& g, const In* gate, const In* up, Out* out, std::size_t n) noexcept {
  using SI = detail::storage_t<In>;
  using SO = detail::storage_t<Out>;
  constexpr std::size_t i = detail::gated_index<G>();
  static_assert(i < detail::gated_count,
                "nonlin::dispatch::apply: G is not in nonlin::gated_functions() (nonlin::apply takes any functor)");
  detail::check_types<G, SI, SO>();
  const SI* pg = reinterpret_cast<const SI*>(gate);
  const SI* pu = reinterpret_cast<const SI*>(up);
  SO* pout = reinterpret_cast<SO*>(out);
  ::nonlin::detail::check_apply(pg, pu, static_cast<const SO*>(pout), n);
  detail::table const& t = detail::active();
  NONLIN_ASSERT(detail::same_functor<G>(t.gated[i]), "nonlin::dispatch: the library is from another nonlin");
  detail::kernels_for<SI, SO>(t).gated[i](&g, pg, pu, pout, n);
}

/// nonlin::apply_packed(g, in, in_stride, out, out_stride, rows, hidden,
/// half) with the kernels of the active instruction set: rows of
/// [first | second], `half` naming the gate (default: G::packed_gate).
/// Element types: as the gated apply.
template <class G, class In, class Out>
inline void apply_packed(G const& g, const In* in, std::size_t in_stride, Out* out, std::size_t out_stride,
                         std::size_t rows, std::size_t hidden, nonlin::gate_half half = G::packed_gate) noexcept {
  using SI = detail::storage_t<In>;
  using SO = detail::storage_t<Out>;
  constexpr std::size_t i = detail::gated_index<G>();
  static_assert(i < detail::gated_count,
                "nonlin::dispatch::apply_packed: G is not in nonlin::gated_functions() (nonlin::apply_packed takes "
                "any functor)");
  detail::check_types<G, SI, SO>();
  if (rows == 0 || hidden == 0) return;
  const SI* pin = reinterpret_cast<const SI*>(in);
  SO* pout = reinterpret_cast<SO*>(out);
  ::nonlin::detail::check_apply_packed(pin, in_stride, static_cast<const SO*>(pout), out_stride, rows, hidden);
  detail::table const& t = detail::active();
  NONLIN_ASSERT(detail::same_functor<G>(t.gated[i]), "nonlin::dispatch: the library is from another nonlin");
  detail::kernels_for<SI, SO>(t).packed[i](&g, pin, in_stride, pout, out_stride, rows, hidden,
                                           half == nonlin::gate_half::second);
}

/// apply_packed for contiguous rows: in is [rows x 2*hidden], out is
/// [rows x hidden], gate half = G::packed_gate.
template <class G, class In, class Out>
inline void apply_packed(G const& g, const In* in, Out* out, std::size_t rows, std::size_t hidden) noexcept {
  dispatch::apply_packed(g, in, 2 * hidden, out, hidden, rows, hidden, G::packed_gate);
}

#if defined(__cpp_lib_span)
/// std::span forms. Precondition (asserted in debug builds): equal sizes.
template <class F, class In, class Out, std::size_t N1, std::size_t N2>
inline void apply(F const& f, std::span<const In, N1> in, std::span<Out, N2> out) noexcept {
  NONLIN_ASSERT(in.size() == out.size(), "nonlin::apply: in and out differ in size");
  dispatch::apply(f, in.data(), out.data(), in.size());
}
template <class F, class In, class Out, std::size_t N1, std::size_t N2>
inline void apply(F const& f, std::span<In, N1> in, std::span<Out, N2> out) noexcept {
  dispatch::apply(f, std::span<const In, N1>(in), out);
}
template <class G, class In, class Out, std::size_t N1, std::size_t N2, std::size_t N3>
inline void apply(G const& g, std::span<const In, N1> gate, std::span<const In, N2> up,
                  std::span<Out, N3> out) noexcept {
  NONLIN_ASSERT(gate.size() == out.size() && up.size() == out.size(), "nonlin::apply: gate, up and out differ in size");
  dispatch::apply(g, gate.data(), up.data(), out.data(), out.size());
}
#endif

}  // namespace dispatch
}  // namespace nonlin

#endif  // NONLIN_DISPATCH_HPP
