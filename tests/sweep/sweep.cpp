// nonlin_sweep: accuracy sweep of every unary function.
//
// float:  walks the float32 bit patterns k * stride (k = 0, 1, ... while below
//         2^32; --stride 1 is all 2^32 of them) through nonlin::apply, checks
//         every result against a double-precision reference written without
//         cancellation, then re-checks the worst cases per function against a
//         __float128 reference (libquadmath).
// double: samples --double-samples random mantissas (plus the two ends) in
//         every binade of both signs (2046 normal exponents and the subnormal
//         one) against __float128 references.
//
// Reported per function: max ULP error for normal and for subnormal-or-zero
// results (ULP as nonlin_test::ulp_error in tests/common.hpp: the grid of T
// at the reference, the subnormal grid below the smallest normal), the input
// of the max, the mean ULP error, the fraction of correctly rounded results
// (error <= 0.5 ULP), special-value failures and the documented bound.
// The scalar functor is spot-checked bit for bit against the bulk kernel.
//
// Exit status: 1 when a function exceeds its documented bound (max_ulp_float /
// max_ulp_double), has a special-value failure or a scalar/bulk mismatch
// (unless --no-fail); 2 on bad usage.
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "common.hpp"
#include "spec.hpp"
#include "sweep_cli.hpp"

#ifndef NONLIN_SWEEP_FLAGS
#define NONLIN_SWEEP_FLAGS "(unknown: built without the NONLIN_SWEEP_FLAGS definition)"
#endif
#ifndef NONLIN_SWEEP_BUILD_TYPE
#define NONLIN_SWEEP_BUILD_TYPE "(unknown)"
#endif

