// nonlin_reference_points: the inputs at which scripts/gen_reference.py
// evaluates every mathematical function of the spec (tests/spec.hpp) with
// mpmath, to cross-check the spec's C++ references (test_reference).
//
// Prints one line per point, "<name> <param> <x>" with param and x as C
// hexadecimal floats: for every unary row of the function list (one per
// mathematical function, at each sample value of its parameter) inputs
// across every binade of double of both signs, uniform in the row's core and
// tail ranges, and the finite special inputs.
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <set>
#include <string>
#include <utility>

#include "spec.hpp"

int main() {
  std::set<std::pair<std::string, double>> done;
  nonlin_spec::for_each_unary([&](auto const& f0) {
    using F = std::decay_t<decltype(f0)>;
    using Def = typename nonlin_spec::spec_of<F>::def;
    auto emit = [&](double p) {
      if (!done.insert({Def::name, p}).second) return;
      std::mt19937_64 rng(std::hash<std::string>{}(Def::name) ^ 0x5EEDu);
      auto put = [&](double x) { std::printf("%s %a %a\n", Def::name, p, x); };
      for (int e = -1074; e <= 1023; e += 13) {
        const double m = 1.0 + static_cast<double>(rng() >> 11) * 0x1.0p-53;
        put(std::ldexp(m, e));
        put(-std::ldexp(m, e));
      }
      std::uniform_real_distribution<double> core(Def::core.lo, Def::core.hi), tail(Def::tail.lo, Def::tail.hi);
      for (int i = 0; i < 40; ++i) put(core(rng));
      for (int i = 0; i < 40; ++i) put(tail(rng));
      for (auto const& c : Def::specials)
        if (std::isfinite(c.x)) put(nonlin_spec::special_value<double>(c.x));
    };
    if constexpr (nonlin_spec::has_param<F>()) {
      for (double p : nonlin_spec::spec_of<F>::param::samples) emit(p);
    } else {
      emit(0.0);
    }
  });
  return 0;
}
