// scripts/bitcmp.sh: what each side (side.cpp) exports.
#ifndef NONLIN_TESTS_BITCMP_HPP
#define NONLIN_TESTS_BITCMP_HPP

#include <cstddef>

// Applies the float function named `name` (F::name, as nonlin's function
// list has it, or "<name>(1.702)" for swish and swiglu at beta = 1.702) to
// x (gated: gate x, up u); false when this side has no such function.
bool bitcmp_old(const char* name, const float* x, const float* u, float* y, std::size_t n);
bool bitcmp_new(const char* name, const float* x, const float* u, float* y, std::size_t n);
// Calls out(name) for every name bitcmp_new knows, in the list's order.
void bitcmp_new_names(void (*out)(const char* name));

#endif
