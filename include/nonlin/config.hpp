// nonlin: configuration macros. Every macro nonlin defines lives here, is
// prefixed NONLIN_, and can be overridden by defining it before the first
// nonlin include.
#ifndef NONLIN_CONFIG_HPP
#define NONLIN_CONFIG_HPP

// The single source of the version number; CMakeLists.txt parses these lines.
#define NONLIN_VERSION_MAJOR 0
#define NONLIN_VERSION_MINOR 1
#define NONLIN_VERSION_PATCH 0
#define NONLIN_VERSION (NONLIN_VERSION_MAJOR * 10000 + NONLIN_VERSION_MINOR * 100 + NONLIN_VERSION_PATCH)

// NONLIN_USE_XSIMD: 1 to vectorize with xsimd, 0 for the portable scalar path.
// Default: 1 when <xsimd/xsimd.hpp> can be included and names a usable
// architecture for this translation unit's compile flags.
#ifndef NONLIN_USE_XSIMD
#if defined(__has_include)
#if __has_include(<xsimd/xsimd.hpp>)
#define NONLIN_USE_XSIMD 1
#else
#define NONLIN_USE_XSIMD 0
#endif
#else
#define NONLIN_USE_XSIMD 0
#endif
#endif

#if NONLIN_USE_XSIMD
#include <xsimd/xsimd.hpp>
#endif

// NONLIN_ISA and NONLIN_HAS_FMA: what the translation unit is compiled for
// (detail/isa.hpp, the one place that reads the compiler's ISA macros).
#include "detail/isa.hpp"

// NONLIN_ABI: the inline namespace all of nonlin lives in, named after what
// the translation unit is compiled for: xsimd or scalar path, instruction
// set, FMA, fast-math or not (e.g. abi_xsimd_avx512_fma_ieee).
// Header-only SIMD code compiled with different -m flags in two translation
// units would otherwise give two different bodies to one inline function
// (say nonlin::apply<nonlin::gelu, float>), of which the linker keeps one: an
// AVX-512 body could then run on the code path meant for SSE2. With the tag,
// each ISA's functions have their own names; users still write nonlin::gelu.
#ifndef NONLIN_ABI
#if NONLIN_HAS_FMA
#define NONLIN_ABI_FMA fma
#else
#define NONLIN_ABI_FMA nofma
#endif
#if NONLIN_USE_XSIMD
#define NONLIN_ABI_PATH xsimd
#else
#define NONLIN_ABI_PATH scalar
#endif
// -ffast-math / -fassociative-math code is kept apart too: its inline bodies
// may differ from the strict ones.
#if defined(__FAST_MATH__) || defined(__ASSOCIATIVE_MATH__)
#define NONLIN_ABI_MATH fastmath
#else
#define NONLIN_ABI_MATH ieee
#endif
#define NONLIN_ABI_JOIN2(a, b, c, d) abi_##a##_##b##_##c##_##d
#define NONLIN_ABI_JOIN(a, b, c, d) NONLIN_ABI_JOIN2(a, b, c, d)
#define NONLIN_ABI NONLIN_ABI_JOIN(NONLIN_ABI_PATH, NONLIN_ISA, NONLIN_ABI_FMA, NONLIN_ABI_MATH)
#endif
#define NONLIN_BEGIN_NAMESPACE \
  namespace nonlin {           \
  inline namespace NONLIN_ABI {
#define NONLIN_END_NAMESPACE \
  }                          \
  }

// NONLIN_STREAM_MIN_BYTES: for functors that run at memory speed (relu,
// leaky_relu, relu6, hardsigmoid, hardswish; with AVX-512, whose float
// vector is a whole cache line, also the default and fast tiers in float),
// in float and in the 16-bit storage paths whose math runs in float (float,
// or bf16/f16 with AVX2 + F16C or AVX-512),
// nonlin::apply writes an output of at least this many bytes with
// non-temporal (streaming) stores on x86, as memcpy does for copies larger
// than the caches: the output does not evict the caches' other contents and
// costs no read of its lines. Smaller outputs, and the compute-bound precise
// tier, use plain stores.
// Default 32 MiB; 0 streams every output of two vectors or more, SIZE_MAX
// never streams. Results are the same bits either way. Like every nonlin
// macro it must have one value across a program's translation units.
#ifndef NONLIN_STREAM_MIN_BYTES
#define NONLIN_STREAM_MIN_BYTES (std::size_t(32) << 20)
#endif

