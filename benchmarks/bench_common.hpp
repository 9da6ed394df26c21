// nonlin_bench: what bench_activations.cpp and the peer files in peers/ share:
// the sizes, the input data, the timing loop and the peer registry.
#ifndef NONLIN_BENCH_COMMON_HPP
#define NONLIN_BENCH_COMMON_HPP

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <new>
#include <string>
#include <utility>
#include <vector>

namespace nonlin_bench {

// n counts output floats. Every size runs on the uniform input set; the
// first and the last (4096 and 16M) on every set.
constexpr std::size_t kSizes[] = {std::size_t(1) << 12, std::size_t(1) << 16, std::size_t(1) << 20,
                                  std::size_t(1) << 24};

// The input sets, the third part of a benchmark's name:
//   uniform    uniform in [-8, 8): the function's core
//   realistic  normal, sigma = 3, with 0.1 % outliers uniform in [-100, 100]:
//              what pre-activations look like
//   tails      uniform in [-100, 100]: deep tails, subnormal results, where
//              slow paths and microcode assists show
enum class input_set { uniform, realistic, tails };
constexpr input_set kSets[] = {input_set::uniform, input_set::realistic, input_set::tails};
inline const char* set_name(input_set s) {
  return s == input_set::uniform ? "uniform" : s == input_set::realistic ? "realistic" : "tails";
}
inline bool runs_on(input_set s, std::size_t n) {
  return s == input_set::uniform || n == kSizes[0] || n == kSizes[sizeof kSizes / sizeof kSizes[0] - 1];
}

// The sizes of the dispatch study (bench_dispatch.cpp): a call's fixed cost
// shows at 64, the kernels' rate at 4096.
constexpr std::size_t kDispatchSizes[] = {64, std::size_t(1) << 12};

// "dispatch/<function>/<variant>/uniform/<n>": five parts, so report.py (four)
// leaves the study to benchmarks/dispatch_report.py.
inline std::string dispatch_name(const char* function, const char* variant, std::size_t n) {
  return std::string("dispatch/") + function + "/" + variant + "/uniform/" + std::to_string(n);
}

// -------------------------------------------------------------------- data --

struct free_deleter {
  void operator()(float* p) const noexcept { std::free(p); }
};
using buffer = std::unique_ptr<float[], free_deleter>;

inline buffer allocate(std::size_t n) {
  constexpr std::size_t align = 64;
  const std::size_t bytes = ((n * sizeof(float) + align - 1) / align) * align;
  auto* p = static_cast<float*>(std::aligned_alloc(align, bytes == 0 ? align : bytes));
  if (p == nullptr) throw std::bad_alloc();
  return buffer(p);
}

// Deterministic (splitmix64), the same on every platform.
struct splitmix {
  std::uint64_t s;
  std::uint64_t next() {
    s += 0x9E3779B97F4A7C15ull;
    std::uint64_t z = s;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
};

inline void fill_random(float* p, std::size_t n, std::uint64_t seed, input_set set = input_set::uniform) {
  splitmix r{seed};
  for (std::size_t i = 0; i < n; ++i) {
    switch (set) {
      case input_set::uniform: p[i] = static_cast<float>(16 * r.unit() - 8); break;
      case input_set::tails: p[i] = static_cast<float>(200 * r.unit() - 100); break;
      case input_set::realistic: {
        if (r.next() % 1000 == 0) {
          p[i] = static_cast<float>(200 * r.unit() - 100);
        } else {  // Box-Muller
          const double u1 = 1 - r.unit(), u2 = r.unit();
          p[i] = static_cast<float>(3 * std::sqrt(-2 * std::log(u1)) * std::cos(6.283185307179586 * u2));
        }
        break;
      }
    }
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

inline data_set& data(std::size_t n, input_set set = input_set::uniform) {
  static std::map<std::pair<std::size_t, int>, std::unique_ptr<data_set>> sets;
  auto& slot = sets[{n, static_cast<int>(set)}];
  if (!slot) {
    slot.reset(new data_set{n, allocate(2 * n), allocate(n)});
    fill_random(slot->in.get(), 2 * n, 0x6E6F6E6C696EULL + n, set);
    std::memset(slot->out.get(), 0, n * sizeof(float));  // touch the pages outside the timed loop
  }
  return *slot;
}

// --------------------------------------------------------------- running --

// The timing loop: kernel(in, out) per iteration, n elements of type E
// written and `read` read per call (the counters the report reads).
// Hides a pointer's value from the optimizer, with a register-only asm
// operand. Google Benchmark 1.7's DoNotOptimize offers "+m,r"; with it GCC 12
// once compiled the f16 fast::swiglu loop of nonlin_bench (bench_half.cpp)
// to read its input pointer from a stack slot that was never written (wrong
// inputs at 4K, a crash at 16M).
template <class P>
inline void hide_pointer(P*& p) noexcept {
#if defined(__GNUC__) || defined(__clang__)
  __asm__ __volatile__("" : "+r"(p) : : "memory");
#else
  benchmark::DoNotOptimize(p);
#endif
}

template <class E, class Kernel>
void time_kernel(benchmark::State& st, const E* in, E* out, std::size_t n, std::size_t read, Kernel&& kernel) {
  for (auto _ : st) {
    hide_pointer(in);
    kernel(in, out);
    hide_pointer(out);
    benchmark::ClobberMemory();
  }
  st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()) * static_cast<std::int64_t>(n));
  st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations()) * static_cast<std::int64_t>((read + n) * sizeof(E)));
}

