// Bulk kernels: every length from 0 to 4 vector widths + 1, every start
// offset within a cache line, in place, both gated layouts with row strides
// larger than the row; results must equal the scalar functor bit for bit, and
// nothing outside the requested range may be written.
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "canary.hpp"
#include "common.hpp"
#include "erased.hpp"
#include "functions_for.hpp"
#include "vector_width.hpp"
#include "nonlin/nonlin.hpp"

namespace {

using nonlin_test::same_bits;
using nonlin_test::show;

using nonlin_test::vector_width;

// Which functors apply() may stream (test_bulk_stream runs this file with
// every such output streamed): the memory-speed ones (piecewise-linear), the
// default and fast tiers in float only where a float vector is a whole
// cache line (AVX-512; their double runs the precise kernels), never the
// precise tier.
static_assert(nonlin::detail::streams<nonlin::relu, float>(), "relu streams");
static_assert(nonlin::detail::streams<nonlin::leaky_relu, double>(), "leaky_relu streams");
static_assert(nonlin::detail::streams<nonlin::hardswish, float>(), "hardswish streams");
static_assert(nonlin::detail::streams<nonlin::fast::hardswish, float>() &&
                  nonlin::detail::streams<nonlin::fast::hardsigmoid, double>(),
              "the fast tier's piecewise-linear functors stream in every type");
constexpr bool kLine = nonlin::detail::float_vector_is_a_line();
static_assert(kLine == (NONLIN_USE_XSIMD && sizeof(float) * nonlin_test::vector_width<float>() >= 64),
              "a line per vector: AVX-512");
static_assert(nonlin::detail::streams<nonlin::fast::sigmoid, float>() == kLine, "fast float streams (AVX-512)");
static_assert(nonlin::detail::streams<nonlin::fast::swiglu, float>() == kLine, "fast gated float streams (AVX-512)");
static_assert(!nonlin::detail::streams<nonlin::fast::gelu, double>(), "fast double does not");
static_assert(nonlin::detail::streams<nonlin::sigmoid, float>() == kLine, "default float streams (AVX-512)");
static_assert(!nonlin::detail::streams<nonlin::gelu, double>(), "default double does not");
static_assert(!nonlin::detail::streams<nonlin::precise::sigmoid, float>(), "precise does not");
static_assert(!nonlin::detail::streams<nonlin::precise::geglu, float>(), "precise gated does not");
// Which functors choose their kernel once per apply() call.
static_assert(nonlin::detail::kernel_choice<nonlin::fast::swish, float>::any, "fast::swish chooses per call");
static_assert(nonlin::detail::kernel_choice<nonlin::fast::swiglu, float>::any, "fast::swiglu chooses per call");
static_assert(nonlin::detail::kernel_choice<nonlin::swish, float>::any == nonlin::detail::has_fma,
              "default swish chooses per call where it runs its own kernel");
static_assert(!nonlin::detail::kernel_choice<nonlin::precise::swish, float>::any, "precise swish runs as it is");
static_assert(nonlin::detail::kernel_choice<nonlin::fast::sigmoid, float>::any &&
                  nonlin::detail::fast_blocked<nonlin::fast::silu>::exists &&
                  !nonlin::detail::fast_blocked<nonlin::fast::gelu>::exists,
              "fast sigmoid and silu run the split route in blocks, on every target");

// Inputs: a seeded mix of ordinary values, tails and special values.
template <class T>
std::vector<T> make_inputs(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> wide(-40.0, 40.0);
  std::uniform_real_distribution<double> core(-4.0, 4.0);
  const T specials[] = {T(0),
                        -T(0),
                        std::numeric_limits<T>::infinity(),
                        -std::numeric_limits<T>::infinity(),
                        std::numeric_limits<T>::quiet_NaN(),
                        std::numeric_limits<T>::denorm_min(),
                        -std::numeric_limits<T>::min(),
                        std::numeric_limits<T>::max(),
                        -std::numeric_limits<T>::max(),
                        T(-100)};
  std::vector<T> v(n);
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned k = rng() % 8;
    if (k == 0)
      v[i] = specials[rng() % (sizeof specials / sizeof specials[0])];
    else if (k < 4)
      v[i] = static_cast<T>(wide(rng));
    else
      v[i] = static_cast<T>(core(rng));
  }
  return v;
}

using nonlin_test::canary;
using nonlin_test::is_canary;
using nonlin_test::gated_fn;
using nonlin_test::gated_fns;
using nonlin_test::unary_fns;