namespace {

using nonlin_spec::quad;

// ---------------------------------------------------------------- options

struct options {
  std::uint64_t stride = 127;
  unsigned threads = 0;
  std::string report;
  bool fail = true;
  long double_samples = 256;
  bool double_range = false;  // --double-range: uniform in [range_lo, range_hi] instead of per binade
  double range_lo = 0, range_hi = 0;
  std::uint64_t seed = 20240601;
  bool run_float = true;
  bool run_double = true;
  std::vector<std::string> only;  // function names; empty = all
  std::string command;
};

void usage(std::FILE* to) {
  std::fprintf(to,
               "usage: nonlin_sweep [--stride K] [--threads N] [--report FILE] [--no-fail]\n"
               "                    [--double-samples N] [--seed S] [--float-only | --double-only]\n"
               "                    [--only NAME[,NAME...]]\n"
               "  --stride K          float: test bit patterns 0, K, 2K, ... < 2^32 (default 127;\n"
               "                      1 = exhaustive). Use an odd K so mantissa bits all vary.\n"
               "  --threads N         worker threads (default: hardware_concurrency)\n"
               "  --report FILE       also write a markdown report (tests/accuracy.md)\n"
               "  --no-fail           exit 0 even when a bound or special value fails\n"
               "  --double-samples N  double: random mantissas per binade and sign (default 256; 0 = skip)\n"
               "  --double-range LO,HI double: instead, the same number of inputs uniform in [LO, HI]\n"
               "  --seed S            double: random seed (default 20240601)\n"
               "  --only NAMES        only these functions (e.g. gelu,swish)\n");
}

bool parse_u64(const char* s, std::uint64_t& out) {
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(s, &end, 0);
  if (errno != 0 || end == s || *end != '\0' || s[0] == '-') return false;
  out = v;
  return true;
}

// ---------------------------------------------------------------- references
//
// The spec's (tests/spec.hpp), in R = double for the float sweep's first
// pass (re-checked in __float128 on the worst cases) and R = quad for the
// double sweep; at +-inf the value the contract fixes.

template <class R, class T, class F>
R reference_at(F const& f, T x) {
  T y;
  if (std::isinf(x) && nonlin_spec::fixed_value(f, x, y)) return R(y);
  return nonlin_spec::reference<R>(f, x);
}

// ---------------------------------------------------------------- ULP error
//
// The definition of nonlin_test::ulp_error<T>: |actual - ref| in units of
// 2^(max(e, emin) - p + 1), e the exponent of the reference; 0 for identical
// infinities, +inf when exactly one side is infinite. Two implementations:
// a fast one for float against a double reference (bit manipulation), and one
// in quad. NaNs are handled by the callers.

double ulp_err_fast(float actual, double ref) {
  if (std::isinf(actual) || std::isinf(ref)) return static_cast<double>(actual) == ref ? 0 : INFINITY;
  std::uint64_t b;
  const double a = std::fabs(ref);
  std::memcpy(&b, &a, sizeof b);
  int e = static_cast<int>(b >> 52) - 1023;  // exponent of a normal double
  if (e < -126) e = -126;                    // float subnormal grid (also a == 0)
  const std::uint64_t ub = static_cast<std::uint64_t>(e - 23 + 1023) << 52;
  double ulp;
  std::memcpy(&ulp, &ub, sizeof ulp);
  return std::fabs(static_cast<double>(actual) - ref) / ulp;
}

template <class T>
quad ulp_err_quad(T actual, quad ref) {
  if (std::isinf(actual) || isinfq(ref)) return quad(actual) == ref ? 0 : quad(INFINITY);
  constexpr int digits = std::numeric_limits<T>::digits;
  constexpr int emin = std::numeric_limits<T>::min_exponent - 1;
  const quad a = fabsq(ref);
  int e = emin;
  if (a != 0) e = std::max(ilogbq(a), emin);
  return fabsq(quad(actual) - ref) / ldexpq(quad(1), e - digits + 1);
}

// ---------------------------------------------------------------- helpers

template <class T>
struct bits_of;
template <>
struct bits_of<float> {
  using type = std::uint32_t;
};
template <>
struct bits_of<double> {
  using type = std::uint64_t;
};

template <class T>
typename bits_of<T>::type to_bits(T x) {
  typename bits_of<T>::type b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}
template <class T>
T from_bits(typename bits_of<T>::type b) {
  T x;
  std::memcpy(&x, &b, sizeof x);
  return x;
}

template <class T>
std::string fmt(T x) {
  char buf[96];
  if (std::is_same<T, float>::value)
    std::snprintf(buf, sizeof buf, "%a (%.9g)", static_cast<double>(x), static_cast<double>(x));
  else
    std::snprintf(buf, sizeof buf, "%a (%.17g)", static_cast<double>(x), static_cast<double>(x));
  return buf;
}

std::string fmt_quad(quad x) {
  char buf[96];
  quadmath_snprintf(buf, sizeof buf, "%.21Qg", x);
  return buf;
}

std::string fmt_ulp(double e) {
  char buf[32];
  if (std::isinf(e)) return "inf";
  std::snprintf(buf, sizeof buf, "%.3f", e);
  return buf;
}

template <class F>
std::string display_name(F const& f) {
  return nonlin_spec::label_of(f);
}

// ---------------------------------------------------------------- statistics

struct worst {
  double err = -1;  // as measured in the sweep
  std::uint64_t xbits = 0;
};

constexpr int kKeep = 8;  // worst cases kept per class for the re-check

struct stats {
  std::uint64_t tested = 0;        // non-NaN inputs with a non-NaN result
  std::uint64_t n_normal = 0, n_sub = 0;
  double sum_err = 0;              // over tested
  std::uint64_t correct = 0;       // err <= 0.5
  worst top[2][kKeep];             // [0] normal results, [1] subnormal or zero
  std::uint64_t special_failures = 0;
  std::vector<std::string> special_msgs;
  std::uint64_t scalar_checked = 0, scalar_mismatch = 0;
  std::vector<std::string> scalar_msgs;

  double kept_min[2] = {-1, -1};      // smallest error in top[cls]

