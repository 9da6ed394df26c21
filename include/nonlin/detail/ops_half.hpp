// nonlin::detail: the ops layer for 16-bit storage -- the conversions
// between bf16 / f16 and float vectors, and the near-midpoint test of the
// correctly rounded 16-bit outputs. Every form gives the bits of the
// scalar definitions in nonlin/half.hpp (tests/test_half.cpp: all 2^32
// floats, all 65536 16-bit values):
//   SSE2          integer forms (no F16C);
//   AVX2 + F16C   vcvtph2ps / vcvtps2ph (round to nearest even) for f16,
//                 integer rounding for bf16;
//   AVX-512F      the same at 16 lanes. AVX512-BF16's vcvtneps2bf16 is not
//                 used: it flushes subnormal inputs and results to zero (a
//                 form that lifts those lanes by 2^-126 first gives these
//                 bits, but was no faster: benchmarks/README.md, A/B 14);
//   NEON          fcvtl / fcvtn for f16 (FPCR: round to nearest), integer
//                 rounding for bf16;
//   anything else converts through an array with the scalar functions.
#ifndef NONLIN_DETAIL_OPS_HALF_HPP
#define NONLIN_DETAIL_OPS_HALF_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "../half.hpp"
#include "ops.hpp"
#if NONLIN_USE_XSIMD && defined(__aarch64__)
#include <arm_neon.h>
#endif

