// nonlin compiled with -ffast-math (or -Ofast), as a user might compile their
// whole program, measured from a driver that is compiled normally:
//  (a) accuracy over a few thousand finite inputs per function and type
//      against a wide reference (spec.hpp), max ULP printed and checked
//      against the documented bound (max_ulp_float / max_ulp_double) --
//      reassociation or contraction that broke nonlin's error-free
//      transformations would show here;
//  (b) NaN / inf / signed-zero inputs: what comes out, printed beside the
//      normal build's result (not asserted: -ffast-math tells the compiler
//      there are no NaNs or infinities and that zeros have no sign).
// Both are run with the MXCSR the program starts with (linking with
// -ffast-math adds crtfastmath.o, which sets FTZ and DAZ before main) and
// with FTZ/DAZ cleared, to separate the compiler's doing from the flushing.
// With FTZ on, results below 2^digits times the smallest normal (2^-102 in
// float, 2^-969 in double; for gated functions also act(gate) there) are
// held to the bound + 1 ULP instead of the bound: their correction terms
// (the residual of the quotient) are subnormal and flushed. That costs
// nothing where the plain quotient is already right, but -ffast-math lets
// the compiler divide by an approximate reciprocal plus a Newton step
// (rcpps on AVX2), and then the lost correction shows: seen as 1.0 ULP for
// silu, swish and gelu_tanh near x = 1e-32 in x86-64-v3 builds.
// Lines of results start with "[ fastmath ]".
#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iomanip>
#include <iostream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "common.hpp"
#include "fm_api.hpp"
#include "spec.hpp"

// The flush-mode register: x86's MXCSR (FTZ 0x8000, DAZ 0x40), or
// AArch64's FPCR, whose FZ bit (24) flushes inputs and results alike and
// which crtfastmath.o sets there too when the program is linked with
// -ffast-math.
#if defined(__SSE2__) || defined(_M_X64)
#include <xmmintrin.h>
#define FM_HAVE_MXCSR 1
#define FM_GET_CSR() _mm_getcsr()
#define FM_SET_CSR(v) _mm_setcsr(v)
#elif defined(__aarch64__) && (defined(__GNUC__) || defined(__clang__))
#define FM_HAVE_MXCSR 1
#define FM_FPCR 1
inline unsigned fm_get_fpcr() {
  unsigned long long v;
  __asm__ __volatile__("mrs %0, fpcr" : "=r"(v));
  return static_cast<unsigned>(v);
}
inline void fm_set_fpcr(unsigned v) { __asm__ __volatile__("msr fpcr, %0" : : "r"(static_cast<unsigned long long>(v))); }
#define FM_GET_CSR() fm_get_fpcr()
#define FM_SET_CSR(v) fm_set_fpcr(v)
#else
#define FM_HAVE_MXCSR 0
#endif

const fm::table& FM_REF_TABLE();
const fm::table& FM_FAST_TABLE();

#define FM_STR2(x) #x
#define FM_STR(x) FM_STR2(x)

