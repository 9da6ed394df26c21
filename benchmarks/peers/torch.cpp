// nonlin_bench peer: libtorch (ATen) CPU ops on at::from_blob tensors, one
// thread (at::set_num_threads(1)), outputs written into preallocated tensors
// with the *_out variants:
//
//   relu        at::clamp_min_out(out, x, 0)   (what torch.relu runs on CPU;
//                                               relu_out would allocate and copy)
//   leaky_relu  at::leaky_relu_out             tanh     at::tanh_out
//   sigmoid     at::sigmoid_out                silu     at::silu_out
//   gelu        at::gelu_out, approximate = "none"
//   gelu_tanh   at::gelu_out, approximate = "tanh"
//   swish       t = beta x; t = sigmoid(t); out = t * x   (three ops, no native form)
//   glu         at::glu_out on the packed [2, n] tensor, dim 0: out = in[0,n) * sigmoid(in[n,2n))
//               (F.glu's order: the gate is the second half)
//   swiglu      t = silu(gate); out = t * up       (beta = 1; else swish as above)
//   geglu       t = gelu(gate); out = t * up       geglu_tanh  the same with "tanh"
//
// Tensors (and the scratch t) are made once per size (make(), outside the
// timed loop) and rebuilt only when the buffers move. The bf16 / f16 entries
// of bench_half.cpp: add_half() below.
#include "../bench_common.hpp"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/Version.h>
#if __has_include(<torch/version.h>)
#include <torch/version.h>
#endif

#include <memory>
#include <sstream>
#include <string>
#include <type_traits>

#include <nonlin/nonlin.hpp>

