// nonlin_half_gated: every (gate, up) pair of bf16 values, all 2^32, through
// nonlin::apply(g, gate, up, out, n) with bf16 operands and a bf16 output,
// for the gated functors whose 16-bit outputs are documented correctly
// rounded (default and precise tiers): each output is compared with the
// bf16 value nearest to the exact act(gate) * up, ties to even.
//
// The reference, per gate: A = act(gate) in __float128 (tests/spec.hpp),
// split into doubles hi + lo (|hi + lo - A| <= 2^-106 |A|). Per pair
// (finite non-zero gate, finite up):
//  * |A| < 2^-400: |A up| < 2^-272, far below half the smallest bf16
//    subnormal: a zero with the sign of A up;
//  * else ph + pl = hi up exactly (fma), plus lo up: the product to about
//    2^-103 of itself, less than 2^-95 of a bf16 step q. ph is rounded to
//    bf16 (v, the pattern c) and the midpoint m between v and its
//    neighbour on ph's side decides: the rounded value is c where
//    ph + pl is on v's side of m, the neighbour beyond it. Where
//    |ph + pl - m| <= 2^-92 q the pair takes the quad path instead: the
//    rounding of tests/test_half.cpp (half_ref.hpp: round_exact on
//    A * up in __float128, and where that cannot tell the side of a
//    midpoint -- within 2^-94 q of it -- resolve's analytic rules). The
//    error of ph + pl against A up is below 2^-96 q (2^-104 of a product
//    below 2^8 q), so the fast path decides only where the quad path
//    decides the same side. One shortcut: where A is a double (hi, lo = 0)
//    and hi up is m exactly, A up in __float128 is m exactly, which
//    round_exact leaves undecided: resolve is called directly;
//  * a non-finite operand or a zero gate: spec::gated_fixed, as
//    test_half (NaN: any NaN; otherwise the fixed value's bits).
// The tool checks itself: every 4099th pair (by gate bits * 65536 + up
// bits) also goes through the quad path and through gated_fixed, and the
// differences from the values used (must be none) are counted.
//
// Per functor: pairs, pairs not correctly rounded (must be 0), pairs the
// analytic rules decided, quad fallbacks, the self-check counts, the first
// failures (gate, up, expected, actual bits) and the wall time. Exit status
// 1 on any failure, 2 on bad arguments.
//
//   nonlin_half_gated [--only NAME,...] [--gate-stride K] [--threads T] [--report FILE]
//
// --gate-stride K: every K-th gate pattern (and +-0, +-inf, NaN, the
// extremes), all 65536 ups. --report FILE: appends a markdown table.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../half_ref.hpp"
#include "../spec.hpp"
#include "sweep_cli.hpp"
#include "nonlin/nonlin.hpp"

#if !NONLIN_TEST_HAVE_QUADMATH
#error "nonlin_half_gated needs __float128 (libquadmath)"
#endif

#ifndef NONLIN_SWEEP_FLAGS
#define NONLIN_SWEEP_FLAGS ""
#endif

