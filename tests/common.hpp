// Shared test helpers: ULP distances and bit-exact comparison.
#ifndef NONLIN_TESTS_COMMON_HPP
#define NONLIN_TESTS_COMMON_HPP

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <sstream>
#include <string>
#include <type_traits>

namespace nonlin_test {

// The unit in the last place of the grid of T at magnitude |ref|: 2^(e - p + 1)
// with e = max(exponent of ref, min normal exponent), so subnormal results are
// measured on the subnormal grid.
template <class T>
long double ulp_of(long double ref) {
  constexpr int digits = std::numeric_limits<T>::digits;             // 24 / 53
  constexpr int emin = std::numeric_limits<T>::min_exponent - 1;     // -126 / -1022
  long double a = std::fabs(ref);
  int e = emin;
  if (a != 0 && std::isfinite(a)) {
    int ex;
    std::frexp(a, &ex);  // a = m 2^ex, m in [0.5, 1)
    e = ex - 1 > emin ? ex - 1 : emin;
  }
  return std::ldexp(1.0L, e - digits + 1);
}

// Error of `actual` against the exact value ref_hi + ref_lo, in ULP of T at the
// reference. Returns 0 for identical infinities, +inf when exactly one side is
// NaN or infinite.
template <class T>
long double ulp_error(T actual, long double ref_hi, long double ref_lo = 0) {
  if (std::isnan(actual) || std::isnan(ref_hi)) return std::isnan(actual) && std::isnan(ref_hi) ? 0 : INFINITY;
  if (std::isinf(actual) || std::isinf(ref_hi)) return actual == ref_hi ? 0 : INFINITY;
  // A reference beyond T's range rounds to inf: measure against the largest
  // finite value's ULP so an overflow is reported, not hidden.
  long double diff = (static_cast<long double>(actual) - ref_hi) - ref_lo;
  return std::fabs(diff) / ulp_of<T>(ref_hi + ref_lo);
}

// Names typed tests by their type (Bulk/float.X rather than Bulk/0.X); also
// gives TYPED_TEST_SUITE its optional third argument, without which clang's
// -Wpedantic warns about an empty variadic macro argument.
struct TypeNames {
  template <class T>
  static std::string GetName(int) {
    return std::is_same<T, float>::value ? "float" : std::is_same<T, double>::value ? "double" : "other";
  }
};

// The reference as the (hi, lo) long double pair ulp_error takes: hi + lo =
// ref to the wide type's precision.
template <class R>
void split(R ref, long double& hi, long double& lo) {
  hi = static_cast<long double>(ref);
  lo = std::isfinite(hi) ? static_cast<long double>(ref - R(hi)) : 0.0L;
}

// Identical bits, or both NaN: nonlin promises NaN for NaN, not a payload
// (which NaN of two survives an operation depends on operand order).
template <class T>
bool same_bits(T a, T b) {
  return std::memcmp(&a, &b, sizeof a) == 0 || (std::isnan(a) && std::isnan(b));
}

template <class T>
std::string show(T x) {
  std::ostringstream s;
  s.precision(std::numeric_limits<T>::max_digits10);
  s << x << " (" << std::hexfloat << x << ")";
  return s.str();
}

}  // namespace nonlin_test

#endif  // NONLIN_TESTS_COMMON_HPP
