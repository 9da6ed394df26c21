// nonlin_ab_half: a small timing harness for A/B studies of the 16-bit
// storage loops -- each function of the default, fast and precise tiers on
// float, bf16 and f16 buffers, n = 4096 (or the n given), in one process.
// Not built by CMake: an A/B study compiles it twice, against the headers
// before and after a change, and runs the two binaries alternately, pinned
// to one CPU:
//
//   c++ -O3 -march=x86-64-v3 -std=c++17 -I include benchmarks/ab_half.cpp -o ab_half
//   taskset -c 1 ./ab_half [n, default 4096]
//
// Inputs uniform in [-8, 8) (ups in [-2, 2)), rounded to the storage type;
// each time is the fastest of `reps` calls (about 2^23 elements' worth),
// taken twice (float, bf16, f16, float, bf16, f16). Prints one row per
// function and tier: ns per element for float, bf16 and f16 storage, and
// float's time over each 16-bit one's (> 1: the 16-bit storage is faster).
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include <nonlin/nonlin.hpp>

namespace {

template <class Call>
double fastest(Call&& call, std::size_t n) {
  const std::size_t reps = std::max<std::size_t>(8, (std::size_t(1) << 23) / n);
  double best = 1e30;
  for (std::size_t r = 0; r < reps; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    call();
    const auto t1 = std::chrono::steady_clock::now();
    best = std::min(best, std::chrono::duration<double, std::nano>(t1 - t0).count());
  }
  return best / double(n);
}

template <class T>
struct buffers {
  std::vector<T> x, u, y;
};

std::size_t n_elems = 4096;
buffers<float> bf32;
buffers<nonlin::bf16> bb16;
buffers<nonlin::f16> bh16;

template <class T>
void fill(buffers<T>& b, std::vector<float> const& x, std::vector<float> const& u) {
  b.x.resize(x.size());
  b.u.resize(u.size());
  b.y.resize(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    if constexpr (std::is_same<T, float>::value) {
      b.x[i] = x[i];
      b.u[i] = u[i];
    } else {
      b.x[i] = T(x[i]);
      b.u[i] = T(u[i]);
    }
  }
}

template <class F, class T>
double time_unary(F const& f, buffers<T>& b) {
  return fastest([&] { nonlin::apply(f, b.x.data(), b.y.data(), n_elems); }, n_elems);
}
template <class F, class T>
double time_gated(F const& f, buffers<T>& b) {
  return fastest([&] { nonlin::apply(f, b.x.data(), b.u.data(), b.y.data(), n_elems); }, n_elems);
}

template <bool Gated, class F, class T>
double time_one(F const& f, buffers<T>& b) {
  if constexpr (Gated) return time_gated(f, b);
  else return time_unary(f, b);
}

template <bool Gated = false, class F>
void row(const char* tier, F const& f) {
  double t[3] = {1e30, 1e30, 1e30};
  for (int round = 0; round < 2; ++round) {
    t[0] = std::min(t[0], time_one<Gated>(f, bf32));
    t[1] = std::min(t[1], time_one<Gated>(f, bb16));
    t[2] = std::min(t[2], time_one<Gated>(f, bh16));
  }
  std::printf("%-10s %-8s %8.4f %8.4f %8.4f %6.2f %6.2f\n", F::name, tier, t[0], t[1], t[2], t[0] / t[1],
              t[0] / t[2]);
}

template <class NS>
void tier_rows(const char* tier) {
  row(tier, typename NS::tanh{});
  row(tier, typename NS::sigmoid{});
  row(tier, typename NS::gelu{});
  row(tier, typename NS::gelu_tanh{});
  row(tier, typename NS::silu{});
  row(tier, typename NS::swish{1.702});
  row<true>(tier, typename NS::swiglu{});
  row<true>(tier, typename NS::geglu{});
}

// The functor types of one tier, by namespace.
#define AB_HALF_TIER(ns)            \
  using tanh = ns::tanh;            \
  using sigmoid = ns::sigmoid;      \
  using gelu = ns::gelu;            \
  using gelu_tanh = ns::gelu_tanh;  \
  using silu = ns::silu;            \
  using swish = ns::swish;          \
  using swiglu = ns::swiglu;        \
  using geglu = ns::geglu;

struct default_ns {
  AB_HALF_TIER(nonlin)
};
struct fast_ns {
  AB_HALF_TIER(nonlin::fast)
};
struct precise_ns {
  AB_HALF_TIER(nonlin::precise)
};
#undef AB_HALF_TIER

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) n_elems = std::strtoull(argv[1], nullptr, 10);
  std::mt19937 rng(42);
  std::uniform_real_distribution<float> dx(-8.0f, 8.0f), du(-2.0f, 2.0f);
  std::vector<float> x(n_elems), u(n_elems);
  for (std::size_t i = 0; i < n_elems; ++i) {
    x[i] = dx(rng);
    u[i] = du(rng);
  }
  fill(bf32, x, u);
  fill(bb16, x, u);
  fill(bh16, x, u);
  std::printf("n = %zu; ns per element; float/X: float's time over X's\n", n_elems);
  std::printf("%-10s %-8s %8s %8s %8s %6s %6s\n", "function", "tier", "float", "bf16", "f16", "f/bf16", "f/f16");
  tier_rows<default_ns>("default");
  tier_rows<fast_ns>("fast");
  tier_rows<precise_ns>("precise");
}
