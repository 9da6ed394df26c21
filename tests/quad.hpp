// nonlin_quad, the IEEE binary128 type nonlin's tests use for their
// references, and the libquadmath functions on it that they call (expq,
// erfcq, ...).
//
// Where long double is binary128 itself (aarch64 Linux), it is long double,
// and the functions are libm's long double ones under libquadmath's names:
// there is no __float128 or libquadmath there, and nothing to link.
//
// Elsewhere it is __float128 with libquadmath (link with quadmath).
// libquadmath ships with GCC, and its header <quadmath.h> sits in GCC's
// private include directory, which clang does not search. Clang on x86-64
// knows __float128 and links GCC's libquadmath all the same, so where the
// header cannot be found the functions are declared here, with the
// signatures of libquadmath's documented C interface.
#ifndef NONLIN_TESTS_QUAD_HPP
#define NONLIN_TESTS_QUAD_HPP

#if defined(__LDBL_MANT_DIG__) && __LDBL_MANT_DIG__ == 113
#define NONLIN_TEST_QUAD_IS_LONG_DOUBLE 1
#include <cmath>
#include <cstdarg>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <string>
typedef long double nonlin_quad;
inline long double expq(long double x) { return std::exp(x); }
inline long double erfcq(long double x) { return std::erfc(x); }
inline long double tanhq(long double x) { return std::tanh(x); }
inline long double sqrtq(long double x) { return std::sqrt(x); }
inline long double atanq(long double x) { return std::atan(x); }
inline long double fabsq(long double x) { return std::fabs(x); }
inline long double ldexpq(long double x, int e) { return std::ldexp(x, e); }
inline int ilogbq(long double x) { return std::ilogb(x); }
inline int isnanq(long double x) { return std::isnan(x); }
inline int isinfq(long double x) { return std::isinf(x); }
inline long double strtoflt128(const char* s, char** end) { return std::strtold(s, end); }
// libquadmath's Q length modifier is printf's L here.
inline int quadmath_snprintf(char* buf, std::size_t n, const char* fmt, ...) {
  std::string f(fmt);
  for (char& c : f)
    if (c == 'Q') c = 'L';
  std::va_list ap;
  va_start(ap, fmt);
  const int r = std::vsnprintf(buf, n, f.c_str(), ap);
  va_end(ap);
  return r;
}
#else
#define NONLIN_TEST_QUAD_IS_LONG_DOUBLE 0
__extension__ typedef __float128 nonlin_quad;

#if defined(__has_include)
#if __has_include(<quadmath.h>)
#define NONLIN_TEST_QUADMATH_H 1
#endif
#endif

#if defined(NONLIN_TEST_QUADMATH_H)
#include <quadmath.h>
#else
#include <cstddef>
extern "C" {
__float128 expq(__float128);
__float128 erfcq(__float128);
__float128 tanhq(__float128);
__float128 sqrtq(__float128);
__float128 atanq(__float128);
__float128 fabsq(__float128);
__float128 ldexpq(__float128, int);
int ilogbq(__float128);
int isnanq(__float128);
int isinfq(__float128);
int quadmath_snprintf(char*, std::size_t, const char*, ...);
__float128 strtoflt128(const char*, char**);
}
#endif
#endif  // binary128 long double

#endif  // NONLIN_TESTS_QUAD_HPP
