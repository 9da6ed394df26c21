// The ops layer (include/nonlin/detail/ops.hpp): every operation's form for
// the instruction set of this build against its portable definition, bit
// for bit, lane by lane, on every input class that matters (zeros of both
// signs, subnormals, normals across every binade, the largest finite
// values, infinities, NaNs with payloads); the approximate ops against the
// bound they state. Each build of scripts/test.sh runs it for its ISA
// (SSE2, SSE4.2, AVX2, AVX-512, NEON under emulation).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "common.hpp"
#include "nonlin/nonlin.hpp"

namespace {

using nonlin_test::show;
namespace d = nonlin::detail;

template <class T>
struct uint_of;
template <>
struct uint_of<float> {
  using type = std::uint32_t;
};
template <>
struct uint_of<double> {
  using type = std::uint64_t;
};

template <class T>
typename uint_of<T>::type bits(T x) {
  typename uint_of<T>::type b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}
template <class T>
T from(typename uint_of<T>::type b) {
  T x;
  std::memcpy(&x, &b, sizeof x);
  return x;
}

// Identical bits (NaNs included: an op that moves bits must keep the payload).
template <class T>
bool identical(T a, T b) {
  return bits(a) == bits(b);
}

// Every input class: the specials, subnormals, the normal extremes, and
// random values of every exponent and sign.
template <class T>
std::vector<T> inputs() {
  using L = std::numeric_limits<T>;
  using U = typename uint_of<T>::type;
  std::vector<T> v = {T(0),          -T(0),          L::denorm_min(), -L::denorm_min(), L::min(),
                      -L::min(),     L::max(),       -L::max(),       L::infinity(),    -L::infinity(),
                      L::quiet_NaN(), -L::quiet_NaN(), T(1),           T(-1),            T(0.5),
                      T(2),          T(3),           T(-110),         T(1.5)};
  v.push_back(from<T>(bits(L::quiet_NaN()) | U(0x5A)));  // a payload
  v.push_back(from<T>(bits(L::min()) - 1));              // the largest subnormal
  std::mt19937_64 rng(42);
  constexpr int mant = L::digits - 1;
  const U exps = sizeof(T) == 4 ? 255 : 2047;
  for (U e = 0; e < exps; e += (sizeof(T) == 4 ? 1 : 7))
    for (int i = 0; i < 4; ++i)
      v.push_back(from<T>((U(rng() & 1) << (sizeof(T) * 8 - 1)) | (e << mant) | (U(rng()) & ((U(1) << mant) - 1))));
  while (v.size() % 64 != 0) v.push_back(T(0.25));
  return v;
}

template <class T>
class Ops : public ::testing::Test {};
using Types = ::testing::Types<float, double>;
TYPED_TEST_SUITE(Ops, Types, nonlin_test::TypeNames);

#if NONLIN_USE_XSIMD

template <class T>
using B = xsimd::batch<T>;
template <class T>
constexpr std::size_t W = B<T>::size;

// out[i] = batch_op(a, b, c)[lane], for whole vectors of the inputs.
template <class T, class Op>
std::vector<T> on_batches(std::vector<T> const& a, std::vector<T> const& b, std::vector<T> const& c, Op op) {
  std::vector<T> out(a.size());
  for (std::size_t i = 0; i + W<T> <= a.size(); i += W<T>)
    xsimd::store_unaligned(out.data() + i, op(xsimd::load_unaligned(a.data() + i), xsimd::load_unaligned(b.data() + i),
                                              xsimd::load_unaligned(c.data() + i)));
  return out;
}

// A shuffled copy, so that each lane meets other classes.
template <class T>
std::vector<T> shuffled(std::vector<T> v, unsigned seed) {
  std::mt19937 rng(seed);
  std::shuffle(v.begin(), v.end(), rng);
  return v;
}

template <class T>
void expect_identical(const char* op, std::vector<T> const& batch, std::vector<T> const& portable,
                      std::vector<T> const& a, std::vector<T> const& b, std::vector<T> const& c) {
  int bad = 0;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (identical(batch[i], portable[i])) continue;
    if (bad++ < 10)
      ADD_FAILURE() << op << "(" << show(a[i]) << ", " << show(b[i]) << ", " << show(c[i]) << "): ISA form "
                    << show(batch[i]) << ", portable " << show(portable[i]);
  }
  EXPECT_EQ(bad, 0) << op;
}

