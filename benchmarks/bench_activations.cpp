// nonlin_bench: every function of nonlin::unary_functions() and
// nonlin::gated_functions(), at several sizes, next to its baselines:
//
//   <name>/nonlin/<set>/<n>         nonlin::apply (gated: the two-input form)
//   <name>/nonlin_fast/<set>/<n>    the same for nonlin::fast
//   <name>/nonlin_packed/<set>/<n>  gated only: nonlin::apply_packed on [rows x 2*hidden]
//   <name>/std_loop/<set>/<n>       the textbook formula, scalar loop over <cmath>
//   <name>/xsimd_math/<set>/<n>     the same formula on xsimd::batch<float> with
//                                   xsimd::exp/erf/tanh (only when nonlin uses xsimd)
//   copy/memcpy/uniform/<n>         std::memcpy of the input: the bandwidth ceiling
//   <name>/<variant>/{bf16,f16}/<n> 16-bit storage (bench_half.cpp), on the
//                                   uniform inputs rounded to bf16 or f16
//   <name>/<peer>/<set>/<n>         other libraries, each compiled in only when
//                                   CMake found it (NONLIN_BENCH_PEERS): onednn,
//                                   xnnpack, eigen, sleef, torch -- see peers/*.cpp
//   dispatch/<name>/<v>/uniform/<n> the dispatch study, n = 64 and 4096
//                                   (x86-64 with nonlin::dispatch): native =
//                                   nonlin::apply here, native_call = the same
//                                   called out of line; dispatch, baseline =
//                                   nonlin::dispatch::apply and nonlin::apply
//                                   from a TU built without -march
//                                   (bench_dispatch.cpp)
// <set> is the input set (bench_common.hpp): uniform, realistic or tails.
//
// Everything runs on one thread (OpenMP, used by oneDNN and libtorch, is
// limited to one thread in main()). Before the benchmarks run, every peer's
// output is compared with nonlin's on 4096 values plus special inputs; the
// result goes to the JSON context (nonlin_check/<name>/<peer>) and gross
// disagreements to stderr.
//
// nonlin_bench --peer_accuracy[=STRIDE] [--peer_accuracy_out=FILE]
// [--peer_accuracy_threads=N] runs no benchmark: it measures the accuracy of
// every unary kernel above (both nonlin tiers, the baselines, the peers) over
// the float32 bit patterns k * STRIDE (default 97) against a long double
// reference and prints a markdown report (peer_accuracy.hpp/.cpp;
// benchmarks/peer_accuracy.sh writes benchmarks/peer_accuracy.md).
//
// n counts output floats. items/s = n per call; bytes/s = bytes read + written.
// Benchmarks are registered from the function lists, each function's
// baselines from the textbook formula of its spec row (tests/spec.hpp), so a
// function added to a list is benchmarked automatically -- and fails to
// compile here until it has a spec row.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "bench_common.hpp"
#include "peer_accuracy.hpp"
#if NONLIN_BENCH_HAVE_DISPATCH
#include "nonlin/dispatch.hpp"
#endif
#include "spec.hpp"

#if NONLIN_BENCH_HAVE_ONEDNN || NONLIN_BENCH_HAVE_TORCH
#include <dlfcn.h>
#endif

#ifndef NONLIN_BENCH_CXX_FLAGS
#define NONLIN_BENCH_CXX_FLAGS "unknown"
#endif

#ifndef NONLIN_BENCH_PEERS_FOUND
#define NONLIN_BENCH_PEERS_FOUND ""
#endif
#ifndef NONLIN_BENCH_PEERS_MISSING
#define NONLIN_BENCH_PEERS_MISSING ""
#endif

