// nonlin_ab_kernels: a small timing harness for A/B studies of the float
// kernels -- one tier of nonlin beside Eigen's expression of each function
// (peers/eigen_expr.hpp), n = 4096, in one process. Not built by CMake: an
// A/B study compiles it twice, against the headers before and after a
// change, and runs the two binaries alternately, pinned to one CPU:
//
//   c++ -O3 -march=x86-64-v3 -std=c++17 -DAB_NS=nonlin::fast -I include
//       -I /usr/include/eigen3 benchmarks/ab_kernels.cpp -o ab
//   taskset -c 1 ./ab [half-width of the input range, default 8] [grouped]
//
// "grouped": the same inputs with the lanes beyond |x| = 86 (where the fast
// tier's split route takes its second formulas) moved to the end, order
// otherwise kept, so that the per-vector branch is predictable: set beside
// the random order, it shows how much of the tails' time is mispredictions.
//
// AB_NS is the tier's namespace: nonlin::fast (the default), nonlin::precise
// or nonlin (the default tier). Inputs uniform in [-w, w), ups uniform in [-2, 2); each
// kernel's time is the fastest of 2000 calls, taken twice (nonlin, Eigen,
// nonlin, Eigen). Prints one row per function: ns per element for nonlin
// and for Eigen, and Eigen's time over nonlin's (> 1: nonlin is faster).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include <nonlin/nonlin.hpp>

#include "peers/eigen_expr.hpp"

#ifndef AB_NS
#define AB_NS nonlin::fast
#endif

namespace {

namespace ee = nonlin_bench::eigen_expr;
namespace tier = AB_NS;
using Fn = void (*)(const float*, const float*, float*, std::size_t);

template <class F>
__attribute__((noinline)) void ours_unary(const float* x, const float*, float* y, std::size_t n) {
  nonlin::apply(F{}, x, y, n);
}
template <class F>
__attribute__((noinline)) void ours_gated(const float* g, const float* u, float* y, std::size_t n) {
  nonlin::apply(F{}, g, u, y, n);
}
template <class F>
__attribute__((noinline)) void eigen_unary(const float* x, const float*, float* y, std::size_t n) {
  const auto ni = static_cast<Eigen::Index>(n);
  ee::Map(y, ni) = ee::act(F{}, ee::CMap(x, ni));
}
// swish at beta = 1.702 (at beta = 1 nonlin runs silu's kernel).
const tier::swish kSwish{1.702};
const nonlin::swish kEigenSwish{1.702};
__attribute__((noinline)) void ours_swish(const float* x, const float*, float* y, std::size_t n) {
  nonlin::apply(kSwish, x, y, n);
}
__attribute__((noinline)) void eigen_swish(const float* x, const float*, float* y, std::size_t n) {
  const auto ni = static_cast<Eigen::Index>(n);
  ee::Map(y, ni) = ee::act(kEigenSwish, ee::CMap(x, ni));
}
template <class F>
__attribute__((noinline)) void eigen_gated(const float* g, const float* u, float* y, std::size_t n) {
  const auto ni = static_cast<Eigen::Index>(n);
  ee::Map(y, ni) = ee::act(F{}, ee::CMap(g, ni)) * ee::CMap(u, ni);
}

constexpr std::size_t kN = 4096;
alignas(64) float xs[kN], us[kN], ys[kN];

double best_ns_per_element(Fn f) {
  double best = 1e30;
  for (int r = 0; r < 2000; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    f(xs, us, ys, kN);
    asm volatile("" ::"r"(ys) : "memory");
    best = std::min(best, std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count());
  }
  return best / kN;
}

}  // namespace

int main(int argc, char** argv) {
  const float w = argc > 1 ? std::strtof(argv[1], nullptr) : 8.0f;
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> ux(-w, w), uu(-2.0f, 2.0f);
  for (std::size_t i = 0; i < kN; ++i) {
    xs[i] = ux(rng);
    us[i] = uu(rng);
  }
  if (argc > 2 && std::string(argv[2]) == "grouped")
    std::stable_partition(xs, xs + kN, [](float v) { return std::fabs(v) <= 86.0f; });
  struct Row {
    const char* name;
    Fn ours, eigen;
  };
  // Eigen's functor types name the expression (the default-tier types).
  const Row rows[] = {
      {"tanh", ours_unary<tier::tanh>, eigen_unary<nonlin::tanh>},
      {"sigmoid", ours_unary<tier::sigmoid>, eigen_unary<nonlin::sigmoid>},
      {"gelu", ours_unary<tier::gelu>, eigen_unary<nonlin::gelu>},
      {"gelu_tanh", ours_unary<tier::gelu_tanh>, eigen_unary<nonlin::gelu_tanh>},
      {"silu", ours_unary<tier::silu>, eigen_unary<nonlin::silu>},
      {"swish", ours_swish, eigen_swish},
      {"glu", ours_gated<tier::glu>, eigen_gated<nonlin::glu>},
      {"swiglu", ours_gated<tier::swiglu>, eigen_gated<nonlin::swiglu>},
      {"geglu", ours_gated<tier::geglu>, eigen_gated<nonlin::geglu>},
      {"geglu_tanh", ours_gated<tier::geglu_tanh>, eigen_gated<nonlin::geglu_tanh>},
  };
  for (const Row& r : rows) {
    const double a1 = best_ns_per_element(r.ours), e1 = best_ns_per_element(r.eigen);
    const double a2 = best_ns_per_element(r.ours), e2 = best_ns_per_element(r.eigen);
    const double a = std::min(a1, a2), e = std::min(e1, e2);
    std::printf("%-10s nonlin %.4f eigen %.4f  eigen/nonlin %.2f\n", r.name, a, e, e / a);
  }
  return 0;
}
