// nonlin_gated_grid: every gated functor of every tier (float) on a dense
// (gate, up) grid, against act(gate) * up in long double (tests/spec.hpp).
//
// Gates: every K-th float bit pattern with |gate| <= 200 (K = --gate-stride,
// default 4099), every (61 K / 4099)-th one, at least every 61st, in
// [-200, -80] (where act(gate) is tiny or subnormal), +-0, +-inf, NaN. Ups: +-10^(k/4) for k = -120 .. 120, +-1,
// +-0, +-FLT_MAX, +-2^-149, +-inf.
//
// For each functor: the largest error where its bound is promised (in
// float, every pair: spec::every_pair), the largest error outside that
// region where there is one (printed, not a failure), the fixed values of the contract (NaN, the
// infinite limits: spec::gated_fixed) and NaN from non-NaN operands.
// Exit status 1 when a bound or a fixed value fails (unless --no-fail).
//
//   nonlin_gated_grid [--gate-stride K] [--only NAME,...] [--report FILE] [--no-fail]
#include <algorithm>
#include <chrono>
#include <cfloat>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "../common.hpp"
#include "../spec.hpp"
#include "sweep_cli.hpp"
#include "nonlin/nonlin.hpp"

#ifndef NONLIN_SWEEP_FLAGS
#define NONLIN_SWEEP_FLAGS ""
#endif

