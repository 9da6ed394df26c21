// nonlin's kernels behind plain function pointers, for the fast-math test.
// Compiled several times (tests/fastmath/CMakeLists.txt): normally, and with
// -ffast-math or -Ofast, each copy with its own FM_TABLE_FN name and -- for
// the fast-math copies -- its own NONLIN_ABI, so that the copies' inline
// functions cannot be merged by the linker (NONLIN_ABI does not encode the
// floating-point flags).
#include <cstddef>
#include <tuple>
#include <utility>

#include "fm_api.hpp"
#include "nonlin/nonlin.hpp"
#include "spec.hpp"

#ifndef FM_TABLE_FN
#error "define FM_TABLE_FN, the name of this copy's table function"
#endif

#define FM_STR2(x) #x
#define FM_STR(x) FM_STR2(x)

namespace {

template <std::size_t I, class T>
void ubulk(const T* in, T* out, std::size_t n) {
  nonlin::apply(std::get<I>(nonlin::unary_functions()), in, out, n);
}
template <std::size_t I, class T>
void uscalar(const T* in, T* out, std::size_t n) {
  const auto f = std::get<I>(nonlin::unary_functions());
  for (std::size_t i = 0; i < n; ++i) out[i] = f(in[i]);
}
template <std::size_t I, class T>
void gbulk(const T* gate, const T* up, T* out, std::size_t n) {
  nonlin::apply(std::get<I>(nonlin::gated_functions()), gate, up, out, n);
}
template <std::size_t I, class T>
void gscalar(const T* gate, const T* up, T* out, std::size_t n) {
  const auto g = std::get<I>(nonlin::gated_functions());
  for (std::size_t i = 0; i < n; ++i) out[i] = g(gate[i], up[i]);
}

template <std::size_t I>
fm::entry unary_entry() {
  using F = std::tuple_element_t<I, decltype(nonlin::unary_functions())>;
  const F f = std::get<I>(nonlin::unary_functions());
  return {F::name,          false,           nonlin_spec::param_of(f),     F::max_ulp_float, F::max_ulp_double,
          &ubulk<I, float>, &uscalar<I, float>, &ubulk<I, double>, &uscalar<I, double>,
          nullptr,          nullptr,         nullptr,         nullptr,
          F::tier == nonlin::tier::standard};
}
template <std::size_t I>
fm::entry gated_entry() {
  using F = std::tuple_element_t<I, decltype(nonlin::gated_functions())>;
  const F g = std::get<I>(nonlin::gated_functions());
  return {F::name, true,    nonlin_spec::param_of(g), F::max_ulp_float, F::max_ulp_double, nullptr, nullptr, nullptr, nullptr,
          &gbulk<I, float>, &gscalar<I, float>, &gbulk<I, double>, &gscalar<I, double>,
          F::tier == nonlin::tier::standard};
}

template <std::size_t... U, std::size_t... G>
const fm::entry* make_entries(std::index_sequence<U...>, std::index_sequence<G...>) {
  static const fm::entry e[] = {unary_entry<U>()..., gated_entry<G>()...};
  return e;
}

constexpr std::size_t kUnary = std::tuple_size<decltype(nonlin::unary_functions())>::value;
constexpr std::size_t kGated = std::tuple_size<decltype(nonlin::gated_functions())>::value;

}  // namespace

const fm::table& FM_TABLE_FN() {
#if defined(__FAST_MATH__)
  constexpr bool fast = true;
#else
  constexpr bool fast = false;
#endif
#if defined(__FINITE_MATH_ONLY__) && __FINITE_MATH_ONLY__
  constexpr bool finite = true;
#else
  constexpr bool finite = false;
#endif
  static const fm::table t = {FM_STR(NONLIN_ABI), fast, finite, NONLIN_HAS_FMA != 0, kUnary + kGated,
                              make_entries(std::make_index_sequence<kUnary>(), std::make_index_sequence<kGated>())};
  return t;
}
