// XNNPACK held to the instruction set this binary was built for.
//
// XNNPACK chooses its micro-kernels once, in xnn_initialize, from cpuinfo's
// flags of the CPU it runs on, not from how the caller was compiled. This
// project measures "an AVX2 machine" as an AVX2 build (-march=x86-64-v3)
// run on whatever CPU it has; on an AVX-512 CPU XNNPACK would then run its
// AVX-512 kernels against nonlin's AVX2 ones (oneDNN is held back the same
// way by ONEDNN_MAX_CPU_ISA, the others are compiled for the build's ISA).
// With cpuinfo.h (Debian: libcpuinfo-dev; NONLIN_BENCH_XNNPACK_CPUINFO),
// hold_xnnpack_to_build_isa() clears in cpuinfo's table the x86 flags of
// the extensions the build was compiled without -- every AVX-512 one
// without __AVX512F__, AVX2 and FMA without __AVX2__, AVX without __AVX__ --
// before the caller's xnn_initialize: XNNPACK then picks the kernels a CPU
// with the build's extensions would get. It returns a phrase for the
// report's peer line saying what it did.
#ifndef NONLIN_BENCH_XNNPACK_ISA_HPP
#define NONLIN_BENCH_XNNPACK_ISA_HPP

#include <initializer_list>
#include <string>

#if NONLIN_BENCH_XNNPACK_CPUINFO
#include <cpuinfo.h>
#endif

namespace nonlin_bench {

#if defined(__x86_64__) || defined(__i386__)
#if defined(__AVX512F__)
constexpr bool kBuildAvx512 = true;
#else
constexpr bool kBuildAvx512 = false;
#endif
#if defined(__AVX2__)
constexpr bool kBuildAvx2 = true;
#else
constexpr bool kBuildAvx2 = false;
#endif
#if defined(__AVX__)
constexpr bool kBuildAvx = true;
#else
constexpr bool kBuildAvx = false;
#endif
#endif

inline std::string hold_xnnpack_to_build_isa() {
#if defined(__x86_64__) || defined(__i386__)
#if NONLIN_BENCH_XNNPACK_CPUINFO
  if (!cpuinfo_initialize()) return "cpuinfo_initialize failed: its kernels for this CPU";
  // The flags of one group of extensions cleared; true if the CPU had any.
  auto clear = [](std::initializer_list<bool*> flags) {
    bool any = false;
    for (bool* f : flags) {
      any = any || *f;
      *f = false;
    }
    return any;
  };
  auto& i = cpuinfo_isa;
  std::string cleared;
  if (!kBuildAvx512 &&
      clear({&i.avx512f, &i.avx512pf, &i.avx512er, &i.avx512cd, &i.avx512dq, &i.avx512bw, &i.avx512vl,
             &i.avx512ifma, &i.avx512vbmi, &i.avx512vbmi2, &i.avx512bitalg, &i.avx512vpopcntdq, &i.avx512vnni,
             &i.avx512bf16, &i.avx512vp2intersect, &i.avx512_4vnniw, &i.avx512_4fmaps}))
    cleared += " AVX-512";
  if (!kBuildAvx2 && clear({&i.avx2, &i.fma3})) cleared += " AVX2 FMA";
  if (!kBuildAvx && clear({&i.avx})) cleared += " AVX";
  if (cleared.empty()) return "its kernels for this CPU (the build has its extensions)";
  return "held to this build's ISA (cpuinfo's flags of" + cleared + " cleared before xnn_initialize)";
#else
  // Without cpuinfo.h nothing can be held; say so where it matters.
  if (!kBuildAvx512 && __builtin_cpu_supports("avx512f"))
    return "NOT held to this build's ISA: its AVX-512 kernels on this CPU (install libcpuinfo-dev)";
  if (!kBuildAvx2 && __builtin_cpu_supports("avx2"))
    return "NOT held to this build's ISA: its AVX2 kernels on this CPU (install libcpuinfo-dev)";
  return "its kernels for this CPU";
#endif
#else
  return "its kernels for this CPU";
#endif
}

}  // namespace nonlin_bench

#endif  // NONLIN_BENCH_XNNPACK_ISA_HPP
