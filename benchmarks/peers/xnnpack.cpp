// nonlin_bench peer: XNNPACK operators (xnn_create_*_nc_f32), no threadpool.
//
// Only what the installed XNNPACK has natively as an f32 operator:
//   relu        xnn_create_clamp_nc_f32(0, +inf)  (XNNPACK's ReLU is a clamp)
//   leaky_relu  xnn_create_leaky_relu_nc_f32
//   sigmoid     xnn_create_sigmoid_nc_f32
// and tanh when the header declares xnn_create_tanh_nc_f32 (newer XNNPACK;
// CMake greps the header and sets NONLIN_BENCH_XNNPACK_HAS_TANH). Nothing is
// composed: no GELU, SiLU or gated functions.
//
// The operator is created once per size (make(), outside the timed loop) as
// batch n x 1 channel, so it runs as one contiguous range. XNNPACK runs the
// kernels of the build's ISA, not of the CPU's (xnnpack_isa.hpp).
#include "../bench_common.hpp"
#include "xnnpack_isa.hpp"

#include <xnnpack.h>

#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>

#include <nonlin/nonlin.hpp>

#ifndef NONLIN_BENCH_XNNPACK_LIBRARY
#define NONLIN_BENCH_XNNPACK_LIBRARY "unknown"
#endif

namespace nonlin_bench {
namespace {

void check(xnn_status s, const char* what) {
  if (s != xnn_status_success) throw std::runtime_error(std::string("XNNPACK: ") + what + " failed");
}

using setup_fn = xnn_status (*)(xnn_operator_t, size_t, const float*, float*, pthreadpool_t);

struct op_kernel {
  xnn_operator_t op = nullptr;
  setup_fn setup = nullptr;
  std::size_t n = 0;
  const float* bound_in = nullptr;
  float* bound_out = nullptr;

  op_kernel() = default;
  op_kernel(op_kernel const&) = delete;
  op_kernel& operator=(op_kernel const&) = delete;
  ~op_kernel() {
    if (op != nullptr) xnn_delete_operator(op);
  }
  void operator()(const float* in, float* out) {
    if (in != bound_in || out != bound_out) {  // setup only when the buffers move
      check(setup(op, n, in, out, nullptr), "setup");
      bound_in = in;
      bound_out = out;
    }
    check(xnn_run_operator(op, nullptr), "run");
  }
};

template <class F>
void add(F const& f) {
  using std::is_same_v;
  if constexpr (is_same_v<F, nonlin::relu> || is_same_v<F, nonlin::leaky_relu> || is_same_v<F, nonlin::sigmoid>
#if NONLIN_BENCH_XNNPACK_HAS_TANH
                || is_same_v<F, nonlin::tanh>
#endif
  ) {
    add_peer(F::name, "xnnpack", false, [f](std::size_t n) -> kernel {
      auto k = std::make_shared<op_kernel>();
      k->n = n;
      if constexpr (is_same_v<F, nonlin::relu>) {
        (void)f;
        check(xnn_create_clamp_nc_f32(1, 1, 1, 0.0f, std::numeric_limits<float>::infinity(), 0, &k->op),
              "create clamp");
        k->setup = xnn_setup_clamp_nc_f32;
      } else if constexpr (is_same_v<F, nonlin::leaky_relu>) {
        check(xnn_create_leaky_relu_nc_f32(1, 1, 1, static_cast<float>(f.alpha), 0, &k->op), "create leaky_relu");
        k->setup = xnn_setup_leaky_relu_nc_f32;
      } else if constexpr (is_same_v<F, nonlin::sigmoid>) {
        (void)f;
        check(xnn_create_sigmoid_nc_f32(1, 1, 1, 0, &k->op), "create sigmoid");
        k->setup = xnn_setup_sigmoid_nc_f32;
      }
#if NONLIN_BENCH_XNNPACK_HAS_TANH
      else if constexpr (is_same_v<F, nonlin::tanh>) {
        (void)f;
        check(xnn_create_tanh_nc_f32(1, 1, 1, 0, &k->op), "create tanh");
        k->setup = xnn_setup_tanh_nc_f32;
      }
#endif
      return [k](const float* in, float* out) { (*k)(in, out); };
    });
  } else {
    (void)f;
  }
}

}  // namespace

void register_xnnpack() {
  const std::string isa = hold_xnnpack_to_build_isa();
  check(xnn_initialize(nullptr), "xnn_initialize");
  peer_context().emplace_back("xnnpack", "XNNPACK (" NONLIN_BENCH_XNNPACK_LIBRARY "), no threadpool, " + isa);
  nonlin::for_each_function(nonlin::unary_functions(), [](auto const& f) { add(f); });
}

}  // namespace nonlin_bench
