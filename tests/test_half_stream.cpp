// The 16-bit paths of apply with streaming stores: this program is built
// with NONLIN_STREAM_MIN_BYTES=0, so every output of two vectors or more of
// a functor that streams (the piecewise-linear functors; default and fast
// ones where a float vector is a whole cache line, AVX-512) takes the path
// that apply takes for outputs of 32 MiB and up: plain stores up to
// out's first vector-aligned element, non-temporal stores for the whole
// vectors (x86: AVX2 + F16C and AVX-512 for 16-bit outputs, every x86
// build for float outputs), the rare near-midpoint lanes completed before
// their block is stored (the two-pass loop) or rewritten after a store
// fence (the one-pass loop), the remainder by plain stores.
//
// Checked, for each storage pair (bf16/f16 in and out, float -> 16-bit,
// 16-bit -> float) and a set of functors: over all 65536 16-bit inputs (so
// that the rare lanes fall inside streamed vectors), at every offset of out
// within a vector and two of in, with a tail, and in place, every output
// equals the functor applied to that element alone (n = 1: the plain path),
// and nothing outside [out, out + n) is written.
#include <gtest/gtest.h>

#include <nonlin/nonlin.hpp>

#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

namespace {

using nonlin::bf16;
using nonlin::f16;

template <class T>
std::uint32_t bits(T v) {
  if constexpr (std::is_same<T, float>::value) {
    std::uint32_t u;
    std::memcpy(&u, &v, 4);
    return u;
  } else {
    return v.bits;
  }
}
template <class T>
T of_bits(std::uint32_t u) {
  if constexpr (std::is_same<T, float>::value) {
    float f;
    std::memcpy(&f, &u, 4);
    return f;
  } else {
    return T::from_bits(static_cast<std::uint16_t>(u));
  }
}
template <class T>
const char* type_name() {
  return std::is_same<T, float>::value ? "float" : std::is_same<T, bf16>::value ? "bf16" : "f16";
}

constexpr std::size_t kN = 65536;
// Lanes of the widest float vector: every head length of the stream path.
constexpr std::size_t kLanes = 16;

// The inputs: every 16-bit pattern; for float, every bf16 value with low
// bits filled in (all exponents, both signs, NaNs and infinities).
template <class In>
std::vector<In> inputs(std::uint32_t salt) {
  std::vector<In> v(kN + 8);
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::uint32_t h = static_cast<std::uint32_t>((i * (2 * salt + 1)) % kN);
    if constexpr (std::is_same<In, float>::value) {
      v[i] = of_bits<float>((h << 16) | ((h * 40503u + salt) & 0xFFFFu));
    } else {
      v[i] = of_bits<In>(h);
    }
  }
  return v;
}

// Output sentinel: a pattern no kernel writes where a NaN is expected --
// for f16 a signaling NaN (every NaN the 16-bit loops write is quiet: a
// quiet 0x7E5A is the result for the input 0xFE5A where the sign of a NaN
// is not kept, which the contract allows).
template <class Out>
constexpr std::uint32_t sentinel() {
  return std::is_same<Out, float>::value ? 0x7FC0BEEFu : std::is_same<Out, bf16>::value ? 0x7E5Au : 0x7D5Au;
}

template <class T>
bool is_nan_bits(std::uint32_t u) {
  return std::is_same<T, float>::value  ? (u & 0x7FFFFFFFu) > 0x7F800000u
         : std::is_same<T, bf16>::value ? (u & 0x7FFFu) > 0x7F80u
                                        : (u & 0x7FFFu) > 0x7C00u;
}

// Compares out[j] with want[j] for j < n and checks the sentinels around.
template <class In, class Out>
void compare(const char* fname, std::string const& where, const std::vector<Out>& buf, std::size_t off,
             std::size_t n, const Out* want, const In* x) {
  std::size_t bad = 0;
  for (std::size_t j = 0; j < buf.size(); ++j) {
    const bool inside = j >= off && j < off + n;
    const std::uint32_t expect = inside ? bits(want[j - off]) : sentinel<Out>();
    if (bits(buf[j]) == expect) continue;
    // A NaN's payload is not part of the contract (which operand's NaN a
    // gated function returns can differ between paths): any NaN but the
    // sentinel will do.
    if (inside && is_nan_bits<Out>(expect) && is_nan_bits<Out>(bits(buf[j])) && bits(buf[j]) != sentinel<Out>())
      continue;
    if (++bad > 5) continue;
    if (inside) {
      ADD_FAILURE() << fname << " " << type_name<In>() << "->" << type_name<Out>() << " " << where << ": out["
                    << (j - off) << "] input bits 0x" << std::hex << bits(x[j - off]) << " expected 0x" << expect
                    << " actual 0x" << bits(buf[j]) << std::dec;
    } else {
      ADD_FAILURE() << fname << " " << type_name<In>() << "->" << type_name<Out>() << " " << where
                    << ": wrote outside the output at " << (j < off ? "-" : "+")
                    << (j < off ? off - j : j - off - n) << " (bits 0x" << std::hex << bits(buf[j]) << std::dec
                    << ")";
    }
  }
  EXPECT_EQ(bad, 0u) << fname << " " << type_name<In>() << "->" << type_name<Out>() << " " << where;
}