namespace {

using nonlin_test::same_bits;
using nonlin_test::show;
using nonlin_test::ulp_error;
using R = nonlin_spec::wide;

#if FM_HAVE_MXCSR
#if defined(FM_FPCR)
constexpr unsigned kFtzDaz = 1u << 24;  // FPCR.FZ
#else
constexpr unsigned kFtzDaz = 0x8040;
#endif
// MXCSR as the program found it at the first call, before any test changed
// it. (Not a static initializer: crtfastmath.o's constructor, which sets
// FTZ/DAZ, may run after ours.)
unsigned startup_csr() {
  static const unsigned csr = FM_GET_CSR();
  return csr;
}
#define g_startup_csr startup_csr()
__attribute__((noinline)) unsigned set_csr(unsigned v) {
  const unsigned old = FM_GET_CSR();
  FM_SET_CSR(v);
  return old;
}
#endif

enum class Env { as_linked, no_flush };
const char* env_name(Env e) { return e == Env::as_linked ? "as linked" : "FTZ/DAZ off"; }

struct EnvScope {
#if FM_HAVE_MXCSR
  unsigned saved;
  explicit EnvScope(Env e) : saved(set_csr(e == Env::as_linked ? g_startup_csr : g_startup_csr & ~kFtzDaz)) {}
  ~EnvScope() { set_csr(saved); }
#else
  explicit EnvScope(Env) {}
#endif
};

bool flushing(Env e) {
#if FM_HAVE_MXCSR
  return e == Env::as_linked && (g_startup_csr & kFtzDaz) != 0;
#else
  (void)e;
  return false;
#endif
}

template <class T>
const char* type_name() {
  return sizeof(T) == 4 ? "float" : "double";
}

// A few thousand finite inputs across the range: the core, the tails (down
// to results in the subnormal range and to zero), and log-uniform magnitudes
// over every normal binade.
template <class T>
std::vector<T> accuracy_inputs(unsigned seed) {
  std::mt19937_64 rng(seed);
  const double tail = sizeof(T) == 4 ? 120.0 : 800.0;
  const int emin = std::numeric_limits<T>::min_exponent - 1, emax = std::numeric_limits<T>::max_exponent - 1;
  std::uniform_real_distribution<double> core(-8.0, 8.0), wide(-tail, tail), expo(emin, emax + 1), mant(1.0, 2.0);
  std::vector<T> xs;
  for (int i = 0; i < 1500; ++i) xs.push_back(static_cast<T>(core(rng)));
  for (int i = 0; i < 1500; ++i) xs.push_back(static_cast<T>(wide(rng)));
  for (int i = 0; i < 1000; ++i) {
    const int e = std::min(static_cast<int>(std::floor(expo(rng))), emax);
    const T x = static_cast<T>(std::ldexp(mant(rng), e));
    xs.push_back(rng() & 1 ? -x : x);
  }
  for (T x : {std::numeric_limits<T>::max(), std::numeric_limits<T>::lowest(), std::numeric_limits<T>::min(),
              -std::numeric_limits<T>::min(), T(0), -T(0)})
    xs.push_back(x);
  return xs;
}

template <class T>
bool subnormal(T x) {
  return std::fpclassify(x) == FP_SUBNORMAL;
}

struct Stats {
  long double max_err = 0;
  std::string where;
  std::size_t n = 0, over = 0, nan = 0, excluded = 0, excluded_zero = 0, scalar_mismatch = 0;
  // With FTZ: results (or act(gate)) below 2^digits * min, held to bound + 1.
  long double low_max_err = 0;
  std::string low_where;
  std::size_t low = 0, low_over = 0;
};

// The reference of entry e at (x) or (gate, up), in T's terms.
template <class T>
R reference(fm::entry const& e, T x, T up = T(1)) {
  const R p = R(static_cast<T>(e.param));
  if (!e.gated) return nonlin_spec::reference_by_name<R>(e.name, R(x), p);
  return nonlin_spec::reference_by_name<R>(e.name, R(x), p) * R(up);
}

template <class T>
void run(fm::entry const& e, std::vector<T> const& a, std::vector<T> const& b, std::vector<T>& bulk,
         std::vector<T>& scalar);
template <>
void run<float>(fm::entry const& e, std::vector<float> const& a, std::vector<float> const& b, std::vector<float>& bulk,
                std::vector<float>& scalar) {
  if (e.gated) {
    e.gbulk_f32(a.data(), b.data(), bulk.data(), a.size());
    e.gscalar_f32(a.data(), b.data(), scalar.data(), a.size());
  } else {
    e.bulk_f32(a.data(), bulk.data(), a.size());
    e.scalar_f32(a.data(), scalar.data(), a.size());
  }
}
template <>
void run<double>(fm::entry const& e, std::vector<double> const& a, std::vector<double> const& b,
                 std::vector<double>& bulk, std::vector<double>& scalar) {
  if (e.gated) {
    e.gbulk_f64(a.data(), b.data(), bulk.data(), a.size());
    e.gscalar_f64(a.data(), b.data(), scalar.data(), a.size());
  } else {
    e.bulk_f64(a.data(), bulk.data(), a.size());
    e.scalar_f64(a.data(), scalar.data(), a.size());
  }
}

// Accuracy of one entry over xs (and ups for the gated ones) in one
// environment. With flushing on, inputs and results in the subnormal range
// (and gated products whose act(gate) is there) are counted apart.
template <class T>
Stats measure(fm::entry const& e, std::vector<T> const& xs, std::vector<T> const& ups, Env env) {
  std::vector<T> bulk(xs.size()), scalar(xs.size());
  {
    EnvScope scope(env);
    run<T>(e, xs, ups, bulk, scalar);
  }
  const bool flush = flushing(env);
  const T mn = std::numeric_limits<T>::min();
  Stats st;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const T x = xs[i], up = e.gated ? ups[i] : T(1);
    if (!same_bits(bulk[i], scalar[i])) ++st.scalar_mismatch;
    const R ref = reference<T>(e, x, up);
    long double hi, lo;
    nonlin_test::split(ref, hi, lo);
    const T rt = static_cast<T>(hi);
    bool tiny = subnormal(x) || subnormal(up) || (rt != 0 && std::fabs(hi) < mn) || subnormal(rt);
    if (e.gated && !tiny) {
      const T act = static_cast<T>(nonlin_spec::reference_by_name<R>(e.name, R(x), R(static_cast<T>(e.param))));
      // the gated bound needs act(gate) normal or |up| <= 1
      if (subnormal(act) && std::fabs(up) > 1) continue;
      tiny = subnormal(act);
    }
    if (flush && tiny) {
      ++st.excluded;
      if (bulk[i] == 0) ++st.excluded_zero;
      continue;
    }
    const long double low_limit = std::ldexp(static_cast<long double>(mn), std::numeric_limits<T>::digits);
    bool low = std::fabs(hi) < low_limit;
    if (e.gated)
      low = low || std::fabs(static_cast<long double>(nonlin_spec::reference_by_name<R>(
                       e.name, R(x), R(static_cast<T>(e.param))))) < low_limit;
    if (flush && low) {
      ++st.low;
      const long double err = ulp_error<T>(bulk[i], hi, lo);
      const double bound = sizeof(T) == 4 ? e.bound_float : e.bound_double;
      if (err > bound + 1) ++st.low_over;
      if (err > st.low_max_err || (std::isinf(err) && st.low_where.empty())) {
        st.low_max_err = err;
        std::ostringstream s;
        s << (e.gated ? "gate=" : "x=") << show(x);
        if (e.gated) s << " up=" << show(up);
        s << " -> " << show(bulk[i]) << " (ref " << std::setprecision(std::numeric_limits<T>::max_digits10 + 2)
          << hi << ")";
        st.low_where = s.str();
      }
      continue;
    }
    ++st.n;
    if (std::isnan(bulk[i])) ++st.nan;
    const long double err = ulp_error<T>(bulk[i], hi, lo);
    const double bound = sizeof(T) == 4 ? e.bound_float : e.bound_double;
    if (err > bound) ++st.over;
    if (err > st.max_err || (std::isinf(err) && st.where.empty())) {
      st.max_err = err;
      std::ostringstream s;
      s << (e.gated ? "gate=" : "x=") << show(x);
      if (e.gated) s << " up=" << show(up);
      s << " -> " << show(bulk[i]) << " (ref " << std::setprecision(std::numeric_limits<T>::max_digits10 + 2) << hi
        << ")";
      st.where = s.str();
    }
  }
  return st;
}