template <class T>
class Bulk : public ::testing::Test {};
using Types = ::testing::Types<float, double>;
TYPED_TEST_SUITE(Bulk, Types, nonlin_test::TypeNames);

TYPED_TEST(Bulk, UnaryEveryLengthAndOffsetEqualsScalar) {
  using T = TypeParam;
  constexpr std::size_t W = vector_width<T>();
  constexpr std::size_t line = 64 / sizeof(T);
  const std::size_t max_n = 4 * W + 1;
  const auto src = make_inputs<T>(max_n + line, 1);
  const auto functions = nonlin_test::functions_for<T>(nonlin::unary_functions());
  NONLIN_TEST_SKIP_IF_NONE(functions);
  for (auto const& f : unary_fns<T>(functions)) {
    std::size_t failures = 0;
    for (std::size_t off = 0; off < line; ++off) {
      for (std::size_t n = 0; n <= max_n; ++n) {
        // Output buffer with guard zones before and after [off, off + n).
        std::vector<T> out(n + 2 * line, canary<T>());
        const T* in = src.data() + off;
        f.bulk(in, out.data() + off, n);
        for (std::size_t i = 0; i < out.size(); ++i) {
          const bool inside = i >= off && i < off + n;
          if (!inside) {
            if (!is_canary(out[i]) && failures++ < 10)
              ADD_FAILURE() << f.name << ": wrote outside [" << off << ", " << off + n << ") at " << i;
            continue;
          }
          const T x = in[i - off];
          const T expect = f.scalar(x);
          if (!same_bits(out[i], expect) && failures++ < 10)
            ADD_FAILURE() << f.name << " n=" << n << " offset=" << off << " input " << show(x) << ": bulk "
                          << show(out[i]) << " != scalar " << show(expect);
        }
      }
    }
    EXPECT_EQ(failures, 0u) << f.name;
  }
}

TYPED_TEST(Bulk, UnaryInPlaceEqualsOutOfPlace) {
  using T = TypeParam;
  constexpr std::size_t W = vector_width<T>();
  const auto functions = nonlin_test::functions_for<T>(nonlin::unary_functions());
  NONLIN_TEST_SKIP_IF_NONE(functions);
  for (auto const& f : unary_fns<T>(functions)) {
    for (std::size_t n = 0; n <= 4 * W + 1; ++n) {
      for (std::size_t off = 0; off < 3; ++off) {
        auto buf = make_inputs<T>(n + off, static_cast<unsigned>(n));
        std::vector<T> expect(n + off);
        f.bulk(buf.data() + off, expect.data() + off, n);
        f.bulk(buf.data() + off, buf.data() + off, n);
        for (std::size_t i = 0; i < n; ++i)
          ASSERT_TRUE(same_bits(buf[off + i], expect[off + i]))
              << f.name << " in place, n=" << n << " i=" << i << ": " << show(buf[off + i]) << " vs "
              << show(expect[off + i]);
      }
    }
  }
}

TYPED_TEST(Bulk, ResultDoesNotDependOnChunking) {
  using T = TypeParam;
  const std::size_t n = 1000;
  const auto in = make_inputs<T>(n, 7);
  const auto functions = nonlin_test::functions_for<T>(nonlin::unary_functions());
  NONLIN_TEST_SKIP_IF_NONE(functions);
  for (auto const& f : unary_fns<T>(functions)) {
    std::vector<T> whole(n), pieces(n);
    f.bulk(in.data(), whole.data(), n);
    std::size_t i = 0, step = 1;
    while (i < n) {
      const std::size_t len = std::min(step, n - i);
      f.bulk(in.data() + i, pieces.data() + i, len);
      i += len;
      step = step * 2 + 1;  // 1, 3, 7, 15, ...: every chunk boundary misaligned
    }
    for (std::size_t k = 0; k < n; ++k)
      ASSERT_TRUE(same_bits(whole[k], pieces[k])) << f.name << " at " << k << " input " << show(in[k]);
  }
}

