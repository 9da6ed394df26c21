// The interface of one ISA translation unit of the ODR test (tu_*.cpp, each
// compiled with its own -march) to the driver (odr_main.cpp), which includes
// no nonlin header itself. Every TU defines the same function under its own
// name: odr_tu_sse2(), odr_tu_avx2(), odr_tu_avx512().
#ifndef NONLIN_TESTS_ODR_API_HPP
#define NONLIN_TESTS_ODR_API_HPP

#include <cstddef>
#include <cstdint>

namespace odr {

// One function of nonlin::unary_functions() or gated_functions(), run by
// this TU: bulk (nonlin::apply) and scalar (the functor in a loop).
struct entry {
  const char* name;
  bool gated;
  double param;  // leaky_relu alpha, swish / swiglu beta; 0 otherwise
  double bound_float, bound_double;
  void (*bulk_f32)(const float* a, const float* b, float* out, std::size_t n);    // b unused when unary
  void (*scalar_f32)(const float* a, const float* b, float* out, std::size_t n);
  void (*bulk_f64)(const double* a, const double* b, double* out, std::size_t n);
  void (*scalar_f64)(const double* a, const double* b, double* out, std::size_t n);
};

struct tu {
  const char* label;             // "sse2", "avx2", "avx512"
  const char* abi;               // NONLIN_ABI as compiled
  const char* gelu_type;         // typeid(nonlin::gelu).name(): names the ABI namespace
  std::uintptr_t apply_gelu_f32; // &nonlin::apply<nonlin::gelu, float> in this TU
  bool avx, avx2, fma, avx512f;  // the ISA macros the TU was compiled with
  bool xsimd;                    // NONLIN_USE_XSIMD
  unsigned width_f32;            // xsimd::batch<float>::size (1 without xsimd)
  std::size_t count;
  const entry* entries;
};

}  // namespace odr

const odr::tu& odr_tu_sse2();
const odr::tu& odr_tu_avx2();
const odr::tu& odr_tu_avx512();

#endif  // NONLIN_TESTS_ODR_API_HPP
