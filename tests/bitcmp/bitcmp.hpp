// scripts/bitcmp.sh: the functions both sides evaluate (side.cpp's switch).
#ifndef NONLIN_TESTS_BITCMP_HPP
#define NONLIN_TESTS_BITCMP_HPP

#include <cstddef>

constexpr const char* bitcmp_names[] = {
    "fast::tanh",      "fast::sigmoid",      "fast::gelu",         "fast::gelu_tanh",  "fast::silu",
    "fast::swish",     "fast::glu",          "fast::swiglu",       "fast::swiglu_b",   "fast::geglu",
    "fast::geglu_tanh", "tanh",              "sigmoid",            "gelu",             "gelu_tanh",
    "silu",            "swish",              "glu",                "swiglu",           "swiglu_b",
    "geglu",           "geglu_tanh",         "precise::tanh",      "precise::sigmoid", "precise::gelu",
    "precise::gelu_tanh", "precise::silu",   "precise::swish",     "precise::glu",     "precise::swiglu",
    "precise::swiglu_b", "precise::geglu",   "precise::geglu_tanh"};
constexpr int bitcmp_count = sizeof(bitcmp_names) / sizeof(bitcmp_names[0]);

void bitcmp_old(int which, const float* x, const float* u, float* y, std::size_t n);
void bitcmp_new(int which, const float* x, const float* u, float* y, std::size_t n);

#endif
