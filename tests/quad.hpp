// __float128 and the libquadmath functions nonlin's tests use for their
// references (link with quadmath).
//
// libquadmath ships with GCC, and its header <quadmath.h> sits in GCC's
// private include directory, which clang does not search. Clang on x86-64
// knows __float128 and links GCC's libquadmath all the same, so where the
// header cannot be found the functions are declared here, with the
// signatures of libquadmath's documented C interface.
#ifndef NONLIN_TESTS_QUAD_HPP
#define NONLIN_TESTS_QUAD_HPP

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

#endif  // NONLIN_TESTS_QUAD_HPP
