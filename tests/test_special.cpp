// Special values, from the spec (tests/spec.hpp): every function's table of
// NaN, +-inf, +-0 and edge inputs, its parameter rules, its output range and
// sign rule, checked bit for bit (sign of zero included) on the scalar
// functor and through the bulk kernel, in float and double.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "common.hpp"
#include "spec.hpp"

namespace {

using nonlin_test::same_bits;
using nonlin_test::show;

// The checks are compiled once per T: the generic lambdas below only
// evaluate each functor and hand the results to these (a check written
// inside them would be compiled again for every functor).
template <class T>
void expect_special(std::string const& label, T x, T expect, T got, T bulk, const char* what) {
  EXPECT_TRUE(same_bits(got, expect)) << label << "(" << show(x) << ") = " << show(got) << ", expected "
                                      << show(expect) << " (" << what << ")";
  EXPECT_TRUE(same_bits(bulk, expect)) << label << " bulk (" << show(x) << ") = " << show(bulk) << ", expected "
                                       << show(expect) << " (" << what << ")";
}

template <class T>
void check_range(const char* name, std::vector<T> const& xs, std::vector<T> const& out, double lo, double hi,
                 bool sign_of_x) {
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const T x = xs[i], y = out[i];
    ASSERT_FALSE(std::isnan(y)) << name << "(" << show(x) << ") is NaN";
    ASSERT_TRUE(y >= static_cast<T>(lo) && y <= static_cast<T>(hi))
        << name << "(" << show(x) << ") = " << show(y) << " is outside [" << lo << ", " << hi << "]";
    if (sign_of_x) {
      ASSERT_LE(std::fabs(y), std::fabs(x)) << name << "(" << show(x) << ") = " << show(y);
      ASSERT_FALSE(std::signbit(y) != std::signbit(x) && y != 0)
          << name << "(" << show(x) << ") = " << show(y) << " has the wrong sign";
    }
  }
}

template <class T>
void expect_gated(std::string const& label, T gate, T up, T want, T got, T bulk) {
  EXPECT_TRUE(same_bits(got, want)) << label << "(" << show(gate) << ", " << show(up) << ") = " << show(got)
                                    << ", expected " << show(want);
  EXPECT_TRUE(same_bits(bulk, want)) << label << " bulk (" << show(gate) << ", " << show(up) << ") = " << show(bulk)
                                     << ", expected " << show(want);
}

template <class T, class F>
void check(F const& f, T x, T expect, const char* what) {
  const T got = f(x);
  T bulk;
  nonlin::apply(f, &x, &bulk, 1);
  expect_special(nonlin_spec::label_of(f), x, expect, got, bulk, what);
}

template <class T>
class Special : public ::testing::Test {};
using Types = ::testing::Types<float, double>;
TYPED_TEST_SUITE(Special, Types, nonlin_test::TypeNames);

// The table of each row, at the functor's default parameter.
TYPED_TEST(Special, Table) {
  using T = TypeParam;
  nonlin_spec::for_each_unary([&](auto const& f) {
    using F = std::decay_t<decltype(f)>;
    for (auto const& c : nonlin_spec::spec_of<F>::def::specials)
      check(F{}, nonlin_spec::special_value<T>(c.x), nonlin_spec::special_value<T>(c.y), "special-value table");
  });
}

// The parameter rules: every hostile value of the parameter at the special
// inputs and a few ordinary ones, wherever the rules fix the result.
TYPED_TEST(Special, ParameterRules) {
  using T = TypeParam;
  using L = std::numeric_limits<T>;
  const double hostile[] = {0.0,   -0.0, 1.0,    -1.0, 0.5,    -0.5,  1.702, 1e-30, -1e-30, 1e30,
                            1e300, 1e-300, 1e-40, 3e38, L::infinity(), -L::infinity(), L::quiet_NaN()};
  const T xs[] = {T(0), -T(0), T(1), T(-2.5), T(30), T(-30), L::infinity(), -L::infinity(), L::quiet_NaN(),
                  L::min(), -L::denorm_min(), L::max(), L::lowest()};
  nonlin_spec::for_each_unary([&](auto const& f0) {
    using F = std::decay_t<decltype(f0)>;
    if constexpr (nonlin_spec::has_param<F>()) {
      for (double p : hostile) {
        const F f = nonlin_spec::with_param(f0, p);
        for (T x : xs) {
          T y;
          if (nonlin_spec::fixed_value(f, x, y)) check(f, x, y, "parameter rule");
          else EXPECT_FALSE(std::isnan(f(x))) << nonlin_spec::label_of(f) << "(" << show(x) << ") is NaN";
        }
      }
    }
  });
}