TYPED_TEST(Bulk, GatedSplitEveryLengthAndOffsetEqualsScalar) {
  using T = TypeParam;
  constexpr std::size_t W = vector_width<T>();
  constexpr std::size_t line = 64 / sizeof(T);
  const std::size_t max_n = 4 * W + 1;
  const auto gate = make_inputs<T>(max_n + line, 2);
  const auto up = make_inputs<T>(max_n + line, 3);
  const auto functions = nonlin_test::functions_for<T>(nonlin::gated_functions());
  NONLIN_TEST_SKIP_IF_NONE(functions);
  for (auto const& g : gated_fns<T, true>(functions)) {
    std::size_t failures = 0;
    for (std::size_t off = 0; off < line; ++off) {
      for (std::size_t n = 0; n <= max_n; ++n) {
        std::vector<T> out(n + 2 * line, canary<T>());
        const std::size_t uoff = (off * 5 + 3) % line;  // gate and up misaligned differently
        g.bulk(gate.data() + off, up.data() + uoff, out.data() + off, n);
        for (std::size_t i = 0; i < out.size(); ++i) {
          if (i < off || i >= off + n) {
            if (!is_canary(out[i]) && failures++ < 10) ADD_FAILURE() << g.name << ": wrote outside range at " << i;
            continue;
          }
          const T a = gate[i], b = up[uoff + i - off];
          const T expect = g.scalar(a, b);
          if (!same_bits(out[i], expect) && failures++ < 10)
            ADD_FAILURE() << g.name << " n=" << n << " gate " << show(a) << " up " << show(b) << ": bulk "
                          << show(out[i]) << " != scalar " << show(expect);
        }
      }
    }
    EXPECT_EQ(failures, 0u) << g.name;
  }
}

// The default and fast tiers' swish and swiglu pick their kernel once per
// apply() call (silu's for float and beta = 1): for every beta the bulk
// result must still be the scalar functor's, bit for bit.
template <class Swish, class Swiglu, class T>
void check_kernel_choice(const char* tier) {
  const std::size_t n = 1000;
  auto x = make_inputs<T>(n, 4);
  auto up = make_inputs<T>(n, 5);
  // and gates whose act(gate) is subnormal times large ups (the lanes the
  // unfolded tiers recompute in float)
  for (std::size_t i = 0; i < 64; ++i) {
    x[3 * i] = T(-88) - T(i);
    up[3 * i] = T(1e30);
  }
  std::vector<T> out(n);
  for (const double beta : {1.0, 1.702, -0.5, 0.0, 1.0 + 1e-12}) {
    std::size_t failures = 0;
    const Swish f{beta};
    nonlin::apply(f, x.data(), out.data(), n);
    for (std::size_t i = 0; i < n; ++i) {
      const T expect = f(x[i]);
      if (!same_bits(out[i], expect) && failures++ < 10)
        ADD_FAILURE() << tier << "swish beta=" << beta << " input " << show(x[i]) << ": bulk " << show(out[i])
                      << " != scalar " << show(expect);
    }
    const Swiglu g{beta};
    nonlin::apply(g, x.data(), up.data(), out.data(), n);
    for (std::size_t i = 0; i < n; ++i) {
      const T expect = g(x[i], up[i]);
      if (!same_bits(out[i], expect) && failures++ < 10)
        ADD_FAILURE() << tier << "swiglu beta=" << beta << " gate " << show(x[i]) << " up " << show(up[i])
                      << ": bulk " << show(out[i]) << " != scalar " << show(expect);
    }
    EXPECT_EQ(failures, 0u) << tier << " beta=" << beta;
  }
}

TYPED_TEST(Bulk, KernelChosenPerCallEqualsScalar) {
  check_kernel_choice<nonlin::swish, nonlin::swiglu, TypeParam>("");
  check_kernel_choice<nonlin::fast::swish, nonlin::fast::swiglu, TypeParam>("fast::");
}

TYPED_TEST(Bulk, GatedSplitInPlaceOnEitherOperand) {
  using T = TypeParam;
  constexpr std::size_t W = vector_width<T>();
  const auto functions = nonlin_test::functions_for<T>(nonlin::gated_functions());
  NONLIN_TEST_SKIP_IF_NONE(functions);
  for (auto const& g : gated_fns<T, true>(functions)) {
    for (std::size_t n = 0; n <= 4 * W + 1; ++n) {
      const auto gate = make_inputs<T>(n, 11);
      const auto up = make_inputs<T>(n, 12);
      std::vector<T> expect(n);
      g.bulk(gate.data(), up.data(), expect.data(), n);
      auto g2 = gate;
      g.bulk(g2.data(), up.data(), g2.data(), n);
      auto u2 = up;
      g.bulk(gate.data(), u2.data(), u2.data(), n);
      for (std::size_t i = 0; i < n; ++i) {
        ASSERT_TRUE(same_bits(g2[i], expect[i])) << g.name << " out==gate n=" << n << " i=" << i;
        ASSERT_TRUE(same_bits(u2[i], expect[i])) << g.name << " out==up n=" << n << " i=" << i;
      }
    }
  }
}