std::string fmt(long double u) {
  std::ostringstream s;
  if (std::isinf(u))
    s << "inf";
  else
    s << std::fixed << std::setprecision(3) << static_cast<double>(u);
  return s.str();
}

// ----------------------------------------------------------------- tests --

TEST(FastMath, Environment) {
  const fm::table& fast = FM_FAST_TABLE();
  const fm::table& ref = FM_REF_TABLE();
  std::cout << "[ fastmath ] variant " << FM_STR(FM_LABEL) << ": kernels in " << fast.abi
            << " (__FAST_MATH__=" << fast.fast_math << ", __FINITE_MATH_ONLY__=" << fast.finite_math_only
            << ", FMA=" << fast.has_fma << "); normal copy in " << ref.abi << "\n";
#if defined(FM_FPCR)
  std::cout << "[ fastmath ] FPCR at startup 0x" << std::hex << g_startup_csr << std::dec
            << ": FZ=" << ((g_startup_csr & kFtzDaz) != 0)
            << ((g_startup_csr & kFtzDaz) ? " (set by crtfastmath.o, linked because of the link flag)" : "") << "\n";
#elif FM_HAVE_MXCSR
  std::cout << "[ fastmath ] MXCSR at startup 0x" << std::hex << g_startup_csr << std::dec
            << ": FTZ=" << ((g_startup_csr & 0x8000) != 0) << " DAZ=" << ((g_startup_csr & 0x40) != 0)
            << ((g_startup_csr & kFtzDaz) ? " (set by crtfastmath.o, linked because of the link flag)" : "") << "\n";
#endif
  std::cout << std::flush;
  EXPECT_TRUE(fast.fast_math) << "the fast copy was not compiled with fast math";
  EXPECT_FALSE(ref.fast_math);
  EXPECT_STRNE(fast.abi, ref.abi);
  ASSERT_EQ(fast.count, ref.count);
}