namespace {

using R = nonlin_spec::wide;

float f_of(std::uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}
std::uint32_t u_of(float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

struct row {
  std::string name;
  double bound = 0;
  bool folded = false;
  std::uint64_t pairs = 0, measured = 0, in_bound = 0, cr = 0;
  double max_in = 0, max_out = 0;
  float in_g = 0, in_u = 0, out_g = 0, out_u = 0;
  std::uint64_t fixed_fail = 0, nan_bad = 0;
  std::string first_fail;
  bool pass() const { return max_in <= bound && fixed_fail == 0 && nan_bad == 0; }
};

std::string hex(float x) {
  char b[64];
  std::snprintf(b, sizeof b, "%a", static_cast<double>(x));
  return b;
}

template <class G>
row run(G const& g, std::vector<float> const& gates, std::vector<float> const& ups) {
  using S = nonlin_spec::spec_of<G>;
  row r;
  r.name = nonlin_spec::label_of(g);
  r.bound = G::max_ulp_float;
  r.folded = S::template every_pair<float>();
  const auto act = nonlin_spec::act_of(g);
  const std::size_t n = gates.size();
  std::vector<R> ref(n);
  std::vector<bool> act_normal(n);
  for (std::size_t i = 0; i < n; ++i) {
    const float x = gates[i];
    if (!std::isfinite(x)) continue;
    ref[i] = nonlin_spec::reference<R>(act, x);
    const long double a = std::fabs(static_cast<long double>(ref[i]));
    act_normal[i] = a == 0 || a >= static_cast<long double>(std::numeric_limits<float>::min());
  }
  std::vector<float> uin(n), out(n);
  for (float u : ups) {
    std::fill(uin.begin(), uin.end(), u);
    nonlin::apply(g, gates.data(), uin.data(), out.data(), n);
    for (std::size_t i = 0; i < n; ++i) {
      const float x = gates[i], y = out[i];
      ++r.pairs;
      float fixed;
      if (nonlin_spec::gated_fixed(g, x, u, fixed)) {
        if (!nonlin_test::same_bits(y, fixed)) {
          if (r.fixed_fail++ == 0)
            r.first_fail = "g(" + hex(x) + ", " + hex(u) + ") = " + hex(y) + ", contract " + hex(fixed);
        }
        continue;
      }
      if (std::isnan(y)) {
        if (r.nan_bad++ == 0 && r.first_fail.empty())
          r.first_fail = "g(" + hex(x) + ", " + hex(u) + ") = NaN";
        continue;
      }
      long double hi, lo;
      nonlin_test::split(ref[i] * R(u), hi, lo);
      ++r.measured;
      // An exact product beyond FLT_MAX rounds to an infinity: exact if y is it.
      const float rounded = static_cast<float>(hi);
      const double e = std::isinf(rounded) && y == rounded ? 0.0
                                                         : static_cast<double>(nonlin_test::ulp_error<float>(y, hi, lo));
      if (rounded == y) ++r.cr;
      const bool promised = r.folded || act_normal[i] || std::fabs(u) <= 1;
      if (promised) {
        ++r.in_bound;
        if (e > r.max_in) r.max_in = e, r.in_g = x, r.in_u = u;
      } else if (e > r.max_out) {
        r.max_out = e, r.out_g = x, r.out_u = u;
      }
    }
  }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  std::uint32_t stride = 4099;
  std::vector<std::string> only;
  std::string report;
  bool fail = true;
  const std::string command = nonlin_sweep_cli::command_line(argc, argv);
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--gate-stride" && i + 1 < argc) {
      stride = nonlin_sweep_cli::at_least_one(argv[++i]);
    } else if (a == "--only" && i + 1 < argc) {
      nonlin_sweep_cli::split_names(argv[++i], only);
    } else if (a == "--report" && i + 1 < argc) {
      report = argv[++i];
    } else if (a == "--no-fail") {
      fail = false;
    } else {
      std::fprintf(stderr,
                   "usage: nonlin_gated_grid [--gate-stride K] [--only NAME,...] [--report FILE] [--no-fail]\n");
      return 2;
    }
  }
  std::vector<float> gates, ups;
  const std::uint32_t top = u_of(200.0f);
  for (std::uint32_t u = 0; u <= top; u += stride) gates.push_back(f_of(u)), gates.push_back(f_of(u | 0x80000000u));
  const std::uint32_t tail_stride = 61 * std::max<std::uint32_t>(1, stride / 4099);
  for (std::uint32_t u = u_of(80.0f); u <= top; u += tail_stride) gates.push_back(f_of(u | 0x80000000u));
  for (float s : {0.0f, -0.0f, INFINITY, -INFINITY, NAN}) gates.push_back(s);
  for (int k = -120; k <= 120; ++k) {
    const float m = static_cast<float>(std::pow(10.0L, k / 4.0L));
    ups.push_back(m), ups.push_back(-m);
  }
  for (float s : {1.0f, -1.0f, 0.0f, -0.0f, FLT_MAX, -FLT_MAX, std::numeric_limits<float>::denorm_min(), -std::numeric_limits<float>::denorm_min(), INFINITY, -INFINITY})
    ups.push_back(s);
  std::printf("nonlin_gated_grid: %s\n  %zu gates x %zu ups = %zu pairs per function\n", command.c_str(),
              gates.size(), ups.size(), gates.size() * ups.size());
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<row> rows;
  nonlin_spec::for_each_gated([&](auto const& g) {
    const std::string name = g.name;
    if (!only.empty() && std::find(only.begin(), only.end(), name) == only.end()) return;
    rows.push_back(run(g, gates, ups));
    std::fprintf(stderr, "  %-20s done\n", name.c_str());
  });
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  std::ostringstream md;
  md << "| function | bound (ULP) | promised for | max ULP where promised | worst pair (gate, up) | correctly rounded | "
        "fixed-value failures | NaN from non-NaN | |\n"
     << "|---|---:|---|---:|---|---:|---:|---:|---|\n";
  bool ok = true;
  for (row const& r : rows) {
    char b[512];
    std::snprintf(b, sizeof b, "| %s | %g | %s | %.3f | `%s, %s` | %.3f %% | %" PRIu64 " | %" PRIu64 " | %s |\n",
                  r.name.c_str(), r.bound, r.folded ? "every pair" : "act normal or \\|up\\| <= 1", r.max_in,
                  hex(r.in_g).c_str(), hex(r.in_u).c_str(),
                  100.0 * static_cast<double>(r.cr) / static_cast<double>(r.measured ? r.measured : 1), r.fixed_fail,
                  r.nan_bad, r.pass() ? "PASS" : "FAIL");
    md << b;
    if (!r.folded && r.max_out > 0)
      std::printf("  %s: outside its promise: max %.3f ULP at (%s, %s)\n", r.name.c_str(), r.max_out,
                  hex(r.out_g).c_str(), hex(r.out_u).c_str());
    ok = ok && r.pass();
    if (!r.first_fail.empty()) std::printf("  %s: first failure %s\n", r.name.c_str(), r.first_fail.c_str());
  }
  std::printf("\n%s\n%s\n", md.str().c_str(), ok ? "all within their bounds" : "FAILED");
  if (!report.empty()) {
    std::ofstream out(report);
    out << "# nonlin accuracy: gated functions on a (gate, up) grid\n\n"
        << "Generated by `nonlin_gated_grid` (tests/sweep/gated_grid.cpp); do not edit by hand.\n\n"
        << "- Command: `" << command << "`\n"
        << "- Date: " << nonlin_sweep_cli::utc_now() << "\n"
        << "- Compiler: " << __VERSION__ << "\n"
        << "- Flags: `" << NONLIN_SWEEP_FLAGS << "`\n"
        << "- CPU: " << nonlin_sweep_cli::cpu_model() << "\n"
        << "- Grid: " << gates.size() << " gates x " << ups.size() << " ups = " << gates.size() * ups.size()
        << " pairs per function (float); " << secs << " s\n\n"
        << "Gates: every " << stride
        << "th float bit pattern with |gate| <= 200, every " << tail_stride
        << "th in [-200, -80] (act(gate) tiny or subnormal), +-0, +-inf, NaN. Ups: +-10^(k/4) for k = -120..120, +-1, +-0, +-FLT_MAX, +-2^-149, "
           "+-inf. Reference: act(gate) in long double (tests/spec.hpp) times up. \"Promised for\": where "
           "the functor's bound applies; in float that is every pair in every tier (the default and fast "
           "tiers fold up into the numerator; the precise tier recomputes in double the lanes where "
           "act(gate) is below the smallest normal and |up| > 1). Fixed values: NaN in either operand, "
           "the infinite limits (spec::gated_fixed), bit for bit.\n\n"
        << md.str();
    std::printf("report written to %s\n", report.c_str());
  }
  return ok || !fail ? 0 : 1;
}
