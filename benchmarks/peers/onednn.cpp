// nonlin_bench peer: oneDNN eltwise primitives (CPU engine, one stream).
//
//   relu        eltwise_relu, alpha = 0      leaky_relu  eltwise_relu, alpha = slope
//   tanh        eltwise_tanh                 sigmoid     eltwise_logistic
//   gelu        eltwise_gelu_erf             gelu_tanh   eltwise_gelu_tanh
//   silu        eltwise_swish, alpha = 1     swish       eltwise_swish, alpha = beta
//   gated       the activation's eltwise primitive on gate with a binary_mul
//               post-op by up (one pass); if the library only has a reference
//               implementation for that, eltwise then binary_mul (two passes).
//
// Primitives are created once per size (inside make(), outside the timed
// loop); forward_inference, f32, a plain 1-D layout.
// Threads: main() limits OpenMP to one thread before anything runs.
#include "../bench_common.hpp"

#include <oneapi/dnnl/dnnl.hpp>

#include <string>
#include <type_traits>
#include <unordered_map>

#include <nonlin/nonlin.hpp>

namespace nonlin_bench {
namespace {

using dnnl::algorithm;
using dnnl::memory;

struct eltwise_spec {
  algorithm alg;
  float alpha;
  float beta;
};

template <class F>
bool spec_of(F const& f, eltwise_spec& s) {
  if constexpr (std::is_same_v<F, nonlin::relu>) {
    s = {algorithm::eltwise_relu, 0.0f, 0.0f};
  } else if constexpr (std::is_same_v<F, nonlin::leaky_relu>) {
    s = {algorithm::eltwise_relu, static_cast<float>(f.alpha), 0.0f};
  } else if constexpr (std::is_same_v<F, nonlin::tanh>) {
    s = {algorithm::eltwise_tanh, 0.0f, 0.0f};
  } else if constexpr (std::is_same_v<F, nonlin::sigmoid> || std::is_same_v<F, nonlin::glu>) {
    s = {algorithm::eltwise_logistic, 0.0f, 0.0f};
  } else if constexpr (std::is_same_v<F, nonlin::gelu> || std::is_same_v<F, nonlin::geglu>) {
    s = {algorithm::eltwise_gelu_erf, 0.0f, 0.0f};
  } else if constexpr (std::is_same_v<F, nonlin::gelu_tanh> || std::is_same_v<F, nonlin::geglu_tanh>) {
    s = {algorithm::eltwise_gelu_tanh, 0.0f, 0.0f};
  } else if constexpr (std::is_same_v<F, nonlin::silu>) {
    s = {algorithm::eltwise_swish, 1.0f, 0.0f};
  } else if constexpr (std::is_same_v<F, nonlin::swish> || std::is_same_v<F, nonlin::swiglu>) {
    s = {algorithm::eltwise_swish, static_cast<float>(f.beta), 0.0f};
  } else {
    (void)f;
    (void)s;
    return false;
  }
  return true;
}

dnnl::engine& cpu_engine() {
  static dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  return eng;
}

dnnl::eltwise_forward::primitive_desc eltwise_pd(eltwise_spec const& s, memory::desc const& md,
                                                 dnnl::primitive_attr const& attr) {
#if DNNL_VERSION_MAJOR >= 3
  return dnnl::eltwise_forward::primitive_desc(cpu_engine(), dnnl::prop_kind::forward_inference, s.alg, md, md,
                                               s.alpha, s.beta, attr);
#else
  dnnl::eltwise_forward::desc d(dnnl::prop_kind::forward_inference, s.alg, md, s.alpha, s.beta);
  return dnnl::eltwise_forward::primitive_desc(d, attr, cpu_engine());
#endif
}

dnnl::binary::primitive_desc mul_pd(memory::desc const& md) {
#if DNNL_VERSION_MAJOR >= 3
  return dnnl::binary::primitive_desc(cpu_engine(), algorithm::binary_mul, md, md, md);
#else
  dnnl::binary::desc d(algorithm::binary_mul, md, md, md);
  return dnnl::binary::primitive_desc(d, cpu_engine());
#endif
}

bool is_reference(const char* impl) { return std::string(impl).find("ref") != std::string::npos; }

// Points a memory object at p (only when it moved: set_data_handle is not free).
void bind(memory& m, const void* p) {
  if (m.get_data_handle() != p) m.set_data_handle(const_cast<void*>(p));
}

struct unary_kernel {
  dnnl::stream strm;
  dnnl::eltwise_forward prim;
  memory src, dst;
  std::unordered_map<int, memory> args;

  void operator()(const float* in, float* out) {
    bind(src, in);
    bind(dst, out);
    prim.execute(strm, args);
    strm.wait();
  }
};

struct gated_fused_kernel {  // eltwise(gate) with a binary_mul post-op by up
  std::size_t n;
  dnnl::stream strm;
  dnnl::eltwise_forward prim;
  memory gate, up, dst;
  std::unordered_map<int, memory> args;

  void operator()(const float* in, float* out) {
    bind(gate, in);
    bind(up, in + n);
    bind(dst, out);
    prim.execute(strm, args);
    strm.wait();
  }
};

struct gated_two_pass_kernel {  // out = eltwise(gate); out = out * up
  std::size_t n;
  dnnl::stream strm;
  dnnl::eltwise_forward act;
  dnnl::binary mul;
  memory gate, up, dst;
  std::unordered_map<int, memory> act_args, mul_args;