// A rare lane (|up| > 2^32: the gated kernels' double path, which the
// overlapped loops defer and redo out of line) at every position of every
// length, out of place and in place on either operand: the loops' ends,
// where the last state is finished after the loop, included.
TYPED_TEST(Bulk, GatedRareLaneAtEveryPositionEqualsScalar) {
  using T = TypeParam;
  constexpr std::size_t W = vector_width<T>();
  const auto functions = nonlin_test::functions_for<T>(nonlin::gated_functions());
  NONLIN_TEST_SKIP_IF_NONE(functions);
  const std::size_t max_n = 4 * W + 3;
  const auto gate0 = make_inputs<T>(max_n, 21);
  const auto up0 = make_inputs<T>(max_n, 22);
  for (auto const& g : gated_fns<T, true>(functions)) {
    std::size_t failures = 0;
    for (std::size_t n = 1; n <= max_n; ++n) {
      for (std::size_t r = 0; r < n; ++r) {
        for (int where = 0; where < 3; ++where) {  // out apart, out == gate, out == up
          std::vector<T> gate(gate0.begin(), gate0.begin() + static_cast<std::ptrdiff_t>(n));
          std::vector<T> up(up0.begin(), up0.begin() + static_cast<std::ptrdiff_t>(n));
          up[r] = T(1e30);
          if (r + W + 1 < n) up[r + W + 1] = T(-5e9);
          const std::vector<T> g_in = gate, u_in = up;
          std::vector<T> apart(n);
          T* out = where == 0 ? apart.data() : where == 1 ? gate.data() : up.data();
          g.bulk(gate.data(), up.data(), out, n);
          for (std::size_t i = 0; i < n; ++i) {
            const T expect = g.scalar(g_in[i], u_in[i]);
            if (!same_bits(out[i], expect) && !(out[i] != out[i] && expect != expect) && failures++ < 10)
              ADD_FAILURE() << g.name << " n=" << n << " rare lane " << r << " out " << where << " gate "
                            << show(g_in[i]) << " up " << show(u_in[i]) << ": bulk " << show(out[i])
                            << " != scalar " << show(expect);
          }
        }
      }
    }
    EXPECT_EQ(failures, 0u) << g.name;
  }
}

// Packed [rows x 2H] -> [rows x H] with padded row strides, both halves.
template <class T>
void check_packed(gated_fn<T> const& g, std::size_t rows, std::size_t H, std::size_t in_pad, std::size_t out_pad,
                  nonlin::gate_half half, bool use_default) {
  const std::size_t is = 2 * H + in_pad, os = H + out_pad;
  const auto in = make_inputs<T>(rows * is, static_cast<unsigned>(rows * 131 + H));
  std::vector<T> out(rows * os + 8, canary<T>());
  g.packed(in.data(), is, out.data(), os, rows, H, use_default ? nullptr : &half);
  for (std::size_t r = 0; r < rows; ++r) {
    const T* row = in.data() + r * is;
    const T* gp = half == nonlin::gate_half::first ? row : row + H;
    const T* up = half == nonlin::gate_half::first ? row + H : row;
    for (std::size_t j = 0; j < os; ++j) {
      const T got = out[r * os + j];
      if (j >= H) {
        ASSERT_TRUE(is_canary(got)) << g.name << ": wrote into the output row padding, row " << r << " col " << j;
        continue;
      }
      const T expect = g.scalar(gp[j], up[j]);
      ASSERT_TRUE(same_bits(got, expect)) << g.name << " rows=" << rows << " H=" << H << " row " << r << " col " << j
                                          << ": " << show(got) << " != " << show(expect);
    }
  }
  for (std::size_t k = rows * os; k < out.size(); ++k) ASSERT_TRUE(is_canary(out[k])) << g.name << ": wrote past the end";
}

TYPED_TEST(Bulk, GatedPackedRowsWithStrides) {
  using T = TypeParam;
  constexpr std::size_t W = vector_width<T>();
  const std::size_t Hs[] = {1, W - 1, W, W + 1, 2 * W + 3, 4 * W + 1};
  const auto functions = nonlin_test::functions_for<T>(nonlin::gated_functions());
  NONLIN_TEST_SKIP_IF_NONE(functions);
  for (auto const& g : gated_fns<T, true>(functions)) {
    for (std::size_t H : Hs) {
      if (H == 0) continue;
      for (std::size_t pad : {std::size_t(0), std::size_t(5)}) {
        check_packed<T>(g, 3, H, pad, pad + 1, nonlin::gate_half::first, false);
        check_packed<T>(g, 3, H, pad, pad, nonlin::gate_half::second, false);
        check_packed<T>(g, 2, H, pad, pad, g.packed_gate, true);
      }
    }
  }
}