NONLIN_BEGIN_NAMESPACE
namespace detail {

// The scalar conversions, by storage type.
template <class H>
struct half_conv;
template <>
struct half_conv<nonlin::bf16> {
  static float widen(std::uint16_t h) noexcept { return nonlin::bf16_bits_to_float(h); }
  static std::uint16_t narrow(float f) noexcept { return nonlin::float_to_bf16_bits(f); }
};
template <>
struct half_conv<nonlin::f16> {
  static float widen(std::uint16_t h) noexcept { return nonlin::f16_bits_to_float(h); }
  static std::uint16_t narrow(float f) noexcept { return nonlin::float_to_f16_bits(f); }
};

#if NONLIN_USE_XSIMD
namespace half_isa {
// (The forms below: each instruction set's conversions of one register.)

#if NONLIN_USE_XSIMD && defined(__SSE2__)
// ---- SSE2 (4 lanes), no F16C: integer emulation --------------------------
namespace sse2 {
NONLIN_INLINE __m128 widen_bf16(const std::uint16_t* p) noexcept {
  const __m128i h = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p));
  return _mm_castsi128_ps(_mm_unpacklo_epi16(_mm_setzero_si128(), h));  // h << 16
}
// 4 x 32-bit values (each <= 0xFFFF) -> 4 x 16 bits, stored.
NONLIN_INLINE void store_low16(std::uint16_t* p, __m128i v) noexcept {
  // packs_epi32 saturates signed: sign-extend the low halves first.
  v = _mm_srai_epi32(_mm_slli_epi32(v, 16), 16);
  _mm_storel_epi64(reinterpret_cast<__m128i*>(p), _mm_packs_epi32(v, v));
}
// The bf16 bits of f (rounded to nearest even, a NaN quieted) in the high
// half of each 32-bit word, the low half not cleared (the AVX2 and AVX-512
// forms below alike). Even = false: a tie (low half 0x8000) rounds up in
// magnitude, one add instead of the shift, AND and two adds; the even
// rounding's bits wherever f is not a tie (see narrow_store).
template <bool Even = true>
NONLIN_INLINE __m128i round_bf16_high(__m128 f) noexcept {
  const __m128i u = _mm_castps_si128(f);
  __m128i r;
  if constexpr (Even) {
    const __m128i lsb = _mm_and_si128(_mm_srli_epi32(u, 16), _mm_set1_epi32(1));
    r = _mm_add_epi32(_mm_add_epi32(u, _mm_set1_epi32(0x7FFF)), lsb);
  } else {
    r = _mm_add_epi32(u, _mm_set1_epi32(0x8000));
  }
  const __m128i q = _mm_or_si128(u, _mm_set1_epi32(0x00400000));
  const __m128i nan = _mm_castps_si128(_mm_cmpunord_ps(f, f));
  return _mm_or_si128(_mm_and_si128(nan, q), _mm_andnot_si128(nan, r));
}
template <bool Even = true>
NONLIN_INLINE __m128i narrow_bf16_bits(__m128 f) noexcept {
  return _mm_srli_epi32(round_bf16_high<Even>(f), 16);
}
template <bool Even = true>
NONLIN_INLINE void narrow_bf16(std::uint16_t* p, __m128 f) noexcept {
  store_low16(p, narrow_bf16_bits<Even>(f));
}
// bf16 pairs (see load_widen_pair): the low (K = 0) or high (K = 1) halves
// of the 32-bit words at p, widened; two vectors rounded and stored as the
// low and high halves.
NONLIN_INLINE __m128 widen_bf16_half(const std::uint16_t* p, int k) noexcept {
  const __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  return _mm_castsi128_ps(k == 0 ? _mm_slli_epi32(w, 16) : _mm_and_si128(w, _mm_set1_epi32(-65536)));
}
template <bool Even = true>
NONLIN_INLINE __m128i narrow_bf16_pair(__m128 f0, __m128 f1) noexcept {
  return _mm_or_si128(_mm_srli_epi32(round_bf16_high<Even>(f0), 16),
                      _mm_and_si128(round_bf16_high<Even>(f1), _mm_set1_epi32(-65536)));
}

NONLIN_INLINE __m128 widen_f16(const std::uint16_t* p) noexcept {
  const __m128i h = _mm_unpacklo_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)), _mm_setzero_si128());
  const __m128i sign = _mm_slli_epi32(_mm_and_si128(h, _mm_set1_epi32(0x8000)), 16);
  const __m128i em = _mm_and_si128(h, _mm_set1_epi32(0x7FFF));
  // normal: (em << 13) + (112 << 23); inf/NaN: one more 112 << 23 (exponent 31 -> 255)
  __m128i u = _mm_add_epi32(_mm_slli_epi32(em, 13), _mm_set1_epi32(112 << 23));
  const __m128i infnan = _mm_cmpgt_epi32(em, _mm_set1_epi32(0x7BFF));
  u = _mm_add_epi32(u, _mm_and_si128(infnan, _mm_set1_epi32(112 << 23)));
  const __m128i nan = _mm_cmpgt_epi32(em, _mm_set1_epi32(0x7C00));
  u = _mm_or_si128(u, _mm_and_si128(nan, _mm_set1_epi32(0x00400000)));
  // subnormal/zero: bits (em << 13) + (113 << 23) as float, minus 2^-14 (exact)
  const __m128 sub = _mm_sub_ps(_mm_castsi128_ps(_mm_add_epi32(_mm_slli_epi32(em, 13), _mm_set1_epi32(113 << 23))),
                                _mm_set1_ps(6.103515625e-05f));
  const __m128i is_sub = _mm_cmplt_epi32(em, _mm_set1_epi32(0x0400));
  u = _mm_or_si128(_mm_and_si128(is_sub, _mm_castps_si128(sub)), _mm_andnot_si128(is_sub, u));
  return _mm_castsi128_ps(_mm_or_si128(u, sign));
}

