// nonlin::detail: what the translation unit is compiled for, as NONLIN_
// macros. Part of the ops layer (with ops.hpp): the only place outside
// ops.hpp that looks at the compiler's instruction-set macros.
//
//   NONLIN_ISA        a token naming the widest instruction set enabled:
//                     avx512, avx2, avx, sse4_2, sse2, sve128 ... sve2048
//                     (SVE with a fixed vector length, -msve-vector-bits=N:
//                     xsimd 13 and later run their SVE path there), sve (SVE
//                     without a fixed length: xsimd runs NEON, the compiler
//                     may still emit SVE), neon64, neon, generic. Each is its
//                     own ABI namespace (config.hpp): an SVE translation unit
//                     and a NEON one never share a kernel.
//   NONLIN_HAS_FMA    1 when the target has a hardware fused multiply-add
//                     (the kernels then use it), 0 otherwise
//
// Both can be overridden by defining them before the first nonlin include.
#ifndef NONLIN_DETAIL_ISA_HPP
#define NONLIN_DETAIL_ISA_HPP

#ifndef NONLIN_HAS_FMA
#if defined(__FMA__) || defined(__AVX512F__) || defined(__aarch64__) || defined(_M_ARM64)
#define NONLIN_HAS_FMA 1
#else
#define NONLIN_HAS_FMA 0
#endif
#endif

#ifndef NONLIN_ISA
#if defined(__AVX512F__)
#define NONLIN_ISA avx512
#elif defined(__AVX2__)
#define NONLIN_ISA avx2
#elif defined(__AVX__)
#define NONLIN_ISA avx
#elif defined(__SSE4_2__)
#define NONLIN_ISA sse4_2
#elif defined(__SSE2__) || defined(_M_X64)
#define NONLIN_ISA sse2
#elif defined(__ARM_FEATURE_SVE) && defined(__ARM_FEATURE_SVE_BITS) && __ARM_FEATURE_SVE_BITS == 128
#define NONLIN_ISA sve128
#elif defined(__ARM_FEATURE_SVE) && defined(__ARM_FEATURE_SVE_BITS) && __ARM_FEATURE_SVE_BITS == 256
#define NONLIN_ISA sve256
#elif defined(__ARM_FEATURE_SVE) && defined(__ARM_FEATURE_SVE_BITS) && __ARM_FEATURE_SVE_BITS == 512
#define NONLIN_ISA sve512
#elif defined(__ARM_FEATURE_SVE) && defined(__ARM_FEATURE_SVE_BITS) && __ARM_FEATURE_SVE_BITS == 1024
#define NONLIN_ISA sve1024
#elif defined(__ARM_FEATURE_SVE) && defined(__ARM_FEATURE_SVE_BITS) && __ARM_FEATURE_SVE_BITS == 2048
#define NONLIN_ISA sve2048
#elif defined(__ARM_FEATURE_SVE)
#define NONLIN_ISA sve
#elif defined(__aarch64__) || defined(_M_ARM64)
#define NONLIN_ISA neon64
#elif defined(__ARM_NEON)
#define NONLIN_ISA neon
#else
#define NONLIN_ISA generic
#endif
#endif

#endif  // NONLIN_DETAIL_ISA_HPP