template <class In, class Out, class F>
void check_unary(F const& f) {
  const std::vector<In> x = inputs<In>(1);
  std::vector<Out> want(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) nonlin::apply(f, x.data() + i, want.data() + i, 1);
  // Every head length (out_off = 0 .. kLanes - 1, whatever buf's alignment)
  // on a short run, and all 65536 inputs (the rare lanes) at two offsets.
  for (std::size_t in_off : {0u, 1u}) {
    for (std::size_t out_off = 0; out_off < kLanes; ++out_off) {
      const bool full = out_off == 0 || out_off == 7;
      const std::size_t n = full ? kN - (in_off + out_off) % 3 : 5 * kLanes + out_off;
      std::vector<Out> buf(n + 2 * kLanes + 8, of_bits<Out>(sentinel<Out>()));
      nonlin::apply(f, x.data() + in_off, buf.data() + kLanes + out_off, n);
      compare(F::name, "in+" + std::to_string(in_off) + " out+" + std::to_string(out_off) + " n=" + std::to_string(n),
              buf, kLanes + out_off, n, want.data() + in_off, x.data() + in_off);
    }
  }
  if constexpr (std::is_same<In, Out>::value) {
    for (std::size_t off : {0u, 3u, 8u}) {
      std::vector<Out> buf(kN + 2 * kLanes, of_bits<Out>(sentinel<Out>()));
      std::memcpy(static_cast<void*>(buf.data() + kLanes + off), x.data(), kN * sizeof(Out));
      Out* p = buf.data() + kLanes + off;
      nonlin::apply(f, p, p, kN);
      compare(F::name, "in place +" + std::to_string(off), buf, kLanes + off, kN, want.data(), x.data());
    }
  }
}

template <class In, class Out, class G>
void check_gated(G const& g) {
  const std::vector<In> gate = inputs<In>(1), up = inputs<In>(7);
  std::vector<Out> want(gate.size());
  for (std::size_t i = 0; i < gate.size(); ++i) nonlin::apply(g, gate.data() + i, up.data() + i, want.data() + i, 1);
  for (std::size_t off : {0u, 1u}) {
    for (std::size_t out_off = 0; out_off < kLanes; ++out_off) {
      const bool full = out_off == 0 || out_off == 7;
      const std::size_t n = full ? kN - (off + out_off) % 2 : 5 * kLanes + out_off;
      std::vector<Out> buf(n + 2 * kLanes + 8, of_bits<Out>(sentinel<Out>()));
      nonlin::apply(g, gate.data() + off, up.data() + off, buf.data() + kLanes + out_off, n);
      compare(G::name, "in+" + std::to_string(off) + " out+" + std::to_string(out_off) + " n=" + std::to_string(n), buf,
              kLanes + out_off, n, want.data() + off, gate.data() + off);
    }
  }
}

template <class In, class Out>
void check_pair() {
  check_unary<In, Out>(nonlin::gelu{});
  check_unary<In, Out>(nonlin::sigmoid{});
  check_unary<In, Out>(nonlin::swish{-0.75});
  check_unary<In, Out>(nonlin::fast::tanh{});
  check_unary<In, Out>(nonlin::leaky_relu{0.125});
  check_gated<In, Out>(nonlin::swiglu{});
  check_gated<In, Out>(nonlin::geglu_tanh{});
}

TEST(HalfStream, Bf16ToBf16) { check_pair<bf16, bf16>(); }
TEST(HalfStream, F16ToF16) { check_pair<f16, f16>(); }
TEST(HalfStream, FloatToBf16) { check_pair<float, bf16>(); }
TEST(HalfStream, FloatToF16) { check_pair<float, f16>(); }
TEST(HalfStream, Bf16ToFloat) { check_pair<bf16, float>(); }
TEST(HalfStream, F16ToFloat) { check_pair<f16, float>(); }

// x86 with AVX2 + F16C or AVX-512: the 16-bit outputs above went through
// non-temporal stores (elsewhere they take the plain path, also checked).
#if NONLIN_USE_XSIMD && defined(__AVX2__) && defined(__F16C__)
TEST(HalfStream, X86StreamsSixteenBitOutputs) {
  EXPECT_TRUE(nonlin::detail::can_stream_out<bf16>());
  EXPECT_TRUE(nonlin::detail::can_stream_out<f16>());
  EXPECT_TRUE(nonlin::detail::can_stream_out<float>());
}
#endif

}  // namespace
