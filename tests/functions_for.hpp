// nonlin_test::functions_for: the functors of nonlin's lists that a test
// program runs (test_bulk, test_guard_pages and their streaming variants).
#ifndef NONLIN_TESTS_FUNCTIONS_FOR_HPP
#define NONLIN_TESTS_FUNCTIONS_FOR_HPP

#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

#include "nonlin/nonlin.hpp"

namespace nonlin_test {

// The functors of a list (nonlin::unary_functions(), gated_functions())
// that a test program runs on T. A streaming-store variant of a program
// (compiled with NONLIN_STREAM_MIN_BYTES=0 and NONLIN_TEST_STREAM_VARIANT:
// test_bulk_stream, test_guard_pages_stream) runs only the functors whose
// outputs in T apply() streams (nonlin::detail::streams: the
// piecewise-linear functors in every type, the default and fast tiers in
// float): for the others it would compile and run the same loops as the
// plain program, which tests them.
// Every other program runs the whole list.
#if defined(NONLIN_TEST_STREAM_VARIANT)
template <class T, class F>
auto keep_if_streamed(F const& f) {
  if constexpr (nonlin::detail::streams<F, T>()) {
    return std::tuple<F>(f);
  } else {
    (void)f;
    return std::tuple<>();
  }
}
template <class T, class Tuple, std::size_t... I>
auto streamed_only(Tuple const& list, std::index_sequence<I...>) {
  return std::tuple_cat(keep_if_streamed<T>(std::get<I>(list))...);
}
template <class T, class Tuple>
auto functions_for(Tuple const& list) {
  return streamed_only<T>(list, std::make_index_sequence<std::tuple_size<Tuple>::value>());
}
#else
template <class T, class Tuple>
Tuple const& functions_for(Tuple const& list) {
  return list;
}
#endif

}  // namespace nonlin_test

// In a GoogleTest test: skips it, saying so, where functions_for left no
// functor to run (the streaming variants' double gated tests).
#define NONLIN_TEST_SKIP_IF_NONE(functions)                                           \
  if (std::tuple_size<std::decay_t<decltype(functions)>>::value == 0)                 \
  GTEST_SKIP() << "no functor of this list has its outputs streamed in this type: " \
                  "the plain program tests them"

#endif  // NONLIN_TESTS_FUNCTIONS_FOR_HPP
