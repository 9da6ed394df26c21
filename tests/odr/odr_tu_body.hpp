// The body of every ISA translation unit of the ODR test; tu_<isa>.cpp
// defines ODR_TU_LABEL and ODR_TU_FN and includes this. It deliberately uses
// nothing but nonlin and plain arrays (tests/spec.hpp's param_of has
// internal linkage): every inline function it shares with the other TUs
// (compiled for other ISAs) is one the linker may take from any of them, and
// the test is about nonlin's.
#include <cstddef>
#include <cstdint>
#include <tuple>
#include <typeinfo>
#include <utility>

#include "nonlin/nonlin.hpp"
#include "odr_api.hpp"
#include "spec.hpp"

#if !defined(ODR_TU_LABEL) || !defined(ODR_TU_FN)
#error "define ODR_TU_LABEL and ODR_TU_FN before including odr_tu_body.hpp"
#endif

#define ODR_STR2(x) #x
#define ODR_STR(x) ODR_STR2(x)

namespace {

template <std::size_t I, class T>
void ubulk(const T* a, const T*, T* out, std::size_t n) {
  nonlin::apply(std::get<I>(nonlin::unary_functions()), a, out, n);
}
template <std::size_t I, class T>
void uscalar(const T* a, const T*, T* out, std::size_t n) {
  const auto f = std::get<I>(nonlin::unary_functions());
  for (std::size_t i = 0; i < n; ++i) out[i] = f(a[i]);
}
template <std::size_t I, class T>
void gbulk(const T* a, const T* b, T* out, std::size_t n) {
  nonlin::apply(std::get<I>(nonlin::gated_functions()), a, b, out, n);
}
template <std::size_t I, class T>
void gscalar(const T* a, const T* b, T* out, std::size_t n) {
  const auto g = std::get<I>(nonlin::gated_functions());
  for (std::size_t i = 0; i < n; ++i) out[i] = g(a[i], b[i]);
}

template <std::size_t I>
odr::entry unary_entry() {
  using F = std::tuple_element_t<I, decltype(nonlin::unary_functions())>;
  return {F::name, false, nonlin_spec::param_of(std::get<I>(nonlin::unary_functions())), F::max_ulp_float, F::max_ulp_double,
          &ubulk<I, float>, &uscalar<I, float>,
          &ubulk<I, double>, &uscalar<I, double>};
}
template <std::size_t I>
odr::entry gated_entry() {
  using F = std::tuple_element_t<I, decltype(nonlin::gated_functions())>;
  return {F::name, true, nonlin_spec::param_of(std::get<I>(nonlin::gated_functions())), F::max_ulp_float, F::max_ulp_double,
          &gbulk<I, float>, &gscalar<I, float>,
          &gbulk<I, double>, &gscalar<I, double>};
}

template <std::size_t... U, std::size_t... G>
const odr::entry* make_entries(std::index_sequence<U...>, std::index_sequence<G...>) {
  static const odr::entry e[] = {unary_entry<U>()..., gated_entry<G>()...};
  return e;
}

constexpr std::size_t kUnary = std::tuple_size<decltype(nonlin::unary_functions())>::value;
constexpr std::size_t kGated = std::tuple_size<decltype(nonlin::gated_functions())>::value;

}  // namespace

const odr::tu& ODR_TU_FN() {
  using apply_t = void (*)(nonlin::gelu const&, const float*, float*, std::size_t);
  const apply_t apply_gelu = &nonlin::apply<nonlin::gelu, float>;
  static const odr::tu t = {
      ODR_TU_LABEL,
      ODR_STR(NONLIN_ABI),
      typeid(nonlin::gelu).name(),
      reinterpret_cast<std::uintptr_t>(apply_gelu),
#ifdef __AVX__
      true,
#else
      false,
#endif
#ifdef __AVX2__
      true,
#else
      false,
#endif
#ifdef __FMA__
      true,
#else
      false,
#endif
#ifdef __AVX512F__
      true,
#else
      false,
#endif
      NONLIN_USE_XSIMD != 0,
#if NONLIN_USE_XSIMD
      static_cast<unsigned>(xsimd::batch<float>::size),
#else
      1u,
#endif
      kUnary + kGated,
      make_entries(std::make_index_sequence<kUnary>(), std::make_index_sequence<kGated>())};
  return t;
}
