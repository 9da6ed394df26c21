// nonlin_bench: the Eigen expression of every nonlin function that Eigen has
// a natural form for, as an inference-engine author would write it (one
// fused expression, Eigen's own vectorized tanh/logistic/erf). Shared by the
// Eigen peer of nonlin_bench (peers/eigen.cpp) and by nonlin_loop_profile.
//
//   relu        x.max(0)                     leaky_relu  (x < 0).select(alpha x, x)
//   tanh        x.tanh()                     sigmoid     x.logistic()
//   gelu        0.5 x (1 + erf(x/sqrt2))     (erf from unsupported/Eigen/SpecialFunctions)
//   gelu_tanh   0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
//   silu        x * x.logistic()             swish       x * (beta x).logistic()
//   gated       act(gate) * up in the same expression (by the caller)
#ifndef NONLIN_BENCH_EIGEN_EXPR_HPP
#define NONLIN_BENCH_EIGEN_EXPR_HPP

#include <Eigen/Core>
#if __has_include(<unsupported/Eigen/SpecialFunctions>)
#include <unsupported/Eigen/SpecialFunctions>
#define NONLIN_BENCH_EIGEN_HAS_ERF 1
#else
#define NONLIN_BENCH_EIGEN_HAS_ERF 0
#endif

#include <type_traits>
#include <utility>

#include <nonlin/nonlin.hpp>

namespace nonlin_bench {
namespace eigen_expr {

using CMap = Eigen::Map<const Eigen::ArrayXf>;
using Map = Eigen::Map<Eigen::ArrayXf>;

constexpr float kSqrt1_2 = 0.7071067811865475244f;     // 1/sqrt(2)
constexpr float kSqrt2OverPi = 0.7978845608028653559f;  // sqrt(2/pi)

// act(x) as an Eigen expression; false when Eigen has no natural form for F.
template <class F, class X>
auto act(F const& f, X const& x) {
  using std::is_same_v;
  if constexpr (is_same_v<F, nonlin::relu>) {
    return x.max(0.0f);
  } else if constexpr (is_same_v<F, nonlin::leaky_relu>) {
    return (x < 0.0f).select(static_cast<float>(f.alpha) * x, x);
  } else if constexpr (is_same_v<F, nonlin::tanh>) {
    return x.tanh();
  } else if constexpr (is_same_v<F, nonlin::sigmoid> || is_same_v<F, nonlin::glu>) {
    return x.logistic();
  } else if constexpr ((is_same_v<F, nonlin::gelu> || is_same_v<F, nonlin::geglu>) && NONLIN_BENCH_EIGEN_HAS_ERF) {
    return 0.5f * x * (1.0f + (x * kSqrt1_2).erf());
  } else if constexpr (is_same_v<F, nonlin::gelu_tanh> || is_same_v<F, nonlin::geglu_tanh>) {
    return 0.5f * x * (1.0f + (kSqrt2OverPi * (x + 0.044715f * x.cube())).tanh());
  } else if constexpr (is_same_v<F, nonlin::silu>) {
    return x * x.logistic();
  } else if constexpr (is_same_v<F, nonlin::swish> || is_same_v<F, nonlin::swiglu>) {
    return x * (static_cast<float>(f.beta) * x).logistic();
  } else {
    return false;
  }
}

template <class F>
constexpr bool has_act() {
  return !std::is_same_v<decltype(act(std::declval<F const&>(), std::declval<CMap const&>())), bool>;
}

}  // namespace eigen_expr
}  // namespace nonlin_bench

#endif  // NONLIN_BENCH_EIGEN_EXPR_HPP
