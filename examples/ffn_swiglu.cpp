// ffn_swiglu: a LLaMA-style feed-forward block with nonlin's swiglu.
//
//   h1 = x W1, h3 = x W3        x [tokens x d_model], W1, W3 [d_model x d_ff]
//   act = silu(h1) * h3         nonlin::apply(nonlin::swiglu{}, h1, h3, act, n)
//   y = act W2                  W2 [d_ff x d_model]
//
// Also shows the packed layout that fused projections produce: one matmul
// with [W1 | W3] gives h13 [tokens x 2*d_ff], each row [gate | up], and
// nonlin::apply_packed(nonlin::swiglu{}, h13, act2, tokens, d_ff) activates
// it in place of the split call. Checks y against a plain scalar
// implementation (std::exp silu, double accumulation) and times the
// activation step against a plain std::exp loop. Exits nonzero on failure.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include <nonlin/nonlin.hpp>

#if defined(__GNUC__) || defined(__clang__)
#define EXAMPLE_NOINLINE __attribute__((noinline))
#elif defined(_MSC_VER)
#define EXAMPLE_NOINLINE __declspec(noinline)
#else
#define EXAMPLE_NOINLINE
#endif

namespace {

constexpr std::size_t tokens = 64;
constexpr std::size_t d_model = 512;
constexpr std::size_t d_ff = 1376;

// c[m x n] = a[m x k] * b[k x n], row-major, float accumulation. The i-k-j
// order streams rows of b and c, which compilers vectorize well.
void matmul(const float* a, const float* b, float* c, std::size_t m, std::size_t k, std::size_t n) {
  std::fill(c, c + m * n, 0.0f);
  for (std::size_t i = 0; i < m; ++i) {
    float* ci = c + i * n;
    for (std::size_t p = 0; p < k; ++p) {
      const float aip = a[i * k + p];
      const float* bp = b + p * n;
      for (std::size_t j = 0; j < n; ++j) ci[j] += aip * bp[j];
    }
  }
}

// The same product accumulated in double (the reference).
std::vector<double> matmul_ref(const double* a, const float* b, std::size_t m, std::size_t k, std::size_t n) {
  std::vector<double> c(m * n, 0.0);
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t p = 0; p < k; ++p) {
      const double aip = a[i * k + p];
      for (std::size_t j = 0; j < n; ++j) c[i * n + j] += aip * static_cast<double>(b[p * n + j]);
    }
  }
  return c;
}

// The activation step, kept out of line so that the timing loop calls it as
// an inference engine would.
EXAMPLE_NOINLINE void act_nonlin(const float* h1, const float* h3, float* act, std::size_t n) {
  nonlin::apply(nonlin::swiglu{}, h1, h3, act, n);
}

EXAMPLE_NOINLINE void act_scalar(const float* h1, const float* h3, float* act, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) act[i] = h1[i] / (1.0f + std::exp(-h1[i])) * h3[i];
}

// Best time per call, in microseconds, over up to `reps` calls (fewer if
// they take more than about half a second in all, as in unoptimized builds).
template <class Fn>
double time_us(Fn fn, int reps, int* done) {
  double best = 1e300, total = 0.0;
  int r = 0;
  while (r < reps && (r < 3 || total < 0.5e6)) {
    const auto t0 = std::chrono::steady_clock::now();
    fn();
    const auto t1 = std::chrono::steady_clock::now();
    const double us = std::chrono::duration<double, std::micro>(t1 - t0).count();
    best = std::min(best, us);
    total += us;
    ++r;
  }
  *done = r;
  return best;
}

}  // namespace