  void keep(int cls, double err, std::uint64_t xbits) {
    worst* t = top[cls];
    int m = 0;
    for (int i = 1; i < kKeep; ++i)
      if (t[i].err < t[m].err) m = i;
    if (err > t[m].err) t[m] = {err, xbits};
    double lo = t[0].err;
    for (int i = 1; i < kKeep; ++i) lo = std::min(lo, t[i].err);
    kept_min[cls] = lo;
  }
  // One measured result: err ULP at the input with bits xbits; cls 0 for a
  // normal result, 1 for a subnormal or zero one.
  void record(int cls, double err, std::uint64_t xbits) {
    ++(cls ? n_sub : n_normal);
    ++tested;
    sum_err += err;
    if (err <= 0.5) ++correct;
    if (err > kept_min[cls]) keep(cls, err, xbits);
  }
  void fail(std::string msg) {
    ++special_failures;
    if (special_msgs.size() < 16) special_msgs.push_back(std::move(msg));
  }
  void mismatch(std::string msg) {
    ++scalar_mismatch;
    if (scalar_msgs.size() < 8) scalar_msgs.push_back(std::move(msg));
  }
  void merge(stats const& o) {
    tested += o.tested;
    n_normal += o.n_normal;
    n_sub += o.n_sub;
    sum_err += o.sum_err;
    correct += o.correct;
    for (int c = 0; c < 2; ++c)
      for (auto const& w : o.top[c])
        if (w.err >= 0) keep(c, w.err, w.xbits);
    special_failures += o.special_failures;
    for (auto const& m : o.special_msgs)
      if (special_msgs.size() < 16) special_msgs.push_back(m);
    scalar_checked += o.scalar_checked;
    scalar_mismatch += o.scalar_mismatch;
    for (auto const& m : o.scalar_msgs)
      if (scalar_msgs.size() < 8) scalar_msgs.push_back(m);
  }
};

// One re-checked worst case.
struct confirmed {
  double err = 0;        // against the quad reference
  double sweep_err = 0;  // as the sweep measured it (double reference for float)
  std::uint64_t xbits = 0;
  double result = 0;
  std::string ref;
  bool valid = false;
};

struct result {
  std::string name;
  double bound = 0;
  std::uint64_t inputs = 0;
  stats s;
  confirmed worst_normal, worst_sub;  // confirmed maxima per class
  std::vector<confirmed> worst_list[2];
  double max_ref_delta = 0;           // max |sweep_err - err| over re-checked cases
  double seconds = 0;
  bool pass = true;

  double max_err() const { return std::max(worst_normal.err, worst_sub.err); }
  confirmed const& argmax() const { return worst_sub.err > worst_normal.err ? worst_sub : worst_normal; }
};

template <class T>
std::string special_msg(T x, T y, const char* what) {
  return fmt(x) + " -> " + fmt(y) + ": " + what;
}

// Checks one (x, y = f(x)) pair for the per-input special rules. Returns
// false when y must not enter the ULP statistics.
template <class T>
bool check_pair(stats& s, double out_lo, double out_hi, T x, T y) {
  if (std::isnan(x)) {
    if (!std::isnan(y)) s.fail(special_msg(x, y, "NaN input must give NaN"));
    return false;
  }
  if (std::isnan(y)) {
    s.fail(special_msg(x, y, "non-NaN input gave NaN"));
    return false;
  }
  if (!(y >= static_cast<T>(out_lo) && y <= static_cast<T>(out_hi))) s.fail(special_msg(x, y, "result outside the function's range"));
  return true;
}

// Explicit special inputs: through the bulk kernel and the scalar functor.
template <class T, class F>
void check_specials(F const& f, stats& s) {
  using Def = typename nonlin_spec::spec_of<F>::def;
  std::vector<T> xs;
  std::vector<T> expect;
  for (auto const& c : Def::specials) {
    xs.push_back(nonlin_spec::special_value<T>(c.x));
    T y;
    if (!nonlin_spec::fixed_value(f, xs.back(), y)) y = nonlin_spec::special_value<T>(c.y);
    expect.push_back(y);
  }
  const std::size_t n_cases = xs.size();
  const T nans[] = {std::numeric_limits<T>::quiet_NaN(), -std::numeric_limits<T>::quiet_NaN(),
                    std::numeric_limits<T>::signaling_NaN()};
  for (T v : nans) xs.push_back(v);
  const T lim[] = {std::numeric_limits<T>::denorm_min(), std::numeric_limits<T>::min(),
                   std::numeric_limits<T>::max()};
  for (T v : lim) {
    xs.push_back(v);
    xs.push_back(-v);
  }
  std::vector<T> ys(xs.size());
  nonlin::apply(f, xs.data(), ys.data(), xs.size());
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const T sc = f(xs[i]);
    for (int path = 0; path < 2; ++path) {
      const T y = path == 0 ? ys[i] : sc;
      check_pair(s, Def::out_lo, Def::out_hi, xs[i], y);
      if (i < n_cases) {
        const T e = expect[i];
        if (!nonlin_test::same_bits(y, e))
          s.fail(special_msg(xs[i], y, ((path == 0 ? "apply: expected " : "scalar: expected ") + fmt(e)).c_str()));
      }
    }
  }
}