// fma, fms, fnma, fnms on batches against the scalar forms, lane by lane:
// one rounding where the target fuses, the two-step forms otherwise. NaN
// payloads aside (a fused op keeps a NaN, not its payload).
template <class T>
void expect_fused_like_scalar(std::vector<T> const& a, std::vector<T> const& b, std::vector<T> const& c) {
  std::vector<T> p(a.size());
  const auto check = [&](const char* name, auto scalar_op, auto batch_op) {
    for (std::size_t i = 0; i < a.size(); ++i) p[i] = scalar_op(a[i], b[i], c[i]);
    auto q = on_batches(a, b, c, batch_op);
    for (std::size_t i = 0; i < a.size(); ++i)
      if (std::isnan(p[i]) && std::isnan(q[i])) q[i] = p[i];
    expect_identical(name, q, p, a, b, c);
  };
  check("fma", [](T x, T y, T z) { return d::fma(x, y, z); }, [](auto x, auto y, auto z) { return d::fma(x, y, z); });
  check("fms", [](T x, T y, T z) { return d::fms(x, y, z); }, [](auto x, auto y, auto z) { return d::fms(x, y, z); });
  check("fnma", [](T x, T y, T z) { return d::fnma(x, y, z); },
        [](auto x, auto y, auto z) { return d::fnma(x, y, z); });
  check("fnms", [](T x, T y, T z) { return d::fnms(x, y, z); },
        [](auto x, auto y, auto z) { return d::fnms(x, y, z); });
}

TYPED_TEST(Ops, ExactOpsMatchTheirPortableDefinitions) {
  using T = TypeParam;
  const auto a = inputs<T>();
  const auto b = shuffled(a, 1), c = shuffled(a, 2);
  std::vector<T> p(a.size());

  // fma, fms, fnma, fnms.
  expect_fused_like_scalar(a, b, c);

  // div: the IEEE quotient (NaN payloads aside).
  for (std::size_t i = 0; i < a.size(); ++i) p[i] = a[i] / b[i];
  auto r = on_batches(a, b, c, [](auto x, auto y, auto) { return d::div(x, y); });
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::isnan(p[i]) && std::isnan(r[i])) r[i] = p[i];
  expect_identical("div", r, p, a, b, c);

  for (std::size_t i = 0; i < a.size(); ++i) p[i] = d::copysign(a[i], b[i]);
  expect_identical("copysign", on_batches(a, b, c, [](auto x, auto y, auto) { return d::copysign(x, y); }), p, a, b,
                   c);

  // or_sign: its operand's sign bit clear (here |a|, NaNs included).
  for (std::size_t i = 0; i < a.size(); ++i) p[i] = d::or_sign(std::fabs(a[i]), b[i]);
  expect_identical("or_sign", on_batches(a, b, c, [](auto x, auto y, auto) { return d::or_sign(d::abs(x), y); }), p,
                   a, b, c);

  for (std::size_t i = 0; i < a.size(); ++i) p[i] = d::neg_abs(a[i]);
  expect_identical("neg_abs", on_batches(a, b, c, [](auto x, auto, auto) { return d::neg_abs(x); }), p, a, b, c);

  for (std::size_t i = 0; i < a.size(); ++i) p[i] = d::max_keep_nan(a[i], b[i]);
  expect_identical("max_keep_nan", on_batches(a, b, c, [](auto x, auto y, auto) { return d::max_keep_nan(x, y); }),
                   p, a, b, c);

  for (std::size_t i = 0; i < a.size(); ++i) p[i] = d::select(a[i] < b[i], a[i], c[i]);
  expect_identical("select", on_batches(a, b, c, [](auto x, auto y, auto z) { return d::select(x < y, x, z); }), p,
                   a, b, c);

  for (std::size_t i = 0; i < a.size(); ++i) p[i] = d::min_keep_nan(a[i], b[i]);
  expect_identical("min_keep_nan", on_batches(a, b, c, [](auto x, auto y, auto) { return d::min_keep_nan(x, y); }),
                   p, a, b, c);

  for (std::size_t i = 0; i < a.size(); ++i) p[i] = d::sign_select(a[i], b[i], c[i]);
  expect_identical("sign_select",
                   on_batches(a, b, c, [](auto x, auto y, auto z) { return d::sign_select(x, y, z); }), p, a, b, c);

  // bits_below and mask_bits: the signed compare of the bit patterns with
  // one threshold per vector (the op takes a scalar; here lane 0 of b's
  // vector), and the bits of lane 0 of c's vector where it holds.
  {
    using I = typename d::int_of<T>::type;
    std::vector<T> q(a.size());
    for (std::size_t i = 0; i + W<T> <= a.size(); i += W<T>) {
      const I th = d::to_bits(b[i]), k_bits = d::to_bits(c[i]);
      for (std::size_t k = 0; k < W<T>; ++k)
        p[i + k] = d::from_bits<T>(d::mask_bits<T>(d::bits_below(a[i + k], th), k_bits));
      const B<T> x = xsimd::load_unaligned(a.data() + i);
      xsimd::store_unaligned(q.data() + i, d::from_bits<B<T>>(d::mask_bits(d::bits_below(x, th), k_bits)));
    }
    expect_identical("bits_below+mask_bits", q, p, a, b, c);
    // bits_above: its own compare on x86 and AArch64 (b below the maximum).
    for (std::size_t i = 0; i + W<T> <= a.size(); i += W<T>) {
      const I th = std::min(d::to_bits(b[i]), I(std::numeric_limits<I>::max() - 1)), k_bits = d::to_bits(c[i]);
      for (std::size_t k = 0; k < W<T>; ++k)
        p[i + k] = d::from_bits<T>(d::mask_bits<T>(d::bits_above(a[i + k], th), k_bits));
      const B<T> x = xsimd::load_unaligned(a.data() + i);
      xsimd::store_unaligned(q.data() + i, d::from_bits<B<T>>(d::mask_bits(d::bits_above(x, th), k_bits)));
    }
    expect_identical("bits_above+mask_bits", q, p, a, b, c);
  }

  // any_lane: against the lanes one by one.
  for (std::size_t i = 0; i + W<T> <= a.size(); i += W<T>) {
    bool any = false;
    for (std::size_t k = 0; k < W<T>; ++k) any = any || d::any_lane(a[i + k] < b[i + k]);
    EXPECT_EQ(d::any_lane(xsimd::load_unaligned(a.data() + i) < xsimd::load_unaligned(b.data() + i)), any)
        << "any_lane at vector " << i / W<T>;
  }

  // shl on the bit patterns.
  for (std::size_t i = 0; i < a.size(); ++i) p[i] = d::from_bits<T>(d::shl(d::to_bits(a[i]), 3));
  expect_identical("shl", on_batches(a, b, c, [](auto x, auto, auto) {
                     using V = decltype(x);
                     return d::from_bits<V>(d::shl(d::to_bits(x), 3));
                   }),
                   p, a, b, c);
}

