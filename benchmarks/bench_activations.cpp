// nonlin_bench: every function of nonlin::unary_functions() and
// nonlin::gated_functions(), at several sizes, next to its baselines:
//
//   <name>/nonlin/<n>         nonlin::apply (gated: the two-input form)
//   <name>/nonlin_packed/<n>  gated only: nonlin::apply_packed on [rows x 2*hidden]
//   <name>/std_loop/<n>       the textbook formula, scalar loop over <cmath>
//   <name>/xsimd_math/<n>     the same formula on xsimd::batch<float> with
//                             xsimd::exp/erf/tanh (only when nonlin uses xsimd)
//   copy/memcpy/<n>           std::memcpy of the input: the bandwidth ceiling
//
// n counts output floats. items/s = n per call; bytes/s = bytes read + written.
// Benchmarks are registered from the function lists, so a function added to
// a list is benchmarked automatically -- and fails to compile here until it
// has a baseline<> specialization below.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <new>
#include <string>
#include <type_traits>

#include <nonlin/nonlin.hpp>

#ifndef NONLIN_BENCH_CXX_FLAGS
#define NONLIN_BENCH_CXX_FLAGS "unknown"
#endif

namespace {

constexpr std::size_t kSizes[] = {std::size_t(1) << 12, std::size_t(1) << 16, std::size_t(1) << 20,
                                  std::size_t(1) << 24};

// ------------------------------------------------------------ math policies --
// A baseline formula is written once, as a template over the value type V and
// a math policy M; std_math gives the <cmath> scalar functions, xsimd_math the
// xsimd batch ones. So std_loop and xsimd_math compute the same formula.

struct std_math {
  static float exp(float x) { return std::exp(x); }
  static float erf(float x) { return std::erf(x); }
  static float tanh(float x) { return std::tanh(x); }
  static float max(float a, float b) { return std::max(a, b); }
  static float select(bool m, float a, float b) { return m ? a : b; }
};

#if NONLIN_USE_XSIMD
struct xsimd_math {
  template <class B>
  static B exp(B const& x) {
    return xsimd::exp(x);
  }
  template <class B>
  static B erf(B const& x) {
    return xsimd::erf(x);
  }
  template <class B>
  static B tanh(B const& x) {
    return xsimd::tanh(x);
  }
  template <class B>
  static B max(B const& a, B const& b) {
    return xsimd::max(a, b);
  }
  template <class M, class B>
  static B select(M const& m, B const& a, B const& b) {
    return xsimd::select(m, a, b);
  }
};
#endif

constexpr float kSqrt1_2 = 0.7071067811865475244f;     // 1/sqrt(2)
constexpr float kSqrt2OverPi = 0.7978845608028653559f;  // sqrt(2/pi)

// ------------------------------------------------------------- baselines --
// baseline<F>: the textbook formula of functor type F.
//   unary:  template <class M, class V> static V eval(F const&, V x)
//   gated:  template <class M, class V> static V eval(F const&, V gate, V up)

template <class F>
struct always_false : std::false_type {};

template <class F>
struct baseline {
  static_assert(always_false<F>::value,
                "nonlin_bench: this function has no baseline; add a baseline<> specialization "
                "in benchmarks/bench_activations.cpp");
};

template <>
struct baseline<nonlin::relu> {
  template <class M, class V>
  static V eval(nonlin::relu const&, V x) {
    return M::max(x, V(0.0f));
  }
};

template <>
struct baseline<nonlin::leaky_relu> {
  template <class M, class V>
  static V eval(nonlin::leaky_relu const& f, V x) {
    return M::select(x < V(0.0f), V(static_cast<float>(f.alpha)) * x, x);
  }
};

template <>
struct baseline<nonlin::tanh> {
  template <class M, class V>
  static V eval(nonlin::tanh const&, V x) {
    return M::tanh(x);
  }
};

template <>
struct baseline<nonlin::sigmoid> {
  template <class M, class V>
  static V eval(nonlin::sigmoid const&, V x) {
    return V(1.0f) / (V(1.0f) + M::exp(-x));
  }
};

template <>
struct baseline<nonlin::gelu> {
  template <class M, class V>
  static V eval(nonlin::gelu const&, V x) {
    return V(0.5f) * x * (V(1.0f) + M::erf(x * V(kSqrt1_2)));
  }
};

template <>
struct baseline<nonlin::gelu_tanh> {
  template <class M, class V>
  static V eval(nonlin::gelu_tanh const&, V x) {
    return V(0.5f) * x * (V(1.0f) + M::tanh(V(kSqrt2OverPi) * (x + V(0.044715f) * x * x * x)));
  }
};

template <>
struct baseline<nonlin::silu> {
  template <class M, class V>
  static V eval(nonlin::silu const&, V x) {
    return x / (V(1.0f) + M::exp(-x));
  }
};

template <>
struct baseline<nonlin::swish> {
  template <class M, class V>
  static V eval(nonlin::swish const& f, V x) {
    return x / (V(1.0f) + M::exp(-(V(static_cast<float>(f.beta)) * x)));
  }
};

template <>
struct baseline<nonlin::glu> {
  template <class M, class V>
  static V eval(nonlin::glu const&, V gate, V up) {
    return baseline<nonlin::sigmoid>::eval<M>(nonlin::sigmoid{}, gate) * up;
  }
};

template <>
struct baseline<nonlin::swiglu> {
  template <class M, class V>
  static V eval(nonlin::swiglu const& f, V gate, V up) {
    return baseline<nonlin::swish>::eval<M>(nonlin::swish{f.beta}, gate) * up;
  }
};

template <>
struct baseline<nonlin::geglu> {
  template <class M, class V>
  static V eval(nonlin::geglu const&, V gate, V up) {
    return baseline<nonlin::gelu>::eval<M>(nonlin::gelu{}, gate) * up;
  }
};

template <>
struct baseline<nonlin::geglu_tanh> {
  template <class M, class V>
  static V eval(nonlin::geglu_tanh const&, V gate, V up) {
    return baseline<nonlin::gelu_tanh>::eval<M>(nonlin::gelu_tanh{}, gate) * up;
  }
};

// ----------------------------------------------------------- baseline loops --

template <class F>
void std_loop(F const& f, const float* in, float* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = baseline<F>::template eval<std_math>(f, in[i]);
}

template <class F>
void std_loop(F const& f, const float* gate, const float* up, float* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = baseline<F>::template eval<std_math>(f, gate[i], up[i]);
}

#if NONLIN_USE_XSIMD
template <class F>
void xsimd_loop(F const& f, const float* in, float* out, std::size_t n) {
  using B = xsimd::batch<float>;
  constexpr std::size_t W = B::size;
  std::size_t i = 0;
  for (; i + W <= n; i += W) {
    xsimd::store_unaligned(out + i, baseline<F>::template eval<xsimd_math>(f, xsimd::load_unaligned(in + i)));
  }
  for (; i < n; ++i) out[i] = baseline<F>::template eval<std_math>(f, in[i]);
}

template <class F>
void xsimd_loop(F const& f, const float* gate, const float* up, float* out, std::size_t n) {
  using B = xsimd::batch<float>;
  constexpr std::size_t W = B::size;
  std::size_t i = 0;
  for (; i + W <= n; i += W) {
    xsimd::store_unaligned(out + i, baseline<F>::template eval<xsimd_math>(f, xsimd::load_unaligned(gate + i),
                                                                            xsimd::load_unaligned(up + i)));
  }
  for (; i < n; ++i) out[i] = baseline<F>::template eval<std_math>(f, gate[i], up[i]);
}
#endif

// -------------------------------------------------------------------- data --

struct free_deleter {
  void operator()(float* p) const noexcept { std::free(p); }
};
using buffer = std::unique_ptr<float[], free_deleter>;

buffer allocate(std::size_t n) {
  constexpr std::size_t align = 64;
  const std::size_t bytes = ((n * sizeof(float) + align - 1) / align) * align;
  auto* p = static_cast<float*>(std::aligned_alloc(align, bytes));
  if (p == nullptr) throw std::bad_alloc();
  return buffer(p);
}

// Deterministic (splitmix64), the same on every platform: floats in [-8, 8).
void fill_random(float* p, std::size_t n, std::uint64_t seed) {
  std::uint64_t s = seed;
  for (std::size_t i = 0; i < n; ++i) {
    s += 0x9E3779B97F4A7C15ull;
    std::uint64_t z = s;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    p[i] = static_cast<float>(z >> 40) * (16.0f / 16777216.0f) - 8.0f;  // 24 random bits
  }
}

// Per size, allocated and filled once (on first use, so that a filtered run
// does not pay for the sizes it skips), 64-byte aligned:
//   in  2n floats: unary input = in[0, n); gated: gate = in[0, n),
//       up = in[n, 2n); packed: in as [rows x 2*hidden]
//   out n floats.
struct data_set {
  std::size_t n;
  buffer in;
  buffer out;
};

data_set& data(std::size_t n) {
  static std::map<std::size_t, std::unique_ptr<data_set>> sets;
  auto& slot = sets[n];
  if (!slot) {
    slot.reset(new data_set{n, allocate(2 * n), allocate(n)});
    fill_random(slot->in.get(), 2 * n, 0x6E6F6E6C696EULL + n);
    std::memset(slot->out.get(), 0, n * sizeof(float));  // touch the pages outside the timed loop
  }
  return *slot;
}

// Row width of the packed benchmark (a LLaMA-sized hidden dimension, capped
// by n for the smallest size).
std::size_t packed_hidden(std::size_t n) { return std::min<std::size_t>(n, 4096); }

// --------------------------------------------------------------- running --

// Runs kernel(in, out) per iteration; `read` and `written` are element counts.
template <class Kernel>
void run(benchmark::State& st, std::size_t n, std::size_t read, Kernel kernel) {
  data_set& d = data(n);
  const float* in = d.in.get();
  float* out = d.out.get();
  for (auto _ : st) {
    benchmark::DoNotOptimize(in);
    kernel(in, out);
    benchmark::DoNotOptimize(out);
    benchmark::ClobberMemory();
  }
  st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()) * static_cast<std::int64_t>(n));
  st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations()) *
                       static_cast<std::int64_t>((read + n) * sizeof(float)));
}