TYPED_TEST(Bulk, PackedDefaultsFollowTheFrameworks) {
  using T = TypeParam;
  // PyTorch F.glu(x, dim=-1) = x[:H] * sigmoid(x[H:]).
  const T row[4] = {T(2), T(-3), T(0.5), T(1.5)};  // H = 2
  T out[2] = {canary<T>(), canary<T>()};  // (unwritten outputs would fail)
  nonlin::apply_packed(nonlin::glu{}, row, out, 1, 2);
  EXPECT_TRUE(same_bits(out[0], T(nonlin::sigmoid{}(T(0.5)) * T(2))));
  EXPECT_TRUE(same_bits(out[1], T(nonlin::sigmoid{}(T(1.5)) * T(-3))));
  // vLLM / HF / LLaMA [gate | up]: silu(x[:H]) * x[H:].
  nonlin::apply_packed(nonlin::swiglu{}, row, out, 1, 2);
  EXPECT_TRUE(same_bits(out[0], T(nonlin::silu{}(T(2)) * T(0.5))));
  EXPECT_TRUE(same_bits(out[1], T(nonlin::silu{}(T(-3)) * T(1.5))));
  nonlin::apply_packed(nonlin::geglu{}, row, out, 1, 2);
  EXPECT_TRUE(same_bits(out[0], T(nonlin::gelu{}(T(2)) * T(0.5))));
}

TYPED_TEST(Bulk, PackedInPlaceCompactsRows) {
  using T = TypeParam;
  const std::size_t rows = 4, H = 2 * vector_width<T>() + 3;
  auto buf = make_inputs<T>(rows * 2 * H, 21);
  std::vector<T> expect(rows * H);
  nonlin::apply_packed(nonlin::swiglu{}, buf.data(), expect.data(), rows, H);
  nonlin::apply_packed(nonlin::swiglu{}, buf.data(), buf.data(), rows, H);
  for (std::size_t k = 0; k < rows * H; ++k) ASSERT_TRUE(same_bits(buf[k], expect[k])) << "at " << k;
}

// In place with out_stride < in_stride, as apply_packed's precondition
// allows: from the second row on, a row's output starts inside its own
// inputs. Each element must still be computed from the inputs as given
// (and, with asserts on, no check may fire: the per-row call is not the
// public gated apply, whose precondition is stricter). float and double,
// and bf16 in and out, both gate halves.
TYPED_TEST(Bulk, PackedInPlaceRowsStartInsideTheirInputs) {
  using T = TypeParam;
  const std::size_t rows = 4, H = 2 * vector_width<T>() + 3, is = 2 * H + 3, os = is - 2;
  for (nonlin::gate_half half : {nonlin::gate_half::first, nonlin::gate_half::second}) {
    auto buf = make_inputs<T>(rows * is, 22);
    std::vector<T> expect((rows - 1) * os + H);
    nonlin::apply_packed(nonlin::swiglu{}, buf.data(), is, expect.data(), os, rows, H, half);
    nonlin::apply_packed(nonlin::swiglu{}, buf.data(), is, buf.data(), os, rows, H, half);
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t j = 0; j < H; ++j)
        ASSERT_TRUE(same_bits(buf[r * os + j], expect[r * os + j])) << "row " << r << " col " << j;
    if (!std::is_same<T, float>::value) continue;
    const auto x16 = make_inputs<float>(rows * is, 23);
    std::vector<nonlin::bf16> b16(x16.begin(), x16.end()), e16(expect.size());
    nonlin::apply_packed(nonlin::geglu{}, b16.data(), is, e16.data(), os, rows, H, half);
    nonlin::apply_packed(nonlin::geglu{}, b16.data(), is, b16.data(), os, rows, H, half);
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t j = 0; j < H; ++j)
        ASSERT_EQ(b16[r * os + j].bits, e16[r * os + j].bits) << "bf16, row " << r << " col " << j;
  }
}

TYPED_TEST(Bulk, EmptyInputsAreFine) {
  using T = TypeParam;
  nonlin::apply(nonlin::gelu{}, static_cast<const T*>(nullptr), static_cast<T*>(nullptr), 0);
  nonlin::apply(nonlin::swiglu{}, static_cast<const T*>(nullptr), static_cast<const T*>(nullptr),
                static_cast<T*>(nullptr), 0);
  nonlin::apply_packed(nonlin::geglu{}, static_cast<const T*>(nullptr), static_cast<T*>(nullptr), 0, 16);
  nonlin::apply_packed(nonlin::geglu{}, static_cast<const T*>(nullptr), static_cast<T*>(nullptr), 3, 0);
  SUCCEED();
}

