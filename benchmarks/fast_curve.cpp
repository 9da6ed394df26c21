// nonlin_fast_curve: the speed/accuracy curve behind the fast tier's choice.
//
// For the float sigmoid kernel of detail/fast_math.hpp at every exp
// polynomial degree D = 2..6 and R = 0 or 1 Newton steps after the hardware
// reciprocal estimate, plus the precise kernel, prints one row:
//   max ULP error over the float bit patterns k * stride (default 61: every
//   binade, ~70M inputs; --stride 1 is exhaustive), against a long double
//   reference (tests/spec.hpp), and ns per element of a 4096-float
//   array (L1-resident), best of 7 timed runs of 20000 passes.
// The fast tier uses the knee: see benchmarks/fast_curve.md, written from
// this output by benchmarks/fast_curve.py (which also draws the plot).
//
//   nonlin_fast_curve [--stride K] [--csv FILE]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <nonlin/nonlin.hpp>

#include "common.hpp"
#include "spec.hpp"

namespace {

#if NONLIN_USE_XSIMD
using V = xsimd::batch<float>;
#else
using V = float;
#endif
constexpr std::size_t kLanes = nonlin::detail::vec_traits<V>::size;

template <class K>
void run_kernel(K const& k, const float* in, float* out, std::size_t n) {
  for (std::size_t i = 0; i < n; i += kLanes) {
#if NONLIN_USE_XSIMD
    k(V::load_unaligned(in + i)).store_unaligned(out + i);
#else
    out[i] = k(in[i]);
#endif
  }
}

struct row {
  std::string name;
  int degree, refine;
  double max_ulp, at, ns;
};

template <class K>
row measure(std::string name, int d, int r, K const& k, std::uint64_t stride) {
  const unsigned nt = std::max(1u, std::thread::hardware_concurrency());
  std::vector<double> worst(nt, 0.0), where(nt, 0.0);
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < nt; ++t)
    pool.emplace_back([&, t] {
      constexpr std::size_t kChunk = 1 << 14;
      std::vector<float> in(kChunk), out(kChunk);
      for (std::uint64_t base = std::uint64_t(t) * kChunk * stride; base < (std::uint64_t(1) << 32);
           base += std::uint64_t(nt) * kChunk * stride) {
        for (std::size_t i = 0; i < kChunk; ++i) {
          const std::uint64_t b = base + i * stride;
          const std::uint32_t b32 = static_cast<std::uint32_t>(b < (std::uint64_t(1) << 32) ? b : 0);
          std::memcpy(&in[i], &b32, 4);
        }
        run_kernel(k, in.data(), out.data(), kChunk);
        for (std::size_t i = 0; i < kChunk; ++i) {
          if (std::isnan(in[i])) continue;
          const long double ref = nonlin_spec::def_sigmoid::ref<long double>(in[i], 0);
          const long double e = nonlin_test::ulp_error<float>(out[i], ref);
          if (e > worst[t]) {
            worst[t] = static_cast<double>(e);
            where[t] = in[i];
          }
        }
      }
    });
  for (auto& th : pool) th.join();
  const auto it = std::max_element(worst.begin(), worst.end());
  row res{std::move(name), d, r, *it, where[static_cast<std::size_t>(it - worst.begin())], 0.0};
  constexpr std::size_t kN = 4096;
  std::vector<float> x(kN), y(kN);
  for (std::size_t i = 0; i < kN; ++i) x[i] = -8.0f + 16.0f * static_cast<float>(i) / kN;
  double best = 1e30;
  for (int rep = 0; rep < 7; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int p = 0; p < 20000; ++p) {
      run_kernel(k, x.data(), y.data(), kN);
      __asm__ __volatile__("" : : "r"(y.data()) : "memory");
    }
    const double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
    best = std::min(best, ns / 20000.0 / kN);
  }
  res.ns = best;
  return res;
}

template <int D, int R>
row fast_row(std::uint64_t stride) {
  return measure("fast<" + std::to_string(D) + "," + std::to_string(R) + ">", D, R,
                 [](V const& x) { return nonlin::detail::fast::sigmoid<D, R>(x); }, stride);
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t stride = 61;
  std::string csv;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--stride" && i + 1 < argc) {
      stride = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--csv" && i + 1 < argc) {
      csv = argv[++i];
    } else {
      std::fprintf(stderr, "usage: nonlin_fast_curve [--stride K] [--csv FILE]\n");
      return 2;
    }
  }
  if (stride == 0) stride = 1;
  std::vector<row> rows;
  rows.push_back(measure("precise", 0, 0, [](V const& x) { return nonlin::detail::sigmoid(x); }, stride));
  rows.push_back(fast_row<2, 0>(stride));
  rows.push_back(fast_row<3, 0>(stride));
  rows.push_back(fast_row<4, 0>(stride));
  rows.push_back(fast_row<5, 0>(stride));
  rows.push_back(fast_row<6, 0>(stride));
  rows.push_back(fast_row<2, 1>(stride));
  rows.push_back(fast_row<3, 1>(stride));
  rows.push_back(fast_row<4, 1>(stride));
  rows.push_back(fast_row<5, 1>(stride));
  rows.push_back(fast_row<6, 1>(stride));
  std::printf("sigmoid, float, %zu lanes, stride %llu; tier default: degree %d, refine %d\n", kLanes,
              static_cast<unsigned long long>(stride), nonlin::detail::fast::degree, nonlin::detail::fast::refine);
  std::printf("| kernel | exp degree | Newton steps | max ULP | rel. error | at x | ns/element (n = 4096) |\n");
  std::printf("|---|---:|---:|---:|---:|---|---:|\n");
  for (auto const& r : rows)
    std::printf("| %s | %d | %d | %.1f | 2^%.1f | %a | %.4f |\n", r.name.c_str(), r.degree, r.refine, r.max_ulp,
                std::log2(r.max_ulp) - 24.0, r.at, r.ns);
  if (!csv.empty()) {
    std::FILE* f = std::fopen(csv.c_str(), "w");
    if (f == nullptr) return 1;
    std::fprintf(f, "kernel,degree,refine,max_ulp,ns\n");
    for (auto const& r : rows) std::fprintf(f, "\"%s\",%d,%d,%.6g,%.6g\n", r.name.c_str(), r.degree, r.refine, r.max_ulp, r.ns);
    std::fclose(f);
  }
  return 0;
}