NONLIN_INLINE __m128i narrow_f16_bits(__m128 f) noexcept {
  const __m128i u0 = _mm_castps_si128(f);
  const __m128i sign = _mm_and_si128(_mm_srli_epi32(u0, 16), _mm_set1_epi32(0x8000));
  const __m128i u = _mm_and_si128(u0, _mm_set1_epi32(0x7FFFFFFF));
  // normal range
  const __m128i lsb = _mm_and_si128(_mm_srli_epi32(u, 13), _mm_set1_epi32(1));
  __m128i r = _mm_srli_epi32(_mm_sub_epi32(_mm_add_epi32(_mm_add_epi32(u, _mm_set1_epi32(0xFFF)), lsb),
                                           _mm_set1_epi32(0x38000000)),
                             13);
  // subnormal range: |f| + 0.5 rounds to a multiple of 2^-24
  const __m128i s = _mm_sub_epi32(_mm_castps_si128(_mm_add_ps(_mm_castsi128_ps(u), _mm_set1_ps(0.5f))),
                                  _mm_set1_epi32(0x3F000000));
  const __m128i is_sub = _mm_cmplt_epi32(u, _mm_set1_epi32(0x38800000));
  r = _mm_or_si128(_mm_and_si128(is_sub, s), _mm_andnot_si128(is_sub, r));
  const __m128i ovf = _mm_cmpgt_epi32(u, _mm_set1_epi32(0x477FEFFF));
  r = _mm_or_si128(_mm_and_si128(ovf, _mm_set1_epi32(0x7C00)), _mm_andnot_si128(ovf, r));
  const __m128i nan = _mm_cmpgt_epi32(u, _mm_set1_epi32(0x7F800000));
  const __m128i q = _mm_or_si128(_mm_set1_epi32(0x7E00), _mm_and_si128(_mm_srli_epi32(u, 13), _mm_set1_epi32(0x3FF)));
  r = _mm_or_si128(_mm_and_si128(nan, q), _mm_andnot_si128(nan, r));
  return _mm_or_si128(r, sign);
}
NONLIN_INLINE void narrow_f16(std::uint16_t* p, __m128 f) noexcept { store_low16(p, narrow_f16_bits(f)); }
}  // namespace sse2
#endif