// fms, fnma, fnms on every triple of signed zeros, +-1, the smallest normal
// and subnormal and the infinities, against the scalar forms (std::fma with
// negated operands where the target fuses): the shuffled inputs above seldom
// meet a zero product with a zero addend, where the sign of the result is
// the IEEE rule's (xsimd 13 and 14 on SVE: -(a*b + c), a +0 turned into -0).
TYPED_TEST(Ops, FusedFormsKeepSignedZeros) {
  using T = TypeParam;
  using L = std::numeric_limits<T>;
  const T s[] = {T(0),     -T(0),     T(1),           T(-1),           L::min(),
                 -L::min(), L::denorm_min(), -L::denorm_min(), L::infinity(), -L::infinity()};
  std::vector<T> a, b, c;
  for (T x : s)
    for (T y : s)
      for (T z : s) {
        a.push_back(x);
        b.push_back(y);
        c.push_back(z);
      }
  while (a.size() % 64 != 0) {
    a.push_back(T(1));
    b.push_back(T(1));
    c.push_back(T(1));
  }
  expect_fused_like_scalar(a, b, c);
}

// The powers of two: pow2_split + scale, and ldexp, against v * 2^k rounded
// once (std::ldexp), for every k they accept and v of every class they
// document, subnormal results included.
TYPED_TEST(Ops, PowersOfTwoRoundOnce) {
  using T = TypeParam;
  using V = B<T>;
  const T shifter = static_cast<T>(d::fp<T>::shifter);
  const int kmax = std::is_same<T, float>::value ? 250 : 2000;
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> mant(0.5, 2.0);
  int bad = 0;
  for (int k = -kmax; k <= kmax; ++k) {
    alignas(64) T v[W<T>], kk[W<T>], out[W<T>];
    for (std::size_t l = 0; l < W<T>; ++l) {
      v[l] = static_cast<T>(mant(rng));
      if (l == 0) v[l] = T(1);
      if (l == 1) v[l] = std::nextafter(T(2), T(0));
      if (l == 2 && W<T> > 2) v[l] = T(-1.5);
      kk[l] = static_cast<T>(k);
    }
    // pow2_split from the shifted index, as exp_neg makes it.
    const V kv = xsimd::load_aligned(kk);
    const V t = kv + V(shifter);
    const V t1 = d::fma(kv, V(T(0.5)), V(shifter));
    const auto s = d::pow2_split(t, t - V(shifter), t1);
    xsimd::store_aligned(out, d::scale(xsimd::load_aligned(v), s));
    for (std::size_t l = 0; l < W<T>; ++l) {
      const T want = std::ldexp(v[l], k);
      if (!identical(out[l], want) && bad++ < 10)
        ADD_FAILURE() << "scale(" << show(v[l]) << ", 2^" << k << ") = " << show(out[l]) << ", want " << show(want);
    }
    if (std::abs(k) <= 250) {
      xsimd::store_aligned(out, d::ldexp(xsimd::load_aligned(v), kv));
      for (std::size_t l = 0; l < W<T>; ++l) {
        const T want = std::ldexp(v[l], k);
        if (!identical(out[l], want) && bad++ < 10)
          ADD_FAILURE() << "ldexp(" << show(v[l]) << ", " << k << ") = " << show(out[l]) << ", want " << show(want);
      }
    }
  }
  EXPECT_EQ(bad, 0);
}

