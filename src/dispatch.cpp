// nonlin::dispatch: which kernel table this process runs (dispatch.hpp,
// select_table). With NONLIN_DISPATCH_X86 the library holds the tables of
// the x86-64 levels -- sse2 (x86-64), avx2 (x86-64-v3), avx512 (x86-64-v4)
// -- and this file, compiled for the baseline, picks the widest one the CPU
// and the OS support, capped by the environment variable NONLIN_ISA.
// Otherwise it holds the one table compiled with its own flags.
//
// NONLIN_DISPATCH_HAS_AVX2, NONLIN_DISPATCH_HAS_AVX512 (default 1): whether
// the library holds those tables (CMake: NONLIN_DISPATCH_ISAS; the sse2 one
// is always there). A level whose table is missing runs the widest table
// below it.
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "nonlin/dispatch.hpp"

#if NONLIN_DISPATCH_X86
#include <cpuid.h>
#endif

namespace nonlin {
namespace dispatch {
namespace detail {

#if NONLIN_DISPATCH_X86

#ifndef NONLIN_DISPATCH_HAS_AVX2
#define NONLIN_DISPATCH_HAS_AVX2 1
#endif
#ifndef NONLIN_DISPATCH_HAS_AVX512
#define NONLIN_DISPATCH_HAS_AVX512 1
#endif

template <>
const table& isa_table<isa::sse2>() noexcept;
#if NONLIN_DISPATCH_HAS_AVX2
template <>
const table& isa_table<isa::avx2>() noexcept;
#endif
#if NONLIN_DISPATCH_HAS_AVX512
template <>
const table& isa_table<isa::avx512>() noexcept;
#endif

namespace {

// The x86-64 levels, in order.
enum class level { v1, v3, v4 };

constexpr bool bit(unsigned reg, unsigned i) noexcept { return ((reg >> i) & 1u) != 0; }

// XCR0: the register state the OS saves on a context switch (XGETBV 0).
// Read with the instruction's bytes, as it needs no -mxsave.
std::uint64_t xcr0() noexcept {
  unsigned lo = 0, hi = 0;
  __asm__ volatile(".byte 0x0f, 0x01, 0xd0" : "=a"(lo), "=d"(hi) : "c"(0u));
  return (std::uint64_t(hi) << 32) | lo;
}

// The widest level whose every feature the CPU has and whose registers the
// OS saves. Each level's feature list is what -march=x86-64-vN lets the
// compiler use.
level cpu_level() noexcept {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (__get_cpuid(1, &a, &b, &c, &d) == 0) return level::v1;
  const unsigned c1 = c;
  if (__get_cpuid(0x80000001u, &a, &b, &c, &d) == 0) return level::v1;
  const unsigned c81 = c;
  if (__get_cpuid_count(7, 0, &a, &b, &c, &d) == 0) return level::v1;
  const unsigned b7 = b;
  // x86-64-v2: SSE3, SSSE3, SSE4.1, SSE4.2, POPCNT, CMPXCHG16B, LAHF-SAHF.
  const bool v2 = bit(c1, 0) && bit(c1, 9) && bit(c1, 19) && bit(c1, 20) && bit(c1, 23) && bit(c1, 13) &&
                  bit(c81, 0);
  // x86-64-v3: AVX, AVX2, FMA, F16C, MOVBE, XSAVE, BMI1, BMI2, LZCNT; the
  // OS saves XMM and YMM state (OSXSAVE, XCR0 bits 1-2).
  const bool osxsave = bit(c1, 27);
  const bool v3 = v2 && osxsave && bit(c1, 28) && bit(c1, 12) && bit(c1, 29) && bit(c1, 22) && bit(c1, 26) &&
                  bit(b7, 5) && bit(b7, 3) && bit(b7, 8) && bit(c81, 5) && (xcr0() & 0x6u) == 0x6u;
  if (!v3) return level::v1;
  // x86-64-v4: AVX-512 F, DQ, CD, BW, VL; the OS saves the opmask and ZMM
  // state too (XCR0 bits 5-7).
  const bool v4 = bit(b7, 16) && bit(b7, 17) && bit(b7, 28) && bit(b7, 30) && bit(b7, 31) &&
                  (xcr0() & 0xe6u) == 0xe6u;
  return v4 ? level::v4 : level::v3;
}

// The cap NONLIN_ISA sets: the level it names, v4 when unset or unknown.
level requested_level() noexcept {
  const char* e = std::getenv("NONLIN_ISA");
  if (e == nullptr) return level::v4;
  if (std::strcmp(e, "sse2") == 0) return level::v1;
  if (std::strcmp(e, "avx2") == 0) return level::v3;
  return level::v4;
}

const table& choose() noexcept {
  const level cpu = cpu_level();
  const level cap = requested_level();
  const level l = static_cast<int>(cap) < static_cast<int>(cpu) ? cap : cpu;
  // (The widest table at or below l.)
  (void)l;  // (unread when the library holds the sse2 table only)
#if NONLIN_DISPATCH_HAS_AVX512
  if (l == level::v4) return isa_table<isa::avx512>();
#endif
#if NONLIN_DISPATCH_HAS_AVX2
  if (l != level::v1) return isa_table<isa::avx2>();
#endif
  return isa_table<isa::sse2>();
}

}  // namespace

#else  // one table, compiled with this file's flags

template <>
const table& isa_table<isa::NONLIN_ISA>() noexcept;

namespace {
const table& choose() noexcept { return isa_table<isa::NONLIN_ISA>(); }
}  // namespace

#endif

const table& select_table() noexcept {
  static const table& t = choose();
  return t;
}

}  // namespace detail
}  // namespace dispatch
}  // namespace nonlin