// Runs kernel(in, out) per iteration on the input set; `read` counts the
// elements read per call.
template <class Kernel>
void run(benchmark::State& st, std::size_t n, std::size_t read, Kernel&& kernel, input_set set = input_set::uniform) {
  data_set& d = data(n, set);
  time_kernel<float>(st, d.in.get(), d.out.get(), n, read, kernel);
}

inline std::string bench_name(const char* function, const char* variant, std::size_t n,
                              input_set set = input_set::uniform) {
  return std::string(function) + "/" + variant + "/" + set_name(set) + "/" + std::to_string(n);
}

// ----------------------------------------------------------------- peers --
// A peer file (peers/<peer>.cpp) adds one entry per function it covers. The
// entry's make(n) prepares everything for n output elements (primitives,
// operators, tensors, scratch) and returns the kernel; it is called outside
// the timed loop. The kernel is called as kernel(in, out) with the layout of
// data(): unary out[i] = f(in[i]); gated gate = in[0, n), up = in[n, 2n) --
// or, with gate_second, up = in[0, n) and gate = in[n, 2n) (PyTorch's glu
// order) -- and out[i] = act(gate[i]) * up[i].

using kernel = std::function<void(const float* in, float* out)>;

struct peer_entry {
  std::string function;  // nonlin functor name (F::name)
  std::string peer;      // onednn, xnnpack, eigen, sleef, torch
  bool gated = false;
  bool gate_second = false;
  std::function<kernel(std::size_t n)> make;
};

inline std::vector<peer_entry>& peer_entries() {
  static std::vector<peer_entry> entries;
  return entries;
}

inline void add_peer(std::string function, std::string peer, bool gated, std::function<kernel(std::size_t)> make,
                     bool gate_second = false) {
  peer_entry e;
  e.function = std::move(function);
  e.peer = std::move(peer);
  e.gated = gated;
  e.gate_second = gate_second;
  e.make = std::move(make);
  peer_entries().push_back(std::move(e));
}

// Peer descriptions (version, ISA, threads) for the JSON context, as
// (key, value) pairs; main() writes them as nonlin_peer_<key>.
inline std::vector<std::pair<std::string, std::string>>& peer_context() {
  static std::vector<std::pair<std::string, std::string>> ctx;
  return ctx;
}

// ------------------------------------------------------ 16-bit peers --
// 16-bit storage peers (bench_half.cpp): one entry per function, peer and
// storage ("bf16" or "f16"). make(n) prepares everything outside the timed
// loop; the kernel reads n 16-bit values at in (gated: gate = in[0, n),
// up = in[n, 2n)) and writes n at out, as bit patterns of the storage.

using half_kernel = std::function<void(const std::uint16_t* in, std::uint16_t* out)>;

struct half_peer_entry {
  std::string function;  // nonlin function name (F::name of the default tier)
  std::string peer;      // benchmark variant: torch, torch_via_float, ...
  std::string storage;   // bf16, f16
  std::function<half_kernel(std::size_t n)> make;
};

inline std::vector<half_peer_entry>& half_peer_entries() {
  static std::vector<half_peer_entry> entries;
  return entries;
}

// Registers the 16-bit storage benchmarks (bench_half.cpp), the peers'
// entries above included.
void register_half();
// bench_dispatch.cpp, compiled for the baseline (-march=x86-64): the
// dispatch study's variants of a program built without -march.
void register_dispatch_baseline();

// Each peer file defines its register function; main() calls those compiled in.
void register_onednn();
void register_xnnpack();
void register_eigen();
void register_sleef();
void register_torch();

}  // namespace nonlin_bench

#endif  // NONLIN_BENCH_COMMON_HPP