TYPED_TEST(Ops, StreamingStoresWriteTheVector) {
  using T = TypeParam;
  if constexpr (d::can_stream<B<T>>()) {
    alignas(64) T in[W<T>], out[W<T>];
    for (std::size_t l = 0; l < W<T>; ++l) in[l] = static_cast<T>(l) - T(2.5);
    d::stream_store(out, xsimd::load_aligned(in));
    d::stream_fence();
    for (std::size_t l = 0; l < W<T>; ++l) EXPECT_TRUE(identical(out[l], in[l])) << l;
  } else {
    GTEST_SKIP() << "no streaming stores on this target";
  }
}

// The approximate ops: within their stated bounds.
TYPED_TEST(Ops, ApproximateOpsWithinTheirBounds) {
  using T = TypeParam;
  using V = B<T>;
  std::mt19937_64 rng(5);
  int bad = 0;
  // approx_rcp: relative error < 2^-14 for d >= 1, exact at powers of two;
  // the correctly rounded 1/d where it is not an estimate.
  std::uniform_real_distribution<double> dd(1.0, 1e6);
  for (int i = 0; i < 4096; ++i) {
    alignas(64) T dv[W<T>], out[W<T>];
    for (std::size_t l = 0; l < W<T>; ++l) dv[l] = l == 0 ? std::ldexp(T(1), i % 60) : static_cast<T>(dd(rng));
    xsimd::store_aligned(out, d::approx_rcp(xsimd::load_aligned(dv)));
    for (std::size_t l = 0; l < W<T>; ++l) {
      const T exact = T(1) / dv[l];
      const bool ok = d::approx_rcp_is_estimate<V>()
                          ? (l == 0 ? out[l] == exact : std::fabs(double(out[l]) * double(dv[l]) - 1) < 0x1p-14)
                          : identical(out[l], exact);
      if (!ok && bad++ < 10) ADD_FAILURE() << "approx_rcp(" << show(dv[l]) << ") = " << show(out[l]);
    }
  }
  // approx_round_product: the integer nearest a*b, of the exact or of the
  // rounded product.
  std::uniform_real_distribution<double> aa(-300.0, 300.0);
  const T c = static_cast<T>(1.4426950408889634);
  for (int i = 0; i < 4096; ++i) {
    alignas(64) T av[W<T>], out[W<T>];
    for (std::size_t l = 0; l < W<T>; ++l) av[l] = static_cast<T>(aa(rng));
    xsimd::store_aligned(out, d::approx_round_product(xsimd::load_aligned(av), V(c)));
    for (std::size_t l = 0; l < W<T>; ++l) {
      const T of_rounded = std::nearbyint(av[l] * c);
      const T of_exact = static_cast<T>(std::nearbyint(static_cast<long double>(av[l]) * c));
      if (out[l] != of_rounded && out[l] != of_exact && bad++ < 10)
        ADD_FAILURE() << "approx_round_product(" << show(av[l]) << ", log2e) = " << show(out[l]);
    }
  }
  // pow2_index (the fast tier's 2^n): for the callers' b (log2e, -log2e/2)
  // and a within their clamps, n is approx_round_product's, and every
  // scaling by it is ldexp_normal's by that n, bit for bit.
  for (int which = 0; which < 2; ++which) {
    const T b = which == 0 ? c : static_cast<T>(-0.5 * 1.4426950408889634);
    std::uniform_real_distribution<double> ar(which == 0 ? -87.0 : 0.0, which == 0 ? 0.0 : 170.0);
    std::uniform_real_distribution<double> vr(0.5, 2.0);
    for (int i = 0; i < 8192; ++i) {
      alignas(64) T av[W<T>], vv[W<T>];
      for (std::size_t l = 0; l < W<T>; ++l) {
        // (every 64th vector: the ends of the range and a few exact products)
        av[l] = i % 64 == 0 ? static_cast<T>(which == 0 ? -87.0 + double(l) : double(l) * 10.0) : static_cast<T>(ar(rng));
        vv[l] = static_cast<T>(vr(rng)) * (l % 2 ? T(-1) : T(1));
      }
      const V a = xsimd::load_aligned(av), v = xsimd::load_aligned(vv);
      V n;
      const auto k = d::round_product_index(a, V(b), n);
      const V n_ref = d::approx_round_product(a, V(b));
      const auto below = d::index_below(k, -60.0);
      const V results[] = {n, d::index_value(k), d::select(below, V(T(1)), V(T(0))), d::scale_by_index(v, k),
                           d::scale_by_index<40>(v, k), d::scale_by_index<80>(v, k)};
      const V expected[] = {n_ref, n_ref, d::select(n_ref < V(T(-60)), V(T(1)), V(T(0))), d::ldexp_normal(v, n_ref),
                            d::ldexp_normal<40>(v, n_ref), d::ldexp_normal<80>(v, n_ref)};
      const char* names[] = {"n", "index_value", "index_below(-60)", "scale_by_index<0>", "scale_by_index<40>",
                             "scale_by_index<80>"};
      for (std::size_t q = 0; q < sizeof(results) / sizeof(results[0]); ++q) {
        alignas(64) T got[W<T>], want[W<T>];
        xsimd::store_aligned(got, results[q]);
        xsimd::store_aligned(want, expected[q]);
        for (std::size_t l = 0; l < W<T>; ++l)
          if (!identical(got[l], want[l]) && bad++ < 10)
            ADD_FAILURE() << names[q] << ": a = " << show(av[l]) << ", b = " << show(b) << ", v = " << show(vv[l])
                          << ": " << show(got[l]) << ", ldexp_normal's " << show(want[l]);
      }
    }
  }
  EXPECT_EQ(bad, 0);
}

