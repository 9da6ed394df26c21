// Accuracy of every function against the reference of its spec row
// (tests/spec.hpp): long double for float results, __float128 for double.
//
// For every functor of nonlin's lists, in float and double, at each sample
// value of its parameter: inputs in every binade of both signs, uniform in
// the row's core and tail ranges, and its special values. Each point must be
// within the functor's documented bound (max_ulp_float / max_ulp_double), a
// NaN exactly where the exact value is NaN, and a zero or infinity with the
// bits of the exact value's; where the contract fixes a value (the special
// table, the parameter rules) it must be that value bit for bit. The bulk
// path nonlin::apply must equal the scalar functor bit for bit. Each row
// prints the largest error it measured and where.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "common.hpp"
#include "spec.hpp"

namespace {

using nonlin_test::same_bits;
using nonlin_test::show;
using nonlin_test::ulp_error;

// Failures printed per row (all are counted); NONLIN_ACCURACY_PRINT=n overrides.
int max_printed_failures() {
  static const int n = [] {
    const char* e = std::getenv("NONLIN_ACCURACY_PRINT");
    return e != nullptr ? std::atoi(e) : 10;
  }();
  return n;
}

template <class T>
const char* type_name() {
  return std::is_same<T, float>::value ? "float" : "double";
}

template <class T>
struct bits_of;
template <>
struct bits_of<float> {
  using type = std::uint32_t;
  static constexpr int mant = 23, exps = 255;
};
template <>
struct bits_of<double> {
  using type = std::uint64_t;
  static constexpr int mant = 52, exps = 2047;
};

// Inputs for a row: per_binade mantissas (the ends and seeded random ones)
// in every binade_step-th binade of both signs, subnormals included;
// uniform in the core and tail ranges; and the finite special inputs.
template <class T, class Def>
std::vector<T> sample_inputs(int per_binade, int n_core, int n_tail, unsigned seed, unsigned binade_step = 1) {
  using U = typename bits_of<T>::type;
  constexpr int M = bits_of<T>::mant;
  std::mt19937_64 rng(seed);
  std::vector<T> xs;
  for (U sign = 0; sign < 2; ++sign) {
    for (U e = 0; e < U(bits_of<T>::exps); e += binade_step) {
      for (int i = 0; i < per_binade; ++i) {
        U m = i == 0 ? U(e == 0 ? 1 : 0) : i == 1 ? (U(1) << M) - 1 : U(rng() & ((U(1) << M) - 1));
        if (e == 0 && m == 0) m = 1;
        const U b = (sign << (sizeof(U) * 8 - 1)) | (e << M) | m;
        T x;
        std::memcpy(&x, &b, sizeof x);
        xs.push_back(x);
      }
    }
  }
  std::uniform_real_distribution<double> core(Def::core.lo, Def::core.hi), tail(Def::tail.lo, Def::tail.hi);
  for (int i = 0; i < n_core; ++i) xs.push_back(static_cast<T>(core(rng)));
  for (int i = 0; i < n_tail; ++i) xs.push_back(static_cast<T>(tail(rng)));
  for (auto const& c : Def::specials)
    if (std::isfinite(c.x)) xs.push_back(nonlin_spec::special_value<T>(c.x));
  return xs;
}

enum class Verdict { ok, over_bound, special };

// actual against the exact value hi + lo within bound ULP; zeros and
// infinities must carry the exact value's bits.
template <class T>
Verdict check_point(T actual, long double hi, long double lo, double bound, long double& err, std::string& why) {
  if (std::isnan(hi)) {
    err = std::isnan(actual) ? 0 : INFINITY;
    if (std::isnan(actual)) return Verdict::ok;
    why = "NaN expected";
    return Verdict::special;
  }
  if (std::isnan(actual)) {
    err = INFINITY;
    why = "unexpected NaN";
    return Verdict::special;
  }
  const T expected = static_cast<T>(hi);
  if (std::isinf(expected)) {  // past the overflow threshold: that infinity
    err = same_bits(actual, expected) ? 0 : INFINITY;
    if (err == 0) return Verdict::ok;
    why = "the exact value rounds to infinity";
    return Verdict::special;
  }
  err = ulp_error<T>(actual, hi, lo);
  const bool exp_zero_inf = expected == 0 || std::isinf(expected);
  const bool act_zero_inf = actual == 0 || std::isinf(actual);
  if (exp_zero_inf && act_zero_inf && !same_bits(actual, expected)) {
    why = "wrong signed zero / infinity";
    return Verdict::special;
  }
  if (err > bound) {
    why = std::isinf(err) ? "infinity mismatch" : "error above bound";
    return std::isinf(err) ? Verdict::special : Verdict::over_bound;
  }
  return Verdict::ok;
}

struct RowStats {
  long double max_err = 0;
  std::string where;
  std::size_t points = 0, over_bound = 0, special = 0;
  int printed = 0;
};

template <class T>
void print_summary(const std::string& label, double bound, RowStats const& st, const std::string& extra = "") {
  std::ostringstream s;
  s << "[ max ULP  ] " << type_name<T>() << " " << label << ": " << static_cast<double>(st.max_err) << " ULP (bound "
    << bound << ") at " << st.where << "; " << st.points << " points, " << st.over_bound << " above bound, "
    << st.special << " special-value failures" << extra;
  std::cout << s.str() << std::endl;
  std::ostringstream v;
  v << static_cast<double>(st.max_err);
  ::testing::Test::RecordProperty(std::string(type_name<T>()) + "." + label + ".max_ulp", v.str());
}

// Calls fn(functor) for f at each sample value of its parameter (f itself
// when it has none).
template <class F, class Fn>
void for_each_param(F const& f, Fn&& fn) {
  if constexpr (nonlin_spec::has_param<F>()) {
    for (double p : nonlin_spec::spec_of<F>::param::samples) fn(nonlin_spec::with_param(f, p));
  } else {
    fn(f);
  }
}

template <class T>
class Accuracy : public ::testing::Test {};
using Types = ::testing::Types<float, double>;
TYPED_TEST_SUITE(Accuracy, Types, nonlin_test::TypeNames);

TYPED_TEST(Accuracy, UnaryWithinBound) {
  using T = TypeParam;
  using R = typename nonlin_spec::wide_of<T>::type;
  const bool is_float = std::is_same<T, float>::value;
  nonlin_spec::for_each_unary([&](auto const& f0) {
    using F = std::decay_t<decltype(f0)>;
    using Def = typename nonlin_spec::spec_of<F>::def;
    const auto xs = sample_inputs<T, Def>(is_float ? 6 : 2, is_float ? 2000 : 1500, is_float ? 1000 : 500, 7);
    for_each_param(f0, [&](F const& f) {
      const std::string label = nonlin_spec::label_of(f);
      const double bound = nonlin_spec::bound_of<T, F>();
      const bool bounded = nonlin_spec::bound_holds<F, T>(f);
      std::vector<T> bulk(xs.size());
      nonlin::apply(f, xs.data(), bulk.data(), xs.size());
      RowStats st;
      st.where = "-";
      for (std::size_t i = 0; i < xs.size(); ++i) {
        const T x = xs[i];
        const T actual = f(x);
        ++st.points;
        if (!same_bits(actual, bulk[i])) {
          ++st.special;
          if (st.printed++ < max_printed_failures())
            ADD_FAILURE() << type_name<T>() << " " << label << ": apply differs from the scalar functor at x = "
                          << show(x) << ": bulk " << show(bulk[i]) << ", scalar " << show(actual);
        }
        T fixed;
        if (nonlin_spec::fixed_value(f, x, fixed)) {
          if (!same_bits(actual, fixed)) {
            ++st.special;
            if (st.printed++ < max_printed_failures())
              ADD_FAILURE() << type_name<T>() << " " << label << ": the contract fixes this value\n  x        = "
                            << show(x) << "\n  expected = " << show(fixed) << "\n  actual   = " << show(actual);
          }
          continue;
        }
        long double hi, lo;
        nonlin_test::split(nonlin_spec::reference<R>(f, x), hi, lo);
        long double err = 0;
        std::string why;
        const Verdict v = check_point(actual, hi, lo, bounded ? bound : INFINITY, err, why);
        if (std::isfinite(err) && err > st.max_err) {
          st.max_err = err;
          st.where = "x = " + show(x);
        }
        if (v == Verdict::ok) continue;
        (v == Verdict::special ? st.special : st.over_bound)++;
        if (st.printed++ < max_printed_failures()) {
          ADD_FAILURE() << type_name<T>() << " " << label << ": " << why << "\n  x        = " << show(x)
                        << "\n  expected = " << show(static_cast<T>(hi)) << " [exact " << hi << " + " << lo
                        << "]\n  actual   = " << show(actual) << "\n  error    = " << static_cast<double>(err)
                        << " ULP (bound " << bound << ")";
        }
      }
      print_summary<T>(label, bound, st);
      EXPECT_EQ(st.over_bound + st.special, 0u)
          << type_name<T>() << " " << label << ": " << st.over_bound << " points above " << bound << " ULP and "
          << st.special << " special-value failures or mismatches out of " << st.points;
    });
  });
}

// Gated: every gate of the activation's sample with ups from 1e-30 to 1e30
// of both signs. The default tier (float) folds up into act and is held to
// its bound at every pair; the precise and fast tiers round act(gate) first
// and are held to it where act(gate) is normal or |up| <= 1 (glu.hpp);
// beyond that the points are reported, not failed.
TYPED_TEST(Accuracy, GatedWithinBound) {
  using T = TypeParam;
  using R = typename nonlin_spec::wide_of<T>::type;
  const bool is_float = std::is_same<T, float>::value;
  const T ups[] = {T(1e-30), T(-1e-30), T(1e-5), T(0.7), T(-1), T(3.5), T(-3.5), T(1e5), T(-1e5), T(1e30)};
  nonlin_spec::for_each_gated([&](auto const& g0) {
    using G = std::decay_t<decltype(g0)>;
    using Def = typename nonlin_spec::spec_of<G>::def;
    const auto gates = sample_inputs<T, Def>(is_float ? 2 : 1, is_float ? 400 : 200, is_float ? 200 : 100, 11,
                                             is_float ? 1 : 4);
    for_each_param(g0, [&](G const& g) {
      const std::string label = nonlin_spec::label_of(g);
      const double bound = nonlin_spec::bound_of<T, G>();
      const auto act = nonlin_spec::act_of(g);
      const bool bounded = nonlin_spec::bound_holds<G, T>(g);
      constexpr bool folded = nonlin_spec::spec_of<G>::template folded<T>();
      constexpr bool every_pair = nonlin_spec::spec_of<G>::template every_pair<T>();
      RowStats st;
      st.where = "-";
      long double max_tiny = 0;
      std::string where_tiny = "-";
      for (T gate : gates) {
        for (T up : ups) {
          const T actual = g(gate, up);
          ++st.points;
          T y;
          if (!folded && !nonlin::detail::recomputes(act(gate), up) && !same_bits(actual, T(act(gate) * up))) {
            ++st.special;
            if (st.printed++ < max_printed_failures())
              ADD_FAILURE() << type_name<T>() << " " << label << ": not act(gate) * up rounded once at gate = "
                            << show(gate) << ", up = " << show(up);
          }
          if (nonlin_spec::gated_fixed(g, gate, up, y)) {
            if (!same_bits(actual, y)) {
              ++st.special;
              if (st.printed++ < max_printed_failures())
                ADD_FAILURE() << type_name<T>() << " " << label << ": the contract fixes this value at gate = "
                              << show(gate) << ", up = " << show(up) << ": expected " << show(y) << ", actual "
                              << show(actual);
            }
            continue;
          }
          long double hi, lo;
          nonlin_test::split(nonlin_spec::gated_reference<R>(g, gate, up), hi, lo);
          long double err = 0;
          std::string why;
          const T a = act(gate);
          const bool tiny = !every_pair && std::fabs(a) < std::numeric_limits<T>::min();
          const Verdict v = check_point(actual, hi, lo, bounded ? bound : INFINITY, err, why);
          const std::string where = "gate = " + show(gate) + ", up = " + show(up);
          if (std::isfinite(err)) {
            if (tiny && (err > max_tiny || where_tiny == "-")) {
              max_tiny = err;
              where_tiny = where;
            } else if (!tiny && (err > st.max_err || st.where == "-")) {
              st.max_err = err;
              st.where = where;
            }
          }
          if (v == Verdict::ok || (v == Verdict::over_bound && tiny && std::fabs(up) > 1)) continue;
          (v == Verdict::special ? st.special : st.over_bound)++;
          if (st.printed++ < max_printed_failures())
            ADD_FAILURE() << type_name<T>() << " " << label << ": " << why << "\n  " << where
                          << "\n  expected = " << show(static_cast<T>(hi)) << "\n  actual   = " << show(actual)
                          << "\n  error    = " << static_cast<double>(err) << " ULP (bound " << bound << ")";
        }
      }
      std::ostringstream extra;
      extra << "\n             (where act(gate) is subnormal or zero: max " << static_cast<double>(max_tiny)
            << " ULP at " << where_tiny << ")";
      print_summary<T>(label, bound, st, extra.str());
      EXPECT_EQ(st.over_bound + st.special, 0u) << type_name<T>() << " " << label;
    });
  });
}

TYPED_TEST(Accuracy, GatedBulkEqualsScalar) {
  using T = TypeParam;
  nonlin_spec::for_each_gated([&](auto const& g) {
    using G = std::decay_t<decltype(g)>;
    using Def = typename nonlin_spec::spec_of<G>::def;
    const auto gate = sample_inputs<T, Def>(1, 300, 300, 13);
    std::vector<T> up(gate.rbegin(), gate.rend()), out(gate.size());
    nonlin::apply(g, gate.data(), up.data(), out.data(), gate.size());
    int mismatches = 0;
    for (std::size_t i = 0; i < gate.size(); ++i) {
      const T s = g(gate[i], up[i]);
      if (same_bits(s, out[i])) continue;
      if (mismatches++ < max_printed_failures())
        ADD_FAILURE() << type_name<T>() << " " << g.name << ": apply differs from the scalar functor at gate = "
                      << show(gate[i]) << ", up = " << show(up[i]) << ": bulk " << show(out[i]) << ", scalar "
                      << show(s);
    }
    EXPECT_EQ(mismatches, 0) << type_name<T>() << " " << g.name;
  });
}

}  // namespace
