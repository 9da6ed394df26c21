// param_of(f): a functor's parameter as a double -- leaky_relu's alpha,
// swish's and swiglu's beta (precise and fast tier) -- and 0 for the functors
// that have none. For the tests that print, record or vary it.
//
// Internal linkage on purpose (an unnamed namespace in a header): the ODR
// test (tests/odr) and the fast-math test (tests/fastmath) include this from
// translation units compiled with different -march or -ffast-math flags, and
// none of their shared inline functions may be one the linker could take from
// another TU. Like odr_tu_body.hpp, this uses nothing but nonlin.
#ifndef NONLIN_TESTS_PARAMS_HPP
#define NONLIN_TESTS_PARAMS_HPP

#include "nonlin/nonlin.hpp"

namespace {

template <class F>
double param_of(F const&) {
  return 0;
}
inline double param_of(nonlin::leaky_relu const& f) { return f.alpha; }
inline double param_of(nonlin::swish const& f) { return f.beta; }
inline double param_of(nonlin::swiglu const& f) { return f.beta; }
inline double param_of(nonlin::fast::swish const& f) { return f.beta; }
inline double param_of(nonlin::fast::swiglu const& f) { return f.beta; }

}  // namespace

#endif  // NONLIN_TESTS_PARAMS_HPP