template <class T>
void accuracy() {
  // The driver's own arithmetic (classification, references) runs without
  // flushing; only the kernel calls see the environment under test.
  EnvScope analysis(Env::no_flush);
  const fm::table& fast = FM_FAST_TABLE();
  const fm::table& ref = FM_REF_TABLE();
  const auto xs = accuracy_inputs<T>(sizeof(T) == 4 ? 11 : 12);
  std::vector<T> ups(xs.size());
  std::mt19937 rng(13);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (T& v : ups) v = static_cast<T>(u(rng));
  for (std::size_t k = 0; k < fast.count; ++k) {
    fm::entry const& e = fast.entries[k];
    ASSERT_STREQ(e.name, ref.entries[k].name);
    const double bound = sizeof(T) == 4 ? e.bound_float : e.bound_double;
    const Stats normal = measure<T>(ref.entries[k], xs, ups, Env::no_flush);
    const Stats nf = measure<T>(e, xs, ups, Env::no_flush);
    const Stats al = measure<T>(e, xs, ups, Env::as_linked);
    std::ostringstream line;
    line << "[ fastmath ] " << FM_STR(FM_LABEL) << " " << type_name<T>() << " " << std::left << std::setw(10) << e.name
         << std::right << " bound " << bound << " | normal build " << fmt(normal.max_err) << " | fast, FTZ/DAZ off "
         << fmt(nf.max_err) << " (" << nf.over << " over, " << nf.nan << " NaN)";
    if (flushing(Env::as_linked))
      line << " | fast, as linked (FTZ/DAZ on) " << fmt(al.max_err) << " (" << al.over << " over; " << al.excluded
           << " subnormal-range points excluded, " << al.excluded_zero << " of them 0; " << al.low
           << " results below 2^digits min: " << fmt(al.low_max_err) << ", " << al.low_over << " over bound + 1)";
    line << " | scalar!=bulk " << nf.scalar_mismatch << " / " << al.scalar_mismatch << " | " << nf.n << " points";
    std::cout << line.str() << "\n";
    if (nf.max_err > bound) std::cout << "[ fastmath ]     worst (FTZ/DAZ off): " << nf.where << "\n";
    if (al.max_err > bound && flushing(Env::as_linked))
      std::cout << "[ fastmath ]     worst (as linked): " << al.where << "\n";
    if (al.low_max_err > bound && flushing(Env::as_linked))
      std::cout << "[ fastmath ]     worst (as linked, below 2^digits min): " << al.low_where << "\n";
    // The normal copy is the control: it must meet its bound.
    EXPECT_LE(normal.max_err, bound) << e.name << " normal build: " << normal.where;
    // Documented (README, "Guarantees"): under -fassociative-math the bounds
    // hold only where the target has an FMA; without one the error-free
    // transformations (Dekker's split) are reassociated away. Measured and
    // printed above, not asserted.
    if (!fast.has_fma) continue;
    EXPECT_LE(nf.max_err, bound) << e.name << " " << type_name<T>() << " under " << FM_STR(FM_LABEL)
                                 << " (FTZ/DAZ off): " << nf.where;
    EXPECT_LE(al.max_err, bound) << e.name << " " << type_name<T>() << " under " << FM_STR(FM_LABEL) << " ("
                                 << env_name(Env::as_linked) << "): " << al.where;
    // The fast tier's relative error (2^-12 .. 2^-14) can put a result
    // that is just above the smallest normal below it, where FTZ flushes
    // it; the default tier's float kernels, reassociated by fast math, flush
    // an intermediate near the smallest normal (up to about 4000 ULP in
    // silu, swish and gelu_tanh for results just above it, tanh(2^-126)
    // -> 0): measured and printed above, asserted for the precise tier
    // (and the default tier's double, which runs its kernels) only.
    if (std::string(e.name).rfind("fast::", 0) == 0) continue;
    if (e.tier_standard && sizeof(T) == 4) continue;
    EXPECT_LE(al.low_max_err, bound + 1) << e.name << " " << type_name<T>() << " under " << FM_STR(FM_LABEL) << " ("
                                         << env_name(Env::as_linked) << ", results below 2^digits min): "
                                         << al.low_where;
  }
  std::cout << std::flush;
}

