// nonlin::detail: the handful of primitives the generic math is written in.
//
// Every kernel in nonlin is written once, as a template over a "value type" V
// that is either a scalar (float, double) or an xsimd batch of them. This file
// gives both the same small vocabulary (fma, select, bit casts, integer shifts)
// so that the math above it never mentions which one it runs on.
#ifndef NONLIN_DETAIL_SIMD_HPP
#define NONLIN_DETAIL_SIMD_HPP

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "../config.hpp"

NONLIN_BEGIN_NAMESPACE
namespace detail {

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

// ---------------------------------------------------------------- scalars --
// Used when nonlin is built without xsimd. With xsimd, scalar calls go through
// a one-value batch instead (see eval.hpp), so that a scalar call and the bulk
// kernel execute the same instructions.

template <class T>
NONLIN_INLINE T fma(T a, T b, T c) noexcept {
#if NONLIN_HAS_FMA
  return std::fma(a, b, c);
#else
  // Without a hardware FMA, std::fma is a slow library call; the kernels
  // are written so that an unfused a*b+c only costs accuracy, not safety.
  return a * b + c;
#endif
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

// ---------------------------------------------------------------- batches --
#if NONLIN_USE_XSIMD

// A fused multiply-add whenever the target has one. xsimd::fma is not
// enough: xsimd 8.1 evaluates it as an unfused a*b+c on AVX-512 and on plain
// avx2 batches even when the CPU has FMA, and the error-free transformations
// in math.hpp (two_prod) need the fused one. On x86 with FMA we call the
// intrinsic on the batch's register; elsewhere xsimd::fma (fused on NEON64).
template <class T, class A>
NONLIN_INLINE xsimd::batch<T, A> fma(xsimd::batch<T, A> const& a, xsimd::batch<T, A> const& b,
                                     xsimd::batch<T, A> const& c) noexcept {
  // Dispatch on the register's size (comparing the vector types themselves
  // draws -Wignored-attributes from GCC).
  constexpr std::size_t bytes = sizeof(typename xsimd::batch<T, A>::register_type);
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
  if constexpr (sizeof(typename xsimd::batch<T, A>::register_type) == 64) {
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

// xsimd changed the template argument of bitwise_cast in 11.0 (from the batch
// type to the scalar type); these two wrappers are the only place that knows.
template <class To, class T, class A>
NONLIN_INLINE xsimd::batch<To, A> bit_cast_batch(xsimd::batch<T, A> const& x) noexcept {
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
  constexpr std::size_t bytes = sizeof(typename xsimd::batch<I, A>::register_type);
  if constexpr (bytes == 64 && sizeof(I) == 4)
    return _mm512_maskz_slli_epi32(__mmask16(0xFFFF), i, static_cast<unsigned>(s));
  if constexpr (bytes == 64 && sizeof(I) == 8)
    return _mm512_maskz_slli_epi64(__mmask8(0xFF), i, static_cast<unsigned>(s));
#endif
  return i << s;
}

template <class T, class A>
struct from_bits_impl<xsimd::batch<T, A>> {
  static NONLIN_INLINE xsimd::batch<T, A> run(xsimd::batch<typename int_of<T>::type, A> const& i) noexcept {
    return bit_cast_batch<T>(i);
  }
};

#endif  // NONLIN_USE_XSIMD

}  // namespace detail
NONLIN_END_NAMESPACE  // namespace nonlin

#endif  // NONLIN_DETAIL_SIMD_HPP