// The two routes for vectors with subnormal results give the same bits: the
// fast tier's (fast_math.hpp, route: in AVX-512 builds the plain formulas
// on CPUs that take subnormals at full speed, the split into ldexp_tiny
// lanes elsewhere and in every other build; apply() reads the CPU flag
// once per call) and the default tier's
// (math_std.hpp: one mul_tiny, or the integer construction; the flag read
// per vector). Each fast and default functor runs on the
// same inputs with the CPU flag off and on: floats
// of every binade and sign, the specials, and dense tails where results
// are subnormal or round to zero; the gated ones with ups from the subnormal
// to the infinite.
#if defined(NONLIN_DETAIL_CPU_FLAG)
class FlagGuard {
 public:
  FlagGuard() : saved_(nonlin::detail::subnormals_full_speed) {}
  ~FlagGuard() { nonlin::detail::subnormals_full_speed = saved_; }

 private:
  bool saved_;
};

template <class F, class... In>
void check_routes(F const& f, std::size_t n, const In*... in) {
  std::vector<float> split(n), plain(n);
  FlagGuard guard;
  nonlin::detail::subnormals_full_speed = false;
  nonlin::apply(f, in..., split.data(), n);
  nonlin::detail::subnormals_full_speed = true;
  nonlin::apply(f, in..., plain.data(), n);
  std::size_t failures = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (same_bits(split[i], plain[i])) continue;
    if (failures++ < 10) {
      const float args[] = {in[i]...};
      ADD_FAILURE() << f.name << (sizeof...(In) == 2 ? " gate " : " x ") << show(args[0])
                    << (sizeof...(In) == 2 ? " up " + show(args[sizeof...(In) - 1]) : std::string())
                    << ": plain route " << show(plain[i]) << " != split route " << show(split[i]);
    }
  }
  EXPECT_EQ(failures, 0u) << f.name;

  // The 16-bit loops (their route chosen per call, as for float): bf16 in
  // and out, the inputs rounded to bf16 (a NaN result matches any NaN).
  std::vector<std::vector<nonlin::bf16>> bin;
  for (const float* p : {in...}) {
    bin.emplace_back(n);
    for (std::size_t i = 0; i < n; ++i) bin.back()[i] = nonlin::bf16(p[i]);
  }
  std::vector<nonlin::bf16> split16(n), plain16(n);
  const auto run16 = [&](std::vector<nonlin::bf16>& out) {
    if constexpr (sizeof...(In) == 1) nonlin::apply(f, bin[0].data(), out.data(), n);
    else nonlin::apply(f, bin[0].data(), bin[1].data(), out.data(), n);
  };
  nonlin::detail::subnormals_full_speed = false;
  run16(split16);
  nonlin::detail::subnormals_full_speed = true;
  run16(plain16);
  std::size_t failures16 = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const float a = static_cast<float>(split16[i]), b = static_cast<float>(plain16[i]);
    if (same_bits(a, b) || (std::isnan(a) && std::isnan(b))) continue;
    if (failures16++ < 10)
      ADD_FAILURE() << f.name << " bf16, element " << i << ": plain route " << show(b) << " != split route " << show(a);
  }
  EXPECT_EQ(failures16, 0u) << f.name << " (bf16)";
}
#endif

