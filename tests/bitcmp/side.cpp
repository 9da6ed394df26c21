// One side of scripts/bitcmp.sh's comparison: compiled twice, against the
// headers of two commits, each time with nonlin's ABI namespace renamed
// (NONLIN_ABI) so that both link into one program, and exporting
// BITCMP_SIDE (bitcmp_old or bitcmp_new). The functions are nonlin's
// function list (every functor of every tier), plus swish and swiglu at
// beta = 1.702 (the list's have beta = 1, which runs silu's kernels).
#include <nonlin/nonlin.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "bitcmp.hpp"

namespace {

constexpr double kBeta = 1.702;

// Functors with a parameter beta (swish and swiglu, every tier).
template <class F, class = void>
struct has_beta : std::false_type {};
template <class F>
struct has_beta<F, std::void_t<decltype(std::declval<F&>().beta)>> : std::true_type {};

using run_fn = std::function<void(const float* x, const float* u, float* y, std::size_t n)>;

// fn(name, run) for every function: run(x, u, y, n) applies it (the
// functor held by value: the lists' tuples are temporaries).
template <class Fn>
void each(Fn&& fn) {
  nonlin::for_each_function(nonlin::unary_functions(), [&](auto const& f) {
    fn(std::string(f.name),
       run_fn([f](const float* x, const float*, float* y, std::size_t n) { nonlin::apply(f, x, y, n); }));
  });
  nonlin::for_each_function(nonlin::gated_functions(), [&](auto const& g) {
    fn(std::string(g.name),
       run_fn([g](const float* x, const float* u, float* y, std::size_t n) { nonlin::apply(g, x, u, y, n); }));
  });
  nonlin::for_each_function(nonlin::unary_functions(), [&](auto const& f) {
    if constexpr (has_beta<std::decay_t<decltype(f)>>::value) {
      auto fb = f;
      fb.beta = kBeta;
      fn(std::string(f.name) + "(1.702)",
         run_fn([fb](const float* x, const float*, float* y, std::size_t n) { nonlin::apply(fb, x, y, n); }));
    }
  });
  nonlin::for_each_function(nonlin::gated_functions(), [&](auto const& g) {
    if constexpr (has_beta<std::decay_t<decltype(g)>>::value) {
      auto gb = g;
      gb.beta = kBeta;
      fn(std::string(g.name) + "(1.702)",
         run_fn([gb](const float* x, const float* u, float* y, std::size_t n) { nonlin::apply(gb, x, u, y, n); }));
    }
  });
}

// The functions by name, built once (the driver calls BITCMP_SIDE per chunk
// of inputs, from every thread).
std::vector<std::pair<std::string, run_fn>> const& table() {
  static const auto t = [] {
    std::vector<std::pair<std::string, run_fn>> v;
    each([&](std::string nm, run_fn run) { v.emplace_back(std::move(nm), std::move(run)); });
    return v;
  }();
  return t;
}

}  // namespace

bool BITCMP_SIDE(const char* name, const float* x, const float* u, float* y, std::size_t n) {
  for (auto const& [nm, run] : table()) {
    if (nm == name) {
      run(x, u, y, n);
      return true;
    }
  }
  return false;
}

#ifdef BITCMP_NAMES
void BITCMP_NAMES(void (*out)(const char* name)) {
  for (auto const& entry : table()) out(entry.first.c_str());
}
#endif