namespace nonlin_bench {
namespace {

at::Tensor wrap(const float* p, at::IntArrayRef shape) {
  return at::from_blob(const_cast<float*>(p), shape, at::TensorOptions().dtype(at::kFloat));
}

template <class F>
constexpr bool covered() {
  using std::is_same_v;
  return is_same_v<F, nonlin::relu> || is_same_v<F, nonlin::leaky_relu> || is_same_v<F, nonlin::tanh> ||
         is_same_v<F, nonlin::sigmoid> || is_same_v<F, nonlin::gelu> || is_same_v<F, nonlin::gelu_tanh> ||
         is_same_v<F, nonlin::silu> || is_same_v<F, nonlin::swish> || is_same_v<F, nonlin::glu> ||
         is_same_v<F, nonlin::swiglu> || is_same_v<F, nonlin::geglu> || is_same_v<F, nonlin::geglu_tanh>;
}

// act(t, x): t = act(x), t preallocated.
template <class F>
void act_out(F const& f, at::Tensor& t, at::Tensor const& x) {
  using std::is_same_v;
  if constexpr (is_same_v<F, nonlin::relu>) {
    at::clamp_min_out(t, x, 0.0);
  } else if constexpr (is_same_v<F, nonlin::leaky_relu>) {
    at::leaky_relu_out(t, x, f.alpha);
  } else if constexpr (is_same_v<F, nonlin::tanh>) {
    at::tanh_out(t, x);
  } else if constexpr (is_same_v<F, nonlin::sigmoid>) {
    at::sigmoid_out(t, x);
  } else if constexpr (is_same_v<F, nonlin::gelu> || is_same_v<F, nonlin::geglu>) {
    at::gelu_out(t, x, "none");
  } else if constexpr (is_same_v<F, nonlin::gelu_tanh> || is_same_v<F, nonlin::geglu_tanh>) {
    at::gelu_out(t, x, "tanh");
  } else if constexpr (is_same_v<F, nonlin::silu>) {
    at::silu_out(t, x);
  }
  (void)f;
}

struct tensors {
  const float* in = nullptr;
  float* out = nullptr;
  at::Tensor x, up, y, t;  // x: input or gate (glu: the packed [2, n]); t: scratch
};

template <class F>
void add(F const& f) {
  if constexpr (covered<F>()) {
    using std::is_same_v;
    constexpr bool gated = is_same_v<F, nonlin::glu> || is_same_v<F, nonlin::swiglu> ||
                           is_same_v<F, nonlin::geglu> || is_same_v<F, nonlin::geglu_tanh>;
    add_peer(
        F::name, "torch", gated,
        [f](std::size_t n) -> kernel {
          const auto ni = static_cast<std::int64_t>(n);
          auto s = std::make_shared<tensors>();
          s->t = at::zeros({ni}, at::TensorOptions().dtype(at::kFloat));  // pages touched here, not timed
          return [f, s, n, ni](const float* in, float* out) {
            (void)f;  // used by some functions only
            (void)n;
            if (in != s->in || out != s->out) {
              s->in = in;
              s->out = out;
              if constexpr (is_same_v<F, nonlin::glu>) {
                s->x = wrap(in, {2, ni});
                s->y = wrap(out, {1, ni});
              } else {
                s->x = wrap(in, {ni});
                s->y = wrap(out, {ni});
                if constexpr (gated) s->up = wrap(in + n, {ni});
              }
            }
            at::Tensor& x = s->x;
            at::Tensor& y = s->y;
            at::Tensor& t = s->t;
            if constexpr (is_same_v<F, nonlin::glu>) {
              at::glu_out(y, x, 0);
            } else if constexpr (is_same_v<F, nonlin::swish> || is_same_v<F, nonlin::swiglu>) {
              if constexpr (is_same_v<F, nonlin::swiglu>) {
                if (f.beta == 1.0) {
                  at::silu_out(t, x);
                  at::mul_out(y, t, s->up);
                  return;
                }
              }
              at::mul_out(t, x, at::Scalar(static_cast<float>(f.beta)));
              at::sigmoid_out(t, t);
              if constexpr (is_same_v<F, nonlin::swiglu>) {
                at::mul_out(t, t, x);
                at::mul_out(y, t, s->up);
              } else {
                at::mul_out(y, t, x);
              }
            } else if constexpr (gated) {
              act_out(f, t, x);
              at::mul_out(y, t, s->up);
            } else {
              act_out(f, y, x);
            }
          };
        },
        /*gate_second=*/is_same_v<F, nonlin::glu>);
  } else {
    (void)f;
  }
}

// 16-bit storage (bench_half.cpp): tanh, sigmoid, gelu and silu on
// at::from_blob tensors of dtype at::kBFloat16 or at::kHalf, into the
// preallocated output with the *_out op. Where this libtorch has no CPU
// kernel for the dtype (checked once here: "not implemented for 'Half'"),
// what users do instead: copy to float, op, copy back ("torch_via_float";
// the float tensors preallocated).
template <class F>
constexpr bool covered_half() {
  using std::is_same_v;
  return is_same_v<F, nonlin::tanh> || is_same_v<F, nonlin::sigmoid> || is_same_v<F, nonlin::gelu> ||
         is_same_v<F, nonlin::silu>;
}

struct half_tensors {
  const std::uint16_t* in = nullptr;
  std::uint16_t* out = nullptr;
  at::Tensor x, y, wide, result;  // wide, result: float, via_float only
};

template <class F>
bool has_kernel(F const& f, at::ScalarType dtype) {
  try {
    at::Tensor x = at::linspace(-8.0, 8.0, 64, at::TensorOptions().dtype(dtype));
    at::Tensor y = at::empty({64}, at::TensorOptions().dtype(dtype));
    act_out(f, y, x);
    return true;
  } catch (std::exception const&) {
    return false;
  }
}

template <class F>
void add_half(F const& f) {
  if constexpr (covered_half<F>()) {
    for (at::ScalarType dtype : {at::kBFloat16, at::kHalf}) {
      const bool native = has_kernel(f, dtype);
      half_peer_entry e;
      e.function = F::name;
      e.peer = native ? "torch" : "torch_via_float";
      e.storage = dtype == at::kBFloat16 ? "bf16" : "f16";
      e.make = [f, dtype, native](std::size_t n) -> half_kernel {
        const auto ni = static_cast<std::int64_t>(n);
        auto s = std::make_shared<half_tensors>();
        if (!native) {
          s->wide = at::zeros({ni}, at::TensorOptions().dtype(at::kFloat));
          s->result = at::zeros({ni}, at::TensorOptions().dtype(at::kFloat));
        }
        return [f, s, dtype, native, ni](const std::uint16_t* in, std::uint16_t* out) {
          if (in != s->in || out != s->out) {
            s->in = in;
            s->out = out;
            s->x = at::from_blob(const_cast<std::uint16_t*>(in), {ni}, at::TensorOptions().dtype(dtype));
            s->y = at::from_blob(out, {ni}, at::TensorOptions().dtype(dtype));
          }
          if (native) {
            act_out(f, s->y, s->x);
          } else {
            s->wide.copy_(s->x);
            act_out(f, s->result, s->wide);
            s->y.copy_(s->result);
          }
        };
      };
      half_peer_entries().push_back(std::move(e));
    }
  } else {
    (void)f;
  }
}

std::string cpu_capability() {
  std::istringstream config(at::show_config());
  std::string line;
  while (std::getline(config, line)) {
    const auto pos = line.find("CPU capability usage:");
    if (pos != std::string::npos) return line.substr(pos);
  }
  return "CPU capability unknown";
}

}  // namespace

void register_torch() {
  at::set_num_threads(1);
  at::init_num_threads();
#ifdef TORCH_VERSION_MAJOR
  const std::string version = std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
                              std::to_string(TORCH_VERSION_PATCH);
#else
  const std::string version = "unknown version";
#endif
  peer_context().emplace_back("torch", "libtorch " + version + ", " + cpu_capability() + ", " +
                                           std::to_string(at::get_num_threads()) + " thread(s)");
  nonlin::for_each_function(nonlin::unary_functions(), [](auto const& f) { add(f); });
  nonlin::for_each_function(nonlin::gated_functions(), [](auto const& g) { add(g); });
  nonlin::for_each_function(nonlin::unary_functions(), [](auto const& f) { add_half(f); });
}

}  // namespace nonlin_bench