#else

TYPED_TEST(Ops, ExactOpsMatchTheirPortableDefinitions) {
  GTEST_SKIP() << "the portable path without xsimd: every op is its own definition";
}

#endif

// div6_rn (math.hpp), the fast hardsigmoid's and hardswish's quotient by 6:
// the IEEE quotient, bit for bit, for 0 and every 61st float of [2^-100, 6]
// (its contract's range; every float of it checked once by hand), scalar
// and, with xsimd, lane by lane in batches.
TEST(Div6, IsTheQuotient) {
  volatile float six = 6.0f;  // (a division the compiler cannot rewrite)
  const std::uint32_t lo = bits(0x1p-100f), hi = bits(6.0f);
  std::vector<float> s = {0.0f, 6.0f, 3.0f, 1.0f};
  for (std::uint32_t b = lo; b <= hi; b += 61) s.push_back(from<float>(b));
  int bad = 0;
  const auto check = [&](float x, float got, const char* form) {
    const float want = x / six;
    if (!identical(got, want) && bad++ < 10)
      ADD_FAILURE() << "div6_rn(" << show(x) << ") " << form << ": " << show(got) << ", the quotient " << show(want);
  };
  for (float x : s) check(x, d::div6_rn(x), "scalar");
#if NONLIN_USE_XSIMD
  using V = xsimd::batch<float>;
  while (s.size() % V::size != 0) s.push_back(2.0f);
  alignas(64) float out[V::size];
  for (std::size_t i = 0; i < s.size(); i += V::size) {
    xsimd::store_aligned(out, d::div6_rn(xsimd::load_unaligned(s.data() + i)));
    for (std::size_t l = 0; l < V::size; ++l) check(s[i + l], out[l], "batch");
  }
#endif
  EXPECT_EQ(bad, 0);
}

#if NONLIN_USE_XSIMD
// lane_bits (ops_half.hpp: the 16-bit loops' flagged lanes) on the target's
// float and double batches: every mask of lanes, its ISA form (a mask
// register, a movemask) against the portable lane-by-lane form and the
// mask it was built from.
template <class T>
void check_lane_bits() {
  using V = xsimd::batch<T>;
  constexpr std::size_t W = V::size;
  alignas(64) T lanes[W];
  int bad = 0;
  for (std::uint64_t want = 0; want < (std::uint64_t(1) << W); ++want) {
    for (std::size_t j = 0; j < W; ++j) lanes[j] = (want >> j & 1u) != 0 ? T(-2) : T(3);
    const auto m = xsimd::load_aligned(lanes) < V(T(0));
    const std::uint64_t isa = d::lane_bits(m), by_lane = d::lane_bits_by_lane(m);
    if ((isa != want || by_lane != want) && bad++ < 10)
      ADD_FAILURE() << W << " lanes of " << sizeof(T) << " bytes, mask 0x" << std::hex << want << ": lane_bits 0x"
                    << isa << ", lane by lane 0x" << by_lane << std::dec;
  }
  EXPECT_EQ(bad, 0);
}

TEST(LaneBits, EveryMask) {
  check_lane_bits<float>();
  check_lane_bits<double>();
}

