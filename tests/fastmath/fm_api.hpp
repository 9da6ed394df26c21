// The interface between the fast-math test's kernel objects (fm_kernels.cpp,
// compiled once normally and once with -ffast-math or -Ofast) and its driver
// (fm_main.cpp, compiled normally). Nothing here includes nonlin, so the
// driver never instantiates nonlin itself.
#ifndef NONLIN_TESTS_FM_API_HPP
#define NONLIN_TESTS_FM_API_HPP

#include <cstddef>

namespace fm {

using unary_f32 = void (*)(const float*, float*, std::size_t);
using unary_f64 = void (*)(const double*, double*, std::size_t);
using gated_f32 = void (*)(const float*, const float*, float*, std::size_t);
using gated_f64 = void (*)(const double*, const double*, double*, std::size_t);

// One function of nonlin::unary_functions() or gated_functions().
struct entry {
  const char* name;
  bool gated;
  double param;  // leaky_relu alpha, swish / swiglu beta; 0 otherwise
  double bound_float, bound_double;  // max_ulp_float / max_ulp_double
  // bulk (nonlin::apply) and the scalar functor in a loop
  unary_f32 bulk_f32, scalar_f32;
  unary_f64 bulk_f64, scalar_f64;
  gated_f32 gbulk_f32, gscalar_f32;
  gated_f64 gbulk_f64, gscalar_f64;
  bool tier_standard;  // F::tier == tier::standard (the default tier)
};

struct table {
  const char* abi;           // NONLIN_ABI, stringized
  bool fast_math;            // __FAST_MATH__ was defined
  bool finite_math_only;     // __FINITE_MATH_ONLY__ was 1
  bool has_fma;              // NONLIN_HAS_FMA
  std::size_t count;
  const entry* entries;
};

}  // namespace fm

#endif  // NONLIN_TESTS_FM_API_HPP
