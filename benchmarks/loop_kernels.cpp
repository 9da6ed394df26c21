// One out-of-line function per float kernel of the default and fast tiers:
// nonlin::apply of each functor (the gated ones through the two-input
// apply), named kern_<functor> with "fast_" for nonlin::fast::, so that
// loop_count.py finds each kernel's vector loop in the disassembly. Built as
// a program (calls resolved, and it runs under qemu as a smoke test).
#include <cstddef>
#include <cstdio>
#include <vector>

#include <nonlin/nonlin.hpp>

#define NOINL extern "C" __attribute__((noinline))
#define UNARY(name, expr) \
  NOINL void kern_##name(const float* in, float* out, std::size_t n) { nonlin::apply(expr, in, out, n); }
#define GATED(name, expr)                                                               \
  NOINL void kern_##name(const float* g, const float* u, float* out, std::size_t n) { \
    nonlin::apply(expr, g, u, out, n);                                                  \
  }

UNARY(relu, nonlin::relu{})
UNARY(leaky_relu, nonlin::leaky_relu{})
UNARY(relu6, nonlin::relu6{})
UNARY(hardsigmoid, nonlin::hardsigmoid{})
UNARY(hardswish, nonlin::hardswish{})
UNARY(tanh, nonlin::tanh{})
UNARY(sigmoid, nonlin::sigmoid{})
UNARY(gelu, nonlin::gelu{})
UNARY(gelu_tanh, nonlin::gelu_tanh{})
UNARY(silu, nonlin::silu{})
UNARY(swish, nonlin::swish{1.702})
UNARY(fast_tanh, nonlin::fast::tanh{})
UNARY(fast_sigmoid, nonlin::fast::sigmoid{})
UNARY(fast_gelu, nonlin::fast::gelu{})
UNARY(fast_gelu_tanh, nonlin::fast::gelu_tanh{})
UNARY(fast_silu, nonlin::fast::silu{})
UNARY(fast_swish, nonlin::fast::swish{1.702})
GATED(glu, nonlin::glu{})
GATED(swiglu, nonlin::swiglu{})
GATED(geglu, nonlin::geglu{})
GATED(geglu_tanh, nonlin::geglu_tanh{})
GATED(fast_glu, nonlin::fast::glu{})
GATED(fast_swiglu, nonlin::fast::swiglu{})
GATED(fast_geglu, nonlin::fast::geglu{})
GATED(fast_geglu_tanh, nonlin::fast::geglu_tanh{})

int main() {
  std::vector<float> a(1000), b(1000), y(1000);
  for (std::size_t i = 0; i < a.size(); ++i) {
    a[i] = -8.0f + 0.016f * static_cast<float>(i);
    b[i] = 1.0f;
  }
  void (*volatile u[])(const float*, float*, std::size_t) = {
      kern_relu,      kern_leaky_relu,     kern_relu6,          kern_hardsigmoid, kern_hardswish,
      kern_tanh,      kern_sigmoid,        kern_gelu,           kern_gelu_tanh,   kern_silu,
      kern_swish,     kern_fast_tanh,      kern_fast_sigmoid,   kern_fast_gelu,   kern_fast_gelu_tanh,
      kern_fast_silu, kern_fast_swish};
  void (*volatile g[])(const float*, const float*, float*, std::size_t) = {
      kern_glu, kern_swiglu, kern_geglu, kern_geglu_tanh, kern_fast_glu, kern_fast_swiglu, kern_fast_geglu,
      kern_fast_geglu_tanh};
  double s = 0;
  for (auto f : u) {
    f(a.data(), y.data(), y.size());
    for (float v : y) s += double(v);
  }
  for (auto f : g) {
    f(a.data(), b.data(), y.data(), y.size());
    for (float v : y) s += double(v);
  }
  std::printf("checksum %.9g\n", s);
  return 0;
}