  void operator()(const float* in, float* out) {
    bind(gate, in);
    bind(up, in + n);
    bind(dst, out);
    act.execute(strm, act_args);
    mul.execute(strm, mul_args);
    strm.wait();
  }
};

memory::desc plain_md(std::size_t n) {
  return memory::desc({static_cast<memory::dim>(n)}, memory::data_type::f32, memory::format_tag::a);
}

template <class F>
void add_unary(F const& f) {
  eltwise_spec s{};
  if (!spec_of(f, s)) return;
  {  // which implementation the library picks, for the report
    auto pd = eltwise_pd(s, plain_md(4096), dnnl::primitive_attr());
    peer_context().emplace_back(std::string("impl/") + F::name + "/onednn", pd.impl_info_str());
  }
  add_peer(F::name, "onednn", false, [s](std::size_t n) -> kernel {
    const memory::desc md = plain_md(n);
    auto pd = eltwise_pd(s, md, dnnl::primitive_attr());
    auto k = std::make_shared<unary_kernel>(unary_kernel{dnnl::stream(cpu_engine()), dnnl::eltwise_forward(pd),
                                                         memory(md, cpu_engine(), DNNL_MEMORY_NONE),
                                                         memory(md, cpu_engine(), DNNL_MEMORY_NONE),
                                                         {}});
    k->args = {{DNNL_ARG_SRC, k->src}, {DNNL_ARG_DST, k->dst}};
    return [k](const float* in, float* out) { (*k)(in, out); };
  });
}

dnnl::primitive_attr mul_post_op_attr(memory::desc const& md) {
  dnnl::post_ops po;
  po.append_binary(algorithm::binary_mul, md);
  dnnl::primitive_attr attr;
  attr.set_post_ops(po);
  return attr;
}

// The fused form when the library has an optimized implementation of it.
bool fused_is_fast(eltwise_spec const& s, std::string& impl) {
  try {
    const memory::desc md = plain_md(4096);
    auto pd = eltwise_pd(s, md, mul_post_op_attr(md));
    impl = pd.impl_info_str();
    return !is_reference(pd.impl_info_str());
  } catch (dnnl::error const&) {
    impl = "unsupported";
    return false;
  }
}

template <class G>
void add_gated(G const& g) {
  eltwise_spec s{};
  if (!spec_of(g, s)) return;
  std::string fused_impl;
  const bool fused = fused_is_fast(s, fused_impl);
  if (fused) {
    peer_context().emplace_back(std::string("impl/") + G::name + "/onednn",
                                fused_impl + " (eltwise + binary_mul post-op, one pass)");
  } else {
    auto pd = eltwise_pd(s, plain_md(4096), dnnl::primitive_attr());
    auto mpd = mul_pd(plain_md(4096));
    peer_context().emplace_back(std::string("impl/") + G::name + "/onednn",
                                std::string(pd.impl_info_str()) + " + " + mpd.impl_info_str() +
                                    " (eltwise, then binary_mul; the post-op form is " + fused_impl + ")");
  }
  add_peer(G::name, "onednn", true, [s, fused](std::size_t n) -> kernel {
    const memory::desc md = plain_md(n);
    dnnl::engine& eng = cpu_engine();
    if (fused) {
      auto pd = eltwise_pd(s, md, mul_post_op_attr(md));
      auto k = std::make_shared<gated_fused_kernel>(gated_fused_kernel{
          n, dnnl::stream(eng), dnnl::eltwise_forward(pd), memory(md, eng, DNNL_MEMORY_NONE),
          memory(md, eng, DNNL_MEMORY_NONE), memory(md, eng, DNNL_MEMORY_NONE), {}});
      k->args = {{DNNL_ARG_SRC, k->gate},
                 {DNNL_ARG_DST, k->dst},
                 {DNNL_ARG_ATTR_MULTIPLE_POST_OP(0) | DNNL_ARG_SRC_1, k->up}};
      return [k](const float* in, float* out) { (*k)(in, out); };
    }
    auto pd = eltwise_pd(s, md, dnnl::primitive_attr());
    auto k = std::make_shared<gated_two_pass_kernel>(gated_two_pass_kernel{
        n, dnnl::stream(eng), dnnl::eltwise_forward(pd), dnnl::binary(mul_pd(md)), memory(md, eng, DNNL_MEMORY_NONE),
        memory(md, eng, DNNL_MEMORY_NONE), memory(md, eng, DNNL_MEMORY_NONE), {}, {}});
    k->act_args = {{DNNL_ARG_SRC, k->gate}, {DNNL_ARG_DST, k->dst}};
    k->mul_args = {{DNNL_ARG_SRC_0, k->dst}, {DNNL_ARG_SRC_1, k->up}, {DNNL_ARG_DST, k->dst}};
    return [k](const float* in, float* out) { (*k)(in, out); };
  });
}

}  // namespace

void register_onednn() {
  const dnnl_version_t* v = dnnl_version();
  peer_context().emplace_back("onednn", "oneDNN " + std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
                                            std::to_string(v->patch) + " (CPU runtime " +
                                            (v->cpu_runtime == DNNL_RUNTIME_OMP ? "OpenMP" : "other") + ")");
  nonlin::for_each_function(nonlin::unary_functions(), [](auto const& f) { add_unary(f); });
  nonlin::for_each_function(nonlin::gated_functions(), [](auto const& g) { add_gated(g); });
}

}  // namespace nonlin_bench
