// nonlin: the 16-bit storage types bf16 and f16, and their conversions to
// and from float.
//
// Storage types, not arithmetic types: nonlin::apply reads and writes them,
// and the math runs in float in between (one read, one write per element).
//
// The rules, the same bits on every path and instruction set (the scalar
// functions below are the definition; the vector forms in
// detail/ops_half.hpp match them bit for bit, tests/test_half.cpp checks all
// 2^32 floats and all 65536 16-bit values):
//  * widening is exact. bf16 -> float shifts the bits left by 16 (a
//    signalling NaN stays one); f16 -> float is exact for every number, and
//    a NaN becomes the quiet NaN of the same sign and payload (what F16C's
//    vcvtph2ps and AArch64's fcvt do);
//  * narrowing rounds to nearest, ties to even; subnormal results are kept
//    (no flush to zero); values at or beyond the midpoint between the
//    largest finite value and the next power of two become +-inf (bf16:
//    |x| >= 0x1.FFp127; f16: |x| >= 65520); a NaN becomes a quiet NaN of
//    the same sign with the top payload bits (bf16: (bits >> 16) | 0x0040;
//    f16: sign | 0x7E00 | payload >> 13, F16C's result).
// Assumes the default floating-point environment (round to nearest, no
// FTZ/DAZ), as all of nonlin does.
#ifndef NONLIN_HALF_HPP
#define NONLIN_HALF_HPP

#include <cstdint>
#include <cstring>
#include <type_traits>

#include "config.hpp"

// NONLIN_HAS_FLOAT16: 1 when the compiler has _Float16 in C++ (GCC 12 on
// x86-64 with SSE2, GCC 13 and later, clang 15 and later on x86-64 and
// AArch64). nonlin::f16 converts to and from it, and apply() takes
// _Float16 buffers (the same object representation).
#ifndef NONLIN_HAS_FLOAT16
#if defined(__clang__)
#if __clang_major__ >= 15 && (defined(__x86_64__) || defined(__aarch64__))
#define NONLIN_HAS_FLOAT16 1
#endif
#elif defined(__GNUC__)
#if __GNUC__ >= 13 || (__GNUC__ == 12 && defined(__x86_64__) && defined(__SSE2__))
#define NONLIN_HAS_FLOAT16 1
#endif
#endif
#ifndef NONLIN_HAS_FLOAT16
#define NONLIN_HAS_FLOAT16 0
#endif
#endif

// The conversion functions are compiled for the translation unit's
// instruction set like the rest of nonlin, so they live in its ABI
// namespace (config.hpp): an inline function's one body must not be taken
// from an AVX-512 translation unit into an SSE2 one. The types below live
// in namespace nonlin itself: a nonlin::bf16* must be one type in every
// translation unit (user headers declare functions on it); their members
// are forced inline and call these.
NONLIN_BEGIN_NAMESPACE
namespace half_detail {
inline std::uint32_t bits_of(float f) noexcept {
  std::uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
inline float float_of(std::uint32_t u) noexcept {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}
}  // namespace half_detail

/// bf16 bits -> float: exact (the bits shifted left by 16).
inline float bf16_bits_to_float(std::uint16_t h) noexcept { return half_detail::float_of(std::uint32_t(h) << 16); }

/// float -> bf16 bits: round to nearest even; subnormals kept; overflow to
/// +-inf; NaN -> quiet NaN of the same sign.
inline std::uint16_t float_to_bf16_bits(float f) noexcept {
  const std::uint32_t u = half_detail::bits_of(f);
  if ((u & 0x7FFFFFFFu) > 0x7F800000u) return std::uint16_t((u >> 16) | 0x0040u);
  // The low 16 bits rounded to nearest even; a carry runs into the exponent
  // (up to the infinity pattern), never into the sign.
  return std::uint16_t((u + 0x7FFFu + ((u >> 16) & 1u)) >> 16);
}

/// f16 bits -> float: exact; NaN -> quiet NaN, same sign and payload.
inline float f16_bits_to_float(std::uint16_t h) noexcept {
  const std::uint32_t sign = std::uint32_t(h & 0x8000u) << 16;
  const std::uint32_t em = h & 0x7FFFu;
  std::uint32_t u;
  if (em >= 0x7C00u) {
    u = 0x7F800000u | (em & 0x3FFu) << 13;
    if (em > 0x7C00u) u |= 0x00400000u;
  } else if (em >= 0x0400u) {
    u = (em << 13) + (112u << 23);  // exponent bias 15 -> 127
  } else {
    return half_detail::float_of(sign | half_detail::bits_of(float(em) * 5.9604644775390625e-8f));  // em 2^-24, exact
  }
  return half_detail::float_of(sign | u);
}

/// float -> f16 bits: round to nearest even; subnormals (below 2^-14) kept;
/// |f| >= 65520 -> +-inf; NaN -> sign | 0x7E00 | payload >> 13.
inline std::uint16_t float_to_f16_bits(float f) noexcept {
  const std::uint32_t u0 = half_detail::bits_of(f);
  const std::uint16_t sign = std::uint16_t((u0 >> 16) & 0x8000u);
  const std::uint32_t u = u0 & 0x7FFFFFFFu;
  if (u > 0x7F800000u) return std::uint16_t(sign | 0x7E00u | ((u >> 13) & 0x3FFu));
  if (u >= 0x477FF000u) return std::uint16_t(sign | 0x7C00u);  // >= 65520, the midpoint 65504 | 65536
  if (u >= 0x38800000u) {                                      // >= 2^-14: a normal f16
    const std::uint32_t r = u + 0xFFFu + ((u >> 13) & 1u);
    return std::uint16_t(sign | ((r - 0x38000000u) >> 13));
  }
  // Below 2^-14: the 24-bit significand shifted right by 126 - e, rounded
  // to nearest even (a result of 0x400 is 2^-14, the smallest normal).
  const std::uint32_t e = u >> 23;
  if (e < 102) return sign;  // below 2^-25: rounds to 0
  const std::uint32_t m = (u & 0x7FFFFFu) | 0x800000u;
  const std::uint32_t s = 126u - e;  // 14 .. 24
  return std::uint16_t(sign | ((m + ((1u << (s - 1)) - 1u) + ((m >> s) & 1u)) >> s));
}
NONLIN_END_NAMESPACE

namespace nonlin {

/// bf16: 1 sign, 8 exponent and 7 fraction bits (the top half of a float).
/// Trivial, standard layout, the size, alignment and object representation
/// of std::uint16_t: a c10::BFloat16*, ggml_bf16_t* or uint16_t* buffer is
/// passed to nonlin::apply by reinterpret_cast<nonlin::bf16*>.
struct bf16 {
  std::uint16_t bits;