#if NONLIN_USE_XSIMD && defined(__AVX2__) && defined(__F16C__)
// ---- AVX2 + F16C (8 lanes) ----------------------------------------------
namespace avx2 {
NONLIN_INLINE __m256 widen_bf16(const std::uint16_t* p) noexcept {
  const __m256i w = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
  return _mm256_castsi256_ps(_mm256_slli_epi32(w, 16));
}
template <bool Even = true>
NONLIN_INLINE __m256i round_bf16_high(__m256 f) noexcept {
  const __m256i u = _mm256_castps_si256(f);
  __m256i r;
  if constexpr (Even) {
    const __m256i lsb = _mm256_and_si256(_mm256_srli_epi32(u, 16), _mm256_set1_epi32(1));
    r = _mm256_add_epi32(_mm256_add_epi32(u, _mm256_set1_epi32(0x7FFF)), lsb);
  } else {
    r = _mm256_add_epi32(u, _mm256_set1_epi32(0x8000));
  }
  const __m256i q = _mm256_or_si256(u, _mm256_set1_epi32(0x00400000));
  return _mm256_castps_si256(
      _mm256_blendv_ps(_mm256_castsi256_ps(r), _mm256_castsi256_ps(q), _mm256_cmp_ps(f, f, _CMP_UNORD_Q)));
}
template <bool Even = true>
NONLIN_INLINE __m256i narrow_bf16_bits(__m256 f) noexcept {
  return _mm256_srli_epi32(round_bf16_high<Even>(f), 16);
}
NONLIN_INLINE __m128i pack_low16(__m256i v) noexcept {
  // values <= 0xFFFF: unsigned saturation keeps them; packus works per 128-bit lane
  return _mm_packus_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
}
template <bool Even = true>
NONLIN_INLINE void narrow_bf16(std::uint16_t* p, __m256 f) noexcept {
  _mm_storeu_si128(reinterpret_cast<__m128i*>(p), pack_low16(narrow_bf16_bits<Even>(f)));
}
NONLIN_INLINE __m256 widen_bf16_half(const std::uint16_t* p, int k) noexcept {
  const __m256i w = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  return _mm256_castsi256_ps(k == 0 ? _mm256_slli_epi32(w, 16) : _mm256_and_si256(w, _mm256_set1_epi32(-65536)));
}
template <bool Even = true>
NONLIN_INLINE __m256i narrow_bf16_pair(__m256 f0, __m256 f1) noexcept {
  return _mm256_or_si256(_mm256_srli_epi32(round_bf16_high<Even>(f0), 16),
                         _mm256_and_si256(round_bf16_high<Even>(f1), _mm256_set1_epi32(-65536)));
}
NONLIN_INLINE __m256 widen_f16(const std::uint16_t* p) noexcept {
  return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}
NONLIN_INLINE __m128i narrow_f16_bits(__m256 f) noexcept {
  return _mm256_cvtps_ph(f, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
}
NONLIN_INLINE void narrow_f16(std::uint16_t* p, __m256 f) noexcept {
  _mm_storeu_si128(reinterpret_cast<__m128i*>(p), narrow_f16_bits(f));
}
}  // namespace avx2
#endif

#if NONLIN_USE_XSIMD && defined(__AVX512F__)
// ---- AVX-512F (16 lanes; vcvtph2ps/vcvtps2ph are AVX512F) -----------------
// (zero-masked forms throughout: GCC 12's unmasked ones merge into an
// undefined register and draw a false -Wmaybe-uninitialized, as in nonlin.)
namespace avx512 {
NONLIN_INLINE __m512 widen_bf16(const std::uint16_t* p) noexcept {
  const __m512i w = _mm512_maskz_cvtepu16_epi32(__mmask16(0xFFFF), _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
  return _mm512_castsi512_ps(_mm512_maskz_slli_epi32(__mmask16(0xFFFF), w, 16));
}
template <bool Even = true>
NONLIN_INLINE __m512i round_bf16_high(__m512 f) noexcept {
  const __m512i u = _mm512_castps_si512(f);
  __m512i r;
  if constexpr (Even) {
    const __m512i lsb = _mm512_and_si512(_mm512_maskz_srli_epi32(__mmask16(0xFFFF), u, 16), _mm512_set1_epi32(1));
    r = _mm512_add_epi32(_mm512_add_epi32(u, _mm512_set1_epi32(0x7FFF)), lsb);
  } else {
    r = _mm512_add_epi32(u, _mm512_set1_epi32(0x8000));
  }
  const __mmask16 nan = _mm512_cmp_ps_mask(f, f, _CMP_UNORD_Q);
  return _mm512_mask_or_epi32(r, nan, u, _mm512_set1_epi32(0x00400000));
}
template <bool Even = true>
NONLIN_INLINE __m256i narrow_bf16_bits(__m512 f) noexcept {
  const __m512i h = _mm512_maskz_srli_epi32(__mmask16(0xFFFF), round_bf16_high<Even>(f), 16);
  return _mm512_maskz_cvtepi32_epi16(__mmask16(0xFFFF), h);  // vpmovdw: truncation, values fit
}
template <bool Even = true>
NONLIN_INLINE void narrow_bf16(std::uint16_t* p, __m512 f) noexcept {
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), narrow_bf16_bits<Even>(f));
}
NONLIN_INLINE __m512 widen_bf16_half(const std::uint16_t* p, int k) noexcept {
  const __m512i w = _mm512_loadu_si512(p);
  return _mm512_castsi512_ps(k == 0 ? _mm512_maskz_slli_epi32(__mmask16(0xFFFF), w, 16)
                                    : _mm512_and_si512(w, _mm512_set1_epi32(-65536)));
}
template <bool Even = true>
NONLIN_INLINE __m512i narrow_bf16_pair(__m512 f0, __m512 f1) noexcept {
  // (f0's word >> 16) | (f1's word & 0xFFFF0000): one vpternlogd.
  return _mm512_ternarylogic_epi32(_mm512_maskz_srli_epi32(__mmask16(0xFFFF), round_bf16_high<Even>(f0), 16),
                                   round_bf16_high<Even>(f1), _mm512_set1_epi32(-65536), 0xF8);
}
NONLIN_INLINE __m512 widen_f16(const std::uint16_t* p) noexcept {
  return _mm512_maskz_cvtph_ps(__mmask16(0xFFFF), _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
}
NONLIN_INLINE __m256i narrow_f16_bits(__m512 f) noexcept {
  return _mm512_maskz_cvtps_ph(__mmask16(0xFFFF), f, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
}
NONLIN_INLINE void narrow_f16(std::uint16_t* p, __m512 f) noexcept {
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), narrow_f16_bits(f));
}
}  // namespace avx512
#endif

