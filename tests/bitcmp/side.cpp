// One side of scripts/bitcmp.sh's comparison: compiled twice, against the
// headers of two commits, each time with nonlin's ABI namespace renamed
// (NONLIN_ABI) so that both link into one program, and exporting
// BITCMP_SIDE (bitcmp_old or bitcmp_new).
#include <nonlin/nonlin.hpp>

#include <cstddef>

#include "bitcmp.hpp"

namespace {

template <class F>
void unary(F const& f, const float* x, float* y, std::size_t n) {
  nonlin::apply(f, x, y, n);
}
template <class F>
void gated(F const& f, const float* g, const float* u, float* y, std::size_t n) {
  nonlin::apply(f, g, u, y, n);
}

}  // namespace

// The functions, in the order of bitcmp_names (bitcmp.hpp).
void BITCMP_SIDE(int which, const float* x, const float* u, float* y, std::size_t n) {
  switch (which) {
    case 0: return unary(nonlin::fast::tanh{}, x, y, n);
    case 1: return unary(nonlin::fast::sigmoid{}, x, y, n);
    case 2: return unary(nonlin::fast::gelu{}, x, y, n);
    case 3: return unary(nonlin::fast::gelu_tanh{}, x, y, n);
    case 4: return unary(nonlin::fast::silu{}, x, y, n);
    case 5: return unary(nonlin::fast::swish{1.702}, x, y, n);
    case 6: return gated(nonlin::fast::glu{}, x, u, y, n);
    case 7: return gated(nonlin::fast::swiglu{}, x, u, y, n);
    case 8: return gated(nonlin::fast::swiglu{1.702}, x, u, y, n);
    case 9: return gated(nonlin::fast::geglu{}, x, u, y, n);
    case 10: return gated(nonlin::fast::geglu_tanh{}, x, u, y, n);
    case 11: return unary(nonlin::tanh{}, x, y, n);
    case 12: return unary(nonlin::sigmoid{}, x, y, n);
    case 13: return unary(nonlin::gelu{}, x, y, n);
    case 14: return unary(nonlin::gelu_tanh{}, x, y, n);
    case 15: return unary(nonlin::silu{}, x, y, n);
    case 16: return unary(nonlin::swish{1.702}, x, y, n);
    case 17: return gated(nonlin::glu{}, x, u, y, n);
    case 18: return gated(nonlin::swiglu{}, x, u, y, n);
    case 19: return gated(nonlin::swiglu{1.702}, x, u, y, n);
    case 20: return gated(nonlin::geglu{}, x, u, y, n);
    case 21: return gated(nonlin::geglu_tanh{}, x, u, y, n);
    case 22: return unary(nonlin::precise::tanh{}, x, y, n);
    case 23: return unary(nonlin::precise::sigmoid{}, x, y, n);
    case 24: return unary(nonlin::precise::gelu{}, x, y, n);
    case 25: return unary(nonlin::precise::gelu_tanh{}, x, y, n);
    case 26: return unary(nonlin::precise::silu{}, x, y, n);
    case 27: return unary(nonlin::precise::swish{1.702}, x, y, n);
    case 28: return gated(nonlin::precise::glu{}, x, u, y, n);
    case 29: return gated(nonlin::precise::swiglu{}, x, u, y, n);
    case 30: return gated(nonlin::precise::swiglu{1.702}, x, u, y, n);
    case 31: return gated(nonlin::precise::geglu{}, x, u, y, n);
    case 32: return gated(nonlin::precise::geglu_tanh{}, x, u, y, n);
    default: return;
  }
}
