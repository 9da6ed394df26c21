// The compile-time path test_dispatch.cpp compares nonlin::dispatch with:
// nonlin::apply of every functor of the lists, for every element type pair
// of nonlin::dispatch::detail::element_types, in one translation unit per
// instruction set (ref_<isa>.cpp, compiled with the library's -march
// levels; ref_local.cpp where the library has one table). Plain types only:
// the driver and the TUs are compiled for different ISAs.
#ifndef NONLIN_TESTS_DISPATCH_REF_API_HPP
#define NONLIN_TESTS_DISPATCH_REF_API_HPP

#include <cstddef>

namespace dref {

// Functor i of nonlin::unary_functions() (gated_functions()), its parameter
// set to p when it has one (tests/spec.hpp), through nonlin::apply on
// buffers of the pair's element types.
using unary_fn = void (*)(std::size_t i, double p, const void* in, void* out, std::size_t n);
using gated_fn = void (*)(std::size_t i, double p, const void* gate, const void* up, void* out, std::size_t n);

struct pair_refs {
  unary_fn unary;
  gated_fn gated;
};

constexpr std::size_t kMaxPairs = 16;

struct refs {
  const char* label;  // NONLIN_ISA's token: "sse2", "avx2", "avx512", ...
  std::size_t pairs;  // std::tuple_size of element_types
  pair_refs by_pair[kMaxPairs];  // in the order of element_types
};

}  // namespace dref

const dref::refs& dispatch_ref_sse2();
const dref::refs& dispatch_ref_avx2();
const dref::refs& dispatch_ref_avx512();
const dref::refs& dispatch_ref_local();

#endif  // NONLIN_TESTS_DISPATCH_REF_API_HPP