int main() {
  std::mt19937 rng(20240601u);
  auto fill = [&rng](std::vector<float>& v, float scale) {
    std::uniform_real_distribution<float> dist(-scale, scale);
    for (auto& e : v) e = dist(rng);
  };

  std::vector<float> x(tokens * d_model), w1(d_model * d_ff), w3(d_model * d_ff), w2(d_ff * d_model);
  fill(x, 1.0f);
  // Uniform weights with variance ~1/fan_in keep the activations O(1).
  fill(w1, std::sqrt(3.0f / d_model));
  fill(w3, std::sqrt(3.0f / d_model));
  fill(w2, std::sqrt(3.0f / d_ff));

  // ------------------------------------------------------- split layout --
  const std::size_t n = tokens * d_ff;
  std::vector<float> h1(n), h3(n), act(n), y(tokens * d_model);
  const auto t0 = std::chrono::steady_clock::now();
  matmul(x.data(), w1.data(), h1.data(), tokens, d_model, d_ff);
  matmul(x.data(), w3.data(), h3.data(), tokens, d_model, d_ff);
  nonlin::apply(nonlin::swiglu{}, h1.data(), h3.data(), act.data(), n);
  matmul(act.data(), w2.data(), y.data(), tokens, d_ff, d_model);
  const auto t1 = std::chrono::steady_clock::now();
  std::printf("FFN block: tokens=%zu d_model=%zu d_ff=%zu  (forward pass %.1f ms, naive matmuls)\n", tokens, d_model,
              d_ff, std::chrono::duration<double, std::milli>(t1 - t0).count());

  // ------------------------------------------------------ packed layout --
  // A fused projection x [W1 | W3] yields rows [gate | up]; here the rows are
  // assembled from h1 and h3 so that both layouts hold the same numbers.
  std::vector<float> h13(tokens * 2 * d_ff), act2(n);
  for (std::size_t t = 0; t < tokens; ++t) {
    std::memcpy(&h13[t * 2 * d_ff], &h1[t * d_ff], d_ff * sizeof(float));
    std::memcpy(&h13[t * 2 * d_ff + d_ff], &h3[t * d_ff], d_ff * sizeof(float));
  }
  nonlin::apply_packed(nonlin::swiglu{}, h13.data(), act2.data(), tokens, d_ff);
  const bool packed_equal = std::memcmp(act.data(), act2.data(), n * sizeof(float)) == 0;
  std::printf("packed [gate | up] via apply_packed equals split apply bit for bit: %s\n",
              packed_equal ? "yes" : "NO");

  // ---------------------------------------------------------- reference --
  std::vector<double> xd(x.begin(), x.end());
  const std::vector<double> r1 = matmul_ref(xd.data(), w1.data(), tokens, d_model, d_ff);
  const std::vector<double> r3 = matmul_ref(xd.data(), w3.data(), tokens, d_model, d_ff);
  std::vector<double> ract(n);
  for (std::size_t i = 0; i < n; ++i) ract[i] = r1[i] / (1.0 + std::exp(-r1[i])) * r3[i];
  std::vector<double> ry(tokens * d_model, 0.0);
  for (std::size_t t = 0; t < tokens; ++t) {
    for (std::size_t p = 0; p < d_ff; ++p) {
      const double a = ract[t * d_ff + p];
      for (std::size_t j = 0; j < d_model; ++j) ry[t * d_model + j] += a * static_cast<double>(w2[p * d_model + j]);
    }
  }

  // Relative difference, normwise: max |y - ref| / max |ref| (elementwise
  // ratios are meaningless where ref crosses zero).
  double max_abs_diff = 0.0, max_ref = 0.0;
  bool finite = true;
  for (std::size_t i = 0; i < y.size(); ++i) {
    finite = finite && std::isfinite(y[i]);
    max_abs_diff = std::max(max_abs_diff, std::fabs(static_cast<double>(y[i]) - ry[i]));
    max_ref = std::max(max_ref, std::fabs(ry[i]));
  }
  const double rel = max_ref > 0 ? max_abs_diff / max_ref : max_abs_diff;
  const double tolerance = 1e-4;
  const bool close = finite && rel <= tolerance;
  std::printf("y vs scalar double reference: max |y - ref| / max |ref| = %.3g (tolerance %.0e): %s\n", rel,
              tolerance, close ? "ok" : "too large");

  // ------------------------------------------------------------- timing --
  const int reps = 200;
  std::vector<float> act3(n);
  int reps_nonlin = 0, reps_scalar = 0;
  const double us_nonlin = time_us([&] { act_nonlin(h1.data(), h3.data(), act.data(), n); }, reps, &reps_nonlin);
  const double us_scalar = time_us([&] { act_scalar(h1.data(), h3.data(), act3.data(), n); }, reps, &reps_scalar);
  double scalar_vs_nonlin = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double d = std::fabs(static_cast<double>(act3[i]) - static_cast<double>(act[i]));
    scalar_vs_nonlin = std::max(scalar_vs_nonlin, d / std::max(std::fabs(static_cast<double>(act[i])), 1e-30));
  }
  std::printf("activation step, %zu elements, best of %d / %d runs:\n", n, reps_nonlin, reps_scalar);
  std::printf("  nonlin::apply(swiglu)      %9.2f us  (%.3f ns/element)\n", us_nonlin, 1e3 * us_nonlin / n);
  std::printf("  scalar std::exp loop       %9.2f us  (%.3f ns/element)\n", us_scalar, 1e3 * us_scalar / n);
  std::printf("  speedup                    %9.2fx\n", us_scalar / us_nonlin);
#if (defined(__GNUC__) || defined(__clang__)) && !defined(__OPTIMIZE__)
  std::printf("  (unoptimized build: these timings say nothing about nonlin's speed)\n");
#endif
  std::printf("  (max elementwise relative difference between the two: %.2g)\n", scalar_vs_nonlin);

  const bool pass = packed_equal && close;
  std::printf("%s\n", pass ? "PASS" : "FAIL");
  return pass ? 0 : 1;
}