namespace {

using nonlin_bench::bench_name;
using nonlin_bench::data;
using nonlin_bench::kSizes;
using nonlin_bench::run;

// ------------------------------------------------------------ math policies --
// A baseline formula is written once, as a template over the value type V and
// a math policy M; std_math gives the <cmath> scalar functions, xsimd_math the
// xsimd batch ones. So std_loop and xsimd_math compute the same formula.

struct std_math {
  static float exp(float x) { return std::exp(x); }
  static float erf(float x) { return std::erf(x); }
  static float tanh(float x) { return std::tanh(x); }
  static float max(float a, float b) { return std::max(a, b); }
  static float min(float a, float b) { return std::min(a, b); }
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
  template <class B>
  static B min(B const& a, B const& b) {
    return xsimd::min(a, b);
  }
  template <class M, class B>
  static B select(M const& m, B const& a, B const& b) {
    return xsimd::select(m, a, b);
  }
};
#endif

// ------------------------------------------------------------- baselines --
// baseline<F>: the textbook formula of functor type F, from its spec row:
//   unary:  eval<M>(f, x);  gated: eval<M>(g, gate, up) = act(gate) * up.

template <class F>
struct baseline {
  using S = nonlin_spec::spec_of<F>;
  template <class M, class V>
  static V eval(F const& f, V x) {
    return S::def::template textbook<M>(x, static_cast<float>(nonlin_spec::param_of(f)));
  }
  template <class M, class V>
  static V eval(F const& g, V gate, V up) {
    return S::def::template textbook<M>(gate, static_cast<float>(nonlin_spec::param_of(g))) * up;
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

// Row width of the packed benchmark (a LLaMA-sized hidden dimension, capped
// by n for the smallest size).
std::size_t packed_hidden(std::size_t n) { return std::min<std::size_t>(n, 4096); }

// ----------------------------------------------------------------- peers --

// Registers <function>/<peer>/<set>/<n> for every peer entry of this function.
void register_peers(const char* function, std::size_t n, nonlin_bench::input_set set) {
  const auto& entries = nonlin_bench::peer_entries();
  for (std::size_t e = 0; e < entries.size(); ++e) {
    if (entries[e].function != function) continue;
    benchmark::RegisterBenchmark(
        bench_name(function, entries[e].peer.c_str(), n, set).c_str(), [e, n, set](benchmark::State& st) {
          const auto& entry = nonlin_bench::peer_entries()[e];
          nonlin_bench::kernel k;
          try {
            k = entry.make(n);  // primitives, operators, tensors: outside the timed loop
          } catch (std::exception const& ex) {
            st.SkipWithError(ex.what());
            return;
          }
          run(st, n, entry.gated ? 2 * n : n, k, set);
        });
  }
}

// Limits OpenMP (oneDNN's and libtorch's threading runtime) to one thread. The
// OpenMP runtime reads OMP_NUM_THREADS when it is loaded, before main(), so
// this calls omp_set_num_threads of the runtime those libraries loaded.
// Returns a description for the JSON context.
std::string limit_threads() {
  std::string how = "1 (benchmark thread only)";
#if NONLIN_BENCH_HAVE_ONEDNN || NONLIN_BENCH_HAVE_TORCH
  using set_fn = void (*)(int);
  using get_fn = int (*)();
  auto set = reinterpret_cast<set_fn>(dlsym(RTLD_DEFAULT, "omp_set_num_threads"));
  auto get = reinterpret_cast<get_fn>(dlsym(RTLD_DEFAULT, "omp_get_max_threads"));
  if (set != nullptr) set(1);
  how += get != nullptr ? "; OpenMP max threads " + std::to_string(get()) : std::string("; no OpenMP runtime found");
#endif
  return how;
}

// ------------------------------------------------------------- spot check --
// Each peer against nonlin on data(4096) with special values in the first
// elements of the (gate) input. err = |peer - nonlin| / max(|nonlin|, 1) and
// rel = |peer - nonlin| / |nonlin| (|nonlin| >= FLT_MIN), over finite inputs;
// disagreements = a NaN/inf where the other is not, or
// different infinities (all inputs, including +-inf).

constexpr float kSpecials[] = {0.0f,    -0.0f,   1e-30f, -1e-30f, 1e-7f,  -1e-7f,  0.5f,    -0.5f,   3.0f,
                               -3.0f,   9.0f,    -9.0f,  10.0f,   -10.0f, 15.0f,   -15.0f,  20.0f,   -20.0f,
                               30.0f,   -30.0f,  50.0f,  -50.0f,  87.0f,  -87.0f,  89.0f,   -89.0f,  100.0f,
                               -100.0f, 1000.0f, -1e3f,  1e6f,    -1e6f,  1e20f,   -1e20f,  3e38f,   -3e38f,
                               INFINITY, -INFINITY};

void reference(const std::string& function, bool gate_second, const float* in, float* out, std::size_t n) {
  nonlin::for_each_function(nonlin::unary_functions(), [&](auto const& f) {
    if (function == f.name) nonlin::apply(f, in, out, n);
  });
  nonlin::for_each_function(nonlin::gated_functions(), [&](auto const& g) {
    if (function == g.name) {
      if (gate_second) {
        nonlin::apply(g, in + n, in, out, n);
      } else {
        nonlin::apply(g, in, in + n, out, n);
      }
    }
  });
}

std::string show(float x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(x));
  return buf;
}

void check_peers() {
  constexpr std::size_t n = 4096;
  nonlin_bench::buffer in = nonlin_bench::allocate(2 * n);
  nonlin_bench::buffer ref = nonlin_bench::allocate(n);
  nonlin_bench::buffer got = nonlin_bench::allocate(n);
  for (auto const& entry : nonlin_bench::peer_entries()) {
    std::memcpy(in.get(), data(n).in.get(), 2 * n * sizeof(float));
    float* gate = in.get() + (entry.gate_second ? n : 0);
    std::memcpy(gate, kSpecials, sizeof kSpecials);
    reference(entry.function, entry.gate_second, in.get(), ref.get(), n);
    std::string result;
    try {
      std::fill(got.get(), got.get() + n, std::nanf(""));
      entry.make(n)(in.get(), got.get());
      double max_err = 0, max_rel = 0;
      std::size_t at = 0, rel_at = 0;
      int bad = 0;
      std::string bad_list;
      for (std::size_t i = 0; i < n; ++i) {
        const float r = ref[i], p = got[i];
        const bool agree = (std::isnan(r) && std::isnan(p)) ||
                           (std::isfinite(r) && std::isfinite(p)) || (std::isinf(r) && r == p);
        if (!agree) {
          if (++bad <= 3) {
            bad_list += (bad_list.empty() ? "" : ", ") + std::string("x=") + show(gate[i]) + ": " + show(p) +
                        " (nonlin " + show(r) + ")";
          }
          continue;
        }
        if (std::isfinite(r) && std::isfinite(gate[i])) {
          const double err = std::fabs(double(p) - double(r)) / std::max(std::fabs(double(r)), 1.0);
          if (err > max_err) {
            max_err = err;
            at = i;
          }
          if (std::fabs(r) >= FLT_MIN) {
            const double rel = std::fabs(double(p) - double(r)) / std::fabs(double(r));
            if (rel > max_rel) {
              max_rel = rel;
              rel_at = i;
            }
          }
        }
      }
      char buf[200];
      std::snprintf(buf, sizeof buf, "max_err=%.2g at x=%s; max_rel=%.2g at x=%s", max_err, show(gate[at]).c_str(),
                    max_rel, show(gate[rel_at]).c_str());
      result = buf;
      result += "; disagreements=" + std::to_string(bad);
      if (bad > 0) result += " (" + bad_list + ")";
      if (bad > 0 || max_err > 1e-3) {
        std::fprintf(stderr, "nonlin_bench: check %s/%s: %s\n", entry.function.c_str(), entry.peer.c_str(),
                     result.c_str());
      }
    } catch (std::exception const& ex) {
      result = std::string("error: ") + ex.what();
      std::fprintf(stderr, "nonlin_bench: check %s/%s: %s\n", entry.function.c_str(), entry.peer.c_str(),
                   result.c_str());
    }
    benchmark::AddCustomContext("nonlin_check/" + entry.function + "/" + entry.peer, result);
  }
}

// --------------------------------------------------------------- running --

// Every functor is registered as the variant of its tier: nonlin (the
// default tier, and the functors of tier::all), nonlin_precise or
// nonlin_fast, under its function's name ("sigmoid/nonlin_fast/<set>/<n>");
// the baselines, the packed layout and the peers once per function, beside
// the default tier.
template <class F>
constexpr bool is_fast_tier() {
  return F::tier == nonlin::tier::fast;
}
template <class F>
constexpr bool is_default() {
  return F::tier == nonlin::tier::standard || F::tier == nonlin::tier::all;
}
template <class F>
constexpr const char* variant() {
  return F::tier == nonlin::tier::fast ? "nonlin_fast" : F::tier == nonlin::tier::precise ? "nonlin_precise" : "nonlin";
}
template <class F>
std::string base_function() {
  return nonlin_spec::spec_of<F>::def::name;
}
template <class F>
std::string function_name() {
  if constexpr (nonlin_spec::spec_of<F>::gated) {
    const std::string n = F::name;
    return n.substr(n.find(':') == std::string::npos ? 0 : n.rfind(':') + 1);
  } else {
    return base_function<F>();
  }
}

// Calls fn(set, n) for every (input set, size) the benchmarks run.
template <class Fn>
void for_each_point(Fn&& fn) {
  for (nonlin_bench::input_set set : nonlin_bench::kSets)
    for (std::size_t n : kSizes)
      if (nonlin_bench::runs_on(set, n)) fn(set, n);
}

template <class F>
void register_unary(F const& f) {
  const std::string name = function_name<F>();
  for_each_point([&](nonlin_bench::input_set set, std::size_t n) {
    const char* fn = name.c_str();
    benchmark::RegisterBenchmark(bench_name(fn, variant<F>(), n, set).c_str(), [f, n, set](benchmark::State& st) {
      run(st, n, n, [&](const float* in, float* out) { nonlin::apply(f, in, out, n); }, set);
    });
    if constexpr (is_default<F>()) {
      benchmark::RegisterBenchmark(bench_name(fn, "std_loop", n, set).c_str(), [f, n, set](benchmark::State& st) {
        run(st, n, n, [&](const float* in, float* out) { std_loop(f, in, out, n); }, set);
      });
#if NONLIN_USE_XSIMD
      benchmark::RegisterBenchmark(bench_name(fn, "xsimd_math", n, set).c_str(), [f, n, set](benchmark::State& st) {
        run(st, n, n, [&](const float* in, float* out) { xsimd_loop(f, in, out, n); }, set);
      });
#endif
      register_peers(fn, n, set);
    }
  });
}

template <class G>
void register_gated(G const& g) {
  const std::string name = function_name<G>();
  for_each_point([&](nonlin_bench::input_set set, std::size_t n) {
    const char* fn = name.c_str();
    benchmark::RegisterBenchmark(bench_name(fn, variant<G>(), n, set).c_str(), [g, n, set](benchmark::State& st) {
      run(st, n, 2 * n, [&](const float* in, float* out) { nonlin::apply(g, in, in + n, out, n); }, set);
    });
    if constexpr (is_default<G>()) {
      benchmark::RegisterBenchmark(bench_name(fn, "nonlin_packed", n, set).c_str(), [g, n, set](benchmark::State& st) {
        const std::size_t hidden = packed_hidden(n);
        const std::size_t rows = n / hidden;
        run(st, n, 2 * n, [&](const float* in, float* out) { nonlin::apply_packed(g, in, out, rows, hidden); }, set);
      });
      benchmark::RegisterBenchmark(bench_name(fn, "std_loop", n, set).c_str(), [g, n, set](benchmark::State& st) {
        run(st, n, 2 * n, [&](const float* in, float* out) { std_loop(g, in, in + n, out, n); }, set);
      });
#if NONLIN_USE_XSIMD
      benchmark::RegisterBenchmark(bench_name(fn, "xsimd_math", n, set).c_str(), [g, n, set](benchmark::State& st) {
        run(st, n, 2 * n, [&](const float* in, float* out) { xsimd_loop(g, in, in + n, out, n); }, set);
      });
#endif
      register_peers(fn, n, set);
    }
  });
}

// ------------------------------------------------------ --peer_accuracy --
// Every unary kernel this binary benchmarks, for run_peer_accuracy(): per
// function nonlin_precise, nonlin (default), nonlin_fast, std_loop, xsimd_math and the peer
// entries, with the functions' parameters as the kernels use them.

template <class F>
float param_of(F const& f) {
  return static_cast<float>(nonlin_spec::param_of(f));
}

template <class F>
std::function<nonlin_bench::kernel(std::size_t)> nonlin_kernel(F const& f) {
  return [f](std::size_t n) -> nonlin_bench::kernel {
    return [f, n](const float* in, float* out) { nonlin::apply(f, in, out, n); };
  };
}

// False (with a message) if a precise or fast functor's parameter differs
// from its default twin's, which the reference uses.
bool accuracy_kernels(std::vector<nonlin_bench::accuracy_function>& functions,
                      std::vector<nonlin_bench::accuracy_kernel>& kernels) {
  bool ok = true;
  nonlin_spec::for_each_unary([&](auto const& f) {
    using F = std::decay_t<decltype(f)>;
    const std::string name = base_function<F>();
    const float param = param_of(f);
    if constexpr (!is_default<F>()) {
      auto it = std::find_if(functions.begin(), functions.end(),
                             [&](nonlin_bench::accuracy_function const& a) { return a.name == name; });
      if (it == functions.end() || it->param != param) {
        std::fprintf(stderr, "nonlin_bench: --peer_accuracy: %s has no default twin with its parameter\n", F::name);
        ok = false;
        return;
      }
      kernels.push_back({name, variant<F>(), F::max_ulp_float, nonlin_kernel(f)});
    } else {
      char value[32];
      std::snprintf(value, sizeof value, "%g", static_cast<double>(param));
      std::string label = name;
      if constexpr (std::is_same_v<F, nonlin::leaky_relu>) label += std::string(" (α = ") + value + ")";
      if constexpr (std::is_same_v<F, nonlin::swish>) label += std::string(" (β = ") + value + ")";
      functions.push_back({name, label, param, &nonlin_spec::spec_of<F>::def::template ref<long double>});
      kernels.push_back({name, "nonlin", F::max_ulp_float, nonlin_kernel(f)});
      kernels.push_back({name, "std_loop", -1, [f](std::size_t n) -> nonlin_bench::kernel {
                           return [f, n](const float* in, float* out) { std_loop(f, in, out, n); };
                         }});
#if NONLIN_USE_XSIMD
      kernels.push_back({name, "xsimd_math", -1, [f](std::size_t n) -> nonlin_bench::kernel {
                           return [f, n](const float* in, float* out) { xsimd_loop(f, in, out, n); };
                         }});
#endif
    }
  });
  for (auto const& e : nonlin_bench::peer_entries()) {
    if (!e.gated) kernels.push_back({e.function, e.peer, -1, e.make});
  }
  return ok;
}

// The JSON context (key, value), also the --peer_accuracy report's header.
std::vector<std::pair<std::string, std::string>> context(std::string const& threads) {
  std::vector<std::pair<std::string, std::string>> ctx;
  ctx.emplace_back("nonlin_version", std::to_string(NONLIN_VERSION_MAJOR) + "." +
                                         std::to_string(NONLIN_VERSION_MINOR) + "." +
                                         std::to_string(NONLIN_VERSION_PATCH));
#if defined(__clang__)
  ctx.emplace_back("nonlin_compiler", std::string("clang ") + __clang_version__);
#elif defined(__GNUC__)
  ctx.emplace_back("nonlin_compiler", std::string("gcc ") + __VERSION__);
#elif defined(_MSC_VER)
  ctx.emplace_back("nonlin_compiler", "msvc " + std::to_string(_MSC_FULL_VER));
#endif
  ctx.emplace_back("nonlin_cxx_flags", NONLIN_BENCH_CXX_FLAGS);
#if NONLIN_BENCH_HAVE_DISPATCH
  ctx.emplace_back("nonlin_dispatch_isa", nonlin::dispatch::active_isa());
#endif
#ifdef NONLIN_BENCH_GIT
  ctx.emplace_back("nonlin_git", NONLIN_BENCH_GIT);
#endif
#if NONLIN_USE_XSIMD
  ctx.emplace_back("nonlin_simd", std::string("xsimd ") + std::to_string(XSIMD_VERSION_MAJOR) + "." +
                                      std::to_string(XSIMD_VERSION_MINOR) + "." +
                                      std::to_string(XSIMD_VERSION_PATCH) + ", " + xsimd::default_arch::name() +
                                      ", " + std::to_string(xsimd::batch<float>::size) + " floats");
#else
  ctx.emplace_back("nonlin_simd", "portable scalar (NONLIN_USE_XSIMD=0)");
#endif
  // The route the fast and default tiers take for subnormal results on this
  // CPU (ops.hpp, subnormals_full_speed): it changes their tails times.
#if defined(NONLIN_DETAIL_CPU_FLAG)
  const char* env = std::getenv("NONLIN_SUBNORMALS");
  ctx.emplace_back("nonlin_subnormals", std::string(nonlin::detail::subnormals_full_speed ? "plain" : "split") +
                                            (env != nullptr ? " (NONLIN_SUBNORMALS)" : " (CPUID)"));
#else
  ctx.emplace_back("nonlin_subnormals", "split (no CPU flag on this target)");
#endif
  ctx.emplace_back("nonlin_threads", threads);
  ctx.emplace_back("nonlin_peers", NONLIN_BENCH_PEERS_FOUND);
  ctx.emplace_back("nonlin_peers_missing", NONLIN_BENCH_PEERS_MISSING);
  for (auto const& kv : nonlin_bench::peer_context()) ctx.emplace_back("nonlin_peer/" + kv.first, kv.second);
  return ctx;
}

// nonlin::apply as a call the compiler cannot inline (through a pointer it
// cannot see), for native_call: what any out-of-line call of the kernel
// costs, without dispatch.
template <class F>
__attribute__((noinline)) void apply_out_of_line(F const& f, const float* in, float* out, std::size_t n) {
  nonlin::apply(f, in, out, n);
}
template <class G>
__attribute__((noinline)) void apply_out_of_line(G const& g, const float* gate, const float* up, float* out,
                                                 std::size_t n) {
  nonlin::apply(g, gate, up, out, n);
}

// The dispatch study's references, compiled with this file's flags
// (bench_dispatch.cpp has the baseline variants): native = nonlin::apply,
// inlined into the timing loop as a header-only build has it; native_call =
// the same through an opaque function pointer.
void register_dispatch_native() {
  for (std::size_t n : nonlin_bench::kDispatchSizes) {
    nonlin_spec::for_each_unary([n](auto const& f) {
      using F = std::decay_t<decltype(f)>;
      benchmark::RegisterBenchmark(nonlin_bench::dispatch_name(f.name, "native", n).c_str(),
                                   [f, n](benchmark::State& st) {
                                     run(st, n, n, [&](const float* in, float* out) { nonlin::apply(f, in, out, n); });
                                   });
      benchmark::RegisterBenchmark(
          nonlin_bench::dispatch_name(f.name, "native_call", n).c_str(), [f, n](benchmark::State& st) {
            void (*call)(F const&, const float*, float*, std::size_t) = &apply_out_of_line<F>;
            nonlin_bench::hide_pointer(call);
            run(st, n, n, [&](const float* in, float* out) { call(f, in, out, n); });
          });
    });
    nonlin_spec::for_each_gated([n](auto const& g) {
      using G = std::decay_t<decltype(g)>;
      benchmark::RegisterBenchmark(nonlin_bench::dispatch_name(g.name, "native", n).c_str(),
                                   [g, n](benchmark::State& st) {
                                     run(st, n, 2 * n,
                                         [&](const float* in, float* out) { nonlin::apply(g, in, in + n, out, n); });
                                   });
      benchmark::RegisterBenchmark(
          nonlin_bench::dispatch_name(g.name, "native_call", n).c_str(), [g, n](benchmark::State& st) {
            void (*call)(G const&, const float*, const float*, float*, std::size_t) = &apply_out_of_line<G>;
            nonlin_bench::hide_pointer(call);
            run(st, n, 2 * n, [&](const float* in, float* out) { call(g, in, in + n, out, n); });
          });
    });
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
  nonlin_bench::accuracy_options accuracy;
  {
    std::string error;
    if (!nonlin_bench::take_accuracy_flags(argc, argv, accuracy, error)) {
      std::fprintf(stderr, "nonlin_bench: %s\n", error.c_str());
      return 2;
    }
    if (accuracy.enabled && argc > 1) {
      std::fprintf(stderr, "nonlin_bench: --peer_accuracy runs no benchmark; unexpected argument %s\n", argv[1]);
      return 2;
    }
  }
  const std::string threads = limit_threads();
#if NONLIN_BENCH_HAVE_ONEDNN
  nonlin_bench::register_onednn();
#endif
#if NONLIN_BENCH_HAVE_XNNPACK
  nonlin_bench::register_xnnpack();
#endif
#if NONLIN_BENCH_HAVE_EIGEN
  nonlin_bench::register_eigen();
#endif
#if NONLIN_BENCH_HAVE_SLEEF
  nonlin_bench::register_sleef();
#endif
#if NONLIN_BENCH_HAVE_TORCH
  nonlin_bench::register_torch();
#endif

  if (accuracy.enabled) {
    std::vector<nonlin_bench::accuracy_function> functions;
    std::vector<nonlin_bench::accuracy_kernel> kernels;
    if (!accuracy_kernels(functions, kernels)) return 2;
    // OpenMP's thread limit is per thread: set it again on every worker.
    return nonlin_bench::run_peer_accuracy(accuracy, functions, kernels, context(threads),
                                           [] { limit_threads(); });
  }

  register_copy();
  nonlin_spec::for_each_unary([](auto const& f) { register_unary(f); });
  nonlin_spec::for_each_gated([](auto const& g) { register_gated(g); });
  nonlin_bench::register_half();  // bf16 / f16 storage (bench_half.cpp)
#if NONLIN_BENCH_HAVE_DISPATCH
  register_dispatch_native();
  nonlin_bench::register_dispatch_baseline();
#endif

  for (auto const& kv : context(threads)) benchmark::AddCustomContext(kv.first, kv.second);

  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  if (!nonlin_bench::peer_entries().empty()) check_peers();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