#if NONLIN_USE_XSIMD && defined(__aarch64__)
// ---- NEON (AArch64, 4 lanes): fcvtl / fcvtn for f16, integer ops for bf16 --
namespace neon {
NONLIN_INLINE float32x4_t widen_bf16(const std::uint16_t* p) noexcept {
  return vreinterpretq_f32_u32(vshll_n_u16(vld1_u16(p), 16));
}
template <bool Even = true>
NONLIN_INLINE void narrow_bf16(std::uint16_t* p, float32x4_t f) noexcept {
  const uint32x4_t u = vreinterpretq_u32_f32(f);
  uint32x4_t r;
  if constexpr (Even) {
    const uint32x4_t lsb = vandq_u32(vshrq_n_u32(u, 16), vdupq_n_u32(1));
    r = vaddq_u32(vaddq_u32(u, vdupq_n_u32(0x7FFF)), lsb);
  } else {
    r = vaddq_u32(u, vdupq_n_u32(0x8000));
  }
  const uint32x4_t q = vorrq_u32(u, vdupq_n_u32(0x00400000));  // quiet bit, before >> 16
  const uint32x4_t nan = vmvnq_u32(vceqq_f32(f, f));
  vst1_u16(p, vshrn_n_u32(vbslq_u32(nan, q, r), 16));
}
NONLIN_INLINE float32x4_t widen_f16(const std::uint16_t* p) noexcept {
  return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(p)));
}
NONLIN_INLINE void narrow_f16(std::uint16_t* p, float32x4_t f) noexcept {
  vst1_u16(p, vreinterpret_u16_f16(vcvt_f16_f32(f)));  // FPCR rounding (RNE by default)
}
}  // namespace neon
#endif

}  // namespace half_isa

// The register kind load_widen and narrow_store use for batch<float, A>:
// 3 AVX-512F, 2 AVX2 + F16C, 1 SSE2, 4 NEON (AArch64), 0 the scalar loop
// (SVE among others).
template <class A>
constexpr int half_kind() {
  constexpr std::size_t bytes = sizeof(typename xsimd::batch<float, A>::register_type);
  (void)bytes;
#if defined(__AVX512F__)
  if constexpr (bytes == 64) return 3;
#endif
#if defined(__AVX2__) && defined(__F16C__)
  if constexpr (bytes == 32) return 2;
#endif
#if defined(__SSE2__)
  if constexpr (bytes == 16) return 1;
#endif
#if defined(__aarch64__)
  if constexpr (neon_bytes<xsimd::batch<float, A>>() == 16) return 4;  // (not an SVE batch of 128 bits)
#endif
  return 0;
}

// B::size values of storage type H at p, widened (exact).
template <class H, class A = xsimd::default_arch>
NONLIN_INLINE xsimd::batch<float, A> load_widen(const H* p) noexcept {
  using B = xsimd::batch<float, A>;
  const auto* q = reinterpret_cast<const std::uint16_t*>(p);
  constexpr bool bf = std::is_same<H, nonlin::bf16>::value;
  constexpr int k = half_kind<A>();
#if defined(__AVX512F__)
  if constexpr (k == 3) return B(bf ? half_isa::avx512::widen_bf16(q) : half_isa::avx512::widen_f16(q));
#endif
#if defined(__AVX2__) && defined(__F16C__)
  if constexpr (k == 2) return B(bf ? half_isa::avx2::widen_bf16(q) : half_isa::avx2::widen_f16(q));
#endif
#if defined(__SSE2__)
  if constexpr (k == 1) return B(bf ? half_isa::sse2::widen_bf16(q) : half_isa::sse2::widen_f16(q));
#endif
#if defined(__aarch64__)
  if constexpr (k == 4) return B(bf ? half_isa::neon::widen_bf16(q) : half_isa::neon::widen_f16(q));
#endif
  alignas(B) float buf[B::size];
  for (std::size_t i = 0; i < B::size; ++i) buf[i] = half_conv<H>::widen(q[i]);
  return B::load_aligned(buf);
}