TEST(FastMath, AccuracyFloat) { accuracy<float>(); }
TEST(FastMath, AccuracyDouble) { accuracy<double>(); }

template <class T>
std::string cell(T y) {
  std::ostringstream s;
  if (std::isnan(y))
    s << (std::signbit(y) ? "-nan" : "nan");
  else if (y == 0)
    s << (std::signbit(y) ? "-0" : "0");
  else
    s << std::setprecision(6) << y;
  return s.str();
}

// (b): printed, not asserted. A '*' marks a result that differs from the
// normal build's (NaNs of either sign count as equal).
template <class T>
void specials() {
  EnvScope analysis(Env::no_flush);
  const fm::table& fast = FM_FAST_TABLE();
  const fm::table& ref = FM_REF_TABLE();
  const T inf = std::numeric_limits<T>::infinity(), nan = std::numeric_limits<T>::quiet_NaN();
  const std::vector<T> xs = {nan, -nan, inf, -inf, T(0), -T(0), std::numeric_limits<T>::max(),
                             std::numeric_limits<T>::lowest(), std::numeric_limits<T>::denorm_min(), T(-1)};
  // gated: (gate, up)
  const std::vector<T> gs = {nan, T(1), inf, -inf, -inf, inf, T(0), -T(0), T(2), T(-50)};
  const std::vector<T> us = {T(1), nan, T(1), T(1), inf, T(0), inf, T(3), -T(0), inf};
  for (Env env : {Env::no_flush, Env::as_linked}) {
    if (env == Env::as_linked && !flushing(env)) continue;
    std::ostringstream head;
    head << "[ fastmath ] " << FM_STR(FM_LABEL) << " " << type_name<T>() << " special values (" << env_name(env)
         << "), fast result [normal build's if different, marked *]\n[ fastmath ]   unary x:          ";
    for (T x : xs) head << " " << std::setw(14) << cell(x);
    head << "\n[ fastmath ]   gated (gate, up): ";
    for (std::size_t i = 0; i < gs.size(); ++i) head << " " << std::setw(14) << (cell(gs[i]) + "," + cell(us[i]));
    std::cout << head.str() << "\n";
    std::size_t differences = 0;
    for (std::size_t k = 0; k < fast.count; ++k) {
      fm::entry const& e = fast.entries[k];
      const auto& a = e.gated ? gs : xs;
      std::vector<T> yf(a.size()), yfs(a.size()), yn(a.size()), yns(a.size());
      {
        EnvScope scope(env);
        run<T>(e, a, us, yf, yfs);
      }
      {
        EnvScope scope(Env::no_flush);
        run<T>(ref.entries[k], a, us, yn, yns);
      }
      std::ostringstream row;
      row << "[ fastmath ]   " << std::left << std::setw(18) << e.name << std::right;
      for (std::size_t i = 0; i < a.size(); ++i) {
        std::string c = cell(yf[i]);
        if (!same_bits(yf[i], yn[i])) {
          c += "[" + cell(yn[i]) + "]*";
          ++differences;
        }
        if (!same_bits(yf[i], yfs[i])) c += "(scalar " + cell(yfs[i]) + ")";
        row << " " << std::setw(14) << c;
      }
      std::cout << row.str() << "\n";
    }
    std::cout << "[ fastmath ]   " << differences << " results differ from the normal build\n" << std::flush;
  }
}

TEST(FastMath, SpecialValuesFloat) { specials<float>(); }
TEST(FastMath, SpecialValuesDouble) { specials<double>(); }

}  // namespace
