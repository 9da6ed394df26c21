// bf16 and f16 storage (nonlin/half.hpp, the 16-bit paths of apply):
//  * the conversions: every 16-bit value widened, and floats narrowed (all
//    2^32 with NONLIN_TEST_HALF_FULL, else every 61st bit pattern), scalar
//    and vector forms, against a reference rounding written independently
//    of them (the value scaled so that the format's quantum is 1 and
//    rounded by the FPU, compared with the result decoded by the format's
//    definition);
//  * every unary functor of every tier on all 65536 bf16 and all 65536
//    f16 inputs: default and precise tiers (and leaky_relu, hardsigmoid,
//    hardswish) correctly rounded, the fast tier faithful (the fraction
//    correctly rounded is printed); the four element-type paths agree;
//  * every gated functor on every 16-bit gate (every 5th with a sanitizer,
//    every 13th without optimization) times a list of ups chosen for the
//    hard cases (tiny and huge products, short significands);
//  * the API: in place, tails and offsets, packed rows, spans, the
//    compilers' own 16-bit types.
// The references: tests/spec.hpp's, in the widest type the compiler has,
// rounded to 16 bits by tests/half_ref.hpp (shared with
// tests/sweep/half_gated.cpp).
#include <gtest/gtest.h>

#include <nonlin/nonlin.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "common.hpp"
#include "half_ref.hpp"
#include "spec.hpp"