std::string bench_name(const char* function, const char* variant, std::size_t n) {
  return std::string(function) + "/" + variant + "/" + std::to_string(n);
}

template <class F>
void register_unary(F const& f) {
  for (std::size_t n : kSizes) {
    benchmark::RegisterBenchmark(bench_name(F::name, "nonlin", n).c_str(), [f, n](benchmark::State& st) {
      run(st, n, n, [&](const float* in, float* out) { nonlin::apply(f, in, out, n); });
    });
    benchmark::RegisterBenchmark(bench_name(F::name, "std_loop", n).c_str(), [f, n](benchmark::State& st) {
      run(st, n, n, [&](const float* in, float* out) { std_loop(f, in, out, n); });
    });
#if NONLIN_USE_XSIMD
    benchmark::RegisterBenchmark(bench_name(F::name, "xsimd_math", n).c_str(), [f, n](benchmark::State& st) {
      run(st, n, n, [&](const float* in, float* out) { xsimd_loop(f, in, out, n); });
    });
#endif
  }
}

template <class G>
void register_gated(G const& g) {
  for (std::size_t n : kSizes) {
    benchmark::RegisterBenchmark(bench_name(G::name, "nonlin", n).c_str(), [g, n](benchmark::State& st) {
      run(st, n, 2 * n, [&](const float* in, float* out) { nonlin::apply(g, in, in + n, out, n); });
    });
    benchmark::RegisterBenchmark(bench_name(G::name, "nonlin_packed", n).c_str(), [g, n](benchmark::State& st) {
      const std::size_t hidden = packed_hidden(n);
      const std::size_t rows = n / hidden;
      run(st, n, 2 * n, [&](const float* in, float* out) { nonlin::apply_packed(g, in, out, rows, hidden); });
    });
    benchmark::RegisterBenchmark(bench_name(G::name, "std_loop", n).c_str(), [g, n](benchmark::State& st) {
      run(st, n, 2 * n, [&](const float* in, float* out) { std_loop(g, in, in + n, out, n); });
    });
#if NONLIN_USE_XSIMD
    benchmark::RegisterBenchmark(bench_name(G::name, "xsimd_math", n).c_str(), [g, n](benchmark::State& st) {
      run(st, n, 2 * n, [&](const float* in, float* out) { xsimd_loop(g, in, in + n, out, n); });
    });
#endif
  }
}

