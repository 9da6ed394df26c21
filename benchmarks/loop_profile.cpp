// nonlin_loop_profile: what bounds the speed of each float kernel on this
// machine, measured without performance counters (this VM has none).
//
// For every unary function of nonlin's function list (both tiers), and when
// built in, Eigen's expression of it (peers/eigen_expr.hpp) and XNNPACK's
// sigmoid operator, it measures
//   * throughput: ns per element over n = 4096 floats (L1-resident, 64-byte
//     aligned), the best of --reps timed loops;
//   * latency: ns per call when one 16-float vector is fed back through the
//     kernel in place (each call's input is the previous call's output), so
//     that calls cannot overlap and the time is the dependency chain from
//     load to store. The buffer is refilled every 64 calls so the values do
//     not drift to a fixed point or into the subnormal range. XNNPACK's
//     operator call costs far more than its kernel, so it has no latency;
//   * the core clock: a chain of dependent integer adds (one per cycle on
//     every x86 core since the Pentium 4), to turn ns into cycles.
// and prints one CSV row per kernel (kind,name,ns_per_element,latency_ns,
// entry) with the kernel's entry point as an offset from
// nonlin_loop_profile_anchor, so that benchmarks/loop_profile.py can find
// its vector loop in the disassembly and count its instructions.
//
//   nonlin_loop_profile [--reps R]
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include <nonlin/nonlin.hpp>

#if NONLIN_BENCH_HAVE_EIGEN
#include "peers/eigen_expr.hpp"
#endif
#if NONLIN_BENCH_HAVE_XNNPACK
#include <xnnpack.h>

#include "peers/xnnpack_isa.hpp"
#endif

#if defined(__GNUC__)
#define NONLIN_PROFILE_NOINLINE __attribute__((noinline))
#else
#define NONLIN_PROFILE_NOINLINE
#endif

extern "C" NONLIN_PROFILE_NOINLINE void nonlin_loop_profile_anchor() {
#if defined(__GNUC__)
  asm volatile("");
#endif
}

namespace {

using kernel_fn = void (*)(const float*, float*, std::size_t);

// The functor each kernel instance applies (swish carries its beta).
template <class F>
F g_functor{};

template <class F>
NONLIN_PROFILE_NOINLINE void nonlin_kernel(const float* in, float* out, std::size_t n) {
  nonlin::apply(g_functor<F>, in, out, n);
}

#if NONLIN_BENCH_HAVE_EIGEN
template <class F>
NONLIN_PROFILE_NOINLINE void eigen_kernel(const float* in, float* out, std::size_t n) {
  namespace ee = nonlin_bench::eigen_expr;
  const auto ni = static_cast<Eigen::Index>(n);
  ee::Map(out, ni) = ee::act(g_functor<F>, ee::CMap(in, ni));
}
#endif

#if NONLIN_BENCH_HAVE_XNNPACK
// XNNPACK's sigmoid operator, created once for n = 4096 (the only size run).
xnn_operator_t g_xnn_sigmoid = nullptr;
const float* g_xnn_in = nullptr;
float* g_xnn_out = nullptr;
NONLIN_PROFILE_NOINLINE void xnnpack_sigmoid(const float* in, float* out, std::size_t n) {
  if (in != g_xnn_in || out != g_xnn_out) {
    if (xnn_setup_sigmoid_nc_f32(g_xnn_sigmoid, n, in, out, nullptr) != xnn_status_success) std::abort();
    g_xnn_in = in;
    g_xnn_out = out;
  }
  if (xnn_run_operator(g_xnn_sigmoid, nullptr) != xnn_status_success) std::abort();
}
#endif

struct row {
  std::string kind, name;
  kernel_fn fn;
  bool chain;  // latency measurable
};

float* aligned_floats(std::size_t n) {
  void* p = std::aligned_alloc(64, ((n * sizeof(float) + 63) / 64) * 64);
  if (p == nullptr) std::abort();
  return static_cast<float*>(p);
}

double now_ns() {
  return std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double throughput_ns(kernel_fn fn, const float* in, float* out, std::size_t n, int reps) {
  const int inner = 400;
  for (int i = 0; i < inner; ++i) fn(in, out, n);  // warm up
  double best = 1e300;
  for (int r = 0; r < reps; ++r) {
    const double t0 = now_ns();
    for (int i = 0; i < inner; ++i) fn(in, out, n);
    best = std::min(best, (now_ns() - t0) / (double(inner) * double(n)));
  }
  return best;
}

double latency_ns(kernel_fn fn, const float* seed, float* buf, int reps) {
  const int blocks = 400, per_block = 64;
  double best = 1e300;
  for (int r = 0; r < reps; ++r) {
    const double t0 = now_ns();
    for (int b = 0; b < blocks; ++b) {
      std::memcpy(buf, seed, 16 * sizeof(float));
      for (int i = 0; i < per_block; ++i) fn(buf, buf, 16);
    }
    best = std::min(best, (now_ns() - t0) / double(blocks * per_block));
  }
  return best;
}

// Core clock in GHz from dependent adds; 0 where the asm is not available.
double clock_ghz() {
#if defined(__x86_64__) && defined(__GNUC__)
  double best = 0;
  for (int r = 0; r < 5; ++r) {
    std::uint64_t x = 0;
    const long iters = 50000000;
    const double t0 = now_ns();
    for (long i = 0; i < iters; ++i) {
      asm volatile("add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
                   "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0"
                   : "+r"(x));
    }
    best = std::max(best, 8.0 * double(iters) / (now_ns() - t0));
  }
  return best;
#else
  return 0;
#endif
}

}  // namespace

int main(int argc, char** argv) {
  int reps = 15;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--reps") == 0 && i + 1 < argc) {
      reps = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: %s [--reps R]\n", argv[0]);
      return 2;
    }
  }
  std::vector<row> rows;
  nonlin::for_each_function(nonlin::unary_functions(), [&](auto const& f) {
    using F = std::decay_t<decltype(f)>;
    g_functor<F> = f;
    rows.push_back({"nonlin", F::name, &nonlin_kernel<F>, true});
#if NONLIN_BENCH_HAVE_EIGEN
    if constexpr (nonlin_bench::eigen_expr::has_act<F>()) rows.push_back({"eigen", F::name, &eigen_kernel<F>, true});
#endif
  });
