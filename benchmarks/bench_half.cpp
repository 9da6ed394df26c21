// nonlin_bench: 16-bit storage. The functions of kHalfFunctions below, at
// n = 4096 and 16M, read and written as nonlin::bf16 or nonlin::f16, beside
// what users do without nonlin's 16-bit paths:
//
//   <name>/nonlin/<storage>/<n>          nonlin::apply(f, const H*, H*, n), the default tier
//   <name>/nonlin_precise/<storage>/<n>  the same for nonlin::precise
//   <name>/nonlin_fast/<storage>/<n>     the same for nonlin::fast
//   <name>/three_pass/<storage>/<n>      widen all n (gated: 2n) to a float buffer,
//                                        float apply of the default tier, narrow all
//                                        (the conversions: nonlin::apply of an
//                                        identity, i.e. nonlin's vector conversions)
//   <name>/table/<storage>/<n>           unary only: ggml's lookup table, out[i] =
//                                        table[in[i].bits], 65536 entries made with
//                                        float nonlin::precise then rounded to H
//   <name>/torch/<storage>/<n>           libtorch on at::kBFloat16 / at::kHalf tensors
//   <name>/torch_via_float/<storage>/<n> where libtorch lacks the 16-bit kernel:
//                                        copy to float, op, copy back (peers/torch.cpp)
//   copy/memcpy/<storage>/<n>            std::memcpy of the n 16-bit inputs
//
// <storage> is bf16 or f16; the inputs are the uniform set of
// bench_common.hpp (uniform in [-8, 8), the values the float benchmarks
// <name>/<variant>/uniform/<n> read) rounded to H, gated: gate = in[0, n),
// up = in[n, 2n). items/s = n per call; bytes/s = 2 bytes per element read
// and written. Registered from the function lists (tests/spec.hpp), one
// thread, like bench_activations.cpp.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <map>
#include <memory>
#include <new>
#include <string>
#include <type_traits>
#include <vector>

#include "bench_common.hpp"
#include "spec.hpp"