// Over magnitudes 2^-k .. 2^k of both signs: no NaN from a non-NaN input,
// results within the row's output range, and for the x * p(x) rows
// |f(x)| <= |x| with the sign of x (or zero).
TYPED_TEST(Special, RangeAndSignOverEveryBinade) {
  using T = TypeParam;
  std::vector<T> xs;
  for (int e = std::numeric_limits<T>::min_exponent - std::numeric_limits<T>::digits;
       e < std::numeric_limits<T>::max_exponent; ++e)
    for (double m : {1.0, 1.2345, 1.5, 1.999})
      for (double s : {1.0, -1.0}) xs.push_back(static_cast<T>(s * std::ldexp(m, e)));
  std::vector<T> out(xs.size());
  nonlin_spec::for_each_unary([&](auto const& f) {
    using S = nonlin_spec::spec_of<decltype(f)>;
    nonlin::apply(f, xs.data(), out.data(), xs.size());
    check_range(f.name, xs, out, S::def::out_lo, S::def::out_hi, S::def::sign_of_x);
  });
}

// Near 0 the precise functions are linear to the ulp: tanh(x) = x,
// sigmoid = 1/2, gelu(x) = silu(x) = gelu_tanh(x) = x/2.
TYPED_TEST(Special, TinyInputsAreLinear) {
  using T = TypeParam;
  const T tiny = std::numeric_limits<T>::denorm_min() * 64;
  check(nonlin::tanh{}, tiny, tiny, "tanh(x) = x");
  check(nonlin::tanh{}, -tiny, -tiny, "tanh(x) = x");
  check(nonlin::sigmoid{}, tiny, T(0.5), "sigmoid(x) = 1/2");
  check(nonlin::gelu{}, -tiny, -tiny / 2, "gelu(x) = x/2");
  check(nonlin::silu{}, tiny, tiny / 2, "silu(x) = x/2");
  check(nonlin::gelu_tanh{}, tiny, tiny / 2, "gelu_tanh(x) = x/2");
  check(nonlin::hardswish{}, tiny, tiny / 2, "hardswish(x) = x/2");
  check(nonlin::hardsigmoid{}, -tiny, T(0.5), "hardsigmoid(x) = 1/2");
}

// Gated: every special gate of the activation's table with special and
// ordinary ups, and ordinary gates with infinite ups, against the values the
// contract fixes (spec.hpp, gated_fixed), on the functor and through apply.
TYPED_TEST(Special, Gated) {
  using T = TypeParam;
  const T inf = std::numeric_limits<T>::infinity(), nan = std::numeric_limits<T>::quiet_NaN();
  nonlin_spec::for_each_gated([&](auto const& g) {
    using S = nonlin_spec::spec_of<decltype(g)>;
    std::vector<T> gates = {nan, T(2), T(-3), T(-150), T(1e-30), T(-1e-30)};
    for (auto const& c : S::def::specials) gates.push_back(nonlin_spec::special_value<T>(c.x));
    int checked = 0;
    for (T gate : gates) {
      for (T up : {T(3), T(-0.5), T(0), -T(0), inf, -inf, nan}) {
        T want;
        if (!nonlin_spec::gated_fixed(g, gate, up, want)) continue;
        ++checked;
        const T got = g(gate, up);
        T bulk;
        nonlin::apply(g, &gate, &up, &bulk, 1);
        expect_gated(nonlin_spec::label_of(g), gate, up, want, got, bulk);
      }
    }
    EXPECT_GT(checked, 40) << g.name;
    EXPECT_TRUE(same_bits(g(T(2), T(0)), T(0))) << g.name;
  });
}

// The parameters reach their kernels: leaky_relu rounds alpha once to T;
// swish with beta = 1 is silu; swiglu's beta reaches its gate.
TYPED_TEST(Special, ParametersReachTheirKernels) {
  using T = TypeParam;
  EXPECT_TRUE(same_bits(nonlin::leaky_relu{0.2}(T(-3)), T(static_cast<T>(0.2) * T(-3))));
  EXPECT_TRUE(same_bits(nonlin::leaky_relu{}(T(-1)), static_cast<T>(0.01) * T(-1)));
  for (T x : {T(-30), T(-2.5), T(-0.1), T(0.3), T(7)}) {
    EXPECT_TRUE(same_bits(nonlin::swish{}(x), nonlin::silu{}(x))) << show(x);
    EXPECT_TRUE(same_bits(nonlin::fast::swish{}(x), nonlin::fast::silu{}(x))) << show(x);
  }
  EXPECT_TRUE(same_bits(nonlin::swiglu{1.702}(T(1.25), T(2)), T(nonlin::swish{1.702}(T(1.25)) * T(2))));
}

}  // namespace