// v rounded to H (the rules of half.hpp), B::size values stored at p.
// Even = false (bf16; f16 ignores it): a float that is a tie, halfway
// between two bf16 values, may round up in magnitude instead of to even
// (the NaN rule and every other float's bits as with Even): for callers
// that rewrite every lane near a midpoint, ties included (half_loop's
// correctly rounded outputs, near_midpoint with E >= 0). One add instead
// of the even rounding's four operations.
template <bool Even = true, class H, class A>
NONLIN_INLINE void narrow_store(H* p, xsimd::batch<float, A> const& v) noexcept {
  using B = xsimd::batch<float, A>;
  auto* q = reinterpret_cast<std::uint16_t*>(p);
  constexpr bool bf = std::is_same<H, nonlin::bf16>::value;
  constexpr int k = half_kind<A>();
#if defined(__AVX512F__)
  if constexpr (k == 3) {
    if constexpr (bf) half_isa::avx512::narrow_bf16<Even>(q, v);
    else half_isa::avx512::narrow_f16(q, v);
    return;
  }
#endif
#if defined(__AVX2__) && defined(__F16C__)
  if constexpr (k == 2) {
    if constexpr (bf) half_isa::avx2::narrow_bf16<Even>(q, v);
    else half_isa::avx2::narrow_f16(q, v);
    return;
  }
#endif
#if defined(__SSE2__)
  if constexpr (k == 1) {
    if constexpr (bf) half_isa::sse2::narrow_bf16<Even>(q, v);
    else half_isa::sse2::narrow_f16(q, v);
    return;
  }
#endif
#if defined(__aarch64__)
  if constexpr (k == 4) {
    if constexpr (bf) half_isa::neon::narrow_bf16<Even>(q, v);
    else half_isa::neon::narrow_f16(q, v);
    return;
  }
#endif
  if constexpr (k == 0) {
    alignas(B) float buf[B::size];
    v.store_aligned(buf);
    for (std::size_t i = 0; i < B::size; ++i) q[i] = half_conv<H>::narrow(buf[i]);
  }
}

// Whether narrow_stream writes batch<float, A> results with a non-temporal
// store: AVX-512F (32 bytes) and AVX2 + F16C (16 bytes). Elsewhere it is
// narrow_store.
template <class A>
constexpr bool can_stream_half() {
  constexpr int k = half_kind<A>();
  return k == 2 || k == 3;
}

// narrow_store's bits, written by a non-temporal ("streaming") store; p is
// aligned to B::size * 2 bytes where can_stream_half<A>().
template <bool Even = true, class H, class A>
NONLIN_INLINE void narrow_stream(H* p, xsimd::batch<float, A> const& v) noexcept {
  constexpr bool bf = std::is_same<H, nonlin::bf16>::value;
  constexpr int k = half_kind<A>();
  (void)bf;
#if defined(__AVX512F__)
  if constexpr (k == 3) {
    const __m256i h = bf ? half_isa::avx512::narrow_bf16_bits<Even>(v) : half_isa::avx512::narrow_f16_bits(v);
    _mm256_stream_si256(reinterpret_cast<__m256i*>(p), h);
    return;
  }
#endif
#if defined(__AVX2__) && defined(__F16C__)
  if constexpr (k == 2) {
    const __m128i h =
        bf ? half_isa::avx2::pack_low16(half_isa::avx2::narrow_bf16_bits<Even>(v)) : half_isa::avx2::narrow_f16_bits(v);
    _mm_stream_si128(reinterpret_cast<__m128i*>(p), h);
    return;
  }
#endif
  if constexpr (k != 2 && k != 3) narrow_store<Even>(p, v);
}

