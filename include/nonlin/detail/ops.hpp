// nonlin::detail: the ops layer -- the small operations every kernel is
// written in, and the only place (with isa.hpp) that holds intrinsics or
// tests an instruction-set macro.
//
// Every kernel in nonlin is written once, as a template over a "value type" V
// that is either a scalar (float, double) or an xsimd batch of them. This file
// gives both the same vocabulary, so that the math above it (math.hpp,
// fast_math.hpp) never mentions which one it runs on, nor which instruction
// set.
//
// Two kinds of operation:
//  * exact ops: a portable definition (the scalar form, or plain xsimd), and
//    where an instruction set has a faster form, that form gives the same
//    bits on every input (tests/test_ops.cpp holds each one to it);
//  * approximate ops (the `approx_` prefix; the fast tier only): the forms
//    may differ by ISA within a stated bound (test_ops checks the bound).
#ifndef NONLIN_DETAIL_OPS_HPP
#define NONLIN_DETAIL_OPS_HPP

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <type_traits>

#include "../config.hpp"
#if NONLIN_USE_XSIMD && (defined(__SSE2__) || defined(__AVX__))
#include <immintrin.h>
#endif
#if defined(_MSC_VER) && !defined(__clang__)
#include <intrin.h>
#endif

NONLIN_BEGIN_NAMESPACE
namespace detail {

// ------------------------------------------------------------- vocabulary --

template <class T>
struct int_of;
template <>
struct int_of<float> {
  using type = std::int32_t;
};
template <>
struct int_of<double> {
  using type = std::int64_t;
};

// vec_traits<V>: scalar type, same-width integer type, lane count.
template <class V>
struct vec_traits {
  using scalar = V;
  using bits = typename int_of<V>::type;
  static constexpr std::size_t size = 1;
};

#if NONLIN_USE_XSIMD
template <class T, class A>
struct vec_traits<xsimd::batch<T, A>> {
  using scalar = T;
  using bits = xsimd::batch<typename int_of<T>::type, A>;
  static constexpr std::size_t size = xsimd::batch<T, A>::size;
};
#endif

template <class V>
using scalar_t = typename vec_traits<V>::scalar;
template <class V>
using bits_t = typename vec_traits<V>::bits;

template <class V>
struct is_scalar : std::integral_constant<bool, std::is_floating_point<V>::value> {};

// A constant of V's scalar type. Coefficients are written as double literals
// and narrowed exactly once, here.
template <class V>
NONLIN_INLINE V splat(double c) noexcept {
  return V(static_cast<scalar_t<V>>(c));
}

// Whether detail::fma is fused (one rounding). Without a hardware FMA it is
// a plain a*b+c, and the few steps that need one rounding emulate it
// (math.hpp, fma_x).
constexpr bool has_fma = NONLIN_HAS_FMA != 0;

// Per-precision constants of the binary formats.
template <class T>
struct fp;
template <>
struct fp<float> {
  static constexpr int mant_bits = 23;
  static constexpr int bias = 127;
  // 1.5 * 2^23: adding it rounds to an integer held in the low mantissa bits.
  static constexpr double shifter = 12582912.0;
};
template <>
struct fp<double> {
  static constexpr int mant_bits = 52;
  static constexpr int bias = 1023;
  static constexpr double shifter = 6755399441055744.0;  // 1.5 * 2^52
};

// ------------------------------------------------------ exact: scalars --
// Used when nonlin is built without xsimd. With xsimd, scalar calls go through
// a one-value batch instead (see eval.hpp), so that a scalar call and the bulk
// kernel execute the same instructions.

// a*b + c, rounded once where the target has an FMA; a*b+c otherwise.
template <class T>
NONLIN_INLINE T fma(T a, T b, T c) noexcept {
  if constexpr (has_fma) {
    return std::fma(a, b, c);
  } else {
    // Without a hardware FMA, std::fma is a slow library call; the kernels
    // are written so that an unfused a*b+c only costs accuracy, not safety.
    return a * b + c;
  }
}

template <class T>
NONLIN_INLINE T select(bool m, T a, T b) noexcept {
  return m ? a : b;
}

template <class T, class = typename std::enable_if<std::is_floating_point<T>::value>::type>
NONLIN_INLINE T abs(T x) noexcept {
  return std::fabs(x);
}

template <class T, class = typename std::enable_if<std::is_floating_point<T>::value>::type>
NONLIN_INLINE typename int_of<T>::type to_bits(T x) noexcept {
  typename int_of<T>::type i;
  std::memcpy(&i, &x, sizeof i);
  return i;
}

// from_bits<V>(i): reinterpret integer bits as V (the inverse of to_bits).
template <class V>
struct from_bits_impl;
template <>
struct from_bits_impl<float> {
  static NONLIN_INLINE float run(std::int32_t i) noexcept {
    float x;
    std::memcpy(&x, &i, sizeof x);
    return x;
  }
};
template <>
struct from_bits_impl<double> {
  static NONLIN_INLINE double run(std::int64_t i) noexcept {
    double x;
    std::memcpy(&x, &i, sizeof x);
    return x;
  }
};
template <class V>
NONLIN_INLINE V from_bits(bits_t<V> const& i) noexcept {
  return from_bits_impl<V>::run(i);
}

// Integer shift left of a value known to be non-negative; done in unsigned
// arithmetic so that it is defined for every input.
template <class I, class = typename std::enable_if<std::is_integral<I>::value>::type>
NONLIN_INLINE I shl(I i, int s) noexcept {
  using U = typename std::make_unsigned<I>::type;
  return static_cast<I>(static_cast<U>(i) << s);
}

// opaque(v) returns v, but the compiler cannot see through it. Error-free
// transformations (two_prod, two_sum) need a product to be rounded before it
// meets an addition; under -ffp-contract=fast (GCC's default in GNU mode)
// the compiler would otherwise fuse them into one fma, breaking the
// transformation and making results depend on the inlining context.
template <class T, class = typename std::enable_if<std::is_floating_point<T>::value>::type>
NONLIN_INLINE T opaque(T v) noexcept {
#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__SSE2__))
  __asm__("" : "+x"(v));
#elif (defined(__GNUC__) || defined(__clang__)) && defined(__aarch64__)
  __asm__("" : "+w"(v));
#endif
  return v;
}

// x with its sign bit replaced by the sign bit of s.
template <class T, class = typename std::enable_if<std::is_floating_point<T>::value>::type>
NONLIN_INLINE T copysign(T x, T s) noexcept {
  return std::copysign(x, s);
}

// v with the sign bit of s, for v whose sign bit is clear (or a NaN):
// copysign without clearing v's sign bit first.
template <class T, class = typename std::enable_if<std::is_floating_point<T>::value>::type>
NONLIN_INLINE T or_sign(T v, T s) noexcept {
  return std::copysign(v, s);
}

// -|x|.
template <class T, class = typename std::enable_if<std::is_floating_point<T>::value>::type>
NONLIN_INLINE T neg_abs(T x) noexcept {
  return -std::fabs(x);
}

// max(a, lo), and a itself when a is NaN.
template <class T, class = typename std::enable_if<std::is_floating_point<T>::value>::type>
NONLIN_INLINE T max_keep_nan(T a, T lo) noexcept {
  return a < lo ? lo : a;
}

// min(a, hi), and a itself when a is NaN.
template <class T, class = typename std::enable_if<std::is_floating_point<T>::value>::type>
NONLIN_INLINE T min_keep_nan(T a, T hi) noexcept {
  return hi < a ? hi : a;
}

// a*b - c, -(a*b) + c and -(a*b) - c, rounded once where the target has an
// FMA. (The kernels of the default tier never negate a vector: GCC 12 turns
// a sign-bit XOR on vectors into 0 - v, which loses the sign of a zero.)
template <class T, class = typename std::enable_if<std::is_floating_point<T>::value>::type>
NONLIN_INLINE T fms(T a, T b, T c) noexcept {
  if constexpr (has_fma) return std::fma(a, b, -c);
  else return a * b - c;
}
template <class T, class = typename std::enable_if<std::is_floating_point<T>::value>::type>
NONLIN_INLINE T fnma(T a, T b, T c) noexcept {
  if constexpr (has_fma) return std::fma(-a, b, c);
  else return c - a * b;
}
template <class T, class = typename std::enable_if<std::is_floating_point<T>::value>::type>
NONLIN_INLINE T fnms(T a, T b, T c) noexcept {
  if constexpr (has_fma) return std::fma(-a, b, -c);
  else return -(a * b) - c;
}

// a where the sign bit of s is set (negative numbers, -0, negative NaNs),
// b elsewhere.
template <class T, class = typename std::enable_if<std::is_floating_point<T>::value>::type>
NONLIN_INLINE T sign_select(T s, T a, T b) noexcept {
  return std::signbit(s) ? a : b;
}

// The lanes where the bit pattern of a, read as a signed integer, is below
// the integer b (a mask of V).
template <class T, class = typename std::enable_if<std::is_floating_point<T>::value>::type>
NONLIN_INLINE bool bits_below(T a, typename int_of<T>::type b) noexcept {
  typename int_of<T>::type i;
  std::memcpy(&i, &a, sizeof i);
  return i < b;
}

// The lanes where the bit pattern of a, read as a signed integer, is above
// the integer b.
template <class T, class = typename std::enable_if<std::is_floating_point<T>::value>::type>
NONLIN_INLINE bool bits_above(T a, typename int_of<T>::type b) noexcept {
  typename int_of<T>::type i;
  std::memcpy(&i, &a, sizeof i);
  return i > b;
}

// The integer c where m is set, 0 elsewhere, as V's integer type.
template <class T, class = typename std::enable_if<std::is_floating_point<T>::value>::type>
NONLIN_INLINE typename int_of<T>::type mask_bits(bool m, typename int_of<T>::type c) noexcept {
  return m ? c : 0;
}

// (The same for a scalar's mask, with T deduced from c.)
NONLIN_INLINE std::int32_t mask_bits(bool m, std::int32_t c) noexcept { return m ? c : 0; }
NONLIN_INLINE std::int64_t mask_bits(bool m, std::int64_t c) noexcept { return m ? c : 0; }

// Whether any lane of m is set.
NONLIN_INLINE bool any_lane(bool m) noexcept { return m; }

// ------------------------------------------------------ exact: batches --
#if NONLIN_USE_XSIMD

// The register width of a batch, in bytes: how the ISA forms below tell an
// AVX-512 (64), AVX (32) or SSE/NEON (16) batch apart. (Comparing the vector
// types themselves draws -Wignored-attributes from GCC.)
template <class V>
constexpr std::size_t reg_bytes() {
  if constexpr (is_scalar<V>::value) return 0;
  else return sizeof(typename V::register_type);
}

// The register bytes of a NEON batch (AArch64 Advanced SIMD: xsimd's neon64
// architecture and those built on it), 0 for any other: the AArch64 forms
// below take NEON's register types, and an SVE batch of 128 bits (xsimd 13
// and later, -msve-vector-bits=128) has 16-byte registers of other types.
template <class V>
constexpr std::size_t neon_bytes() {
#if defined(__aarch64__)
  if constexpr (!is_scalar<V>::value && std::is_base_of<xsimd::neon64, typename V::arch_type>::value)
    return sizeof(typename V::register_type);
#endif
  return 0;
}

// An AVX-512 (zmm) batch: the one width with vscalef, vrcp14, vrndscale and
// masked operations, which xsimd 8.1 does not expose.
template <class V>
constexpr bool is_avx512_batch() {
#if defined(__AVX512F__)
  return reg_bytes<V>() == 64;
#else
  return false;
#endif
}

// A fused multiply-add whenever the target has one. xsimd::fma is not
// enough: xsimd 8.1 evaluates it as an unfused a*b+c on AVX-512 and on plain
// avx2 batches even when the CPU has FMA, and the error-free transformations
// in math.hpp (two_prod) need the fused one. On x86 with FMA we call the
// intrinsic on the batch's register; elsewhere xsimd::fma (fused on NEON64).
template <class T, class A>
NONLIN_INLINE xsimd::batch<T, A> fma(xsimd::batch<T, A> const& a, xsimd::batch<T, A> const& b,
                                     xsimd::batch<T, A> const& c) noexcept {
  constexpr std::size_t bytes = reg_bytes<xsimd::batch<T, A>>();
  constexpr bool f32 = std::is_same<T, float>::value;
#if defined(__AVX512F__)
  if constexpr (bytes == 64 && f32) return _mm512_fmadd_ps(a, b, c);
  if constexpr (bytes == 64 && !f32) return _mm512_fmadd_pd(a, b, c);
#endif
#if defined(__FMA__)
  if constexpr (bytes == 32 && f32) return _mm256_fmadd_ps(a, b, c);
  if constexpr (bytes == 32 && !f32) return _mm256_fmadd_pd(a, b, c);
  if constexpr (bytes == 16 && f32) return _mm_fmadd_ps(a, b, c);
  if constexpr (bytes == 16 && !f32) return _mm_fmadd_pd(a, b, c);
#endif
  (void)bytes;
  (void)f32;
  return xsimd::fma(a, b, c);
}

template <class T, class A>
NONLIN_INLINE xsimd::batch<T, A> opaque(xsimd::batch<T, A> const& v) noexcept {
  typename xsimd::batch<T, A>::register_type r = v;
#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__SSE2__))
  __asm__("" : "+v"(r));
#elif (defined(__GNUC__) || defined(__clang__)) && defined(__aarch64__)
  __asm__("" : "+w"(r));
#endif
  return xsimd::batch<T, A>(r);
}

template <class T, class A>
NONLIN_INLINE xsimd::batch<T, A> select(xsimd::batch_bool<T, A> const& m, xsimd::batch<T, A> const& a,
                                        xsimd::batch<T, A> const& b) noexcept {
  return xsimd::select(m, a, b);
}

template <class T, class A>
NONLIN_INLINE xsimd::batch<T, A> abs(xsimd::batch<T, A> const& x) noexcept {
  return xsimd::abs(x);
}

template <class T, class A>
NONLIN_INLINE xsimd::batch<T, A> copysign(xsimd::batch<T, A> const& x, xsimd::batch<T, A> const& s) noexcept {
#if defined(__AVX512F__)
  // One vpternlog (sign bit from s, the rest from x) instead of the two
  // operations xsimd's |x| | (s & sign) compiles to.
  if constexpr (reg_bytes<xsimd::batch<T, A>>() == 64) {
    if constexpr (std::is_same<T, float>::value) {
      const __m512i sign = _mm512_set1_epi32(std::numeric_limits<std::int32_t>::min());
      return xsimd::batch<T, A>(_mm512_castsi512_ps(
          _mm512_ternarylogic_epi32(_mm512_castps_si512(x), _mm512_castps_si512(s), sign, 0xD8)));
    } else {
      const __m512i sign = _mm512_set1_epi64(std::numeric_limits<std::int64_t>::min());
      return xsimd::batch<T, A>(_mm512_castsi512_pd(
          _mm512_ternarylogic_epi32(_mm512_castpd_si512(x), _mm512_castpd_si512(s), sign, 0xD8)));
    }
  }
#endif
  return xsimd::copysign(x, s);
}

// v | (s & sign) for v whose sign bit is clear (or a NaN): two
// operations, one fewer than xsimd's copysign; AVX-512: copysign's one
// vpternlog.
template <class T, class A>
NONLIN_INLINE xsimd::batch<T, A> or_sign(xsimd::batch<T, A> const& v, xsimd::batch<T, A> const& s) noexcept {
  if constexpr (reg_bytes<xsimd::batch<T, A>>() == 64) return detail::copysign(v, s);
  else return v | (s & xsimd::batch<T, A>(T(-0.0)));
}

// -|x| by setting the sign bit (one operation).
template <class T, class A>
NONLIN_INLINE xsimd::batch<T, A> neg_abs(xsimd::batch<T, A> const& x) noexcept {
  return x | xsimd::batch<T, A>(T(-0.0));
}

// max(a, lo), and a itself when a is NaN. AVX-512: vmaxps returns its
// second operand when either is NaN, so max(lo, a) is the same select.
template <class T, class A>
NONLIN_INLINE xsimd::batch<T, A> max_keep_nan(xsimd::batch<T, A> const& a, xsimd::batch<T, A> const& lo) noexcept {
#if defined(__AVX512F__)
  if constexpr (reg_bytes<xsimd::batch<T, A>>() == 64) {
    if constexpr (std::is_same<T, float>::value) return _mm512_maskz_max_ps(__mmask16(0xFFFF), lo, a);
    else return _mm512_maskz_max_pd(__mmask8(0xFF), lo, a);
  }
#endif
#if defined(__AVX__)
  if constexpr (reg_bytes<xsimd::batch<T, A>>() == 32) {
    if constexpr (std::is_same<T, float>::value) return _mm256_max_ps(lo, a);
    else return _mm256_max_pd(lo, a);
  }
#endif
  return xsimd::select(a < lo, lo, a);
}

// min(a, hi), and a itself when a is NaN: vminps(hi, a) = hi < a ? hi : a.
template <class T, class A>
NONLIN_INLINE xsimd::batch<T, A> min_keep_nan(xsimd::batch<T, A> const& a, xsimd::batch<T, A> const& hi) noexcept {
  constexpr std::size_t bytes = reg_bytes<xsimd::batch<T, A>>();
  constexpr bool f32 = std::is_same<T, float>::value;
  (void)bytes;
  (void)f32;
#if defined(__AVX512F__)
  if constexpr (bytes == 64 && f32) return _mm512_maskz_min_ps(__mmask16(0xFFFF), hi, a);
  if constexpr (bytes == 64 && !f32) return _mm512_maskz_min_pd(__mmask8(0xFF), hi, a);
#endif
#if defined(__AVX__)
  if constexpr (bytes == 32 && f32) return _mm256_min_ps(hi, a);
  if constexpr (bytes == 32 && !f32) return _mm256_min_pd(hi, a);
#endif
  return xsimd::select(hi < a, hi, a);
}

// a*b - c, -(a*b) + c, -(a*b) - c: fused where the target has an FMA (the
// forms of fma above; xsimd's are not always fused).
template <int Kind, class T, class A>
NONLIN_INLINE xsimd::batch<T, A> fma_kind(xsimd::batch<T, A> const& a, xsimd::batch<T, A> const& b,
                                          xsimd::batch<T, A> const& c) noexcept {
  constexpr std::size_t bytes = reg_bytes<xsimd::batch<T, A>>();
  constexpr bool f32 = std::is_same<T, float>::value;
  (void)bytes;
  (void)f32;
#if defined(__AVX512F__)
  if constexpr (bytes == 64 && f32) {
    if constexpr (Kind == 0) return _mm512_fmsub_ps(a, b, c);
    else if constexpr (Kind == 1) return _mm512_fnmadd_ps(a, b, c);
    else return _mm512_fnmsub_ps(a, b, c);
  }
  if constexpr (bytes == 64 && !f32) {
    if constexpr (Kind == 0) return _mm512_fmsub_pd(a, b, c);
    else if constexpr (Kind == 1) return _mm512_fnmadd_pd(a, b, c);
    else return _mm512_fnmsub_pd(a, b, c);
  }
#endif
#if defined(__FMA__)
  if constexpr (bytes == 32 && f32) {
    if constexpr (Kind == 0) return _mm256_fmsub_ps(a, b, c);
    else if constexpr (Kind == 1) return _mm256_fnmadd_ps(a, b, c);
    else return _mm256_fnmsub_ps(a, b, c);
  }
  if constexpr (bytes == 32 && !f32) {
    if constexpr (Kind == 0) return _mm256_fmsub_pd(a, b, c);
    else if constexpr (Kind == 1) return _mm256_fnmadd_pd(a, b, c);
    else return _mm256_fnmsub_pd(a, b, c);
  }
  if constexpr (bytes == 16 && f32) {
    if constexpr (Kind == 0) return _mm_fmsub_ps(a, b, c);
    else if constexpr (Kind == 1) return _mm_fnmadd_ps(a, b, c);
    else return _mm_fnmsub_ps(a, b, c);
  }
  if constexpr (bytes == 16 && !f32) {
    if constexpr (Kind == 0) return _mm_fmsub_pd(a, b, c);
    else if constexpr (Kind == 1) return _mm_fnmadd_pd(a, b, c);
    else return _mm_fnmsub_pd(a, b, c);
  }
#endif
#if defined(__aarch64__) && defined(__ARM_FEATURE_FMA)
  // (xsimd 8.1's NEON fnma and fnms are a product and an addition. Kind 2
  // is -c - a*b, not -(a*b + c): that would turn a +0 into -0.)
  constexpr std::size_t nb = neon_bytes<xsimd::batch<T, A>>();
  if constexpr (nb == 16 && f32) {
    if constexpr (Kind == 0) return vfmaq_f32(vnegq_f32(c), a, b);
    else if constexpr (Kind == 1) return vfmsq_f32(c, a, b);
    else return vfmsq_f32(vnegq_f32(c), a, b);
  }
  if constexpr (nb == 16 && !f32) {
    if constexpr (Kind == 0) return vfmaq_f64(vnegq_f64(c), a, b);
    else if constexpr (Kind == 1) return vfmsq_f64(c, a, b);
    else return vfmsq_f64(vnegq_f64(c), a, b);
  }
#endif
#if NONLIN_HAS_FMA
  // Other targets with an FMA (AArch64 SVE): fma with negated operands
  // (exact), so the results are the IEEE a*b - c, -(a*b) + c and -(a*b) - c.
  // xsimd's SVE fms and fnms (13, 14) negate a whole fma, -(c - a*b) and
  // -(a*b + c), which turns a +0 into -0.
  if constexpr (Kind == 0) return detail::fma(a, b, -c);
  else if constexpr (Kind == 1) return detail::fma(-a, b, c);
  else return detail::fma(-a, b, -c);
#else
  if constexpr (Kind == 0) return xsimd::fms(a, b, c);
  else if constexpr (Kind == 1) return xsimd::fnma(a, b, c);
  else return xsimd::fnms(a, b, c);
#endif
}
template <class T, class A>
NONLIN_INLINE xsimd::batch<T, A> fms(xsimd::batch<T, A> const& a, xsimd::batch<T, A> const& b,
                                     xsimd::batch<T, A> const& c) noexcept {
  return fma_kind<0>(a, b, c);
}
template <class T, class A>
NONLIN_INLINE xsimd::batch<T, A> fnma(xsimd::batch<T, A> const& a, xsimd::batch<T, A> const& b,
                                      xsimd::batch<T, A> const& c) noexcept {
  return fma_kind<1>(a, b, c);
}
template <class T, class A>
NONLIN_INLINE xsimd::batch<T, A> fnms(xsimd::batch<T, A> const& a, xsimd::batch<T, A> const& b,
                                      xsimd::batch<T, A> const& c) noexcept {
  return fma_kind<2>(a, b, c);
}

// xsimd changed the template argument of bitwise_cast in 11.0 (from the batch
// type to the scalar type); these two wrappers are the only place that knows.
// AArch64: the 128-bit casts (and shl's shifts) are done on the registers
// here, because GCC 12 leaves xsimd 8.1's NEON bitwise_cast and operator<<
// (dispatched through tables of function wrappers) out of line: a call per
// use in every kernel's loop.
template <class To, class T, class A>
NONLIN_INLINE xsimd::batch<To, A> bit_cast_batch(xsimd::batch<T, A> const& x) noexcept {
#if defined(__aarch64__) && (defined(__GNUC__) || defined(__clang__))
  using RF = typename xsimd::batch<T, A>::register_type;
  using RT = typename xsimd::batch<To, A>::register_type;
  if constexpr (neon_bytes<xsimd::batch<T, A>>() == 16 && sizeof(RT) == 16) {
    const RF r = x;
    return xsimd::batch<To, A>(__builtin_bit_cast(RT, r));
  } else
#endif
#if XSIMD_VERSION_MAJOR >= 11
  return xsimd::bitwise_cast<To>(x);
#else
  return xsimd::bitwise_cast<xsimd::batch<To, A>>(x);
#endif
}

template <class T, class A>
NONLIN_INLINE xsimd::batch<typename int_of<T>::type, A> to_bits(xsimd::batch<T, A> const& x) noexcept {
  return bit_cast_batch<typename int_of<T>::type>(x);
}

template <class I, class A>
NONLIN_INLINE xsimd::batch<I, A> shl(xsimd::batch<I, A> const& i, int s) noexcept {
#if defined(__AVX512F__) && defined(__GNUC__) && !defined(__clang__)
  // GCC 12's _mm512_slli_epi32/64 (what xsimd's << becomes) merge into
  // _mm512_undefined_epi32(), which draws a false -Wuninitialized in every
  // caller built with -Wall; the zero-masked form has nothing undefined.
  constexpr std::size_t bytes = reg_bytes<xsimd::batch<I, A>>();
  if constexpr (bytes == 64 && sizeof(I) == 4)
    return _mm512_maskz_slli_epi32(__mmask16(0xFFFF), i, static_cast<unsigned>(s));
  if constexpr (bytes == 64 && sizeof(I) == 8)
    return _mm512_maskz_slli_epi64(__mmask8(0xFF), i, static_cast<unsigned>(s));
#endif
#if defined(__aarch64__) && (defined(__GNUC__) || defined(__clang__))
  if constexpr (neon_bytes<xsimd::batch<I, A>>() == 16 && sizeof(I) == 4)
    return xsimd::batch<I, A>(vshlq_s32(i, vdupq_n_s32(s)));
  if constexpr (neon_bytes<xsimd::batch<I, A>>() == 16 && sizeof(I) == 8)
    return xsimd::batch<I, A>(vshlq_s64(i, vdupq_n_s64(static_cast<std::int64_t>(s))));
#endif
  return i << s;
}

template <class T, class A>
struct from_bits_impl<xsimd::batch<T, A>> {
  static NONLIN_INLINE xsimd::batch<T, A> run(xsimd::batch<typename int_of<T>::type, A> const& i) noexcept {
    return bit_cast_batch<T>(i);
  }
};

// a where the sign bit of s is set, b elsewhere: vblendvps reads exactly
// the sign bit, as vpmovd2m does on AVX-512.
template <class T, class A>
NONLIN_INLINE xsimd::batch<T, A> sign_select(xsimd::batch<T, A> const& s, xsimd::batch<T, A> const& a,
                                             xsimd::batch<T, A> const& b) noexcept {
  constexpr std::size_t bytes = reg_bytes<xsimd::batch<T, A>>();
  constexpr bool f32 = std::is_same<T, float>::value;
  (void)bytes;
  (void)f32;
#if defined(__AVX512F__) && defined(__AVX512DQ__)
  if constexpr (bytes == 64 && f32) return _mm512_mask_mov_ps(b, _mm512_movepi32_mask(_mm512_castps_si512(s)), a);
  if constexpr (bytes == 64 && !f32) return _mm512_mask_mov_pd(b, _mm512_movepi64_mask(_mm512_castpd_si512(s)), a);
#endif
#if defined(__AVX__)
  if constexpr (bytes == 32 && f32) return _mm256_blendv_ps(b, a, s);
  if constexpr (bytes == 32 && !f32) return _mm256_blendv_pd(b, a, s);
#endif
#if defined(__SSE4_1__)
  if constexpr (bytes == 16 && f32) return _mm_blendv_ps(b, a, s);
  if constexpr (bytes == 16 && !f32) return _mm_blendv_pd(b, a, s);
#elif defined(__SSE2__)
  if constexpr (bytes == 16 && f32) {
    const __m128 m = _mm_castsi128_ps(_mm_srai_epi32(_mm_castps_si128(s), 31));  // the sign bit, spread
    return _mm_or_ps(_mm_and_ps(m, a), _mm_andnot_ps(m, b));
  }
#endif
#if defined(__aarch64__) && (defined(__GNUC__) || defined(__clang__))
  constexpr std::size_t nb = neon_bytes<xsimd::batch<T, A>>();
  if constexpr (nb == 16 && f32) return vbslq_f32(vreinterpretq_u32_s32(vshrq_n_s32(vreinterpretq_s32_f32(s), 31)), a, b);
  if constexpr (nb == 16 && !f32) return vbslq_f64(vreinterpretq_u64_s64(vshrq_n_s64(vreinterpretq_s64_f64(s), 63)), a, b);
#endif
  return xsimd::select(xsimd::copysign(xsimd::batch<T, A>(T(1)), s) < xsimd::batch<T, A>(T(0)), a, b);
}

// The lanes where the bit pattern of a, read as a signed integer, is below
// b (Above = false) or above it (Above = true, for b below the type's
// maximum): one signed compare on x86 and AArch64 either way (negating a
// mask costs xsimd 8.1 three to five instructions on AVX2).
// (The forms are if-else chained so that a target with its own form never
// instantiates the portable one: xsimd 8.1's integer select on AVX512BW
// does not compile at -O0.)
template <bool Above, class T, class A>
NONLIN_INLINE xsimd::batch_bool<T, A> bits_compare(xsimd::batch<T, A> const& a, typename int_of<T>::type b) noexcept {
  using I = typename int_of<T>::type;
  constexpr std::size_t bytes = reg_bytes<xsimd::batch<T, A>>();
  constexpr bool f32 = std::is_same<T, float>::value;
  (void)bytes;
  (void)f32;
#if defined(__AVX512F__)
  if constexpr (bytes == 64) {
    constexpr int pred = Above ? _MM_CMPINT_NLE : _MM_CMPINT_LT;
    if constexpr (f32)
      return xsimd::batch_bool<T, A>(_mm512_cmp_epi32_mask(_mm512_castps_si512(a), _mm512_set1_epi32(b), pred));
    else
      return xsimd::batch_bool<T, A>(_mm512_cmp_epi64_mask(_mm512_castpd_si512(a), _mm512_set1_epi64(b), pred));
  } else
#endif
#if defined(__AVX2__)
  if constexpr (bytes == 32) {
    if constexpr (f32) {
      const __m256i x = _mm256_castps_si256(a), y = _mm256_set1_epi32(b);
      return xsimd::batch_bool<T, A>(_mm256_castsi256_ps(Above ? _mm256_cmpgt_epi32(x, y) : _mm256_cmpgt_epi32(y, x)));
    } else {
      const __m256i x = _mm256_castpd_si256(a), y = _mm256_set1_epi64x(b);
      return xsimd::batch_bool<T, A>(_mm256_castsi256_pd(Above ? _mm256_cmpgt_epi64(x, y) : _mm256_cmpgt_epi64(y, x)));
    }
  } else
#endif
#if defined(__SSE2__)
  if constexpr (bytes == 16 && f32) {
    const __m128i x = _mm_castps_si128(a), y = _mm_set1_epi32(b);
    return xsimd::batch_bool<T, A>(_mm_castsi128_ps(Above ? _mm_cmpgt_epi32(x, y) : _mm_cmpgt_epi32(y, x)));
  } else
#endif
#if defined(__aarch64__) && (defined(__GNUC__) || defined(__clang__))
  if constexpr (neon_bytes<xsimd::batch<T, A>>() == 16) {
    if constexpr (f32) {
      const int32x4_t x = vreinterpretq_s32_f32(a), y = vdupq_n_s32(b);
      return xsimd::batch_bool<T, A>(Above ? vcgtq_s32(x, y) : vcgtq_s32(y, x));
    } else {
      const int64x2_t x = vreinterpretq_s64_f64(a), y = vdupq_n_s64(b);
      return xsimd::batch_bool<T, A>(Above ? vcgtq_s64(x, y) : vcgtq_s64(y, x));
    }
  } else
#endif
  if constexpr (Above) {
    return !bits_compare<false>(a, b + 1);
  } else {
    // The integer mask as T: all ones (a NaN) or +0. Not "!= 0": xsimd's
    // AVX forms compare ordered, where a NaN is not unequal to 0.
    const xsimd::batch<I, A> ia = to_bits(a);
    const xsimd::batch<T, A> m =
        bit_cast_batch<T>(xsimd::select(ia < xsimd::batch<I, A>(b), xsimd::batch<I, A>(I(-1)), xsimd::batch<I, A>(I(0))));
    return ~(m == xsimd::batch<T, A>(T(0)));
  }
}

template <class T, class A>
NONLIN_INLINE xsimd::batch_bool<T, A> bits_below(xsimd::batch<T, A> const& a, typename int_of<T>::type b) noexcept {
  return bits_compare<false>(a, b);
}
template <class T, class A>
NONLIN_INLINE xsimd::batch_bool<T, A> bits_above(xsimd::batch<T, A> const& a, typename int_of<T>::type b) noexcept {
  return bits_compare<true>(a, b);
}

// The integer c where m is set, 0 elsewhere.
template <class T, class A>
NONLIN_INLINE xsimd::batch<typename int_of<T>::type, A> mask_bits(xsimd::batch_bool<T, A> const& m,
                                                                 typename int_of<T>::type c) noexcept {
  using I = typename int_of<T>::type;
  constexpr std::size_t bytes = reg_bytes<xsimd::batch<T, A>>();
  constexpr bool f32 = std::is_same<T, float>::value;
  (void)bytes;
  (void)f32;
#if defined(__AVX512F__)
  if constexpr (bytes == 64 && f32) return _mm512_maskz_mov_epi32(m, _mm512_set1_epi32(c));
  if constexpr (bytes == 64 && !f32) return _mm512_maskz_mov_epi64(m, _mm512_set1_epi64(c));
#endif
  // Elsewhere a mask is all ones or all zeros per lane: one AND. (GCC 12
  // builds the select below as a blend whose mask it first spreads from the
  // sign bit with a compare, one operation more.)
#if defined(__AVX__)
  if constexpr (bytes == 32 && f32) return _mm256_castps_si256(_mm256_and_ps(m, _mm256_castsi256_ps(_mm256_set1_epi32(c))));
  if constexpr (bytes == 32 && !f32) return _mm256_castpd_si256(_mm256_and_pd(m, _mm256_castsi256_pd(_mm256_set1_epi64x(c))));
#endif
#if defined(__SSE2__)
  if constexpr (bytes == 16 && f32) return _mm_castps_si128(_mm_and_ps(m, _mm_castsi128_ps(_mm_set1_epi32(c))));
  if constexpr (bytes == 16 && !f32) return _mm_castpd_si128(_mm_and_pd(m, _mm_castsi128_pd(_mm_set1_epi64x(c))));
#endif
#if defined(__aarch64__) && (defined(__GNUC__) || defined(__clang__))
  constexpr std::size_t nb = neon_bytes<xsimd::batch<T, A>>();
  if constexpr (nb == 16 && f32) return vreinterpretq_s32_u32(vandq_u32(m, vdupq_n_u32(static_cast<std::uint32_t>(c))));
  if constexpr (nb == 16 && !f32) return vreinterpretq_s64_u64(vandq_u64(m, vdupq_n_u64(static_cast<std::uint64_t>(c))));
#endif
  return to_bits(xsimd::select(m, from_bits<xsimd::batch<T, A>>(xsimd::batch<I, A>(c)), xsimd::batch<T, A>(T(0))));
}

// Whether any lane of m is set.
template <class T, class A>
NONLIN_INLINE bool any_lane(xsimd::batch_bool<T, A> const& m) noexcept {
  return xsimd::any(m);
}

#else
template <class V>
constexpr bool is_avx512_batch() {
  return false;
}
#endif  // NONLIN_USE_XSIMD

// ------------------------------------------------------- exact: division --

// a / b, the IEEE quotient. NEON: xsimd 8.1 divides float batches by a
// reciprocal estimate refined twice and multiplied by a, which is not the
// quotient (1 ulp off in about a third of the cases); AArch64's fdiv is.
template <class V>
NONLIN_INLINE V div(V const& a, V const& b) noexcept {
#if NONLIN_USE_XSIMD && defined(__aarch64__)
  if constexpr (!is_scalar<V>::value && std::is_same<scalar_t<V>, float>::value) {
    if constexpr (neon_bytes<V>() == 16) return V(vdivq_f32(a, b));
  }
#endif
  return a / b;
}

// a * b, the same bits, for a product that may read or be a subnormal: an
// FMA that adds -0 (exactly a * b, signed zeros included, in every rounding
// and flush mode) where the target has one, since some CPUs (AMD Zen 4, 5)
// take a slow path for subnormals in their multipliers and not in their FMA
// units. The -0 is opaque: a compiler may otherwise fold the FMA back into
// the multiply.
template <class V>
NONLIN_INLINE V mul_tiny(V const& a, V const& b) noexcept {
#if NONLIN_HAS_FMA
  if constexpr (!is_scalar<V>::value) return detail::fma(a, b, opaque(V(scalar_t<V>(-0.0))));
#endif
  return a * b;
}

// --------------------------------------------------- exact: powers of two --
//
// v * 2^k, rounded once, for integral k. Portable form: 2^k built in the
// exponent field by integer operations and multiplied in -- as two normal
// factors 2^k1 * 2^k2 where 2^k alone would not be normal, the first product
// exact. AVX-512 form: vscalefps/pd, which takes k as a float and rounds
// v * 2^k once. A product by a power of two is exact unless it underflows,
// and then both forms round the exact value once: the same bits.

// vscalef: v * 2^k rounded once, k integral (AVX-512 batches only).
template <class V>
NONLIN_INLINE V vscalef(V const& v, V const& k) noexcept {
#if NONLIN_USE_XSIMD && defined(__AVX512F__)
  if constexpr (is_avx512_batch<V>()) {
    // (The zero-masked forms: GCC 12's unmasked ones merge into an undefined
    // register and draw a false -Wuninitialized in every caller.)
    if constexpr (std::is_same<scalar_t<V>, float>::value) return _mm512_maskz_scalef_ps(__mmask16(0xFFFF), v, k);
    else return _mm512_maskz_scalef_pd(__mmask8(0xFF), v, k);
  }
#endif
  (void)k;
  return v;  // not reached: callers test is_avx512_batch<V>()
}

// 2^e for e = (bits of t) - (bits of shifter) plus `extra`, i.e. t = e +
// shifter as produced by fma(..., shifter), built in the exponent field. The
// shifter's own bits above the low mantissa bits are shifted out.
template <class V>
NONLIN_INLINE V pow2_from_bits(bits_t<V> const& e_plus_junk) noexcept {
  using T = scalar_t<V>;
  const bits_t<V> bias = bits_t<V>(static_cast<typename int_of<T>::type>(fp<T>::bias));
  return from_bits<V>(shl(e_plus_junk + bias, fp<T>::mant_bits));
}

// A normal power of two, 2^k, held as the target applies it best: k itself
// (AVX-512: vscalef) or the value 2^k (a multiply).
template <class V>
struct pow2 {
  V rep;
};

// 2^k = 2^k1 * 2^k2 with k1 = round(k/2), both factors normal, for integral
// k in the exponent range of V's scalar type times two.
template <class V>
struct pow2_pair {
  V k;  // k1 + k2, for vscalef
  pow2<V> p1, p2;
};

// The pair for k = t - shifter, from t (k plus the shifter, as fma(a, log2e,
// shifter) produces it) and t1 = fma(k, 0.5, shifter) (k1 plus the shifter).
// Both forms are exact: no rounding happens here.
template <class V>
NONLIN_INLINE pow2_pair<V> pow2_split(V const& t, V const& k, V const& t1) noexcept {
  using T = scalar_t<V>;
  pow2_pair<V> s;
  s.k = k;
  if constexpr (is_avx512_batch<V>()) {
    s.p1.rep = t1 - splat<V>(fp<T>::shifter);  // k1, exact
    s.p2.rep = k - s.p1.rep;
  } else {
    // bits(t1) = bits(shifter) + k1 and bits(t) - bits(t1) = k - k1.
    const bits_t<V> b1 = to_bits(t1);
    s.p1.rep = pow2_from_bits<V>(b1);
    s.p2.rep = pow2_from_bits<V>(to_bits(t) - b1);
  }
  return s;
}

// v * 2^k for a normal power of two, rounded once (a product that may be
// subnormal: mul_tiny).
template <class V>
NONLIN_INLINE V scale(V const& v, pow2<V> const& p) noexcept {
  if constexpr (is_avx512_batch<V>()) return vscalef(v, p.rep);
  else return mul_tiny(v, p.rep);
}

// v * 2^k1 * 2^k2, rounded once, where v * 2^k1 is normal (exact; the
// second product may be subnormal: mul_tiny).
template <class V>
NONLIN_INLINE V scale(V const& v, pow2_pair<V> const& s) noexcept {
  if constexpr (is_avx512_batch<V>()) return vscalef(v, s.k);
  else return mul_tiny(v * s.p1.rep, s.p2.rep);
}

// v * 2^(n+K), rounded once, for integral n + K in [-126, 127] (2^(n+K)
// itself normal), or v = 0 or NaN: vscalef on AVX-512 (there for any
// integral n + K, as ldexp), else one product by 2^(n+K) built in the
// exponent field (ldexp's split into two factors is not needed: the same
// bits, in three operations instead of nine). n + shifter + bias + K is
// exact (an integer below 2^24, or 2^53), and its low mantissa bits are
// n + K + bias, which the shift moves into the exponent field: the offset K
// costs nothing.
template <int K = 0, class V>
NONLIN_INLINE V ldexp_normal(V const& v, V const& n) noexcept {
  if constexpr (is_avx512_batch<V>()) {
    if constexpr (K == 0) return vscalef(v, n);
    else return vscalef(v, n + splat<V>(K));
  } else {
    using T = scalar_t<V>;
    const V biased = splat<V>(fp<T>::shifter + fp<T>::bias + K);
    return mul_tiny(v, from_bits<V>(shl(to_bits(n + biased), fp<T>::mant_bits)));
  }
}

// v * 2^n, rounded once, for integral n with |n| <= 250 and v * 2^round(n/2)
// normal (e.g. |v| in [2^-60, 2^60]), or v = 0 or NaN.
template <class V>
NONLIN_INLINE V ldexp(V const& v, V const& n) noexcept {
  if constexpr (is_avx512_batch<V>()) {
    return vscalef(v, n);
  } else {
    using T = scalar_t<V>;
    const V shifter = splat<V>(fp<T>::shifter);
    const bits_t<V> b = to_bits(n + shifter);
    const bits_t<V> b1 = to_bits(detail::fma(n, splat<V>(0.5), shifter));
    // opaque: under -ffast-math the compiler could otherwise form 2^k1 * 2^k2
    // first, a subnormal that FTZ flushes before v is applied.
    return mul_tiny(opaque(v * pow2_from_bits<V>(b1)), pow2_from_bits<V>(b - b1));
  }
}

// ------------------------------------------- subnormal results, per CPU --
//
// Whether this CPU reads and writes subnormals at full speed in the
// operations the plain formulas put them through (vscalef, adds, FMAs;
// products that can be subnormal are mul_tiny's): then the fast tier's
// kernels (fast_math.hpp, has_plain_route) run every vector through those
// formulas, subnormal results included, instead of splitting off the
// vectors that have them (without AVX-512: sigmoid; swish and the gated
// sigmoid kernels split them off into cheaper second formulas,
// fast_math.hpp, scaled_route)
// (fast_math.hpp, route; the split exists because CPUs that take microcode
// assists on such operations would otherwise slow down many times over),
// and the default tier's scale their results into the subnormal range with
// one mul_tiny instead of an integer construction (math_std.hpp).
// apply() reads it once per call for the fast tier (bulk.hpp,
// kernel_choice), the default tier once per vector; a scalar call takes
// the split route. Both routes give the same bits, so the
// choice is about speed alone; tests/test_bulk.cpp (SubnormalRoutesAgree)
// runs the fast and default tiers both ways and requires equal bits.
// Set once, at start-up: from the environment variable NONLIN_SUBNORMALS
// ("plain" or "split") where it is set, else from CPUID
// (subnormals_full_speed_on): true on the CPUs it was measured on
// (benchmarks/README.md, benchmarks/subnormal_probe.cpp), AMD family 0x1A
// (Zen 5) and later, and AMD family 0x19 with AVX-512 (Zen 4; family 0x19
// without it is Zen 3, not measured); false elsewhere -- and in code that
// runs before the flag's own initialisation, which then takes the split
// route. x86 batches with an FMA only; tests may set it.
#if NONLIN_USE_XSIMD && NONLIN_HAS_FMA && (defined(__x86_64__) || defined(_M_X64))
#define NONLIN_DETAIL_CPU_FLAG 1
// The decision from what CPUID reports: the vendor, the family (base plus
// extended) and leaf 7's AVX512F bit (the CPU's, whether or not the OS
// enables it: it tells Zen 4 from Zen 3).
constexpr bool subnormals_full_speed_on(bool amd, unsigned family, bool avx512f) noexcept {
  return amd && (family >= 0x1Au || (family == 0x19u && avx512f));
}
inline bool cpu_takes_subnormals_at_full_speed() noexcept {
  unsigned r[4] = {0, 0, 0, 0};  // eax, ebx, ecx, edx
  const auto cpuid = [&r](unsigned leaf) {
#if defined(_MSC_VER) && !defined(__clang__)
    int v[4];
    __cpuidex(v, static_cast<int>(leaf), 0);
    for (int i = 0; i < 4; ++i) r[i] = static_cast<unsigned>(v[i]);
#else
    __asm__("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(0u));
#endif
  };
  cpuid(0);
  const unsigned max_leaf = r[0];
  // "AuthenticAMD" in ebx, edx, ecx.
  const bool amd = r[1] == 0x68747541u && r[3] == 0x69746e65u && r[2] == 0x444d4163u;
  if (max_leaf < 1) return false;
  cpuid(1);
  unsigned family = (r[0] >> 8) & 0xFu;
  if (family == 0xFu) family += (r[0] >> 20) & 0xFFu;
  bool avx512f = false;
  if (max_leaf >= 7) {
    cpuid(7);  // subleaf 0 (ecx = 0 above)
    avx512f = ((r[1] >> 16) & 1u) != 0;
  }
  return subnormals_full_speed_on(amd, family, avx512f);
}
inline bool subnormals_route_plain() noexcept {
#if !defined(_MSC_VER)
  if (const char* e = std::getenv("NONLIN_SUBNORMALS")) {
    if (std::strcmp(e, "plain") == 0) return true;
    if (std::strcmp(e, "split") == 0) return false;
  }
#endif
  return cpu_takes_subnormals_at_full_speed();
}
inline bool subnormals_full_speed = subnormals_route_plain();
#endif

// Whether a computation on V reads the flag above and finds it set: the
// default tier's kernels then scale their results with one mul_tiny
// instead of the integer construction (math_std.hpp), read per vector
// (measured as fast as a choice per call: the branch is taken the same way
// in every iteration). Scalar calls and targets without the flag: false.
template <class V>
NONLIN_INLINE bool subnormals_plain() noexcept {
#if defined(NONLIN_DETAIL_CPU_FLAG)
  if constexpr (!is_scalar<V>::value) return subnormals_full_speed;
#endif
  return false;
}


// ----------------------------------------------------- approximate ops --
// The fast tier's: faster forms that may differ by ISA, within the bound
// stated for each. The precise tier never uses them.

// An approximation of 1/d for d >= 1 (or +inf or NaN): vrcp14ps/pd on
// AVX-512 (relative error below 2^-14, exact at powers of two); the
// correctly rounded 1/d elsewhere. (rcpps, 2^-12 on SSE/AVX, is not used:
// with a Newton step it converges from below and gives 1 - 2^-24 for 1/1.)
template <class V>
constexpr bool approx_rcp_is_estimate() {
  return is_avx512_batch<V>();
}
template <class V>
NONLIN_INLINE V approx_rcp(V const& d) noexcept {
#if NONLIN_USE_XSIMD && defined(__AVX512F__)
  if constexpr (is_avx512_batch<V>()) {
    if constexpr (std::is_same<scalar_t<V>, float>::value) return _mm512_maskz_rcp14_ps(__mmask16(0xFFFF), d);
    else return _mm512_maskz_rcp14_pd(__mmask8(0xFF), d);
  }
#endif
  return detail::div(V(1), d);
}

// The integer nearest to a * b (ties to even), as a float, for |a * b| <
// 2^22: AVX-512 rounds the product first (vrndscaleps of a * b), the
// portable form rounds the exact product (fma with the shifter). They
// differ only where a * b lies within half an ulp of a half-integer.
template <class V>
NONLIN_INLINE V approx_round_product(V const& a, V const& b) noexcept {
#if NONLIN_USE_XSIMD && defined(__AVX512F__)
  if constexpr (is_avx512_batch<V>()) {
    if constexpr (std::is_same<scalar_t<V>, float>::value)
      return _mm512_maskz_roundscale_ps(__mmask16(0xFFFF), a * b, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    else
      return _mm512_maskz_roundscale_pd(__mmask8(0xFF), a * b, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  }
#endif
  const V shifter = splat<V>(fp<scalar_t<V>>::shifter);
  return detail::fma(a, b, shifter) - shifter;
}

// n = round(a * b) as approx_round_product gives it, held as the target
// scales by 2^n best: on AVX-512 n itself (vscalef); in the other builds
// with an FMA t = fma(a, b, shifter + bias), whose low mantissa bits are
// n + bias, so that 2^(n+K) is t's bits (plus K) shifted into the exponent
// field, without ldexp_normal's add of the bias; without an FMA n. For b
// = log2e or -log2e/2 (an odd significand, a float b = m 2^-e) and |a| <
// 2^21 it is approx_round_product's n: a * b + shifter + bias rounds at the
// same place as a * b + shifter, and the two could differ only where a * b
// is a half-integer, which for an odd m needs |a| >= 2^22 (tests/test_ops).
template <class V>
struct pow2_index {
  static constexpr bool biased = !is_avx512_batch<V>() && has_fma;
  static constexpr double offset = biased ? fp<scalar_t<V>>::shifter + fp<scalar_t<V>>::bias : 0.0;
  V rep;  // n, or n + shifter + bias (biased)
};

// round(a * b) as a pow2_index, and as a float in n.
template <class V>
NONLIN_INLINE pow2_index<V> round_product_index(V const& a, V const& b, V& n) noexcept {
  if constexpr (pow2_index<V>::biased) {
    const V m = splat<V>(pow2_index<V>::offset);
    const V t = detail::fma(a, b, m);
    n = t - m;  // exact
    return {t};
  } else {
    n = approx_round_product(a, b);
    return {n};
  }
}

// n itself, as a float.
template <class V>
NONLIN_INLINE V index_value(pow2_index<V> const& k) noexcept {
  if constexpr (pow2_index<V>::biased) return k.rep - splat<V>(pow2_index<V>::offset);
  else return k.rep;
}

// The lanes where n < c, for an integral c (the biased compare is exact).
template <class V>
NONLIN_INLINE auto index_below(pow2_index<V> const& k, double c) noexcept {
  return k.rep < splat<V>(c + pow2_index<V>::offset);
}

// v * 2^(n+K) rounded once, as ldexp_normal<K>(v, n): for integral n + K
// in [-126, 127] (any n + K on AVX-512), or v = 0 or NaN.
template <int K = 0, class V>
NONLIN_INLINE V scale_by_index(V const& v, pow2_index<V> const& k) noexcept {
  if constexpr (pow2_index<V>::biased) {
    using T = scalar_t<V>;
    bits_t<V> b = to_bits(k.rep);
    if constexpr (K != 0) b = b + bits_t<V>(static_cast<typename int_of<T>::type>(K));
    return mul_tiny(v, from_bits<V>(shl(b, fp<T>::mant_bits)));
  } else {
    return ldexp_normal<K>(v, k.rep);
  }
}

// --------------------------------------------- rare lanes out of the loop --
// Whether the bulk loops take a vector with a lane for its kernel's cold
// call out of their hot loop (bulk.hpp, whole_vectors): on AArch64, whose
// procedure call standard keeps no whole vector register across a call and
// whose arithmetic has no memory operands, so that with the call in the
// loop compilers reload the kernel's constants on every trip. x86 kernels
// read such constants as memory operands; there the restructured loop
// measured slower (benchmarks/README.md, A/B studies 11).
constexpr bool defer_rare_lanes() noexcept {
#if defined(__aarch64__) || defined(_M_ARM64)
  return true;
#else
  return false;
#endif
}

// ------------------------------------------------------ streaming stores --
#if NONLIN_USE_XSIMD

// Whether the bulk loops overlap a staged kernel's halves across vectors
// (bulk.hpp, staged) for batches of type B: float vectors of AVX-512,
// whose 32 registers hold one vector's state between the halves; and
// float vectors of AVX2 with an FMA for kernels whose state between the
// halves is small (Small: the default and fast tiers' kernels, one to
// five vectors). With AVX2's 16 registers the precise kernels' state
// (up to seven vectors) spills, and they measured 1.15-1.35x slower
// overlapped (benchmarks/README.md, A/B studies 15; the small ones gain:
// A/B studies 23). NEON, which has 32, is not measured here and keeps
// the plain loop.
template <class B, bool Small = false>
constexpr bool overlaps_stages() {
  if constexpr (!std::is_same<typename B::value_type, float>::value) return false;
#if defined(__AVX512F__)
  if constexpr (reg_bytes<B>() == 64) return true;
#endif
#if defined(__AVX2__) && defined(__FMA__)
  if constexpr (reg_bytes<B>() == 32) return Small;
#endif
  return false;
}

// Whether batches of type B can be written by non-temporal ("streaming")
// stores: x86 registers (SSE2, AVX, AVX-512).
template <class B>
constexpr bool can_stream() {
  constexpr std::size_t bytes = reg_bytes<B>();
#if defined(__AVX512F__)
  if constexpr (bytes == 64) return true;
#endif
#if defined(__AVX__)
  if constexpr (bytes == 32) return true;
#endif
#if defined(__SSE2__)
  if constexpr (bytes == 16) return true;
#endif
  return bytes == 0;
}

// A non-temporal store of one whole vector to p, aligned to the vector's
// size (can_stream<B>() only).
template <class B>
NONLIN_INLINE void stream_store(typename B::value_type* p, B const& v) noexcept {
  constexpr std::size_t bytes = reg_bytes<B>();
  constexpr bool is_f = std::is_same<typename B::value_type, float>::value;
  (void)p;
  (void)v;
  (void)is_f;
  (void)bytes;
#if defined(__AVX512F__)
  if constexpr (bytes == 64) {
    if constexpr (is_f) _mm512_stream_ps(p, v);
    else _mm512_stream_pd(p, v);
  }
#endif
#if defined(__AVX__)
  if constexpr (bytes == 32) {
    if constexpr (is_f) _mm256_stream_ps(p, v);
    else _mm256_stream_pd(p, v);
  }
#endif
#if defined(__SSE2__)
  if constexpr (bytes == 16) {
    if constexpr (is_f) _mm_stream_ps(p, v);
    else _mm_stream_pd(p, v);
  }
#endif
}

// Orders the streaming stores before any later store.
NONLIN_INLINE void stream_fence() noexcept {
#if defined(__SSE2__) || defined(__AVX__)  // whenever can_stream can be true (MSVC: __AVX__ only)
  _mm_sfence();
#endif
}

#endif  // NONLIN_USE_XSIMD

}  // namespace detail
NONLIN_END_NAMESPACE  // namespace nonlin

#endif  // NONLIN_DETAIL_OPS_HPP
