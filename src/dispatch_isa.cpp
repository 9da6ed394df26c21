// nonlin::dispatch: the kernel table of one instruction set, generated from
// the function lists (dispatch::detail::unary_list, gated_list) and element
// type pairs (element_types). Compiled once per instruction set, each time with
// its own -march (src/CMakeLists.txt; src/README.md): the table it defines is
// isa_table<NONLIN_ISA of those flags>(), and every nonlin function it
// instantiates lies in that ISA's ABI namespace (NONLIN_ABI), so that the
// copies of different ISAs never meet at link time. Its own helpers have
// internal linkage for the same reason.
#include <cstddef>
#include <cstring>
#include <tuple>
#include <type_traits>
#include <utility>

#include "nonlin/dispatch.hpp"

namespace {

namespace dd = nonlin::dispatch::detail;

// The caller's functor as this translation unit's type of the same name: the
// caller's type differs only in its ABI namespace, so its bytes are a value
// of ours (both trivially copyable, the same members in the same order).
template <class F>
F functor_at(const void* p) noexcept {
  static_assert(std::is_trivially_copyable<F>::value, "nonlin::dispatch: functors must be trivially copyable");
  F f{};
  if constexpr (!std::is_empty<F>::value) std::memcpy(static_cast<void*>(&f), p, sizeof f);
  else (void)p;
  return f;
}

template <class F, class In, class Out>
void unary(const void* f, const In* in, Out* out, std::size_t n) noexcept {
  nonlin::apply(functor_at<F>(f), in, out, n);
}

template <class G, class In, class Out>
void gated(const void* g, const In* gate, const In* up, Out* out, std::size_t n) noexcept {
  nonlin::apply(functor_at<G>(g), gate, up, out, n);
}

template <class G, class In, class Out>
void packed(const void* g, const In* in, std::size_t in_stride, Out* out, std::size_t out_stride, std::size_t rows,
            std::size_t hidden, bool gate_second) noexcept {
  nonlin::apply_packed(functor_at<G>(g), in, in_stride, out, out_stride, rows, hidden,
                       gate_second ? nonlin::gate_half::second : nonlin::gate_half::first);
}

template <class In, class Out, std::size_t... U, std::size_t... G>
constexpr dd::kernels<dd::io<In, Out>> make_kernels(dd::io<In, Out>*, std::index_sequence<U...>,
                                                    std::index_sequence<G...>) noexcept {
  return {{&unary<std::tuple_element_t<U, dd::unary_list>, In, Out>...},
          {&gated<std::tuple_element_t<G, dd::gated_list>, In, Out>...},
          {&packed<std::tuple_element_t<G, dd::gated_list>, In, Out>...}};
}

template <class... IO>
constexpr auto make_all_kernels(std::tuple<IO...>*) noexcept {
  return std::make_tuple(make_kernels(static_cast<IO*>(nullptr), std::make_index_sequence<dd::unary_count>(),
                                      std::make_index_sequence<dd::gated_count>())...);
}

template <std::size_t... U, std::size_t... G>
constexpr dd::table make_table(std::index_sequence<U...>, std::index_sequence<G...>) noexcept {
  return {dd::isa_name(dd::isa::NONLIN_ISA),
          {{std::tuple_element_t<U, dd::unary_list>::name, sizeof(std::tuple_element_t<U, dd::unary_list>)}...},
          {{std::tuple_element_t<G, dd::gated_list>::name, sizeof(std::tuple_element_t<G, dd::gated_list>)}...},
          make_all_kernels(static_cast<dd::element_types*>(nullptr))};
}

// Constant-initialized: usable from any static initializer of the program.
constexpr dd::table kTable =
    make_table(std::make_index_sequence<dd::unary_count>(), std::make_index_sequence<dd::gated_count>());

}  // namespace

namespace nonlin {
namespace dispatch {
namespace detail {

template <>
const table& isa_table<isa::NONLIN_ISA>() noexcept {
  return kTable;
}

}  // namespace detail
}  // namespace dispatch
}  // namespace nonlin
