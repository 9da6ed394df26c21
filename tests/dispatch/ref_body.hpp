// The body of every ref_<isa>.cpp (ref_api.hpp): REF_FN names the function
// it defines. Everything here but nonlin's own functions has internal
// linkage, so that the TUs of different ISAs share no inline body.
#include <cstddef>
#include <tuple>
#include <utility>

#include "nonlin/dispatch.hpp"
#include "ref_api.hpp"
#include "spec.hpp"

#ifndef REF_FN
#error "define REF_FN before including ref_body.hpp"
#endif

#define REF_STR2(x) #x
#define REF_STR(x) REF_STR2(x)

namespace {

namespace dd = nonlin::dispatch::detail;

template <std::size_t I, class In, class Out>
void unary_one(double p, const void* in, void* out, std::size_t n) {
  nonlin::apply(nonlin_spec::with_param(std::get<I>(nonlin::unary_functions()), p), static_cast<const In*>(in),
                static_cast<Out*>(out), n);
}

template <std::size_t I, class In, class Out>
void gated_one(double p, const void* gate, const void* up, void* out, std::size_t n) {
  nonlin::apply(nonlin_spec::with_param(std::get<I>(nonlin::gated_functions()), p), static_cast<const In*>(gate),
                static_cast<const In*>(up), static_cast<Out*>(out), n);
}

template <class In, class Out, std::size_t... U>
void unary_ref(std::size_t i, double p, const void* in, void* out, std::size_t n) {
  using fn = void (*)(double, const void*, void*, std::size_t);
  static constexpr fn table[] = {&unary_one<U, In, Out>...};
  table[i](p, in, out, n);
}

template <class In, class Out, std::size_t... G>
void gated_ref(std::size_t i, double p, const void* gate, const void* up, void* out, std::size_t n) {
  using fn = void (*)(double, const void*, const void*, void*, std::size_t);
  static constexpr fn table[] = {&gated_one<G, In, Out>...};
  table[i](p, gate, up, out, n);
}

template <class In, class Out, std::size_t... U, std::size_t... G>
constexpr dref::pair_refs pair_of(dd::io<In, Out>*, std::index_sequence<U...>, std::index_sequence<G...>) {
  return {&unary_ref<In, Out, U...>, &gated_ref<In, Out, G...>};
}

template <class... IO>
dref::refs make_refs(std::tuple<IO...>*) {
  static_assert(sizeof...(IO) <= dref::kMaxPairs, "ref_api.hpp: raise kMaxPairs");
  return {REF_STR(NONLIN_ISA), sizeof...(IO),
          {pair_of(static_cast<IO*>(nullptr), std::make_index_sequence<dd::unary_count>(),
                   std::make_index_sequence<dd::gated_count>())...}};
}

}  // namespace

const dref::refs& REF_FN() {
  static const dref::refs r = make_refs(static_cast<dd::element_types*>(nullptr));
  return r;
}
