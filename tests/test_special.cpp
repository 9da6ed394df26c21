// Special values: every function's documented behaviour at NaN, +-inf, +-0
// and at the edges of its range, checked bit for bit (sign of zero included),
// on the scalar functor and through the bulk kernel.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "common.hpp"
#include "nonlin/nonlin.hpp"

namespace {

using nonlin_test::same_bits;
using nonlin_test::show;

template <class T>
struct Case {
  const char* fn;
  T x;
  T expect;  // compared bit for bit; any NaN matches any NaN
};

template <class T, class F>
void check(F const& f, T x, T expect) {
  const T got = f(x);
  T bulk;
  nonlin::apply(f, &x, &bulk, 1);
  if (std::isnan(expect)) {
    EXPECT_TRUE(std::isnan(got)) << f.name << "(" << show(x) << ") = " << show(got) << ", expected NaN";
    EXPECT_TRUE(std::isnan(bulk)) << f.name << " bulk (" << show(x) << ") = " << show(bulk) << ", expected NaN";
  } else {
    EXPECT_TRUE(same_bits(got, expect)) << f.name << "(" << show(x) << ") = " << show(got) << ", expected "
                                        << show(expect);
    EXPECT_TRUE(same_bits(bulk, expect)) << f.name << " bulk (" << show(x) << ") = " << show(bulk) << ", expected "
                                         << show(expect);
  }
}

template <class T>
class Special : public ::testing::Test {};
using Types = ::testing::Types<float, double>;
TYPED_TEST_SUITE(Special, Types, nonlin_test::TypeNames);

TYPED_TEST(Special, Limits) {
  using T = TypeParam;
  const T inf = std::numeric_limits<T>::infinity(), nan = std::numeric_limits<T>::quiet_NaN();
  const T z = T(0), nz = -T(0), one = T(1), half = T(0.5);
  check(nonlin::relu{}, nan, nan);
  check(nonlin::relu{}, inf, inf);
  check(nonlin::relu{}, -inf, z);
  check(nonlin::relu{}, nz, nz);
  check(nonlin::relu{}, z, z);
  check(nonlin::leaky_relu{}, nan, nan);
  check(nonlin::leaky_relu{}, -inf, -inf);
  check(nonlin::leaky_relu{}, inf, inf);
  check(nonlin::leaky_relu{}, nz, nz);
  check(nonlin::tanh{}, nan, nan);
  check(nonlin::tanh{}, inf, one);
  check(nonlin::tanh{}, -inf, -one);
  check(nonlin::tanh{}, nz, nz);
  check(nonlin::tanh{}, z, z);
  check(nonlin::sigmoid{}, nan, nan);
  check(nonlin::sigmoid{}, inf, one);
  check(nonlin::sigmoid{}, -inf, z);
  check(nonlin::sigmoid{}, nz, half);
  check(nonlin::sigmoid{}, z, half);
  check(nonlin::sigmoid{}, std::numeric_limits<T>::max(), one);
  check(nonlin::sigmoid{}, std::numeric_limits<T>::lowest(), z);
  // x * (something in [0, 1]) family: -inf gives -0, never NaN.
  auto prob_family = [&](auto const& f) {
    check(f, nan, nan);
    check(f, inf, inf);
    check(f, -inf, nz);
    check(f, nz, nz);
    check(f, z, z);
    check(f, std::numeric_limits<T>::max(), std::numeric_limits<T>::max());
    check(f, std::numeric_limits<T>::lowest(), nz);
  };
  prob_family(nonlin::gelu{});
  prob_family(nonlin::gelu_tanh{});
  prob_family(nonlin::silu{});
  prob_family(nonlin::swish{});
  prob_family(nonlin::swish{1.702});
  prob_family(nonlin::swish{0.25});
}

TYPED_TEST(Special, TinyInputsAreLinear) {
  using T = TypeParam;
  // Near 0: tanh(x) = x, sigmoid = 1/2, gelu(x) = silu(x) = x/2 (to the ulp).
  const T tiny = std::numeric_limits<T>::denorm_min() * 64;
  check(nonlin::tanh{}, tiny, tiny);
  check(nonlin::tanh{}, -tiny, -tiny);
  check(nonlin::sigmoid{}, tiny, T(0.5));
  check(nonlin::gelu{}, -tiny, -tiny / 2);
  check(nonlin::silu{}, tiny, tiny / 2);
  check(nonlin::gelu_tanh{}, tiny, tiny / 2);
}

TYPED_TEST(Special, NoNaNAndSigmoidInUnitIntervalOverManyBinades) {
  using T = TypeParam;
  // Walk magnitudes 2^-k .. 2^k of both signs: no non-NaN input may give NaN,
  // sigmoid stays in [0, 1], tanh in [-1, 1], and x*p(x) functions keep
  // |f(x)| <= |x| with the sign of x (or zero).
  std::vector<T> xs;
  for (int e = std::numeric_limits<T>::min_exponent - std::numeric_limits<T>::digits;
       e < std::numeric_limits<T>::max_exponent; ++e)
    for (double m : {1.0, 1.2345, 1.5, 1.999})
      for (double s : {1.0, -1.0}) xs.push_back(static_cast<T>(s * std::ldexp(m, e)));
  std::vector<T> out(xs.size());
  nonlin::for_each_function(nonlin::unary_functions(), [&](auto const& f) {
    nonlin::apply(f, xs.data(), out.data(), xs.size());
    for (std::size_t i = 0; i < xs.size(); ++i) {
      ASSERT_FALSE(std::isnan(out[i])) << f.name << "(" << show(xs[i]) << ") is NaN";
    }
  });
  nonlin::apply(nonlin::sigmoid{}, xs.data(), out.data(), xs.size());
  for (std::size_t i = 0; i < xs.size(); ++i) ASSERT_TRUE(out[i] >= 0 && out[i] <= 1) << show(xs[i]);
  nonlin::apply(nonlin::tanh{}, xs.data(), out.data(), xs.size());
  for (std::size_t i = 0; i < xs.size(); ++i) ASSERT_TRUE(out[i] >= -1 && out[i] <= 1) << show(xs[i]);
  for (auto check_fn : {0, 1, 2}) {
    auto run = [&](auto const& f) {
      nonlin::apply(f, xs.data(), out.data(), xs.size());
      for (std::size_t i = 0; i < xs.size(); ++i) {
        ASSERT_LE(std::fabs(out[i]), std::fabs(xs[i])) << f.name << "(" << show(xs[i]) << ") = " << show(out[i]);
        ASSERT_FALSE(std::signbit(out[i]) != std::signbit(xs[i]) && out[i] != 0)
            << f.name << "(" << show(xs[i]) << ") = " << show(out[i]) << " has the wrong sign";
      }
    };
    if (check_fn == 0) run(nonlin::gelu{});
    if (check_fn == 1) run(nonlin::silu{});
    if (check_fn == 2) run(nonlin::gelu_tanh{});
  }
}

TYPED_TEST(Special, GatedSpecialValues) {
  using T = TypeParam;
  const T inf = std::numeric_limits<T>::infinity(), nan = std::numeric_limits<T>::quiet_NaN();
  nonlin::for_each_function(nonlin::gated_functions(), [&](auto const& g) {
    EXPECT_TRUE(std::isnan(g(nan, T(1)))) << g.name;
    EXPECT_TRUE(std::isnan(g(T(1), nan))) << g.name;
    EXPECT_TRUE(same_bits(g(T(2), T(0)), T(0))) << g.name;
    EXPECT_TRUE(std::isnan(g(-inf, inf))) << g.name << ": act(-inf) * inf is 0 * inf";
  });
  // act(-inf) is 0 (sigmoid) or -0 (the x * p(x) gates), times a finite up.
  EXPECT_TRUE(same_bits(nonlin::glu{}(-inf, T(3)), T(0)));
  EXPECT_TRUE(same_bits(nonlin::swiglu{}(-inf, T(3)), -T(0)));
  EXPECT_TRUE(same_bits(nonlin::geglu{}(-inf, T(3)), -T(0)));
  EXPECT_TRUE(same_bits(nonlin::geglu_tanh{}(-inf, T(-3)), T(0)));
  EXPECT_TRUE(same_bits(nonlin::swiglu{}(inf, T(2)), inf));
}

TYPED_TEST(Special, Parameters) {
  using T = TypeParam;
  // leaky_relu rounds alpha once to T; swish with beta = 0 is x/2; swish with
  // beta = 1 is silu.
  EXPECT_TRUE(same_bits(nonlin::leaky_relu{0.2}(T(-3)), T(static_cast<T>(0.2) * T(-3))));
  EXPECT_TRUE(same_bits(nonlin::leaky_relu{}(T(-1)), static_cast<T>(0.01) * T(-1)));
  EXPECT_TRUE(same_bits(nonlin::swish{0.0}(T(3)), T(1.5)));
  EXPECT_TRUE(same_bits(nonlin::swish{0.0}(T(-3)), T(-1.5)));
  for (T x : {T(-30), T(-2.5), T(-0.1), T(0.3), T(7)})
    EXPECT_TRUE(same_bits(nonlin::swish{}(x), nonlin::silu{}(x))) << show(x);
  // swiglu beta reaches its gate.
  EXPECT_TRUE(same_bits(nonlin::swiglu{1.702}(T(1.25), T(2)), T(nonlin::swish{1.702}(T(1.25)) * T(2))));
}

}  // namespace