TEST(Bulk, SubnormalRoutesAgree) {
#if defined(NONLIN_DETAIL_CPU_FLAG)
  std::vector<float> x;
  for (std::uint64_t b = 0; b < (std::uint64_t(1) << 32); b += 4099) {
    std::uint32_t u = static_cast<std::uint32_t>(b);
    float v;
    std::memcpy(&v, &u, sizeof v);
    x.push_back(v);
  }
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> tail(-200.0f, -80.0f);
  for (int i = 0; i < 1 << 16; ++i) x.push_back(tail(rng));
  const float specials[] = {0.0f, -0.0f, INFINITY, -INFINITY, NAN, -NAN, 1e-45f, -1e-45f, FLT_MIN, -FLT_MIN};
  x.insert(x.end(), std::begin(specials), std::end(specials));
  const float ups[] = {1e-45f, -3e-39f,  1e-30f, -0.5f, 1.0f, 100.0f, -1e10f, 4294967296.0f, -4.3e9f,
                       1e30f,  -3e38f,   0.0f,   -0.0f, INFINITY, -INFINITY, NAN, 7.0f};
  std::vector<float> up(x.size());
  for (std::size_t i = 0; i < up.size(); ++i) up[i] = ups[(i * 7 + i / 97) % (sizeof ups / sizeof ups[0])];
  std::size_t checked = 0;
  nonlin::for_each_function(nonlin::unary_functions(), [&](auto const& f) {
    constexpr auto t = std::decay_t<decltype(f)>::tier;
    if constexpr (t == nonlin::tier::fast || t == nonlin::tier::standard) {
      check_routes(f, x.size(), x.data());
      ++checked;
    }
  });
  for (double beta : {0.5, 1.0, 1.702, 100.0, 1e-20, 3e38, -2.0}) {
    check_routes(nonlin::fast::swish{beta}, x.size(), x.data());
    check_routes(nonlin::fast::swiglu{beta}, x.size(), x.data(), up.data());
    check_routes(nonlin::swish{beta}, x.size(), x.data());
    check_routes(nonlin::swiglu{beta}, x.size(), x.data(), up.data());
  }
  nonlin::for_each_function(nonlin::gated_functions(), [&](auto const& g) {
    constexpr auto t = std::decay_t<decltype(g)>::tier;
    if constexpr (t == nonlin::tier::fast || t == nonlin::tier::standard) {
      check_routes(g, x.size(), x.data(), up.data());
      ++checked;
    }
  });
  EXPECT_GE(checked, 20u) << "fast and default functors found in the function lists";
#else
  GTEST_SKIP() << "no CPU flag on this target: the fast and default tiers always split";
#endif
}

// Which CPUs take the plain route at start-up (ops.hpp,
// subnormals_full_speed_on): the AMD CPUs it was measured on (Zen 5,
// family 0x1A; Zen 4, family 0x19 with AVX-512: benchmarks/README.md) and
// later families; not Zen 3 (family 0x19 without AVX-512), Zen 1-2 (0x17)
// or Intel (family 6), which take assists or were not measured.
TEST(Bulk, SubnormalRouteCpuTable) {
#if defined(NONLIN_DETAIL_CPU_FLAG)
  struct Cpu {
    const char* name;
    bool amd;
    unsigned family;
    bool avx512f;
    bool plain;
  };
  const Cpu cpus[] = {{"AMD Zen 5", true, 0x1A, true, true},     {"AMD Zen 5, AVX-512 hidden", true, 0x1A, false, true},
                      {"AMD after Zen 5", true, 0x1B, true, true}, {"AMD Zen 4", true, 0x19, true, true},
                      {"AMD Zen 3", true, 0x19, false, false},     {"AMD Zen 2", true, 0x17, false, false},
                      {"other vendor, family 0x19", false, 0x19, true, false}, {"Intel, AVX-512", false, 6, true, false},
                      {"Intel, AVX2", false, 6, false, false}};
  for (const Cpu& c : cpus)
    EXPECT_EQ(nonlin::detail::subnormals_full_speed_on(c.amd, c.family, c.avx512f), c.plain)
        << c.name << " (family 0x" << std::hex << c.family << ", AVX512F " << c.avx512f << ")";
#else
  GTEST_SKIP() << "no CPU flag on this target";
#endif
}

