// nonlin: the list of every function, one place that tests, benchmarks and
// examples iterate over, so nothing can be added untested or unbenchmarked.
#ifndef NONLIN_FUNCTION_LIST_HPP
#define NONLIN_FUNCTION_LIST_HPP

#include <tuple>

#include "gelu.hpp"
#include "glu.hpp"
#include "hard.hpp"
#include "relu.hpp"
#include "sigmoid.hpp"
#include "silu.hpp"
#include "tanh.hpp"

NONLIN_BEGIN_NAMESPACE

/// Every unary functor of every tier (default, precise, fast),
/// default-constructed, plus swish at a non-default beta (1.702, the sigmoid
/// approximation of GELU) so that the parameter path is covered too. (The
/// functors of tier::all -- relu, leaky_relu, relu6, hardsigmoid,
/// hardswish -- are listed once; fast::hardsigmoid and fast::hardswish come
/// last, so the other functors keep their positions.)
inline auto unary_functions() noexcept {
  return std::make_tuple(relu{}, leaky_relu{}, relu6{}, hardsigmoid{}, hardswish{},                        //
                         tanh{}, sigmoid{}, gelu{}, gelu_tanh{}, silu{}, swish{1.702},                    //
                         precise::tanh{}, precise::sigmoid{}, precise::gelu{}, precise::gelu_tanh{},     //
                         precise::silu{}, precise::swish{1.702},                                         //
                         fast::tanh{}, fast::sigmoid{}, fast::gelu{}, fast::gelu_tanh{}, fast::silu{},   //
                         fast::swish{1.702}, fast::hardsigmoid{}, fast::hardswish{});
}

/// Every gated functor (out = act(gate) * up), every tier.
inline auto gated_functions() noexcept {
  return std::make_tuple(glu{}, swiglu{}, geglu{}, geglu_tanh{},                                      //
                         precise::glu{}, precise::swiglu{}, precise::geglu{}, precise::geglu_tanh{},  //
                         fast::glu{}, fast::swiglu{}, fast::geglu{}, fast::geglu_tanh{});
}

namespace detail {
// fn(f) out of line, one function per functor: inlined into one fold, the
// bodies for every functor made one very large function, which compilers
// optimize slowly (benchmarks/README.md, "Build time").
template <class Fn, class F>
NONLIN_NOINLINE void call_with_function(Fn& fn, F const& f) {
  fn(f);
}
}  // namespace detail

/// Calls fn(functor) for every element of a tuple from the lists above, in
/// order.
template <class Tuple, class Fn>
inline void for_each_function(Tuple const& t, Fn&& fn) {
  std::apply([&](auto const&... f) { (detail::call_with_function(fn, f), ...); }, t);
}

NONLIN_END_NAMESPACE  // namespace nonlin

#endif  // NONLIN_FUNCTION_LIST_HPP