namespace nonlin_bench {
namespace {

constexpr std::size_t kHalfSizes[] = {std::size_t(1) << 12, std::size_t(1) << 24};

// The functions benchmarked in 16-bit storage (a functor's name without its
// tier namespace).
const char* const kHalfFunctions[] = {"gelu", "gelu_tanh", "silu", "sigmoid", "tanh", "swish", "swiglu", "geglu"};

bool in_half_list(std::string const& name) {
  for (const char* f : kHalfFunctions)
    if (name == f) return true;
  return false;
}

template <class H>
const char* storage_name() {
  return std::is_same<H, nonlin::bf16>::value ? "bf16" : "f16";
}

struct raw_free {
  void operator()(void* p) const noexcept { std::free(p); }
};
template <class T>
using raw_buffer = std::unique_ptr<T[], raw_free>;

template <class T>
raw_buffer<T> allocate_raw(std::size_t n) {
  constexpr std::size_t align = 64;
  const std::size_t bytes = ((n * sizeof(T) + align - 1) / align) * align;
  auto* p = static_cast<T*>(std::aligned_alloc(align, bytes == 0 ? align : bytes));
  if (p == nullptr) throw std::bad_alloc();
  return raw_buffer<T>(p);
}

// Per size and storage, made once: in = 2n values (data(n).in rounded to
// H), out = n values, pages touched outside the timed loop.
template <class H>
struct half_data {
  raw_buffer<H> in;
  raw_buffer<H> out;
};

template <class H>
half_data<H>& half_data_of(std::size_t n) {
  static std::map<std::size_t, std::unique_ptr<half_data<H>>> sets;
  auto& slot = sets[n];
  if (!slot) {
    slot.reset(new half_data<H>{allocate_raw<H>(2 * n), allocate_raw<H>(n)});
    const float* src = data(n).in.get();
    for (std::size_t i = 0; i < 2 * n; ++i) slot->in[i] = H(src[i]);
    std::memset(static_cast<void*>(slot->out.get()), 0, n * sizeof(H));
  }
  return *slot;
}

// The float buffers of three_pass: 2n widened inputs, n float results.
struct float_scratch {
  buffer wide;
  buffer result;
};

float_scratch& scratch_of(std::size_t n) {
  static std::map<std::size_t, std::unique_ptr<float_scratch>> sets;
  auto& slot = sets[n];
  if (!slot) {
    slot.reset(new float_scratch{allocate(2 * n), allocate(n)});
    std::memset(slot->wide.get(), 0, 2 * n * sizeof(float));
    std::memset(slot->result.get(), 0, n * sizeof(float));
  }
  return *slot;
}

// Runs kernel(in, out) on the 16-bit inputs of size n; `read` counts the
// 16-bit elements read per call.
template <class H, class Kernel>
void run_half(benchmark::State& st, std::size_t n, std::size_t read, Kernel&& kernel) {
  half_data<H>& d = half_data_of<H>(n);
  time_kernel<H>(st, d.in.get(), d.out.get(), n, read, kernel);
}

// The identity on float and float vectors: nonlin::apply of it between a
// 16-bit and a float buffer is a vector widening or narrowing (round to
// nearest even) -- the conversion passes of three_pass.
struct convert {
  float operator()(float x) const noexcept { return x; }
#if NONLIN_USE_XSIMD
  template <class A>
  xsimd::batch<float, A> operator()(xsimd::batch<float, A> const& x) const noexcept {
    return x;
  }
#endif
};

template <class F>
const char* tier_variant() {
  return F::tier == nonlin::tier::fast ? "nonlin_fast" : F::tier == nonlin::tier::precise ? "nonlin_precise" : "nonlin";
}
template <class F>
constexpr bool default_tier() {
  return F::tier == nonlin::tier::standard || F::tier == nonlin::tier::all;
}
template <class F>
std::string short_name() {
  const std::string name = F::name;
  return name.substr(name.find(':') == std::string::npos ? 0 : name.rfind(':') + 1);
}

template <class H>
std::string half_name(std::string const& function, const char* variant, std::size_t n) {
  return function + "/" + variant + "/" + storage_name<H>() + "/" + std::to_string(n);
}

// table[bits] = H(f(float(H::from_bits(bits)))) for every 16-bit pattern.
template <class H, class F>
std::shared_ptr<std::vector<std::uint16_t>> make_table(F const& f) {
  std::vector<float> x(65536), y(65536);
  for (std::uint32_t b = 0; b < 65536; ++b) x[b] = static_cast<float>(H::from_bits(static_cast<std::uint16_t>(b)));
  nonlin::apply(f, x.data(), y.data(), x.size());
  auto table = std::make_shared<std::vector<std::uint16_t>>(65536);
  for (std::size_t b = 0; b < 65536; ++b) (*table)[b] = H(y[b]).bits;
  return table;
}

template <class H, class F>
void register_unary_half(F const& f, std::string const& name, std::size_t n) {
  benchmark::RegisterBenchmark(half_name<H>(name, tier_variant<F>(), n).c_str(), [f, n](benchmark::State& st) {
    run_half<H>(st, n, n, [&](const H* in, H* out) { nonlin::apply(f, in, out, n); });
  });
  if constexpr (default_tier<F>()) {
    benchmark::RegisterBenchmark(half_name<H>(name, "three_pass", n).c_str(), [f, n](benchmark::State& st) {
      float_scratch& s = scratch_of(n);
      float* wide = s.wide.get();
      float* result = s.result.get();
      run_half<H>(st, n, n, [&](const H* in, H* out) {
        nonlin::apply(convert{}, in, wide, n);
        nonlin::apply(f, wide, result, n);
        nonlin::apply(convert{}, result, out, n);
      });
    });
  }
  if constexpr (F::tier == nonlin::tier::precise) {
    benchmark::RegisterBenchmark(half_name<H>(name, "table", n).c_str(), [f, n](benchmark::State& st) {
      const auto table = make_table<H>(f);  // outside the timed loop
      const std::uint16_t* t = table->data();
      run_half<H>(st, n, n, [&](const H* in, H* out) {
        for (std::size_t i = 0; i < n; ++i) out[i].bits = t[in[i].bits];
      });
    });
  }
}

template <class H, class G>
void register_gated_half(G const& g, std::string const& name, std::size_t n) {
  benchmark::RegisterBenchmark(half_name<H>(name, tier_variant<G>(), n).c_str(), [g, n](benchmark::State& st) {
    run_half<H>(st, n, 2 * n, [&](const H* in, H* out) { nonlin::apply(g, in, in + n, out, n); });
  });
  if constexpr (default_tier<G>()) {
    benchmark::RegisterBenchmark(half_name<H>(name, "three_pass", n).c_str(), [g, n](benchmark::State& st) {
      float_scratch& s = scratch_of(n);
      float* wide = s.wide.get();
      float* result = s.result.get();
      run_half<H>(st, n, 2 * n, [&](const H* in, H* out) {
        nonlin::apply(convert{}, in, wide, 2 * n);
        nonlin::apply(g, wide, wide + n, result, n);
        nonlin::apply(convert{}, result, out, n);
      });
    });
  }
}

// The peers' 16-bit entries of this function (peers/torch.cpp).
template <class H>
void register_half_peers(std::string const& name, std::size_t n) {
  const auto& entries = half_peer_entries();
  for (std::size_t e = 0; e < entries.size(); ++e) {
    if (entries[e].function != name || entries[e].storage != storage_name<H>()) continue;
    benchmark::RegisterBenchmark(half_name<H>(name, entries[e].peer.c_str(), n).c_str(),
                                 [e, n](benchmark::State& st) {
                                   half_kernel k;
                                   try {
                                     k = half_peer_entries()[e].make(n);  // outside the timed loop
                                   } catch (std::exception const& ex) {
                                     st.SkipWithError(ex.what());
                                     return;
                                   }
                                   run_half<H>(st, n, n, [&](const H* in, H* out) {
                                     k(reinterpret_cast<const std::uint16_t*>(in),
                                       reinterpret_cast<std::uint16_t*>(out));
                                   });
                                 });
  }
}

template <class H>
void register_copy_half(std::size_t n) {
  benchmark::RegisterBenchmark(half_name<H>("copy", "memcpy", n).c_str(), [n](benchmark::State& st) {
    run_half<H>(st, n, n, [&](const H* in, H* out) {
      std::memcpy(static_cast<void*>(out), static_cast<const void*>(in), n * sizeof(H));
    });
  });
}

}  // namespace

void register_half() {
  for (std::size_t n : kHalfSizes) {
    register_copy_half<nonlin::bf16>(n);
    register_copy_half<nonlin::f16>(n);
  }
  nonlin_spec::for_each_unary([](auto const& f) {
    using F = std::decay_t<decltype(f)>;
    const std::string name = short_name<F>();
    if (!in_half_list(name)) return;
    for (std::size_t n : kHalfSizes) {
      register_unary_half<nonlin::bf16>(f, name, n);
      register_unary_half<nonlin::f16>(f, name, n);
      if constexpr (default_tier<F>()) {
        register_half_peers<nonlin::bf16>(name, n);
        register_half_peers<nonlin::f16>(name, n);
      }
    }
  });
  nonlin_spec::for_each_gated([](auto const& g) {
    using G = std::decay_t<decltype(g)>;
    const std::string name = short_name<G>();
    if (!in_half_list(name)) return;
    for (std::size_t n : kHalfSizes) {
      register_gated_half<nonlin::bf16>(g, name, n);
      register_gated_half<nonlin::f16>(g, name, n);
      if constexpr (default_tier<G>()) {
        register_half_peers<nonlin::bf16>(name, n);
        register_half_peers<nonlin::f16>(name, n);
      }
    }
  });
}

}  // namespace nonlin_bench