// Re-checks the kept worst cases against the quad reference.
template <class T, class F>
void confirm(F const& f, result& r) {
  for (int c = 0; c < 2; ++c) {
    for (auto const& w : r.s.top[c]) {
      if (w.err < 0) continue;
      const T x = from_bits<T>(static_cast<typename bits_of<T>::type>(w.xbits));
      T y;
      nonlin::apply(f, &x, &y, 1);
      const quad ref = reference_at<quad>(f, x);
      confirmed k;
      k.err = static_cast<double>(ulp_err_quad<T>(y, ref));
      k.sweep_err = w.err;
      k.xbits = w.xbits;
      k.result = static_cast<double>(y);
      k.ref = fmt_quad(ref);
      k.valid = true;
      // Cross-check the definition against tests/common.hpp (long double).
      const long double lref = static_cast<long double>(ref);
      const long double lerr = nonlin_test::ulp_error<T>(y, lref, static_cast<long double>(ref - quad(lref)));
      if (std::isfinite(k.err) && std::fabs(static_cast<double>(lerr) - k.err) > 1e-6 * (1 + k.err)) {
        std::fprintf(stderr, "warning: %s: ulp_error (common.hpp) %.9Lg vs quad %.9g at %s\n", r.name.c_str(), lerr,
                     k.err, fmt(x).c_str());
      }
      if (std::isfinite(k.err) && std::isfinite(w.err))
        r.max_ref_delta = std::max(r.max_ref_delta, std::fabs(k.err - w.err));
      r.worst_list[c].push_back(k);
    }
    std::sort(r.worst_list[c].begin(), r.worst_list[c].end(),
              [](confirmed const& a, confirmed const& b) { return a.err > b.err; });
    if (!r.worst_list[c].empty()) (c == 0 ? r.worst_normal : r.worst_sub) = r.worst_list[c].front();
  }
}

void finish(result& r) {
  r.pass = r.max_err() <= r.bound && r.s.special_failures == 0 && r.s.scalar_mismatch == 0;
}

// The end of a sweep of f in T: merges the threads' stats into r, checks
// the special values, confirms the worst cases, times it from t0 and
// decides pass or fail.
template <class T, class F>
void conclude(F const& f, std::vector<stats> const& per, std::chrono::steady_clock::time_point t0, result& r) {
  for (auto const& s : per) r.s.merge(s);
  check_specials<T>(f, r.s);
  confirm<T>(f, r);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  finish(r);
}

// ---------------------------------------------------------------- float sweep