// bf16 pairs: 2 B::size bf16 values at p as two float vectors, K = 0 and
// 1. Where bf16_pairs<A>() (x86), lane j of vector K holds value 2j + K:
// the low and the high halves of the 32-bit words, widened by a shift or an
// AND, rounded and joined by a shift and an OR, with no shuffle (load_widen
// and narrow_store take one each way: vpmovzxwd, vpmovdw or a pack);
// elsewhere value K B::size + j (load_widen, narrow_store). The same bits
// as load_widen and narrow_store.
template <class A>
constexpr bool bf16_pairs() {
  constexpr int k = half_kind<A>();
  return k == 1 || k == 2 || k == 3;
}
template <class A = xsimd::default_arch>
NONLIN_INLINE xsimd::batch<float, A> load_widen_pair(const nonlin::bf16* p, std::size_t k) noexcept {
  using B = xsimd::batch<float, A>;
  constexpr int kind = half_kind<A>();
  const auto* q = reinterpret_cast<const std::uint16_t*>(p);
  (void)kind;
  (void)q;
#if defined(__AVX512F__)
  if constexpr (kind == 3) return B(half_isa::avx512::widen_bf16_half(q, int(k)));
#endif
#if defined(__AVX2__) && defined(__F16C__)
  if constexpr (kind == 2) return B(half_isa::avx2::widen_bf16_half(q, int(k)));
#endif
#if defined(__SSE2__)
  if constexpr (kind == 1) return B(half_isa::sse2::widen_bf16_half(q, int(k)));
#endif
  if constexpr (!bf16_pairs<A>()) return load_widen<nonlin::bf16, A>(p + k * B::size);
}
// y0 and y1 rounded to bf16, 2 B::size values stored at p; Stream: by a
// non-temporal store where can_stream_half<A>(), p aligned to 4 B::size
// bytes; Even as narrow_store's.
template <bool Stream = false, bool Even = true, class A>
NONLIN_INLINE void narrow_store_pair(nonlin::bf16* p, xsimd::batch<float, A> const& y0,
                                     xsimd::batch<float, A> const& y1) noexcept {
  constexpr int kind = half_kind<A>();
  auto* q = reinterpret_cast<std::uint16_t*>(p);
  (void)kind;
  (void)q;
#if defined(__AVX512F__)
  if constexpr (kind == 3) {
    const __m512i h = half_isa::avx512::narrow_bf16_pair<Even>(y0, y1);
    if constexpr (Stream) _mm512_stream_si512(reinterpret_cast<__m512i*>(q), h);
    else _mm512_storeu_si512(q, h);
    return;
  }
#endif
#if defined(__AVX2__) && defined(__F16C__)
  if constexpr (kind == 2) {
    const __m256i h = half_isa::avx2::narrow_bf16_pair<Even>(y0, y1);
    if constexpr (Stream) _mm256_stream_si256(reinterpret_cast<__m256i*>(q), h);
    else _mm256_storeu_si256(reinterpret_cast<__m256i*>(q), h);
    return;
  }
#endif
#if defined(__SSE2__)
  if constexpr (kind == 1) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(q), half_isa::sse2::narrow_bf16_pair<Even>(y0, y1));
    return;
  }
#endif
  if constexpr (!bf16_pairs<A>()) {
    if constexpr (Stream) {
      narrow_stream<Even>(p, y0);
      narrow_stream<Even>(p + xsimd::batch<float, A>::size, y1);
    } else {
      narrow_store<Even>(p, y0);
      narrow_store<Even>(p + xsimd::batch<float, A>::size, y1);
    }
  }
}

// Bit j set where lane j of m is, lane by lane (the portable form).
template <class T, class A>
NONLIN_INLINE std::uint64_t lane_bits_by_lane(xsimd::batch_bool<T, A> const& m) noexcept {
  using B = xsimd::batch<T, A>;
  alignas(B) T v[B::size];
  xsimd::select(m, B(T(1)), B(T(0))).store_aligned(v);
  std::uint64_t r = 0;
  for (std::size_t j = 0; j < B::size; ++j) r |= std::uint64_t(v[j] != T(0)) << j;
  return r;
}

