// The lane count the bulk kernels split T arrays into, for tests that walk
// every length around it. (Kept out of common.hpp, which includes no nonlin
// header.)
#ifndef NONLIN_TESTS_VECTOR_WIDTH_HPP
#define NONLIN_TESTS_VECTOR_WIDTH_HPP

#include <cstddef>

#include "nonlin/config.hpp"

namespace nonlin_test {

// A 64-byte vector's worth on the scalar path, so the tests still walk the
// lengths a vector kernel would split.
template <class T>
constexpr std::size_t vector_width() {
#if NONLIN_USE_XSIMD
  return xsimd::batch<T>::size;
#else
  return 64 / sizeof(T);
#endif
}

}  // namespace nonlin_test

#endif  // NONLIN_TESTS_VECTOR_WIDTH_HPP