  bf16() = default;
  /// Rounds to nearest even (the rules above).
  explicit NONLIN_INLINE bf16(float f) noexcept : bits(nonlin::float_to_bf16_bits(f)) {}
  /// Exact.
  explicit NONLIN_INLINE operator float() const noexcept { return nonlin::bf16_bits_to_float(bits); }
#if defined(__STDCPP_BFLOAT16_T__)
  /// C++23 std::bfloat16_t: the same format; the bits are copied.
  explicit bf16(decltype(0.0bf16) v) noexcept { std::memcpy(&bits, &v, 2); }
  explicit operator decltype(0.0bf16)() const noexcept {
    decltype(0.0bf16) v;
    std::memcpy(&v, &bits, 2);
    return v;
  }
#endif
  static constexpr bf16 from_bits(std::uint16_t b) noexcept {
    bf16 h{};
    h.bits = b;
    return h;
  }
};

/// f16: IEEE 754 binary16 (1 sign, 5 exponent, 10 fraction bits), the same
/// layout rules as bf16 (ggml_fp16_t*, c10::Half*, uint16_t* buffers).
struct f16 {
  std::uint16_t bits;

  f16() = default;
  /// Rounds to nearest even (the rules above).
  explicit NONLIN_INLINE f16(float f) noexcept : bits(nonlin::float_to_f16_bits(f)) {}
  /// Exact.
  explicit NONLIN_INLINE operator float() const noexcept { return nonlin::f16_bits_to_float(bits); }
#if NONLIN_HAS_FLOAT16
  /// _Float16 (C++23 std::float16_t): the same format; the bits are copied.
  explicit f16(_Float16 v) noexcept { std::memcpy(&bits, &v, 2); }
  explicit operator _Float16() const noexcept {
    _Float16 v;
    std::memcpy(&v, &bits, 2);
    return v;
  }
#endif
  static constexpr f16 from_bits(std::uint16_t b) noexcept {
    f16 h{};
    h.bits = b;
    return h;
  }
};

static_assert(sizeof(bf16) == 2 && alignof(bf16) == alignof(std::uint16_t), "bf16: the layout of uint16_t");
static_assert(sizeof(f16) == 2 && alignof(f16) == alignof(std::uint16_t), "f16: the layout of uint16_t");
static_assert(std::is_trivial<bf16>::value && std::is_standard_layout<bf16>::value, "bf16: trivial");
static_assert(std::is_trivial<f16>::value && std::is_standard_layout<f16>::value, "f16: trivial");

/// is_half<T>: T is bf16 or f16.
template <class T>
struct is_half : std::integral_constant<bool, std::is_same<T, bf16>::value || std::is_same<T, f16>::value> {};

/// storage_of<T>::type: the nonlin type apply() handles a buffer of T as:
/// T itself, or bf16 / f16 for the compiler's own 16-bit types of the same
/// format and object representation (_Float16, std::float16_t,
/// std::bfloat16_t).
namespace storage_detail {
struct none {};
#if NONLIN_HAS_FLOAT16
using float16 = _Float16;  // (GCC's std::float16_t is this type)
#else
using float16 = none;
#endif
#if defined(__STDCPP_BFLOAT16_T__)
using bfloat16 = decltype(0.0bf16);
#else
using bfloat16 = none;
#endif
}  // namespace storage_detail

template <class T>
struct storage_of {
  using type = typename std::conditional<
      std::is_same<T, storage_detail::float16>::value, f16,
      typename std::conditional<std::is_same<T, storage_detail::bfloat16>::value, bf16, T>::type>::type;
};

}  // namespace nonlin

#endif  // NONLIN_HALF_HPP