// The staged kernels (bulk.hpp, staged): stage2(stage1(x)) is the kernel,
// bit for bit, on every target (the bulk loops use the halves only where
// ops.hpp's overlaps_stages holds), and the halves exist for each of them.
// A NaN's sign and payload are not part of the contract: which operand's
// NaN a product returns depends on the operand order the compiler picks
// (GCC 12 -march=x86-64-v4 gives gelu_tanh(-NaN) +NaN from the halves).
template <class F>
void check_stages(F const& f, const char* name) {
  using V = xsimd::batch<float>;
  static_assert(d::has_stages<F, V>::value, "a staged functor lost its halves");
  std::vector<float> xs = {0.0f, -0.0f, 1.0f, -1.0f, 0x1p-149f, -0x1p-149f, 0x1p-126f, 3.4e38f, -3.4e38f,
                           std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                           std::numeric_limits<float>::quiet_NaN()};
  for (std::uint64_t b = 0; b <= 0xffffffffu; b += 997) xs.push_back(from<float>(static_cast<std::uint32_t>(b)));
  while (xs.size() % V::size != 0) xs.push_back(0.5f);
  alignas(64) float whole[V::size], halves[V::size];
  int bad = 0;
  for (std::size_t i = 0; i < xs.size(); i += V::size) {
    const V x = xsimd::load_unaligned(xs.data() + i);
    xsimd::store_aligned(whole, f(x));
    xsimd::store_aligned(halves, f.stage2(f.stage1(x)));
    for (std::size_t l = 0; l < V::size; ++l) {
      const bool both_nan = std::isnan(halves[l]) && std::isnan(whole[l]);
      if (!identical(halves[l], whole[l]) && !both_nan && bad++ < 10)
        ADD_FAILURE() << name << "(" << show(xs[i + l]) << "): stage2(stage1(x)) " << show(halves[l])
                      << ", the kernel " << show(whole[l]);
    }
  }
  EXPECT_EQ(bad, 0) << name;
}

// The same for a gated functor: gate i with up N-1-i of the same inputs,
// and with ups that send act(gate) subnormal times |up| > 1 to the rare path.
// Where gate and up are both NaN, either payload may come out (the
// compiler may commute a product): NaN is the contract, as in the digests.
template <class F>
void check_stages_gated(F const& f, const char* name) {
  using V = xsimd::batch<float>;
  static_assert(d::has_stages<F, V, 2>::value, "a staged functor lost its halves");
  std::vector<float> gs = {0.0f, -0.0f, 1.0f, -1.0f, 0x1p-149f, -0x1p-149f, -100.0f, -90.0f, -20.5f, -14.5f,
                           std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                           std::numeric_limits<float>::quiet_NaN()};
  for (std::uint64_t b = 0; b <= 0xffffffffu; b += 1999) gs.push_back(from<float>(static_cast<std::uint32_t>(b)));
  while (gs.size() % V::size != 0) gs.push_back(0.5f);
  std::vector<float> us(gs.rbegin(), gs.rend());
  for (std::size_t i = 0; i < 64; ++i) us[i] = i % 2 == 0 ? 1e30f : -3e9f;
  // Rare-path pairs for the precise kernels too: a subnormal act(gate)
  // times |up| > 1.
  for (std::size_t i = 64; i < 128; ++i) {
    gs[i] = i % 2 == 0 ? -95.0f - float(i % 7) : -1e-39f;
    us[i] = 7.5f + float(i);
  }
  alignas(64) float whole[V::size], halves[V::size], deferred[V::size];
  int bad = 0, hits = 0;
  for (std::size_t i = 0; i < gs.size(); i += V::size) {
    const V g = xsimd::load_unaligned(gs.data() + i), u = xsimd::load_unaligned(us.data() + i);
    xsimd::store_aligned(whole, f(g, u));
    xsimd::store_aligned(halves, f.stage2(f.stage1(g, u)));
    bool hit = false;
    if constexpr (d::stage2_defers<F, decltype(f.stage1(g, u))>::value) {
      // The bulk loops' second half: the kernel's bits where it reports no
      // rare lane (the loops recompute a vector that has one).
      xsimd::store_aligned(deferred, f.stage2(f.stage1(g, u), d::standard::rare_defer{hit}));
      hits += hit;
    }
    for (std::size_t l = 0; l < V::size; ++l) {
      const bool both_nan = std::isnan(halves[l]) && std::isnan(whole[l]);
      if (!identical(halves[l], whole[l]) && !both_nan && bad++ < 10)
        ADD_FAILURE() << name << "(" << show(gs[i + l]) << ", " << show(us[i + l]) << "): stage2(stage1(g, u)) "
                      << show(halves[l]) << ", the kernel " << show(whole[l]);
      const bool both_nan_d = std::isnan(deferred[l]) && std::isnan(whole[l]);
      if (d::stage2_defers<F, decltype(f.stage1(g, u))>::value && !hit && !identical(deferred[l], whole[l]) &&
          !both_nan_d && bad++ < 10)
        ADD_FAILURE() << name << "(" << show(gs[i + l]) << ", " << show(us[i + l]) << "): deferred stage2 "
                      << show(deferred[l]) << " with no rare lane reported, the kernel " << show(whole[l]);
    }
  }
  EXPECT_EQ(bad, 0) << name;
  if (d::stage2_defers<F, decltype(f.stage1(V(1.0f), V(1.0f)))>::value) {
    EXPECT_GT(hits, 0) << name;
  }
}

