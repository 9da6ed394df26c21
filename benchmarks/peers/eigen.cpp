// nonlin_bench peer: Eigen array expressions on Eigen::Map<ArrayXf>, the
// expressions of eigen_expr.hpp (one fused expression per function).
#include "../bench_common.hpp"

#include "eigen_expr.hpp"

#include <string>

#include <nonlin/nonlin.hpp>

namespace nonlin_bench {
namespace {

using eigen_expr::act;
using eigen_expr::CMap;
using eigen_expr::has_act;
using eigen_expr::Map;

template <class F>
void add_unary(F const& f) {
  if constexpr (has_act<F>()) {
    add_peer(F::name, "eigen", false, [f](std::size_t n) -> kernel {
      return [f, n](const float* in, float* out) {
        const auto ni = static_cast<Eigen::Index>(n);
        Map(out, ni) = act(f, CMap(in, ni));
      };
    });
  }
}

template <class G>
void add_gated(G const& g) {
  if constexpr (has_act<G>()) {
    add_peer(G::name, "eigen", true, [g](std::size_t n) -> kernel {
      return [g, n](const float* in, float* out) {
        const auto ni = static_cast<Eigen::Index>(n);
        Map(out, ni) = act(g, CMap(in, ni)) * CMap(in + n, ni);
      };
    });
  }
}

}  // namespace

void register_eigen() {
  peer_context().emplace_back("eigen", "Eigen " + std::to_string(EIGEN_WORLD_VERSION) + "." +
                                           std::to_string(EIGEN_MAJOR_VERSION) + "." +
                                           std::to_string(EIGEN_MINOR_VERSION) + ", " +
                                           Eigen::SimdInstructionSetsInUse());
  nonlin::for_each_function(nonlin::unary_functions(), [](auto const& f) { add_unary(f); });
  nonlin::for_each_function(nonlin::gated_functions(), [](auto const& g) { add_gated(g); });
}

}  // namespace nonlin_bench