namespace {

using namespace nonlin_half_ref;

// 2^e as a double, -1022 <= e <= 1023, from its bits.
double pow2(int e) {
  const std::uint64_t b = std::uint64_t(e + 1023) << 52;
  double d;
  std::memcpy(&d, &b, 8);
  return d;
}

// The reference narrowing of a finite float, as a value: |x| scaled by a
// power of two so that the format's quantum is 1, rounded to an integer by
// the FPU (to nearest even: (q + 2^52) - 2^52), scaled back; +inf at or
// beyond the overflow midpoint. The result's sign is x's.
template <class H>
double ref_narrow_abs(float x) {
  std::uint32_t u;
  std::memcpy(&u, &x, 4);
  const int be = int((u >> 23) & 0xFF);
  const int e = std::max(be == 0 ? -126 : be - 127, fmt<H>::emin);  // the binade's exponent, at least emin
  const double d = std::fabs(double(x));
  const double q = d * pow2(fmt<H>::frac - e);  // exact, below 2^(frac + 1)
  const double big = 4503599627370496.0;         // 2^52
  const double r = ((q + big) - big) * pow2(e - fmt<H>::frac);
  return r >= fmt<H>::overflow ? INFINITY : r;
}

// Every float (NONLIN_TEST_HALF_FULL) or every 61st bit pattern, narrowed
// by the scalar function and by the vector form, against the reference:
// the value and sign of the result (decoded by the format's definition),
// and for a NaN the documented quiet NaN.
std::uint64_t half_stride() {
#if defined(NONLIN_TEST_HALF_FULL)
  return 1;
#elif defined(NONLIN_TEST_HALF_NARROW_STRIDE)
  return NONLIN_TEST_HALF_NARROW_STRIDE;  // tests/CMakeLists.txt
#else
  return 61;  // odd: every rounding position of both formats is visited
#endif
}

// Runs fn(begin, end, thread) over [0, 2^32) split in two threads.
template <class Fn>
void two_threads(Fn fn) {
  const std::uint64_t half = std::uint64_t(1) << 31;
  std::thread t([&] { fn(std::uint64_t(0), half, 0); });
  fn(half, std::uint64_t(1) << 32, 1);
  t.join();
}

template <class H>
bool narrowed_right(float x, std::uint16_t got) {
  std::uint32_t u;
  std::memcpy(&u, &x, 4);
  const std::uint16_t sign = std::uint16_t((u >> 16) & 0x8000u);
  if (std::isnan(x)) {
    const std::uint16_t want = std::is_same<H, bf16>::value ? std::uint16_t(sign | 0x7FC0u | ((u >> 16) & 0x7Fu))
                                                             : std::uint16_t(sign | 0x7E00u | ((u >> 13) & 0x3FFu));
    return got == want;
  }
  const double r = std::isinf(x) ? INFINITY : ref_narrow_abs<H>(x);
  return (got & 0x8000u) == sign && std::fabs(dec<H>(got)) == r;
}

template <class H>
void check_narrowing() {
  const std::uint64_t stride = half_stride();
  std::uint64_t bad[2][2] = {{0, 0}, {0, 0}};
  std::uint32_t first[2] = {0, 0};
  dec<H>(0);  // build the table before the threads
  two_threads([&](std::uint64_t begin, std::uint64_t end, int t) {
    constexpr std::size_t N = 4096;
    std::vector<float> xs(N);
    std::vector<H> out(N);
    std::uint64_t i = begin;
    while (i < end) {
      std::size_t n = 0;
      for (; n < N && i < end; ++n, i += stride) {
        const std::uint32_t u = static_cast<std::uint32_t>(i);
        std::memcpy(&xs[n], &u, 4);
      }
      // The vector form (the ops layer's narrow_store), and the scalar one.
#if NONLIN_USE_XSIMD
      using B = xsimd::batch<float>;
      std::size_t v = 0;
      for (; v + B::size <= n; v += B::size) nonlin::detail::narrow_store(out.data() + v, B::load_unaligned(&xs[v]));
      for (; v < n; ++v) out[v] = H(xs[v]);
      if constexpr (std::is_same<H, bf16>::value) {
        // bf16 pairs (the 16-bit loops' bf16 -> bf16 form): the same bits as
        // narrow_store, value 2 l + k of the pair from lane l of vector k
        // where the target has them.
        constexpr std::size_t W = B::size;
        constexpr bool interleaved = nonlin::detail::bf16_pairs<xsimd::default_arch>();
        std::vector<H> pair_out(2 * W);
        for (std::size_t p = 0; p + 2 * W <= n; p += 2 * W) {
          nonlin::detail::narrow_store_pair(pair_out.data(), B::load_unaligned(&xs[p]), B::load_unaligned(&xs[p + W]));
          for (std::size_t k = 0; k < 2; ++k)
            for (std::size_t l = 0; l < W; ++l) {
              const std::uint16_t got = pair_out[interleaved ? 2 * l + k : k * W + l].bits;
              if (got != out[p + k * W + l].bits && bad[t][1]++ == 0) std::memcpy(&first[t], &xs[p + k * W + l], 4);
            }
          // Even = false (the 16-bit loops' correctly rounded outputs, which
          // rewrite every lane near a midpoint): the even form's bits but
          // at a tie, one step up in magnitude there; single vectors,
          // streaming stores and pairs.
          alignas(64) H loose[2 * W], streamed[2 * W], loose_pair[2 * W];
          nonlin::detail::narrow_store<false>(loose, B::load_unaligned(&xs[p]));
          nonlin::detail::narrow_store<false>(loose + W, B::load_unaligned(&xs[p + W]));
          nonlin::detail::narrow_stream<false>(streamed, B::load_unaligned(&xs[p]));
          nonlin::detail::narrow_stream<false>(streamed + W, B::load_unaligned(&xs[p + W]));
          nonlin::detail::stream_fence();
          nonlin::detail::narrow_store_pair<false, false>(loose_pair, B::load_unaligned(&xs[p]),
                                                          B::load_unaligned(&xs[p + W]));
          for (std::size_t k = 0; k < 2; ++k)
            for (std::size_t l = 0; l < W; ++l) {
              const std::size_t j = p + k * W + l;
              std::uint32_t u;
              std::memcpy(&u, &xs[j], 4);
              const bool tie = (u & 0xFFFFu) == 0x8000u && !std::isnan(xs[j]);
              const std::uint16_t want = tie ? std::uint16_t((u >> 16) + 1u) : out[j].bits;
              const bool ok = loose[k * W + l].bits == want && streamed[k * W + l].bits == want &&
                              loose_pair[interleaved ? 2 * l + k : k * W + l].bits == want;
              if (!ok && bad[t][1]++ == 0) std::memcpy(&first[t], &xs[j], 4);
            }
        }
      }
#else
      for (std::size_t v = 0; v < n; ++v) out[v] = H(xs[v]);
#endif
      for (std::size_t j = 0; j < n; ++j) {
        const bool s_ok = narrowed_right<H>(xs[j], H(xs[j]).bits);
        const bool v_ok = narrowed_right<H>(xs[j], out[j].bits);
        if ((!s_ok || !v_ok) && bad[t][0] + bad[t][1] == 0) std::memcpy(&first[t], &xs[j], 4);
        bad[t][0] += !s_ok;
        bad[t][1] += !v_ok;
      }
    }
  });
  EXPECT_EQ(bad[0][0] + bad[1][0], 0u) << fmt<H>::name << ": the scalar narrowing differs from the reference; first at float bits 0x"
                                       << std::hex << (bad[0][0] + bad[0][1] ? first[0] : first[1]);
  EXPECT_EQ(bad[0][1] + bad[1][1], 0u) << fmt<H>::name << ": the vector narrowing (narrow_store, bf16 pairs, the tie-free forms) differs from the reference; first at float bits 0x"
                                       << std::hex << (bad[0][0] + bad[0][1] ? first[0] : first[1]);
  // The reference itself, on cases known by hand.
  EXPECT_EQ(ref_narrow_abs<H>(1.0f), 1.0);
  EXPECT_EQ(ref_narrow_abs<H>(std::is_same<H, bf16>::value ? 1.00390625f : 1.00048828125f), 1.0);  // tie to even
  const double top = std::is_same<H, bf16>::value ? 65536.0 : double(INFINITY);
  EXPECT_EQ(ref_narrow_abs<H>(65520.0f), top);
}

TEST(HalfConvert, NarrowBf16) { check_narrowing<bf16>(); }
TEST(HalfConvert, NarrowF16) { check_narrowing<f16>(); }

template <class H>
void check_widening() {
  std::vector<H> in(65536);
  std::vector<float> out(65536);
  for (std::uint32_t i = 0; i < 65536; ++i) in[i] = H::from_bits(std::uint16_t(i));
#if NONLIN_USE_XSIMD
  using B = xsimd::batch<float>;
  for (std::size_t j = 0; j < 65536; j += B::size) nonlin::detail::load_widen(in.data() + j).store_unaligned(&out[j]);
  if constexpr (std::is_same<H, bf16>::value) {
    // bf16 pairs: lane l of vector k holds value 2 l + k of the pair where
    // the target has them, else value k W + l; the same bits as load_widen.
    constexpr std::size_t W = B::size;
    constexpr bool interleaved = nonlin::detail::bf16_pairs<xsimd::default_arch>();
    int bad_pairs = 0;
    std::vector<float> lanes(W);
    for (std::size_t p = 0; p < 65536; p += 2 * W)
      for (std::size_t k = 0; k < 2; ++k) {
        nonlin::detail::load_widen_pair(in.data() + p, k).store_unaligned(lanes.data());
        for (std::size_t l = 0; l < W; ++l) {
          const std::size_t at = p + (interleaved ? 2 * l + k : k * W + l);
          if (!nonlin_test::same_bits(lanes[l], out[at]) && ++bad_pairs <= 5)
            ADD_FAILURE() << "bf16 0x" << std::hex << at << std::dec << " widened as a pair to "
                          << nonlin_test::show(lanes[l]) << ", by load_widen to " << nonlin_test::show(out[at]);
        }
      }
    EXPECT_EQ(bad_pairs, 0);
  }
#else
  for (std::size_t j = 0; j < 65536; ++j) out[j] = float(in[j]);
#endif
  int bad = 0;
  for (std::uint32_t i = 0; i < 65536; ++i) {
    const double want = decode<H>(std::uint16_t(i));
    const float s = float(in[i]);
    for (float got : {s, out[i]}) {
      bool ok;
      if (std::isnan(want)) {
        std::uint32_t u;
        std::memcpy(&u, &got, 4);
        // Quiet, same sign; f16 keeps the payload, bf16 the bits.
        const std::uint32_t expect = std::is_same<H, bf16>::value
                                         ? std::uint32_t(i) << 16
                                         : ((i & 0x8000u) << 16) | 0x7FC00000u | ((i & 0x3FFu) << 13);
        ok = u == expect;
      } else {
        ok = double(got) == want && std::signbit(got) == std::signbit(want);
      }
      if (!ok && ++bad <= 5)
        ADD_FAILURE() << fmt<H>::name << " 0x" << std::hex << i << std::dec << " widened to "
                      << nonlin_test::show(got) << ", expected " << want;
    }
  }
  EXPECT_EQ(bad, 0);
}

TEST(HalfConvert, WidenBf16) { check_widening<bf16>(); }
TEST(HalfConvert, WidenF16) { check_widening<f16>(); }

TEST(HalfConvert, TypesAndRules) {
  static_assert(sizeof(bf16) == 2 && sizeof(f16) == 2, "16 bits");
  static_assert(std::is_trivially_copyable<bf16>::value && std::is_standard_layout<f16>::value, "layout");
  EXPECT_EQ(bf16(1.0f).bits, 0x3F80);
  EXPECT_EQ(f16(1.0f).bits, 0x3C00);
  EXPECT_EQ(f16(65519.99f).bits, 0x7BFF);
  EXPECT_EQ(f16(65520.0f).bits, 0x7C00);
  EXPECT_EQ(f16(-0.0f).bits, 0x8000);
  EXPECT_EQ(bf16(std::numeric_limits<float>::denorm_min()).bits, 0x0000);
  EXPECT_EQ(bf16(0x1p-133f).bits, 0x0001);  // bf16's smallest subnormal, kept
  EXPECT_EQ(float(f16::from_bits(0x0001)), 0x1p-24f);
  EXPECT_TRUE(std::isnan(float(bf16(std::nanf("")))));
#if NONLIN_HAS_FLOAT16
  const _Float16 h = static_cast<_Float16>(0.333251953125f);
  EXPECT_EQ(float(f16(h)), 0.333251953125f);
#endif
}

// -------------------------------------------------------------- unary --

template <class H, class F>
void check_unary(F const& f) {
  namespace S = nonlin_spec;
  constexpr bool exact = nonlin::detail::half_rule<F>::exact || F::max_ulp_float == 0;
  constexpr auto fam = nonlin::detail::family_of(F::name);
  const std::string label = S::label_of(f) + " " + fmt<H>::name;
  std::vector<H> in(65536), out(65536), out_f(65536), inplace(65536);
  std::vector<float> inf(65536), outF(65536), outFF(65536);
  for (std::uint32_t i = 0; i < 65536; ++i) {
    in[i] = H::from_bits(std::uint16_t(i));
    inf[i] = float(in[i]);
  }
  nonlin::apply(f, in.data(), out.data(), in.size());      // H -> H
  nonlin::apply(f, inf.data(), out_f.data(), in.size());   // float -> H
  nonlin::apply(f, in.data(), outF.data(), in.size());     // H -> float
  nonlin::apply(f, inf.data(), outFF.data(), in.size());   // float -> float
  inplace = in;
  nonlin::apply(f, inplace.data(), inplace.data(), inplace.size());
  // Every run of 1024 inputs twice in a row, in one call: a flagged input's
  // second output comes from the rare path's memo or shares the first's
  // evaluation (bulk_half.hpp, half_rare: the loop's blocks are 1024 long,
  // the flagged lanes of several blocks are recomputed together, the memo
  // is kept from one batch to the next) and must equal the first.
  std::vector<H> twice(2 * 65536), out2(2 * 65536);
  constexpr std::size_t run = 1024;
  for (std::size_t c = 0; c < 65536; c += run)
    for (std::size_t k = 0; k < run; ++k) twice[2 * c + k] = twice[2 * c + run + k] = in[c + k];
  nonlin::apply(f, twice.data(), out2.data(), twice.size());
  int fails = 0;
  for (std::size_t c = 0; c < 65536; c += run)
    for (std::size_t k = 0; k < run; ++k)
      if ((!same16<H>(out2[2 * c + k].bits, out[c + k].bits) || !same16<H>(out2[2 * c + run + k].bits, out[c + k].bits)) &&
          ++fails <= 5)
        ADD_FAILURE() << label << ": an input repeated in one call gives another output at x = " << inf[c + k]
                      << ": " << show16(out[c + k].bits, decode<H>(out[c + k].bits)) << ", then "
                      << show16(out2[2 * c + run + k].bits, decode<H>(out2[2 * c + run + k].bits));
  // The same inputs in calls of other lengths (each call's last 1024-block
  // ends in 31, 47 or 5 values: up to two zero-padded vectors after the
  // whole vectors, or pairs of them), from offsets that are not multiples
  // of a vector: every output as in the one call.
  std::vector<H> chunked(65536);
  for (std::size_t c = 0, k = 0; c < 65536; ++k) {
    const std::size_t len = std::min<std::size_t>(65536 - c, k % 3 == 0 ? 1055 : k % 3 == 1 ? 47 : 2053);
    nonlin::apply(f, in.data() + c, chunked.data() + c, len);
    c += len;
  }
  for (std::size_t i = 0; i < 65536; ++i)
    if (!same16<H>(chunked[i].bits, out[i].bits) && ++fails <= 5)
      ADD_FAILURE() << label << ": in calls of 1055, 47 and 2053 values the output at x = " << inf[i] << " is "
                    << show16(chunked[i].bits, decode<H>(chunked[i].bits)) << ", in one call "
                    << show16(out[i].bits, decode<H>(out[i].bits));
  long not_cr = 0, finite = 0;
  // got: f at the float x rounded to H by apply().
  const auto verify = [&](float x, std::uint16_t got, const char* path) {
    float fixed;
    rounding r{};
    // The contract's fixed values where they are exact (NaN, limits,
    // signed zeros); elsewhere the exact value.
    if (S::fixed_value(f, x, fixed) && (!std::isfinite(x) || !std::isfinite(fixed) || fixed == 0)) {
      if (std::isnan(fixed)) {
        if (!is_nan16<H>(got) && ++fails <= 10)
          ADD_FAILURE() << label << path << ": x = " << x << " gives " << show16(got, decode<H>(got))
                        << ", expected NaN";
        return;
      }
      const std::uint16_t c = H(fixed).bits;
      r = {c, c, c, false};
    } else {
      const W ref = S::reference<W>(f, x);
      r = round_exact<H>(ref, fam == nonlin::detail::family::other || fam == nonlin::detail::family::hardswish);
      if (r.undecided && !resolve<H>(r, fam, x, 1.0, ref) && !r.tie) {
        if (++fails <= 10)
          ADD_FAILURE() << label << path << ": the reference cannot round x = " << nonlin_test::show(x)
                        << " (within its precision of a midpoint)";
        return;
      }
    }
    if (*path == 0) {  // the fraction correctly rounded: over the 16-bit inputs
      ++finite;
      if (got != r.cr) ++not_cr;
    }
    const bool ok = exact ? got == r.cr : (got == r.lo || got == r.hi);
    if (!ok && ++fails <= 10)
      ADD_FAILURE() << label << path << ": x = " << nonlin_test::show(x) << ": expected "
                    << show16(r.cr, decode<H>(r.cr)) << (exact ? "" : " or its other neighbour") << ", actual "
                    << show16(got, decode<H>(got)) << ", " << steps(got, r.cr) << " " << fmt<H>::name
                    << " step(s) off";
  };
  for (std::uint32_t i = 0; i < 65536; ++i) {
    if (!nonlin_test::same_bits(outF[i], outFF[i]) && ++fails <= 5)
      ADD_FAILURE() << label << ": H -> float differs from float -> float at x = " << inf[i];
    if ((!same16<H>(out[i].bits, out_f[i].bits) || !same16<H>(out[i].bits, inplace[i].bits)) && ++fails <= 5)
      ADD_FAILURE() << label << ": the H -> H, float -> H and in-place outputs differ at x = " << inf[i];
    verify(inf[i], out[i].bits, "");
  }
  // Float inputs halfway between two H values (float -> H).
  std::vector<float> mids;
  for (std::uint32_t i = 0; i < 65536; ++i) {
    const std::uint16_t h = std::uint16_t(i), n = next_up(h);
    const double a = decode<H>(h), b = decode<H>(n);
    if (std::isfinite(a) && std::isfinite(b) && h != 0x8000) mids.push_back(float((a + b) / 2));
  }
  std::vector<H> mout(mids.size());
  nonlin::apply(f, mids.data(), mout.data(), mids.size());
  for (std::size_t i = 0; i < mids.size(); ++i) verify(mids[i], mout[i].bits, " (float midpoint input)");
  EXPECT_EQ(fails, 0) << label;
  if (!exact)
    std::printf("%-28s faithful; correctly rounded %ld of %ld (%.3f%%)\n", label.c_str(), finite - not_cr, finite,
                100.0 * double(finite - not_cr) / double(finite));
}

TEST(HalfUnary, EveryInputBf16) {
  nonlin_spec::for_each_unary([](auto const& f) { check_unary<bf16>(f); });
}
TEST(HalfUnary, EveryInputF16) {
  nonlin_spec::for_each_unary([](auto const& f) { check_unary<f16>(f); });
}

// -------------------------------------------------------------- gated --

// The ups: short and long significands, tiny and huge, both signs; the
// products cover the subnormal range, exact midpoints (48.5 x 1.5 2^-132)
// and overflow.
template <class H>
std::vector<float> ups() {
  std::vector<float> u;
  const float base[] = {1.0f, 1.5f, 1.0078125f, 1.9921875f, 0.3330078125f};
  std::vector<int> e = std::is_same<H, bf16>::value ? std::vector<int>{0, -132, -126, 121}
                                                    : std::vector<int>{0, -24, -14, 7};
  for (float b : base)
    for (int k : e) {
      const float v = float(H(std::ldexp(b, k)));
      if (v != 0 && std::isfinite(v)) {
        u.push_back(v);
        u.push_back(-v);
      }
    }
  std::sort(u.begin(), u.end());
  u.erase(std::unique(u.begin(), u.end()), u.end());
  return u;
}

// Builds with a sanitizer check every 5th gate, builds without
// optimization every 13th, the others every gate, unless
// tests/CMakeLists.txt sets NONLIN_TEST_HALF_GATE_STRIDE (the lean suite,
// emulated builds).
#if defined(NONLIN_TEST_HALF_GATE_STRIDE)
constexpr std::uint32_t kGateStride = NONLIN_TEST_HALF_GATE_STRIDE;
#elif !defined(__OPTIMIZE__)
constexpr std::uint32_t kGateStride = 13;
#elif defined(__SANITIZE_ADDRESS__)
constexpr std::uint32_t kGateStride = 5;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr std::uint32_t kGateStride = 5;
#else
constexpr std::uint32_t kGateStride = 1;
#endif
#else
constexpr std::uint32_t kGateStride = 1;
#endif
static_assert(kGateStride >= 1, "NONLIN_TEST_HALF_GATE_STRIDE must be at least 1");

template <class H, class G>
void check_gated(G const& g) {
  namespace S = nonlin_spec;
  constexpr bool exact = nonlin::detail::half_rule<G>::exact;
  constexpr auto fam = nonlin::detail::family_of(G::name);
  const std::string label = S::label_of(g) + " " + fmt<H>::name;
  const auto act = S::act_of(g);
  const std::size_t N = (65536 + kGateStride - 1) / kGateStride;
  std::vector<H> gate(N), up(N), out(N), out_f(N);
  std::vector<float> gf(N), uf(N);
  std::vector<W> act_ref(N);
  for (std::size_t i = 0; i < N; ++i) {
    gate[i] = H::from_bits(std::uint16_t(i * kGateStride));
    gf[i] = float(gate[i]);
    act_ref[i] = std::isfinite(gf[i]) ? S::reference<W>(act, gf[i]) : W(0);
  }
  int fails = 0;
  long not_cr = 0, total = 0;
  for (float u : ups<H>()) {
    std::fill(up.begin(), up.end(), H(u));
    std::fill(uf.begin(), uf.end(), u);
    nonlin::apply(g, gate.data(), up.data(), out.data(), gate.size());
    nonlin::apply(g, gf.data(), uf.data(), out_f.data(), gate.size());
    for (std::size_t i = 0; i < N; ++i) {
      const float x = gf[i];
      const std::uint16_t got = out[i].bits;
      if (!same16<H>(got, out_f[i].bits) && ++fails <= 5)
        ADD_FAILURE() << label << ": H -> H and float -> H differ at gate " << x << ", up " << u;
      float fixed;
      rounding r{};
      if (S::gated_fixed(g, x, u, fixed) && (!std::isfinite(x) || !std::isfinite(fixed) || fixed == 0)) {
        if (std::isnan(fixed)) {
          if (!is_nan16<H>(got) && ++fails <= 10) ADD_FAILURE() << label << ": gate " << x << ", up " << u << ": not NaN";
          continue;
        }
        const std::uint16_t c = H(fixed).bits;
        r = {c, c, c, false};
      } else {
        r = round_exact<H>(act_ref[i] * W(u), false);
        if (r.undecided && !resolve<H>(r, fam, x, u, act_ref[i])) {
          if (++fails <= 10)
            ADD_FAILURE() << label << ": the reference cannot round gate " << nonlin_test::show(x) << ", up "
                          << nonlin_test::show(u);
          continue;
        }
      }
      ++total;
      if (got != r.cr) ++not_cr;
      const bool ok = exact ? got == r.cr : (got == r.lo || got == r.hi);
      if (!ok && ++fails <= 10)
        ADD_FAILURE() << label << ": gate " << nonlin_test::show(x) << ", up " << nonlin_test::show(u)
                      << ": expected " << show16(r.cr, decode<H>(r.cr)) << (exact ? "" : " or its other neighbour")
                      << ", actual " << show16(got, decode<H>(got)) << ", " << steps(got, r.cr) << " step(s) off";
    }
  }
  EXPECT_EQ(fails, 0) << label;
  if (!exact)
    std::printf("%-28s faithful; correctly rounded %ld of %ld (%.3f%%)\n", label.c_str(), total - not_cr, total,
                100.0 * double(total - not_cr) / double(total));
}

TEST(HalfGated, EveryGateBf16) {
  nonlin_spec::for_each_gated([](auto const& g) { check_gated<bf16>(g); });
}
TEST(HalfGated, EveryGateF16) {
  nonlin_spec::for_each_gated([](auto const& g) { check_gated<f16>(g); });
}

// ---------------------------------------------------------------- API --

// Results do not depend on n, offset or in-place; packed rows and spans
// give apply's values.
TEST(HalfApi, TailsOffsetsPackedSpans) {
  const std::size_t N = 300;
  std::vector<bf16> x(N), u(N), whole(N), part(N);
  for (std::size_t i = 0; i < N; ++i) {
    x[i] = bf16(std::sin(float(i)) * 6.0f);
    u[i] = bf16(std::cos(float(i) * 0.7f) * 3.0f);
  }
  nonlin::apply(nonlin::gelu{}, x.data(), whole.data(), N);
  for (std::size_t off : {0u, 1u, 7u, 33u})
    for (std::size_t n : {0u, 1u, 5u, 16u, 17u, 63u, 200u}) {
      if (off + n > N) continue;
      std::fill(part.begin(), part.end(), bf16::from_bits(0x7FC1));
      nonlin::apply(nonlin::gelu{}, x.data() + off, part.data() + off, n);
      for (std::size_t i = 0; i < N; ++i) {
        const bool inside = i >= off && i < off + n;
        EXPECT_EQ(part[i].bits, inside ? whole[i].bits : 0x7FC1) << "off " << off << " n " << n << " i " << i;
      }
    }
  // Gated: separate inputs vs packed rows, both halves, strided.
  const std::size_t rows = 3, H = 37, in_stride = 2 * H + 5, out_stride = H + 3;
  std::vector<f16> packed(rows * in_stride), pout(rows * out_stride, f16::from_bits(0x7E01));
  for (std::size_t i = 0; i < packed.size(); ++i) packed[i] = f16(std::sin(float(i) * 1.3f) * 4.0f);
  for (nonlin::gate_half half : {nonlin::gate_half::first, nonlin::gate_half::second}) {
    nonlin::apply_packed(nonlin::swiglu{}, packed.data(), in_stride, pout.data(), out_stride, rows, H, half);
    for (std::size_t r = 0; r < rows; ++r) {
      const f16* row = packed.data() + r * in_stride;
      const f16* gp = half == nonlin::gate_half::first ? row : row + H;
      const f16* upp = half == nonlin::gate_half::first ? row + H : row;
      std::vector<f16> want(H);
      nonlin::apply(nonlin::swiglu{}, gp, upp, want.data(), H);
      for (std::size_t j = 0; j < H; ++j) EXPECT_EQ(pout[r * out_stride + j].bits, want[j].bits);
      for (std::size_t j = H; j < out_stride && r + 1 < rows; ++j) EXPECT_EQ(pout[r * out_stride + j].bits, 0x7E01);
    }
  }
  // In place, gated: out == gate.
  std::vector<bf16> g2 = x, want(N);
  nonlin::apply(nonlin::geglu{}, x.data(), u.data(), want.data(), N);
  nonlin::apply(nonlin::geglu{}, g2.data(), u.data(), g2.data(), N);
  for (std::size_t i = 0; i < N; ++i) EXPECT_EQ(g2[i].bits, want[i].bits);
#if defined(__cpp_lib_span)
  std::vector<float> fo(N);
  nonlin::apply(nonlin::gelu{}, std::span<const bf16>(x), std::span<float>(fo));
  for (std::size_t i = 0; i < N; ++i) EXPECT_EQ(fo[i], nonlin::gelu{}(float(x[i])));
  std::vector<bf16> so(N);
  nonlin::apply(nonlin::geglu{}, std::span<const bf16>(x), std::span<const bf16>(u), std::span<bf16>(so));
  for (std::size_t i = 0; i < N; ++i) EXPECT_EQ(so[i].bits, want[i].bits);
#endif
  // A framework's buffer of uint16_t, passed by reinterpret_cast.
  std::vector<std::uint16_t> raw(N);
  nonlin::apply(nonlin::gelu{}, x.data(), reinterpret_cast<bf16*>(raw.data()), N);
  for (std::size_t i = 0; i < N; ++i) EXPECT_EQ(raw[i], whole[i].bits);
#if NONLIN_HAS_FLOAT16
  std::vector<_Float16> hx(N), hy(N);
  std::vector<f16> fx(N), fy(N);
  for (std::size_t i = 0; i < N; ++i) {
    hx[i] = static_cast<_Float16>(float(x[i]));
    fx[i] = f16(float(x[i]));
  }
  nonlin::apply(nonlin::silu{}, hx.data(), hy.data(), N);
  nonlin::apply(nonlin::silu{}, fx.data(), fy.data(), N);
  for (std::size_t i = 0; i < N; ++i) EXPECT_EQ(f16(hy[i]).bits, fy[i].bits);
#endif
}

// swish with beta < 0 at the bf16 inputs where x/2 is a bf16 midpoint
// (x = odd multiples of the smallest subnormal): swish(x) = x/2 + (beta/4)
// x^2 + ..., below x/2, so the correctly rounded value is x/2 rounded
// down; with beta > 0 up.
TEST(HalfUnary, SwishTinyInputsEitherSignOfBeta) {
  for (double beta : {-1.5, 1.5}) {
    for (std::uint16_t i = 1; i < 0x80; i += 2) {
      for (std::uint16_t sign : {std::uint16_t(0), std::uint16_t(0x8000)}) {
        const bf16 x = bf16::from_bits(std::uint16_t(i | sign));
        const double half = double(float(x)) / 2, q = 0x1p-133;  // bf16's subnormal step
        const double want = (beta < 0 ? std::floor(half / q) : std::ceil(half / q)) * q;
        bf16 y, yp;
        nonlin::apply(nonlin::swish{beta}, &x, &y, 1);
        nonlin::apply(nonlin::precise::swish{beta}, &x, &yp, 1);
        EXPECT_EQ(double(float(y)), want) << "swish(beta=" << beta << ") x = " << float(x);
        EXPECT_EQ(double(float(yp)), want) << "precise::swish(beta=" << beta << ") x = " << float(x);
      }
    }
  }
}

#if !defined(NDEBUG) && defined(GTEST_HAS_DEATH_TEST) && GTEST_HAS_DEATH_TEST
// Mixed types cannot run in place: an output overlapping its input of
// another type is a precondition violation, asserted in debug builds.
TEST(HalfApi, PreconditionsAssertInDebugBuilds) {
  alignas(16) float buf[64] = {};
  EXPECT_DEATH(nonlin::apply(nonlin::gelu{}, buf, reinterpret_cast<bf16*>(buf), 32), "overlap");
  EXPECT_DEATH(nonlin::apply(nonlin::swiglu{}, reinterpret_cast<const f16*>(buf), reinterpret_cast<const f16*>(buf + 16),
                             buf + 1, 16),
               "overlap");
}
#endif

}  // namespace