template <class F>
result sweep_float(F const& f, options const& o) {
  result r;
  r.name = display_name(f);
  r.bound = nonlin_spec::bound_of<float, F>();
  using Def = typename nonlin_spec::spec_of<F>::def;
  const std::uint64_t stride = o.stride;
  const std::uint64_t total = ((std::uint64_t(1) << 32) + stride - 1) / stride;
  r.inputs = total;
  constexpr std::uint64_t chunk = 1 << 16;
  std::atomic<std::uint64_t> next{0};
  std::vector<stats> per(o.threads);
  const auto t0 = std::chrono::steady_clock::now();

  auto work = [&](unsigned tid) {
    stats& s = per[tid];
    std::vector<float> in(chunk), out(chunk);
    for (;;) {
      const std::uint64_t k0 = next.fetch_add(chunk);
      if (k0 >= total) break;
      const std::size_t n = static_cast<std::size_t>(std::min(chunk, total - k0));
      for (std::size_t i = 0; i < n; ++i) in[i] = from_bits<float>(static_cast<std::uint32_t>((k0 + i) * stride));
      nonlin::apply(f, in.data(), out.data(), n);
      for (std::size_t i = 0; i < n; ++i) {
        const float x = in[i], y = out[i];
        if ((k0 + i) % 17 == 0) {  // scalar functor == bulk kernel, bit for bit
          ++s.scalar_checked;
          const float sc = f(x);
          if (!nonlin_test::same_bits(sc, y) && !(std::isnan(sc) && std::isnan(y)))
            s.mismatch(fmt(x) + ": scalar " + fmt(sc) + ", bulk " + fmt(y));
        }
        if (!check_pair(s, Def::out_lo, Def::out_hi, x, y)) continue;
        const double ref = reference_at<double>(f, x);
        const double err = ulp_err_fast(y, ref);
        if (std::isnan(err)) {  // a bug of this program, not of nonlin
          s.fail(fmt(x) + ": the reference is NaN");
          continue;
        }
        const int cls = std::fabs(ref) < static_cast<double>(std::numeric_limits<float>::min()) ? 1 : 0;
        s.record(cls, err, to_bits(x));
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < o.threads; ++t) pool.emplace_back(work, t);
  for (auto& t : pool) t.join();
  conclude<float>(f, per, t0, r);
  return r;
}

// ---------------------------------------------------------------- double sweep

std::uint64_t mix64(std::uint64_t z) {  // splitmix64 finalizer
  z += 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

template <class F>
result sweep_double(F const& f, options const& o) {
  result r;
  r.name = display_name(f);
  r.bound = nonlin_spec::bound_of<double, F>();
  using Def = typename nonlin_spec::spec_of<F>::def;
  // Binades: sign s in {0, 1}, biased exponent 0 (subnormal) .. 2046.
  constexpr std::uint64_t n_binades = 2 * 2047;
  const std::size_t per_binade = static_cast<std::size_t>(o.double_samples) + 2;
  r.inputs = n_binades * per_binade;
  std::atomic<std::uint64_t> next{0};
  std::vector<stats> per(o.threads);
  const auto t0 = std::chrono::steady_clock::now();
  constexpr std::uint64_t mant_mask = (std::uint64_t(1) << 52) - 1;

  auto work = [&](unsigned tid) {
    stats& s = per[tid];
    std::vector<double> in(per_binade), out(per_binade);
    for (;;) {
      const std::uint64_t b = next.fetch_add(1);
      if (b >= n_binades) break;
      const std::uint64_t sign = b & 1, expo = b >> 1;
      std::mt19937_64 rng(mix64(o.seed ^ mix64(b)));  // reproducible whatever the thread
      for (std::size_t i = 0; i < per_binade; ++i) {
        if (o.double_range) {  // the same count of inputs, uniform in the range
          const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;
          in[i] = o.range_lo + (o.range_hi - o.range_lo) * u;
          continue;
        }
        std::uint64_t m = i == 0 ? (expo == 0 ? 1 : 0) : i == 1 ? mant_mask : (rng() & mant_mask);
        if (expo == 0 && m == 0) m = 1;
        in[i] = from_bits<double>((sign << 63) | (expo << 52) | m);
      }
      nonlin::apply(f, in.data(), out.data(), per_binade);
      for (std::size_t i = 0; i < per_binade; ++i) {
        const double x = in[i], y = out[i];
        ++s.scalar_checked;
        const double sc = f(x);
        if (!nonlin_test::same_bits(sc, y) && !(std::isnan(sc) && std::isnan(y)))
          s.mismatch(fmt(x) + ": scalar " + fmt(sc) + ", bulk " + fmt(y));
        if (!check_pair(s, Def::out_lo, Def::out_hi, x, y)) continue;
        const quad ref = reference_at<quad>(f, x);
        const double err = static_cast<double>(ulp_err_quad<double>(y, ref));
        if (std::isnan(err)) {  // a bug of this program, not of nonlin
          s.fail(fmt(x) + ": the reference is NaN");
          continue;
        }
        const int cls = fabsq(ref) < quad(std::numeric_limits<double>::min()) ? 1 : 0;
        s.record(cls, err, to_bits(x));
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < o.threads; ++t) pool.emplace_back(work, t);
  for (auto& t : pool) t.join();
  conclude<double>(f, per, t0, r);
  return r;
}

// ---------------------------------------------------------------- output

template <class T>
std::string arg_str(confirmed const& c) {
  if (!c.valid || c.err == 0) return "-";
  return fmt(from_bits<T>(static_cast<typename bits_of<T>::type>(c.xbits)));
}

std::string pct(std::uint64_t a, std::uint64_t b) {
  char buf[32];
  if (b == 0) return "-";
  const double p = 100.0 * static_cast<double>(a) / static_cast<double>(b);
  if (a != b && p > 99.9999) return "99.9999+";
  std::snprintf(buf, sizeof buf, "%.4f", p);
  return buf;
}

std::string mean_str(stats const& s) {
  char buf[32];
  if (s.tested == 0) return "-";
  std::snprintf(buf, sizeof buf, "%.4f", s.sum_err / static_cast<double>(s.tested));
  return buf;
}

std::string bound_str(double b) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", b);
  return buf;
}

std::string class_max(confirmed const& c, std::uint64_t n) { return n == 0 || !c.valid ? "-" : fmt_ulp(c.err); }

template <class T>
void print_table(const char* title, std::vector<result> const& rs) {
  std::printf("\n%s\n", title);
  std::printf("%-18s %9s %9s  %-42s %8s %10s %8s %6s %6s %6s\n", "function", "max(norm)", "max(sub)",
              "argmax input", "mean", "%CR", "special", "scal", "bound", "");
  for (auto const& r : rs) {
    std::printf("%-18s %9s %9s  %-42s %8s %10s %8" PRIu64 " %6" PRIu64 " %6s %6s\n", r.name.c_str(),
                class_max(r.worst_normal, r.s.n_normal).c_str(), class_max(r.worst_sub, r.s.n_sub).c_str(),
                arg_str<T>(r.argmax()).c_str(), mean_str(r.s).c_str(), pct(r.s.correct, r.s.tested).c_str(),
                r.s.special_failures, r.s.scalar_mismatch, bound_str(r.bound).c_str(), r.pass ? "PASS" : "FAIL");
  }
  for (auto const& r : rs) {
    for (auto const& m : r.s.special_msgs) std::printf("  %s special: %s\n", r.name.c_str(), m.c_str());
    for (auto const& m : r.s.scalar_msgs) std::printf("  %s scalar/bulk mismatch: %s\n", r.name.c_str(), m.c_str());
  }
  double total = 0;
  for (auto const& r : rs) total += r.seconds;
  std::printf("  (%.1f s;", total);
  for (auto const& r : rs) std::printf(" %s %.1f s%s", r.name.c_str(), r.seconds, &r == &rs.back() ? "" : ",");
  std::printf(")\n");
}

std::string simd_path() {
#if NONLIN_USE_XSIMD
  std::ostringstream s;
  s << "xsimd " << XSIMD_VERSION_MAJOR << "." << XSIMD_VERSION_MINOR << "." << XSIMD_VERSION_PATCH << ", "
    << xsimd::default_arch::name() << " (" << xsimd::batch<float>::size << " floats, " << xsimd::batch<double>::size
    << " doubles per batch)";
  return s.str();
#else
  return "portable scalar (NONLIN_USE_XSIMD=0)";
#endif
}

template <class T>
void md_table(std::ostream& md, std::vector<result> const& rs) {
  md << "| function | max ULP (normal results) | max ULP (subnormal/zero results) | argmax input | mean ULP "
        "| correctly rounded | special failures | scalar/bulk mismatches | documented bound | |\n";
  md << "|---|---:|---:|---|---:|---:|---:|---:|---:|---|\n";
  for (auto const& r : rs) {
    md << "| " << r.name << " | " << class_max(r.worst_normal, r.s.n_normal) << " | "
       << class_max(r.worst_sub, r.s.n_sub) << " | `" << arg_str<T>(r.argmax()) << "` | " << mean_str(r.s) << " | "
       << pct(r.s.correct, r.s.tested) << " % | " << r.s.special_failures << " | " << r.s.scalar_mismatch << " | "
       << bound_str(r.bound) << " | " << (r.pass ? "PASS" : "**FAIL**") << " |\n";
  }
  md << "\n";
  std::ostringstream fails;
  for (auto const& r : rs) {
    for (auto const& m : r.s.special_msgs) fails << "- " << r.name << ": `" << m << "`\n";
    if (r.s.special_failures > r.s.special_msgs.size())
      fails << "- " << r.name << ": ... " << (r.s.special_failures - r.s.special_msgs.size()) << " more\n";
    for (auto const& m : r.s.scalar_msgs) fails << "- " << r.name << " (scalar vs bulk): `" << m << "`\n";
  }
  if (!fails.str().empty()) md << "Special-value failures and mismatches:\n\n" << fails.str() << "\n";
}

template <class T>
void md_worst(std::ostream& md, std::vector<result> const& rs) {
  md << "| function | results | input | result | reference | ULP |\n|---|---|---|---|---|---:|\n";
  for (auto const& r : rs) {
    for (int c = 0; c < 2; ++c) {
      int shown = 0;
      for (auto const& k : r.worst_list[c]) {
        if (shown++ == 3 || k.err == 0) break;
        md << "| " << r.name << " | " << (c ? "subnormal/zero" : "normal") << " | `" << arg_str<T>(k) << "` | `"
           << fmt(static_cast<T>(k.result)) << "` | `" << k.ref << "` | " << fmt_ulp(k.err) << " |\n";
      }
    }
  }
  md << "\n";
}

void write_report(options const& o, std::vector<result> const& fr, std::vector<result> const& dr, double secs_f,
                  double secs_d) {
  std::ofstream md(o.report);
  if (!md) {
    std::fprintf(stderr, "nonlin_sweep: cannot write %s\n", o.report.c_str());
    std::exit(2);
  }
  const std::uint64_t total = ((std::uint64_t(1) << 32) + o.stride - 1) / o.stride;
  md << "# nonlin accuracy\n\n"
     << "Generated by `nonlin_sweep` (tests/sweep/sweep.cpp); do not edit by hand.\n\n"
     << "- Command: `" << o.command << "`\n"
     << "- nonlin " << NONLIN_VERSION_MAJOR << "." << NONLIN_VERSION_MINOR << "." << NONLIN_VERSION_PATCH << "\n"
     << "- Date: " << nonlin_sweep_cli::utc_now() << "\n"
     << "- Compiler: " << (
#if defined(__clang__)
                              "clang "
#elif defined(__GNUC__)
                              "GCC "
#else
                              ""
#endif
                              )
     << __VERSION__ << "\n"
     << "- Flags: `" << NONLIN_SWEEP_FLAGS << "` (build type " << NONLIN_SWEEP_BUILD_TYPE << ")\n"
     << "- SIMD path: " << simd_path() << "\n"
     << "- CPU: " << nonlin_sweep_cli::cpu_model() << ", " << o.threads << " threads\n";
  if (o.run_float) {
    md << "- float: stride " << o.stride << " = " << total << " bit patterns per function"
       << (o.stride == 1 ? " (exhaustive)" : "") << "; " << std::fixed;
    md.precision(1);
    md << secs_f << " s\n";
    md.unsetf(std::ios::floatfield);
  }
  if (o.run_double) {
    if (o.double_range)
      md << "- double: " << (4094 * (o.double_samples + 2)) << " inputs uniform in [" << o.range_lo << ", "
         << o.range_hi << "] (seed " << o.seed << ") per function; " << std::fixed;
    else
      md << "- double: " << o.double_samples << " random mantissas + 2 ends per binade, 2 signs x 2047 exponents "
         << "(seed " << o.seed << ") = " << (4094 * (o.double_samples + 2)) << " inputs per function; "
         << std::fixed;
    md.precision(1);
    md << secs_d << " s\n";
    md.unsetf(std::ios::floatfield);
  }
  md << "\nError = |result - exact| in ULP of the result type at the exact value (the subnormal ULP "
        "below the smallest normal), as `ulp_error` in tests/common.hpp. \"Subnormal/zero results\": "
        "exact value below the smallest normal. Correctly rounded: error <= 0.5 ULP. Maxima are "
        "re-checked against `__float128` references (libquadmath `expq`, `erfcq`, `tanhq`); the float "
        "sweep itself uses double references written without cancellation, the double sweep `__float128`. "
        "The parameters (leaky_relu alpha, swish beta) are rounded to the argument type first, as documented. "
        "gelu_tanh is measured against its own formula. Special values checked: NaN -> NaN, no NaN from "
        "non-NaN, +-inf limits, signed zeros as documented, sigmoid in [0, 1]; the scalar functor is "
        "compared bit for bit with `nonlin::apply`"
     << (o.run_float ? " (float: every 17th input; double: every input)" : "") << ". PASS: max error <= "
     << "the functor's documented `max_ulp_float` / `max_ulp_double`, no special failure, no mismatch.\n\n";
  if (o.run_float) {
    double delta = 0;
    for (auto const& r : fr) delta = std::max(delta, r.max_ref_delta);
    char buf[160];
    std::snprintf(buf, sizeof buf,
                  "On the re-checked float worst cases the double and `__float128` references agree to %.1e ULP.\n\n",
                  delta);
    md << buf;
    md << "## float" << (o.stride == 1 ? " (all 2^32 inputs)" : "") << "\n\n";
    md_table<float>(md, fr);
    md << "### float: worst cases\n\n";
    md_worst<float>(md, fr);
  }
  if (o.run_double) {
    md << "## double (sampled)\n\n";
    md_table<double>(md, dr);
    md << "### double: worst cases\n\n";
    md_worst<double>(md, dr);
  }
}

bool selected(options const& o, std::string const& name) {
  if (o.only.empty()) return true;
  for (auto const& n : o.only)
    if (name == n || name.rfind(n + "(", 0) == 0) return true;
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  o.command = nonlin_sweep_cli::command_line(argc, argv);
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "nonlin_sweep: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    std::uint64_t v = 0;
    if (a == "--stride") {
      if (!parse_u64(value(), v) || v == 0 || v > (std::uint64_t(1) << 22)) {
        std::fprintf(stderr, "nonlin_sweep: --stride must be in [1, 2^22]\n");
        return 2;
      }
      o.stride = v;
    } else if (a == "--threads") {
      if (!parse_u64(value(), v) || v == 0 || v > 1024) {
        std::fprintf(stderr, "nonlin_sweep: bad --threads\n");
        return 2;
      }
      o.threads = static_cast<unsigned>(v);
    } else if (a == "--report") {
      o.report = value();
    } else if (a == "--no-fail") {
      o.fail = false;
    } else if (a == "--double-samples") {
      if (!parse_u64(value(), v) || v > 100000000) {
        std::fprintf(stderr, "nonlin_sweep: bad --double-samples\n");
        return 2;
      }
      o.double_samples = static_cast<long>(v);
      o.run_double = v > 0;
    } else if (a == "--double-range") {
      const char* r = value();
      char* end = nullptr;
      o.range_lo = std::strtod(r, &end);
      const bool comma = end != r && *end == ',';
      const char* second = comma ? end + 1 : r;
      o.range_hi = comma ? std::strtod(second, &end) : 0;
      if (!comma || end == second || *end != '\0' || !(o.range_lo < o.range_hi) || !std::isfinite(o.range_lo) ||
          !std::isfinite(o.range_hi)) {
        std::fprintf(stderr, "nonlin_sweep: --double-range wants LO,HI with LO < HI, both finite\n");
        return 2;
      }
      o.double_range = true;
    } else if (a == "--seed") {
      if (!parse_u64(value(), v)) {
        std::fprintf(stderr, "nonlin_sweep: bad --seed\n");
        return 2;
      }
      o.seed = v;
    } else if (a == "--float-only") {
      o.run_double = false;
    } else if (a == "--double-only") {
      o.run_float = false;
    } else if (a == "--only") {
      nonlin_sweep_cli::split_names(value(), o.only);
    } else if (a == "-h" || a == "--help") {
      usage(stdout);
      return 0;
    } else {
      std::fprintf(stderr, "nonlin_sweep: unknown argument %s\n", a.c_str());
      usage(stderr);
      return 2;
    }
  }
  if (o.threads == 0) o.threads = std::max(1u, std::thread::hardware_concurrency());
  if (o.stride % 2 == 0)
    std::fprintf(stderr, "nonlin_sweep: warning: even stride %" PRIu64 " never tests odd mantissas\n", o.stride);

  std::printf("nonlin_sweep: %s\n  compiler %s, flags %s\n  %s; %s; %u threads\n", o.command.c_str(), __VERSION__,
              NONLIN_SWEEP_FLAGS, simd_path().c_str(), nonlin_sweep_cli::cpu_model().c_str(), o.threads);
  std::fflush(stdout);

  std::vector<result> fr, dr;
  auto t0 = std::chrono::steady_clock::now();
  if (o.run_float) {
    nonlin_spec::for_each_unary([&](auto const& f) {
      if (!selected(o, display_name(f))) return;
      fr.push_back(sweep_float(f, o));
      auto const& r = fr.back();
      std::fprintf(stderr, "  float %-18s %.1f s\n", r.name.c_str(), r.seconds);
    });
  }
  const double secs_f = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  t0 = std::chrono::steady_clock::now();
  if (o.run_double) {
    nonlin_spec::for_each_unary([&](auto const& f) {
      if (!selected(o, display_name(f))) return;
      dr.push_back(sweep_double(f, o));
    });
  }
  const double secs_d = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  if (o.run_float) {
    char title[128];
    std::snprintf(title, sizeof title, "float, stride %" PRIu64 " (%" PRIu64 " inputs per function)", o.stride,
                  ((std::uint64_t(1) << 32) + o.stride - 1) / o.stride);
    print_table<float>(title, fr);
    for (auto const& r : fr)
      if (r.max_ref_delta > 1e-3)
        std::printf("  note: %s: double and quad references differ by %.3g ULP on a worst case\n", r.name.c_str(),
                    r.max_ref_delta);
  }
  if (o.run_double) {
    char title[128];
    if (o.double_range)
      std::snprintf(title, sizeof title, "double, %ld inputs uniform in [%g, %g] per function",
                    4094 * (o.double_samples + 2), o.range_lo, o.range_hi);
    else
      std::snprintf(title, sizeof title, "double, %ld samples + 2 per binade (%ld inputs per function)",
                    o.double_samples, 4094 * (o.double_samples + 2));
    print_table<double>(title, dr);
  }
  if (!o.report.empty()) {
    write_report(o, fr, dr, secs_f, secs_d);
    std::printf("\nreport written to %s\n", o.report.c_str());
  }
  bool ok = true;
  for (auto const& r : fr) ok = ok && r.pass;
  for (auto const& r : dr) ok = ok && r.pass;
  std::printf("\n%s\n", ok ? "all functions within their documented bounds" : "FAILED: see the FAIL rows above");
  return ok || !o.fail ? 0 : 1;
}