namespace {

using nonlin::bf16;
using W = nonlin_spec::wide;
namespace HR = nonlin_half_ref;

constexpr std::uint32_t kCheckStride = 4099;  // the self-check: every 4099th pair
constexpr std::size_t kMaxShown = 10;

// 2^e for -1022 <= e <= 1023, from its bits.
double pow2(int e) {
  const std::uint64_t b = static_cast<std::uint64_t>(e + 1023) << 52;
  double d;
  std::memcpy(&d, &b, 8);
  return d;
}

// The fast rounding: bits where decided; else lo, hi (the neighbours of
// the midpoint m, in value order) and whether ph + pl is m exactly.
struct fast_round {
  std::uint16_t bits;
  bool decided;
  std::uint16_t lo = 0, hi = 0;
  bool exact_mid = false;
};

// The bf16 rounding of (hi + lo) u, finite, |hi| >= 2^-400 (see the top).
inline fast_round round_fast(double hi, double lo, double u) {
  const double ph = hi * u;
  const double pl = std::fma(hi, u, -ph) + lo * u;
  const double a = std::fabs(ph);
  const std::uint16_t sgn = std::signbit(ph) ? std::uint16_t(0x8000) : std::uint16_t(0);
  if (a == 0) return {sgn, true};  // hi u = 0 exactly: u = +-0
  if (a >= 0x1p128) return {std::uint16_t(sgn | 0x7F80), true};
  std::uint64_t ab;
  std::memcpy(&ab, &a, 8);
  const int e = std::max(static_cast<int>(ab >> 52) - 1023, -126);  // a >= 2^-533: normal
  const double q = pow2(e - 7);                                      // the bf16 step at a
  const double n = a * pow2(7 - e);                                  // exact, below 256
  const double k = (n + 0x1p52) - 0x1p52;                            // to nearest, ties to even
  const double v = k * q;                                            // at most 2^128
  const float vf = static_cast<float>(v);                           // exact; 2^128 -> inf
  std::uint32_t vb;
  std::memcpy(&vb, &vf, 4);
  const std::uint16_t c = std::uint16_t(sgn | (vb >> 16));
  if (a == v) return {c, true};  // |pl| < 2^-52 a, far below half a step
  // The neighbour of v on a's side is v +- q (k < 256 when a > v, k > 128
  // when a < v in a normal binade), the midpoint v +- q/2.
  const double m = a > v ? v + 0.5 * q : v - 0.5 * q;
  const double t = (a - m) + (sgn ? -pl : pl);  // |P| - m; a - m exact (Sterbenz) where it is small
  const std::uint16_t nb = std::uint16_t(a > v ? c + 1 : c - 1);
  if (std::fabs(t) <= q * 0x1p-92) {
    const std::uint16_t small = a > v ? c : nb, big = a > v ? nb : c;
    return {c, false, sgn ? big : small, sgn ? small : big, t == 0};
  }
  const bool beyond = a > v ? t > 0 : t < 0;
  return {beyond ? nb : c, true};
}

enum class how { fixed, tiny, fast, midpoint, quad };
struct ref_result {
  std::uint16_t bits;
  how path;
  bool by_rules, ok;
};

struct failure {
  std::uint16_t gate, up, want, got;
  std::string why;
};

struct stats {
  std::uint64_t pairs = 0, not_cr = 0, resolved = 0, unresolved = 0;
  std::uint64_t by_path[5] = {0, 0, 0, 0, 0};  // by how: fixed, tiny, fast, midpoint, quad
  std::uint64_t checked = 0, check_diff = 0;
  void add(stats const& o) {
    pairs += o.pairs, not_cr += o.not_cr, resolved += o.resolved, unresolved += o.unresolved;
    for (int k = 0; k < 5; ++k) by_path[k] += o.by_path[k];
    checked += o.checked, check_diff += o.check_diff;
  }
  std::uint64_t path(how h) const { return by_path[static_cast<int>(h)]; }
};

struct row {
  std::string name, tier;
  stats s;
  double secs = 0;
  std::vector<failure> fails;
  std::uint64_t fail_count = 0;
  bool pass() const { return s.not_cr == 0 && s.unresolved == 0 && s.check_diff == 0 && fail_count == 0; }
};

float f_of16(std::uint16_t h) { return float(bf16::from_bits(h)); }

std::string show(std::uint16_t h) {
  char b[64];
  std::snprintf(b, sizeof b, "0x%04x (%a)", unsigned(h), static_cast<double>(f_of16(h)));
  return b;
}

template <class G>
row run(G const& g, std::vector<std::uint16_t> const& gates, unsigned threads) {
  namespace S = nonlin_spec;
  constexpr auto fam = nonlin::detail::family_of(G::name);
  const auto act = S::act_of(g);
  row r;
  r.name = G::name;
  r.tier = G::tier == nonlin::tier::precise ? "precise" : G::tier == nonlin::tier::fast ? "fast" : "default";
  std::vector<bf16> up(65536);
  std::vector<float> uf(65536);
  for (std::uint32_t j = 0; j < 65536; ++j) {
    up[j] = bf16::from_bits(std::uint16_t(j));
    uf[j] = float(up[j]);
  }
  std::mutex mu;
  std::atomic<std::size_t> next{0};
  std::vector<stats> per(threads);
  const auto t0 = std::chrono::steady_clock::now();

  const auto note = [&](std::uint16_t gb, std::uint16_t ub, std::uint16_t want, std::uint16_t got, const char* why) {
    std::lock_guard<std::mutex> lock(mu);
    ++r.fail_count;
    if (r.fails.size() < kMaxShown) r.fails.push_back({gb, ub, want, got, why});
  };

  const auto worker = [&](unsigned t) {
    stats& st = per[t];
    std::vector<bf16> gate(65536), out(65536);
    for (;;) {
      const std::size_t gi = next.fetch_add(1);
      if (gi >= gates.size()) break;
      const std::uint16_t gb = gates[gi];
      const float x = f_of16(gb);
      std::fill(gate.begin(), gate.end(), bf16::from_bits(gb));
      nonlin::apply(g, gate.data(), up.data(), out.data(), gate.size());
      // Pairs with a non-finite operand or a zero gate try gated_fixed
      // first (a zero gate fixes a zero act only: glu's sigmoid(0) = 1/2
      // does not).
      const bool x_regular = std::isfinite(x) && x != 0;
      const W A = std::isfinite(x) ? S::reference<W>(act, x) : W(0);
      const double hi = static_cast<double>(A);
      const double lo = static_cast<double>(A - W(hi));
      const bool tiny = !(std::fabs(hi) >= 0x1p-400);
      const bool a_is_double = lo == 0 && W(hi) == A;

      // The quad path: the rounding of test_half.cpp. Returns false where
      // the reference cannot round (counted as a failure by the caller).
      const auto quad_round = [&](float u, std::uint16_t& want, bool& by_rules) {
        HR::rounding q = HR::round_exact<bf16>(A * W(u), false);
        by_rules = false;
        if (q.undecided) {
          if (!HR::resolve<bf16>(q, fam, x, u, A)) return false;
          by_rules = true;
        }
        want = q.cr;
        return true;
      };
      // The reference used for a finite pair (not fixed): ok false where
      // it cannot round.
      const auto regular = [&](float u) -> ref_result {
        if (tiny) return {std::signbit(hi * double(u)) ? std::uint16_t(0x8000) : std::uint16_t(0), how::tiny, false, true};
        const fast_round f = round_fast(hi, lo, double(u));
        if (f.decided) return {f.bits, how::fast, false, true};
        if (f.exact_mid && a_is_double) {
          HR::rounding q{(f.lo & 1) == 0 ? f.lo : f.hi, f.lo, f.hi, true};
          if (HR::resolve<bf16>(q, fam, x, u, A)) return {q.cr, how::midpoint, true, true};
        }
        ref_result rr{0, how::quad, false, false};
        rr.ok = quad_round(u, rr.bits, rr.by_rules);
        return rr;
      };
      // The fixed value, as test_half: applies to non-finite values and
      // zeros; nan_fixed: any NaN is right.
      const auto fixed_of = [&](float u, std::uint16_t& want, bool& nan_fixed) {
        float fx;
        if (!S::gated_fixed(g, x, u, fx) || !(!std::isfinite(x) || !std::isfinite(fx) || fx == 0)) return false;
        nan_fixed = std::isnan(fx);
        want = nan_fixed ? std::uint16_t(0x7FC0) : bf16(fx).bits;
        return true;
      };

      for (std::uint32_t j = 0; j < 65536; ++j) {
        const std::uint16_t ub = std::uint16_t(j), got = out[j].bits;
        const float u = uf[j];
        ++st.pairs;
        std::uint16_t want = 0;
        if (!x_regular || !std::isfinite(u)) {
          bool nan_fixed = false;
          if (fixed_of(u, want, nan_fixed)) {
            ++st.by_path[static_cast<int>(how::fixed)];
            const bool ok = nan_fixed ? HR::is_nan16<bf16>(got) : got == want;
            if (!ok) ++st.not_cr, note(gb, ub, want, got, nan_fixed ? "expected NaN" : "fixed value");
            continue;
          }
          if (!std::isfinite(x) || !std::isfinite(u)) {
            ++st.unresolved;
            note(gb, ub, 0, got, "no fixed value for a non-finite operand");
            continue;
          }
          // A zero gate without a fixed value: the exact product.
        }
        const ref_result rr = regular(u);
        ++st.by_path[static_cast<int>(rr.path)];
        if (!rr.ok) {
          ++st.unresolved;
          note(gb, ub, 0, got, "the reference cannot round");
          continue;
        }
        st.resolved += rr.by_rules;
        if (got != rr.bits) ++st.not_cr, note(gb, ub, rr.bits, got, "not correctly rounded");
      }

      // The self-check: pairs p = gb * 65536 + j with p % 4099 == 0, again
      // by the quad path and gated_fixed alone, against what was used above
      // (the output being correctly rounded or not).
      const std::uint32_t base = static_cast<std::uint32_t>((std::uint64_t(gb) << 16) % kCheckStride);
      for (std::uint32_t j = (kCheckStride - base) % kCheckStride; j < 65536; j += kCheckStride) {
        const std::uint16_t ub = std::uint16_t(j);
        const float u = uf[j];
        ++st.checked;
        std::uint16_t want_fixed = 0, used = 0, slow = 0;
        bool nan_fixed = false;
        const bool is_fixed = fixed_of(u, want_fixed, nan_fixed);
        const bool special = !x_regular || !std::isfinite(u);
        bool ok;
        if (is_fixed) {
          ok = special;  // the main loop skips gated_fixed only where it cannot apply
        } else if (!std::isfinite(x) || !std::isfinite(u)) {
          ok = true;  // reported above
        } else {
          // The same bits, and the rules used exactly where the quad path
          // uses them.
          bool by_rules = false;
          const bool have = quad_round(u, slow, by_rules);
          const ref_result rr = regular(u);
          used = rr.bits;
          ok = have == rr.ok && (!have || (slow == rr.bits && by_rules == rr.by_rules));
        }
        if (!ok) {
          ++st.check_diff;
          note(gb, ub, slow, used, "self-check: fast and quad references differ");
        }
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker, t);
  worker(0);
  for (auto& th : pool) th.join();
  for (stats const& s : per) r.s.add(s);
  r.secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::sort(r.fails.begin(), r.fails.end(), [](failure const& a, failure const& b) {
    return a.gate != b.gate ? a.gate < b.gate : a.up < b.up;
  });
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  std::uint32_t stride = 1;
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::string> only;
  std::string report;
  const std::string command = nonlin_sweep_cli::command_line(argc, argv);
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--gate-stride" && i + 1 < argc) {
      stride = nonlin_sweep_cli::at_least_one(argv[++i]);
    } else if (a == "--threads" && i + 1 < argc) {
      threads = nonlin_sweep_cli::at_least_one(argv[++i]);
    } else if (a == "--only" && i + 1 < argc) {
      nonlin_sweep_cli::split_names(argv[++i], only);
    } else if (a == "--report" && i + 1 < argc) {
      report = argv[++i];
    } else {
      std::fprintf(stderr,
                   "usage: nonlin_half_gated [--only NAME,...] [--gate-stride K] [--threads T] [--report FILE]\n");
      return 2;
    }
  }
  // Names: each must be a gated functor whose bf16 outputs are correctly
  // rounded.
  for (std::string const& n : only) {
    bool known = false, exact = false;
    nonlin_spec::for_each_gated([&](auto const& g) {
      using G = std::decay_t<decltype(g)>;
      if (n == G::name) known = true, exact = nonlin::detail::half_rule<G>::exact;
    });
    if (!known || !exact) {
      std::fprintf(stderr, "nonlin_half_gated: %s: %s\n", n.c_str(),
                   known ? "not documented correctly rounded in bf16 (fast tier)" : "no such gated functor");
      return 2;
    }
  }
  std::vector<std::uint16_t> gates;
  for (std::uint32_t i = 0; i < 65536; i += stride) gates.push_back(std::uint16_t(i));
  if (stride > 1) {
    for (unsigned s : {0x0000u, 0x8000u, 0x7F80u, 0xFF80u, 0x7FC0u, 0xFFC1u, 0x0001u, 0x8001u, 0x7F7Fu, 0xFF7Fu})
      gates.push_back(static_cast<std::uint16_t>(s));
    std::sort(gates.begin(), gates.end());
    gates.erase(std::unique(gates.begin(), gates.end()), gates.end());
  }
  HR::dec<bf16>(0);  // the decoding table, before the threads
  std::printf("nonlin_half_gated: %s\n  %zu gates x 65536 ups = %" PRIu64 " pairs per functor, %u thread(s)\n",
              command.c_str(), gates.size(), std::uint64_t(gates.size()) * 65536u, threads);
  std::fflush(stdout);
  std::vector<row> rows;
  nonlin_spec::for_each_gated([&](auto const& g) {
    using G = std::decay_t<decltype(g)>;
    if constexpr (nonlin::detail::half_rule<G>::exact) {
      const std::string name = G::name;
      if (!only.empty() && std::find(only.begin(), only.end(), name) == only.end()) return;
      rows.push_back(run(g, gates, threads));
      row const& r = rows.back();
      std::printf("%-22s %-8s pairs %" PRIu64 "  not CR %" PRIu64 "  unresolved %" PRIu64
                  "  resolved by the rules %" PRIu64 "\n    by path: fixed %" PRIu64 "  tiny %" PRIu64
                  "  fast %" PRIu64 "  exact midpoint %" PRIu64 "  quad %" PRIu64
                  "\n    self-check %" PRIu64 " (%" PRIu64 " differ)  %.1f s  %s\n",
                  r.name.c_str(), r.tier.c_str(), r.s.pairs, r.s.not_cr, r.s.unresolved, r.s.resolved,
                  r.s.path(how::fixed), r.s.path(how::tiny), r.s.path(how::fast), r.s.path(how::midpoint),
                  r.s.path(how::quad), r.s.checked, r.s.check_diff, r.secs, r.pass() ? "PASS" : "FAIL");
      for (failure const& f : r.fails)
        std::printf("    gate %s up %s: expected %s, actual %s (%s)\n", show(f.gate).c_str(), show(f.up).c_str(),
                    show(f.want).c_str(), show(f.got).c_str(), f.why.c_str());
      if (r.fail_count > r.fails.size())
        std::printf("    ... %" PRIu64 " failures in all\n", r.fail_count);
      std::fflush(stdout);
    }
  });
  bool ok = true;
  std::ostringstream md;
  md << "| functor | tier | pairs | not CR | undecided, resolved by the rules | quad fallbacks | self-check pairs "
        "(differ) | time (s) | |\n"
     << "|---|---|---:|---:|---:|---:|---:|---:|---|\n";
  for (row const& r : rows) {
    char b[512];
    std::snprintf(b, sizeof b,
                  "| %s | %s | %" PRIu64 " | %" PRIu64 " | %" PRIu64 " | %" PRIu64 " | %" PRIu64 " (%" PRIu64
                  ") | %.1f | %s |\n",
                  r.name.c_str(), r.tier.c_str(), r.s.pairs, r.s.not_cr + r.s.unresolved, r.s.resolved, r.s.path(how::quad),
                  r.s.checked, r.s.check_diff, r.secs, r.pass() ? "PASS" : "FAIL");
    md << b;
    ok = ok && r.pass();
  }
  std::printf("\n%s\n%s\n", md.str().c_str(), ok ? "all correctly rounded" : "FAILED");
  if (!report.empty()) {
    std::ofstream out(report, std::ios::app);
    out << "Command: `" << command << "` (" << nonlin_sweep_cli::utc_now() << "; " << __VERSION__ << "; `" << NONLIN_SWEEP_FLAGS
        << "`; " << gates.size() << " gates x 65536 ups, " << threads << " thread(s))\n\n"
        << md.str() << "\n";
    std::printf("report appended to %s\n", report.c_str());
  }
  return ok ? 0 : 1;
}