// The same bits: the mask register itself (AVX-512), a movemask (AVX,
// SSE), else lane_bits_by_lane.
template <class T, class A>
NONLIN_INLINE std::uint64_t lane_bits(xsimd::batch_bool<T, A> const& m) noexcept {
#if defined(__SSE2__) || defined(__AVX__) || defined(__AVX512F__)
  using R = typename xsimd::batch_bool<T, A>::register_type;
#endif
  constexpr std::size_t bytes = reg_bytes<xsimd::batch<T, A>>();
  constexpr bool f32 = std::is_same<T, float>::value, f64 = std::is_same<T, double>::value;
  constexpr bool x86 = neon_bytes<xsimd::batch<T, A>>() == 0;
  (void)bytes, (void)f32, (void)f64, (void)x86;
#if defined(__AVX512F__)
  if constexpr (bytes == 64 && (f32 || f64)) return static_cast<std::uint64_t>(static_cast<R>(m));
#endif
#if defined(__AVX__)
  if constexpr (bytes == 32 && f32) return static_cast<unsigned>(_mm256_movemask_ps(static_cast<R>(m)));
  if constexpr (bytes == 32 && f64) return static_cast<unsigned>(_mm256_movemask_pd(static_cast<R>(m)));
#endif
#if defined(__SSE2__)
  if constexpr (bytes == 16 && x86 && f32) return static_cast<unsigned>(_mm_movemask_ps(static_cast<R>(m)));
  if constexpr (bytes == 16 && x86 && f64) return static_cast<unsigned>(_mm_movemask_pd(static_cast<R>(m)));
#endif
  return lane_bits_by_lane(m);
}
#endif  // NONLIN_USE_XSIMD

// near_midpoint<H>(y, E): the lanes of the float y within E float steps of
// a rounding midpoint of H (the value halfway between two neighbouring H
// values, 0 and the smallest subnormal, or the largest finite value and
// the next power of two). If y is within E + 1 steps of the exact result
// and not flagged, y and the exact result round to the same H value.
//  bf16: the low 16 bits of y within E of 0x8000 (every bf16 midpoint,
//        subnormal ones included, has them, 2^15 steps from a binade edge);
//  f16:  the same on the low 13 bits, after |y| + 2^-14 below 2^-14, which
//        puts f16's subnormal midpoints (a multiple of 2^-25) where the
//        normal range has them; the add rounds by half a step of its
//        result, whose step there is at most half of y's (vectors: 2 |y|
//        elsewhere, the same low bits, with no select).
template <class H, class V>
NONLIN_INLINE auto near_midpoint(V const& y, std::int32_t E) noexcept {
  using I = bits_t<V>;
  if constexpr (is_scalar<V>::value) {
    const std::uint32_t e = static_cast<std::uint32_t>(E);
    if constexpr (std::is_same<H, nonlin::bf16>::value) {
      return ((nonlin::half_detail::bits_of(y) - 0x8000u + e) & 0xFFFFu) <= 2 * e;
    } else {
      float a = y < 0 ? -y : y;
      if (a < 6.103515625e-05f) a = a + 6.103515625e-05f;
      return ((nonlin::half_detail::bits_of(a) - 0x1000u + e) & 0x1FFFu) <= 2 * e;
    }
  } else if constexpr (std::is_same<H, nonlin::bf16>::value) {
    const I t = (to_bits(y) + I(E - 0x8000)) & I(0xFFFF);
    return bits_below(from_bits<V>(t), 2 * E + 1);  // (t >= 0; a float mask: see bits_below)
  } else {
    // a + max(a, 2^-14): |y| + 2^-14 below 2^-14, else 2 |y|, whose low
    // 13 bits are |y|'s (a NaN: a + a, the NaN a + 0 gives).
    const V a = detail::abs(y);
    const V sub = V(6.103515625e-05f);  // 2^-14
    const I t = (to_bits(a + max_keep_nan(a, sub)) + I(E - 0x1000)) & I(0x1FFF);
    return bits_below(from_bits<V>(t), 2 * E + 1);
  }
}

}  // namespace detail
NONLIN_END_NAMESPACE

#endif  // NONLIN_DETAIL_OPS_HALF_HPP