void register_copy() {
  for (std::size_t n : kSizes) {
    benchmark::RegisterBenchmark(bench_name("copy", "memcpy", n).c_str(), [n](benchmark::State& st) {
      run(st, n, n, [&](const float* in, float* out) { std::memcpy(out, in, n * sizeof(float)); });
    });
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_copy();
  nonlin::for_each_function(nonlin::unary_functions(), [](auto const& f) { register_unary(f); });
  nonlin::for_each_function(nonlin::gated_functions(), [](auto const& g) { register_gated(g); });

  benchmark::AddCustomContext("nonlin_version", std::to_string(NONLIN_VERSION_MAJOR) + "." +
                                                    std::to_string(NONLIN_VERSION_MINOR) + "." +
                                                    std::to_string(NONLIN_VERSION_PATCH));
#if defined(__clang__)
  benchmark::AddCustomContext("nonlin_compiler", std::string("clang ") + __clang_version__);
#elif defined(__GNUC__)
  benchmark::AddCustomContext("nonlin_compiler", std::string("gcc ") + __VERSION__);
#elif defined(_MSC_VER)
  benchmark::AddCustomContext("nonlin_compiler", "msvc " + std::to_string(_MSC_FULL_VER));
#endif
  benchmark::AddCustomContext("nonlin_cxx_flags", NONLIN_BENCH_CXX_FLAGS);
#if NONLIN_USE_XSIMD
  benchmark::AddCustomContext("nonlin_simd", std::string("xsimd ") + std::to_string(XSIMD_VERSION_MAJOR) + "." +
                                                 std::to_string(XSIMD_VERSION_MINOR) + "." +
                                                 std::to_string(XSIMD_VERSION_PATCH) + ", " +
                                                 xsimd::default_arch::name() + ", " +
                                                 std::to_string(xsimd::batch<float>::size) + " floats");
#else
  benchmark::AddCustomContext("nonlin_simd", "portable scalar (NONLIN_USE_XSIMD=0)");
#endif

  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