// NONLIN_DISPATCH_X86: how the nonlin::dispatch library (src/, src/README.md)
// is built. 1: one kernel table per x86-64 level (sse2, avx2, avx512, each
// from src/dispatch_isa.cpp compiled with its own -march), chosen at run time
// from CPUID; 0: one table, compiled with the library's flags (other
// architectures and compilers). Default: 1 with GCC or Clang on x86-64. Read
// by the library's sources only; its build must compile the tables it names.
#ifndef NONLIN_DISPATCH_X86
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define NONLIN_DISPATCH_X86 1
#else
#define NONLIN_DISPATCH_X86 0
#endif
#endif

// NONLIN_ASSERT(cond, msg): checks a documented precondition. Active unless
// NDEBUG is defined (i.e. in debug builds), like assert().
#ifndef NONLIN_ASSERT
#include <cassert>
#define NONLIN_ASSERT(cond, msg) assert((cond) && msg)
#endif

// NONLIN_INLINE: how the small kernels are marked. Forced inlining keeps the
// generic math inside each caller's loop, where it vectorizes.
#ifndef NONLIN_INLINE
#if defined(__GNUC__) || defined(__clang__)
#define NONLIN_INLINE inline __attribute__((always_inline))
#elif defined(_MSC_VER)
#define NONLIN_INLINE __forceinline
#else
#define NONLIN_INLINE inline
#endif

// NONLIN_COLD: how the rarely taken paths of a hot loop are marked (not
// inlined into it, laid out apart from it).
#ifndef NONLIN_COLD
#if defined(__GNUC__) || defined(__clang__)
#define NONLIN_COLD inline __attribute__((noinline, cold))
#elif defined(_MSC_VER)
#define NONLIN_COLD inline __declspec(noinline)
#else
#define NONLIN_COLD inline
#endif
#endif
#endif

// NONLIN_FLATTEN: how the float bulk loops are marked under GCC: every call
// in them inlined (except noinline ones: NONLIN_COLD, NONLIN_NOINLINE), so
// that a translation unit which instantiates many kernels -- past GCC's
// unit-growth limit -- still gets each kernel inside its loop, not called
// once per vector with its constants reloaded. Scalar call sites are not
// affected. Clang inlines the kernels there already.
#ifndef NONLIN_FLATTEN
#if defined(__GNUC__) && !defined(__clang__)
#define NONLIN_FLATTEN __attribute__((flatten))
#else
#define NONLIN_FLATTEN
#endif
#endif

// NONLIN_NOINLINE: a path taken at most twice per call (a loop's partial
// vectors), kept out of the flattened loops; and for_each_function's call
// per functor (function_list.hpp).
#ifndef NONLIN_NOINLINE
#if defined(__GNUC__) || defined(__clang__)
#define NONLIN_NOINLINE inline __attribute__((noinline))
#elif defined(_MSC_VER)
#define NONLIN_NOINLINE inline __declspec(noinline)
#else
#define NONLIN_NOINLINE inline
#endif
#endif

// NONLIN_INLINE_LAMBDA: the same for the kernel lambdas the functors hand to
// detail::eval. GCC 12 for aarch64 otherwise calls them out of line, once per
// vector, with every constant reloaded; the other compilers and targets
// inline them already. (Forcing it on x86 too made GCC 12 compile a test
// program 2.1x slower; where GCC's unit-growth limit stops it on x86 -- one
// translation unit instantiating many kernels -- the float bulk loops are
// flattened instead (NONLIN_FLATTEN), and src/CMakeLists.txt raises the
// limit for nonlin::dispatch's table objects.)
#ifndef NONLIN_INLINE_LAMBDA
#if defined(__GNUC__) && !defined(__clang__) && defined(__aarch64__)
#define NONLIN_INLINE_LAMBDA __attribute__((always_inline))
#else
#define NONLIN_INLINE_LAMBDA
#endif
#endif

#endif  // NONLIN_CONFIG_HPP
