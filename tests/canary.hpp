// The guard-zone filler the bulk tests, the guard-page tests and the fuzzer
// paint around outputs: a byte pattern no kernel produces by chance in every
// byte of a value (0xA5A5A5A5 is a float NaN with an unusual payload).
#ifndef NONLIN_TESTS_CANARY_HPP
#define NONLIN_TESTS_CANARY_HPP

#include <cstring>

namespace nonlin_test {

constexpr unsigned char kCanary = 0xA5;

// A T whose every byte is kCanary.
template <class T>
T canary() {
  T v;
  std::memset(&v, kCanary, sizeof v);
  return v;
}

// Every byte of v still holds kCanary.
template <class T>
bool is_canary(T const& v) {
  unsigned char b[sizeof(T)];
  std::memcpy(b, &v, sizeof b);
  for (unsigned char x : b)
    if (x != kCanary) return false;
  return true;
}

}  // namespace nonlin_test

#endif  // NONLIN_TESTS_CANARY_HPP