// The fast tier's split route computes a vector with a lane in its tails
// (here every other input: -100, where e^-|x| is below 2^-124 for every
// fast function) by its second formulas in every lane, and sigmoid and
// silu a block of vectors with one (bulk.hpp, blocked_vectors): the
// other lanes must get the bits of the scalar call, which takes the common
// formulas for them. Inputs: every 16411th float bit pattern (every binade,
// both signs, subnormals and specials included), with and without the
// -100s (without: blocks on either route); swish at four betas; the gated
// functions with these as gates.
TEST(Bulk, LanesBesideTailLanesEqualScalar) {
  std::vector<float> x, mixed;
  for (std::uint64_t b = 0; b < (std::uint64_t(1) << 32); b += 16411) {
    std::uint32_t u = static_cast<std::uint32_t>(b);
    float v;
    std::memcpy(&v, &u, sizeof v);
    x.push_back(v);
    mixed.push_back(v);
    mixed.push_back(-100.0f);
  }
  std::vector<float> y(mixed.size());
  std::size_t checked = 0;
  const auto check = [&](auto const& f) {
    for (const std::vector<float>* in : {&mixed, &x}) {
      nonlin::apply(f, in->data(), y.data(), in->size());
      std::size_t failures = 0;
      for (std::size_t i = 0; i < in->size(); ++i) {
        const float s = f((*in)[i]);
        if (same_bits(y[i], s) || (std::isnan(y[i]) && std::isnan(s))) continue;
        if (failures++ < 10)
          ADD_FAILURE() << f.name << " x " << show((*in)[i]) << ": bulk " << show(y[i]) << " != scalar " << show(s);
      }
      EXPECT_EQ(failures, 0u) << f.name;
    }
    ++checked;
  };
  nonlin::for_each_function(nonlin::unary_functions(), [&](auto const& f) {
    if constexpr (std::decay_t<decltype(f)>::tier == nonlin::tier::fast) check(f);
  });
  for (double beta : {0.5, 1.702, 100.0, -2.0}) check(nonlin::fast::swish{beta});
  // The gated ones: the same gates, ups from the subnormal to 1e10, and in
  // every 61st lane one that takes the rare lanes' double kernel (|up| >
  // 2^32, non-finite): most vectors then keep the kernels' own results.
  const float ups[] = {1e-45f, -3e-39f, 1e-30f, -0.5f, 1.0f, 100.0f, -1e10f, 0.0f, -0.0f, 7.0f, -2.5f};
  const float rare_ups[] = {4294967296.0f, -4.3e9f, 1e30f, -3e38f, INFINITY, -INFINITY, NAN};
  std::vector<float> up(mixed.size());
  for (std::size_t i = 0; i < up.size(); ++i)
    up[i] = i % 61 == 60 ? rare_ups[(i / 61) % (sizeof rare_ups / sizeof rare_ups[0])]
                         : ups[(i * 7 + i / 97) % (sizeof ups / sizeof ups[0])];
  const auto check_gated = [&](auto const& g) {
    for (const std::vector<float>* in : {&mixed, &x}) {
      nonlin::apply(g, in->data(), up.data(), y.data(), in->size());
      std::size_t failures = 0;
      for (std::size_t i = 0; i < in->size(); ++i) {
        const float s = g((*in)[i], up[i]);
        if (same_bits(y[i], s) || (std::isnan(y[i]) && std::isnan(s))) continue;
        if (failures++ < 10)
          ADD_FAILURE() << g.name << " gate " << show((*in)[i]) << " up " << show(up[i]) << ": bulk " << show(y[i])
                        << " != scalar " << show(s);
      }
      EXPECT_EQ(failures, 0u) << g.name;
    }
    ++checked;
  };
  nonlin::for_each_function(nonlin::gated_functions(), [&](auto const& g) {
    if constexpr (std::decay_t<decltype(g)>::tier == nonlin::tier::fast) check_gated(g);
  });
  for (double beta : {1.0, 1.702}) check_gated(nonlin::fast::swiglu{beta});
  EXPECT_GE(checked, 16u) << "fast functors found in the function lists";
}

TEST(Bulk, ScalarOnlyCallableFallsBackToScalarLoop) {
  // A user callable that takes only float still works through apply().
  auto twice = [](float x) { return 2 * x; };
  float in[5] = {1, 2, 3, 4, 5}, out[5];
  nonlin::apply(twice, in, out, 5);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(out[i], 2 * in[i]);
}

#if defined(__cpp_lib_span)
TEST(Bulk, SpanOverloads) {
  // 64 elements: whole vectors on every ISA (with 4, GCC 12 -O2 at C++20
  // warned -Warray-bounds about the vector loop it could not rule out).
  const std::size_t n = 64;
  std::vector<float> in(n), out(n), up(n);
  for (std::size_t i = 0; i < n; ++i) {
    in[i] = static_cast<float>(i) / 8 - 4;
    up[i] = static_cast<float>(i % 7) - 3;
  }
  nonlin::apply(nonlin::gelu{}, std::span<const float>(in), std::span<float>(out));
  for (std::size_t i = 0; i < n; ++i) EXPECT_TRUE(same_bits(out[i], nonlin::gelu{}(in[i])));
  nonlin::apply(nonlin::swiglu{}, std::span<const float>(in), std::span<const float>(up), std::span<float>(out));
  for (std::size_t i = 0; i < n; ++i) EXPECT_TRUE(same_bits(out[i], nonlin::swiglu{}(in[i], up[i])));
}
#endif

#if !defined(NDEBUG) && defined(GTEST_HAS_DEATH_TEST) && GTEST_HAS_DEATH_TEST
TEST(BulkDeathTest, PartialOverlapIsAssertedInDebug) {
  float buf[64] = {};
  EXPECT_DEATH(nonlin::apply(nonlin::relu{}, buf, buf + 1, 32), "overlap");
}
TEST(BulkDeathTest, PackedStrideSmallerThanRowIsAssertedInDebug) {
  float in[64] = {}, out[64];
  EXPECT_DEATH(nonlin::apply_packed(nonlin::swiglu{}, in, 6, out, 4, 2, 4), "in_stride");
}
#endif

}  // namespace
