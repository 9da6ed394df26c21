// nonlin_ab_stream: streaming (non-temporal) stores against plain stores at
// n = 16M, in one process. Not built by CMake:
//
//   c++ -O3 -march=native -std=c++17 -pthread -I include benchmarks/ab_stream.cpp -o ab_stream
//   taskset -c 1 ./ab_stream [reps, default 31]      # one thread
//   ./ab_stream [reps] 2                             # two threads, halves of each array
//
// Each row times the same work two ways: "streamed", one nonlin::apply call
// per thread over its whole part (outputs of NONLIN_STREAM_MIN_BYTES or more
// take the streaming loops where apply streams that functor and storage),
// and "plain", the same part in calls whose outputs are below that size
// (plain stores). The two alternate (ABBA) in every repetition; the
// figures are medians, ns per element (n over the wall time), and
// plain/streamed < 1 means plain stores were faster. With two threads each
// part is n/2 elements: build with -DNONLIN_STREAM_MIN_BYTES='(size_t(8) << 20)'
// so that the 16-bit parts (16 MiB) still stream. Inputs uniform in
// [-8, 8) (ups in [-2, 2)), rounded to the storage type.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <thread>
#include <vector>

#include <nonlin/nonlin.hpp>

namespace {

using clk = std::chrono::steady_clock;
const std::size_t n = std::size_t(1) << 24;
int reps = 31;
int threads = 1;

template <class Body>
void on_threads(Body const& body) {
  if (threads == 1) {
    body(std::size_t(0), n);
    return;
  }
  std::thread t([&] { body(n / 2, n); });
  body(std::size_t(0), n / 2);
  t.join();
}

double ns(clk::time_point a, clk::time_point b) { return std::chrono::duration<double, std::nano>(b - a).count(); }

template <class A, class B>
void duel(const char* name, const char* storage, A const& a, B const& b) {
  std::vector<double> ta, tb;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = clk::now();
    (r & 1) ? a() : b();
    const auto t1 = clk::now();
    (r & 1) ? b() : a();
    const auto t2 = clk::now();
    ta.push_back((r & 1 ? ns(t0, t1) : ns(t1, t2)) / double(n));
    tb.push_back((r & 1 ? ns(t1, t2) : ns(t0, t1)) / double(n));
  }
  std::sort(ta.begin(), ta.end());
  std::sort(tb.begin(), tb.end());
  const double sa = ta[ta.size() / 2], sb = tb[tb.size() / 2];
  std::printf("%-12s %-10s streamed %.4f  plain %.4f  plain/streamed %.2f\n", name, storage, sa, sb, sb / sa);
  std::fflush(stdout);
}

// Calls whose outputs stay below NONLIN_STREAM_MIN_BYTES.
template <class Out>
constexpr std::size_t chunk() {
  return std::max<std::size_t>(1, (std::size_t(NONLIN_STREAM_MIN_BYTES) / 2) / sizeof(Out));
}

template <class F, class In, class Out>
void unary(F const& f, const char* storage, std::vector<In> const& x, std::vector<Out>& y) {
  duel(F::name, storage,
       [&] { on_threads([&](std::size_t lo, std::size_t hi) { nonlin::apply(f, x.data() + lo, y.data() + lo, hi - lo); }); },
       [&] {
         on_threads([&](std::size_t lo, std::size_t hi) {
           for (std::size_t i = lo; i < hi; i += chunk<Out>())
             nonlin::apply(f, x.data() + i, y.data() + i, std::min(chunk<Out>(), hi - i));
         });
       });
}

template <class F, class In, class Out>
void gated(F const& f, const char* storage, std::vector<In> const& g, std::vector<In> const& u, std::vector<Out>& y) {
  duel(F::name, storage,
       [&] {
         on_threads([&](std::size_t lo, std::size_t hi) {
           nonlin::apply(f, g.data() + lo, u.data() + lo, y.data() + lo, hi - lo);
         });
       },
       [&] {
         on_threads([&](std::size_t lo, std::size_t hi) {
           for (std::size_t i = lo; i < hi; i += chunk<Out>())
             nonlin::apply(f, g.data() + i, u.data() + i, y.data() + i, std::min(chunk<Out>(), hi - i));
         });
       });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) reps = std::max(1, std::atoi(argv[1]));
  if (argc > 2) threads = std::atoi(argv[2]) == 2 ? 2 : 1;
  std::vector<float> x(n), u(n), y(n, 1.0f);
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> dx(-8.0f, 8.0f), du(-2.0f, 2.0f);
  for (auto& v : x) v = dx(rng);
  for (auto& v : u) v = du(rng);
  std::vector<nonlin::bf16> xb(n), ub(n), yb(n);
  std::vector<nonlin::f16> xh(n), uh(n), yh(n);
  for (std::size_t i = 0; i < n; ++i) {
    xb[i] = nonlin::bf16(x[i]);
    ub[i] = nonlin::bf16(u[i]);
    xh[i] = nonlin::f16(x[i]);
    uh[i] = nonlin::f16(u[i]);
  }
  std::printf("n = %zu, %d thread(s), NONLIN_STREAM_MIN_BYTES = %zu\n", n, threads,
              std::size_t(NONLIN_STREAM_MIN_BYTES));
  // The default tier's correctly rounded 16-bit outputs.
  unary(nonlin::tanh{}, "bf16", xb, yb);
  unary(nonlin::tanh{}, "f16", xh, yh);
  unary(nonlin::sigmoid{}, "bf16", xb, yb);
  unary(nonlin::sigmoid{}, "f16", xh, yh);
  unary(nonlin::gelu{}, "bf16", xb, yb);
  unary(nonlin::gelu{}, "f16", xh, yh);
  unary(nonlin::gelu_tanh{}, "bf16", xb, yb);
  unary(nonlin::gelu_tanh{}, "f16", xh, yh);
  unary(nonlin::silu{}, "bf16", xb, yb);
  unary(nonlin::silu{}, "f16", xh, yh);
  unary(nonlin::swish{1.702}, "bf16", xb, yb);
  unary(nonlin::swish{1.702}, "f16", xh, yh);
  gated(nonlin::swiglu{}, "bf16", xb, ub, yb);
  gated(nonlin::swiglu{}, "f16", xh, uh, yh);
  gated(nonlin::geglu{}, "bf16", xb, ub, yb);
  gated(nonlin::geglu{}, "f16", xh, uh, yh);
  unary(nonlin::silu{}, "f32->bf16", x, yb);
  unary(nonlin::gelu{}, "f32->f16", x, yh);
  // Other storage: the fast tier's 16-bit outputs, a float output from
  // bf16, tier::all, and float -> float.
  unary(nonlin::fast::silu{}, "bf16", xb, yb);
  unary(nonlin::fast::gelu{}, "f16", xh, yh);
  unary(nonlin::silu{}, "bf16->f32", xb, y);
  unary(nonlin::relu{}, "bf16", xb, yb);
  unary(nonlin::relu{}, "f32", x, y);
  unary(nonlin::fast::silu{}, "f32", x, y);
  unary(nonlin::silu{}, "f32", x, y);
  unary(nonlin::gelu{}, "f32", x, y);
}