#if NONLIN_BENCH_HAVE_XNNPACK
  std::fprintf(stderr, "nonlin_loop_profile: XNNPACK: %s\n", nonlin_bench::hold_xnnpack_to_build_isa().c_str());
  if (xnn_initialize(nullptr) != xnn_status_success ||
      xnn_create_sigmoid_nc_f32(1, 1, 1, 0, &g_xnn_sigmoid) != xnn_status_success) {
    std::fprintf(stderr, "nonlin_loop_profile: XNNPACK initialisation failed\n");
    return 1;
  }
  rows.push_back({"xnnpack", "sigmoid", &xnnpack_sigmoid, false});
#endif

  const std::size_t n = 4096;
  float* in = aligned_floats(n);
  float* out = aligned_floats(n);
  float* seed = aligned_floats(16);
  float* buf = aligned_floats(16);
  std::mt19937 gen(12345);
  std::uniform_real_distribution<float> dist(-8.0f, 8.0f);
  for (std::size_t i = 0; i < n; ++i) in[i] = dist(gen);
  std::memcpy(seed, in, 16 * sizeof(float));

  const double ghz_before = clock_ghz();
  std::printf("kind,name,ns_per_element,latency_ns,entry\n");
  const auto anchor = reinterpret_cast<std::uintptr_t>(&nonlin_loop_profile_anchor);
  for (auto const& r : rows) {
    const double tp = throughput_ns(r.fn, in, out, n, reps);
    const double lat = r.chain ? latency_ns(r.fn, seed, buf, reps) : -1.0;
    const auto entry = static_cast<long long>(reinterpret_cast<std::uintptr_t>(r.fn) - anchor);
    std::printf("%s,%s,%.5f,%.3f,%lld\n", r.kind.c_str(), r.name.c_str(), tp, lat, entry);
  }
  const double ghz_after = clock_ghz();
  std::printf("# clock_ghz,%.3f,%.3f\n", ghz_before, ghz_after);
  std::free(in);
  std::free(out);
  std::free(seed);
  std::free(buf);
  return 0;
}
