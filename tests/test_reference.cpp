// The spec's C++ references (tests/spec.hpp), the one reference every test
// measures against, cross-checked against mpmath at 60 digits
// (tests/data/mpmath_check.inc, scripts/gen_reference.py) at inputs across
// every binade of double, the core and tail ranges and the special inputs
// (tests/reference_points.cpp): long double to 2^-46 and __float128 to
// 2^-90 relative, more than enough to measure float and double results to
// a thousandth of an ULP. Every function of the spec must have points, and
// every point a function (regenerate: `cmake --build <build> --target
// reference_data`).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <set>
#include <string>
#include <type_traits>
#include <utility>

#include "spec.hpp"

namespace {

struct mp_point {
  const char* name;
  double param;
  double x;
  const char* value;
};

const mp_point kPoints[] = {
#include "data/mpmath_check.inc"
};

template <class R>
R parse(const char* s);
template <>
long double parse<long double>(const char* s) {
  return std::strtold(s, nullptr);
}
#if NONLIN_TEST_HAVE_QUADMATH && !NONLIN_TEST_QUAD_IS_LONG_DOUBLE  // (quad is long double on aarch64)
template <>
nonlin_spec::quad parse<nonlin_spec::quad>(const char* s) {
  return strtoflt128(s, nullptr);
}
#endif

template <class R>
R r_abs(R v) {
  return v < 0 ? -v : v;
}

// Checks Def's reference in R at every point of its rows; returns the number
// of points seen.
template <class Def, class R>
std::size_t check_def(double param, R tol, const char* rname) {
  std::size_t seen = 0, bad = 0;
  for (mp_point const& p : kPoints) {
    if (std::string(p.name) != Def::name || p.param != param) continue;
    ++seen;
    const R mp = parse<R>(p.value);
    const R ref = Def::ref(R(p.x), R(param));
    // Below 1e-4900 long double and __float128 are subnormal or zero; no
    // float or double result lives there.
    const bool ok = (ref == mp) || r_abs(ref - mp) <= tol * r_abs(mp) ||
                    (r_abs(mp) < R(1e-4900L) && r_abs(ref) < R(1e-4900L));
    if (!ok && bad++ < 10)
      ADD_FAILURE() << Def::name << "(" << p.x << ", param " << param << ") in " << rname << ": "
                    << static_cast<long double>(ref) << ", mpmath " << p.value << " (relative difference "
                    << static_cast<double>(r_abs(ref - mp) / r_abs(mp)) << ")";
  }
  EXPECT_EQ(bad, 0u) << Def::name << " in " << rname;
  return seen;
}

TEST(Reference, AgreesWithMpmath) {
  std::set<std::pair<std::string, double>> rows;
  nonlin_spec::for_each_unary([&](auto const& f) {
    using F = std::decay_t<decltype(f)>;
    using Def = typename nonlin_spec::spec_of<F>::def;
    auto check = [&](double p) {
      if (!rows.insert({Def::name, p}).second) return;
      const std::size_t n = check_def<Def, long double>(p, std::ldexp(1.0L, -46), "long double");
#if NONLIN_TEST_HAVE_QUADMATH
      check_def<Def, nonlin_spec::quad>(p, nonlin_spec::quad(std::ldexp(1.0, -90)), "binary128");
#endif
      EXPECT_GT(n, 100u) << Def::name << " (param " << p
                         << ") has no mpmath points: cmake --build <build> --target reference_data";
    };
    if constexpr (nonlin_spec::has_param<F>()) {
      for (double p : nonlin_spec::spec_of<F>::param::samples) check(p);
    } else {
      check(0.0);
    }
  });
  for (mp_point const& p : kPoints)
    EXPECT_TRUE(rows.count({p.name, p.param}) == 1)
        << "mpmath point of " << p.name << " (param " << p.param << ") for no function of the spec: "
        << "cmake --build <build> --target reference_data";
}

}  // namespace