// The fast kernels with halves, on route Rt.
template <d::fast::route Rt>
void check_fast_stages(std::string const& route) {
  const auto name = [&route](const char* f) { return std::string(f) + " (" + route + ")"; };
  check_stages(d::fast_unary_on<d::fast_k::sigmoid, Rt>{}, name("fast::sigmoid").c_str());
  check_stages(d::fast_beta_on<d::fast_k::swish, Rt>{1.702}, name("fast::swish(1.702)").c_str());
  check_stages(d::fast_beta_on<d::fast_k::swish, Rt>{-0.5}, name("fast::swish(-0.5)").c_str());
  check_stages_gated(d::fast_gated_on<d::fast_k::glu, Rt>{}, name("fast::glu").c_str());
  check_stages_gated(d::fast_gated_on<d::fast_k::swiglu1, Rt>{}, name("fast::swiglu (beta = 1 kernel)").c_str());
  check_stages_gated(d::fast_beta_on<d::fast_k::swiglu, Rt>{1.702}, name("fast::swiglu(1.702)").c_str());
  check_stages_gated(d::fast_gated_on<d::fast_k::geglu_tanh, Rt>{}, name("fast::geglu_tanh").c_str());
  check_stages(d::fast_unary_on<d::fast_k::silu, Rt>{}, name("fast::silu").c_str());
  check_stages(d::fast_unary_on<d::fast_k::gelu_tanh, Rt>{}, name("fast::gelu_tanh").c_str());
  check_stages(d::fast_unary_on<d::fast_k::gelu, Rt>{}, name("fast::gelu").c_str());
  check_stages_gated(d::fast_gated_on<d::fast_k::geglu, Rt>{}, name("fast::geglu").c_str());
}

TEST(Staged, HalvesAreTheKernel) {
  check_stages(nonlin::precise::tanh{}, "precise::tanh");
  check_stages(nonlin::tanh{}, "tanh");
  check_stages(nonlin::precise::sigmoid{}, "precise::sigmoid");
  check_stages(nonlin::precise::silu{}, "precise::silu");
  check_stages(nonlin::sigmoid{}, "sigmoid");
  check_stages(nonlin::silu{}, "silu");
  check_stages(nonlin::gelu{}, "gelu");
  check_stages(nonlin::gelu_tanh{}, "gelu_tanh");
#if NONLIN_HAS_FMA  // (without one the default swish runs the precise kernels: no halves)
  check_stages(nonlin::swish{1.702}, "swish(1.702)");
  check_stages(nonlin::swish{-0.5}, "swish(-0.5)");
  check_stages(d::swish_beta1{}, "swish (beta = 1 kernel)");
#endif
  check_stages(nonlin::precise::gelu{}, "precise::gelu");
  check_stages(nonlin::precise::gelu_tanh{}, "precise::gelu_tanh");
  check_stages(nonlin::precise::swish{}, "precise::swish");
  check_stages(nonlin::precise::swish{1.702}, "precise::swish(1.702)");
  check_stages(nonlin::precise::swish{-0.5}, "precise::swish(-0.5)");
  check_stages_gated(nonlin::precise::geglu{}, "precise::geglu");
  check_stages_gated(nonlin::precise::geglu_tanh{}, "precise::geglu_tanh");
  check_stages_gated(nonlin::precise::glu{}, "precise::glu");
  check_stages_gated(nonlin::precise::swiglu{}, "precise::swiglu");
  check_stages_gated(nonlin::precise::swiglu{1.702}, "precise::swiglu(1.702)");
#if NONLIN_HAS_FMA  // (without one the default glu runs the precise kernels: no halves)
  check_stages_gated(nonlin::glu{}, "glu");
  check_stages_gated(nonlin::geglu{}, "geglu");
  check_stages_gated(nonlin::geglu_tanh{}, "geglu_tanh");
  check_stages_gated(nonlin::swiglu{}, "swiglu");
  check_stages_gated(nonlin::swiglu{1.702}, "swiglu(1.702)");
  check_stages_gated(d::swiglu_beta1{}, "swiglu (beta = 1 kernel)");
#endif
  // The fast tier's kernels with halves on the split route, and on the
  // plain route where the build has it (with and without AVX-512).
  check_fast_stages<d::fast::route::split>("split route");
#if defined(NONLIN_DETAIL_CPU_FLAG)
  check_fast_stages<d::fast::route::plain>("plain route");
#endif
  // The bulk loops take the halves exactly where the ops layer says so:
  // the precise kernels' large state only where overlaps_stages<B> holds
  // (AVX-512), the default and fast tiers' small one where
  // overlaps_stages<B, true> does (AVX-512, AVX2 with an FMA).
  using BF = xsimd::batch<float>;
  EXPECT_EQ((d::staged<nonlin::precise::tanh, BF>()), d::overlaps_stages<BF>());
  EXPECT_EQ((d::staged<nonlin::tanh, BF>()), (d::overlaps_stages<BF, true>()));
  // The fast tier's public functors have no halves: the loops run fast_on.
  EXPECT_FALSE((d::staged<nonlin::fast::gelu, BF>()));
  EXPECT_EQ((d::staged<d::fast_on<nonlin::fast::gelu, d::fast::route::split>, BF>()),
            (d::overlaps_stages<BF, true>()));
  EXPECT_EQ((d::staged<nonlin::precise::geglu_tanh, BF, 2>()), d::overlaps_stages<BF>());
  EXPECT_EQ((d::staged<nonlin::precise::swiglu, BF, 2>()), d::overlaps_stages<BF>());
  EXPECT_EQ((d::staged<nonlin::precise::geglu, BF, 2>()), d::overlaps_stages<BF>());
  EXPECT_EQ((d::staged<nonlin::glu, BF, 2>()), (d::overlaps_stages<BF, true>()) && d::has_fma);
#if defined(__AVX512F__)
  EXPECT_TRUE((d::overlaps_stages<BF>()));
#elif defined(__AVX2__) && defined(__FMA__)
  EXPECT_FALSE((d::overlaps_stages<BF>()));
  EXPECT_TRUE((d::overlaps_stages<BF, true>()));
#endif
  EXPECT_EQ((d::staged<nonlin::swiglu, BF, 2>()), (d::overlaps_stages<BF, true>()) && d::has_fma);
  // The fast kernels: where the float loops of AVX2 builds measured faster
  // overlapped (and everywhere with AVX-512); the 16-bit loops of AVX2
  // builds overlap fast::gelu only.
  using d::fast::route;
  EXPECT_EQ((d::staged<d::fast_on<nonlin::fast::glu, route::split>, BF, 2>()), (d::overlaps_stages<BF, true>()));
  EXPECT_EQ((d::staged<d::fast_on<nonlin::fast::swish, route::split>, BF>()), (d::overlaps_stages<BF, true>()));
  EXPECT_EQ((d::staged<d::fast_on<nonlin::fast::gelu_tanh, route::split>, BF>()), (d::overlaps_stages<BF, true>()));
  EXPECT_EQ((d::staged<d::fast_on<nonlin::fast::geglu, route::split>, BF, 2>()), (d::overlaps_stages<BF, true>()));
  EXPECT_EQ((d::staged_16<d::fast_on<nonlin::fast::glu, route::split>, BF, 2>()), d::overlaps_stages<BF>());
  EXPECT_EQ((d::staged_16<d::fast_on<nonlin::fast::gelu, route::split>, BF, 1>()), (d::overlaps_stages<BF, true>()));
  EXPECT_EQ((d::staged_16<nonlin::gelu, BF, 1>()), d::overlaps_stages<BF>());
  // How far ahead the float loops issue first halves: with AVX-512 two
  // vectors for the default and fast tiers, with AVX2 for the ops that
  // set it (the default tanh, sigmoid, silu and gelu_tanh; the fast
  // sigmoid, silu, swish and gelu_tanh).
  constexpr std::size_t two_in_avx2 = d::reg_bytes<BF>() == 32 || d::reg_bytes<BF>() == 64 ? 2 : 1;
  constexpr std::size_t two_in_avx512 = d::reg_bytes<BF>() == 64 ? 2 : 1;
  EXPECT_EQ((d::overlap_distance<nonlin::tanh, BF>()), two_in_avx2);
  EXPECT_EQ((d::overlap_distance<nonlin::gelu_tanh, BF>()), two_in_avx2);
  EXPECT_EQ((d::overlap_distance<d::fast_on<nonlin::fast::sigmoid, route::split>, BF>()), two_in_avx2);
  EXPECT_EQ((d::overlap_distance<nonlin::gelu, BF>()), two_in_avx512);
  EXPECT_EQ((d::overlap_distance<d::fast_on<nonlin::fast::swish, route::split>, BF>()), two_in_avx2);
  EXPECT_EQ((d::overlap_distance<d::fast_on<nonlin::fast::silu, route::split>, BF>()), two_in_avx2);
  EXPECT_EQ((d::overlap_distance<d::fast_on<nonlin::fast::gelu_tanh, route::split>, BF>()), two_in_avx2);
  EXPECT_EQ((d::overlap_distance<d::fast_on<nonlin::fast::geglu, route::split>, BF>()), two_in_avx512);
  EXPECT_EQ((d::overlap_distance<nonlin::precise::tanh, BF>()), 1u);
  EXPECT_FALSE((d::staged<nonlin::precise::tanh, xsimd::batch<double>>()));
  EXPECT_FALSE((d::staged<d::fast_on<nonlin::fast::gelu, route::split>, xsimd::batch<double>>()));
}
#endif

}  // namespace
