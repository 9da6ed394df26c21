// Consumer test program for nonlin::dispatch: shared by the consumers in
// tests/package that link it. Returns nonzero when a value is off, when
// NONLIN_ISA=sse2 (on x86-64) is not obeyed, or when the active ISA is not
// one of the tables the consumer built (NONLIN_EXPECT_DISPATCH_ISAS).
#include <nonlin/dispatch.hpp>

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

int main() {
  constexpr std::size_t n = 37;
  float in[n], up[n], out[n], ref[n];
  for (std::size_t i = 0; i < n; ++i) {
    in[i] = -4.5f + 0.25f * static_cast<float>(i);
    up[i] = 0.5f;
  }
  int failures = 0;
  const auto close = [&](const char* what) {
    for (std::size_t i = 0; i < n; ++i) {
      if (!(std::fabs(out[i] - ref[i]) <= 1e-6f * (1.0f + std::fabs(ref[i])))) {
        std::printf("FAIL %s[%zu] = %.9g, expected %.9g\n", what, i, static_cast<double>(out[i]),
                    static_cast<double>(ref[i]));
        ++failures;
        return;
      }
    }
  };
  nonlin::dispatch::apply(nonlin::swish{1.702}, in, out, n);
  nonlin::apply(nonlin::swish{1.702}, in, ref, n);
  close("dispatch::apply(swish{1.702})");
  nonlin::dispatch::apply(nonlin::swiglu{}, in, up, out, n);
  nonlin::apply(nonlin::swiglu{}, in, up, ref, n);
  close("dispatch::apply(swiglu)");

  // 16-bit storage: float -> bf16, and back to float (bf16 -> float).
  nonlin::bf16 half[n];
  nonlin::dispatch::apply(nonlin::fast::gelu{}, in, half, n);
  for (std::size_t i = 0; i < n; ++i) in[i] = static_cast<float>(half[i]);
  nonlin::dispatch::apply(nonlin::precise::tanh{}, half, out, n);
  nonlin::apply(nonlin::precise::tanh{}, in, ref, n);
  close("dispatch::apply(precise::tanh, bf16 -> float)");

  // Packed rows [gate | up], two rows of 8.
  float packed[2 * 16];
  for (std::size_t i = 0; i < 32; ++i) packed[i] = -2.0f + 0.125f * static_cast<float>(i);
  nonlin::dispatch::apply_packed(nonlin::geglu{}, packed, out, 2, 8);
  nonlin::apply_packed(nonlin::geglu{}, packed, ref, 2, 8);
  for (std::size_t i = 16; i < n; ++i) out[i] = ref[i] = 0.0f;
  close("dispatch::apply_packed(geglu)");

  const char* isa = nonlin::dispatch::active_isa();
  std::printf("nonlin::dispatch consumer: active ISA %s\n", isa);
#if defined(__x86_64__) && defined(NONLIN_EXPECT_DISPATCH_ISAS)
  // One of the tables the consumer asked for (NONLIN_DISPATCH_ISAS).
  // (",list," holds ",isa,": as test_dispatch's table_built reads it.)
  const std::string list = std::string(",") + NONLIN_EXPECT_DISPATCH_ISAS + ",";
  if (list.find(std::string(",") + isa + ",") == std::string::npos) {
    std::printf("FAIL the active ISA %s is not one of NONLIN_DISPATCH_ISAS (%s)\n", isa, NONLIN_EXPECT_DISPATCH_ISAS);
    ++failures;
  }
#endif
#if defined(__x86_64__)
  const char* want = std::getenv("NONLIN_ISA");
  if (want != nullptr && std::strcmp(want, "sse2") == 0 && std::strcmp(isa, "sse2") != 0) {
    std::printf("FAIL NONLIN_ISA=sse2 but the active ISA is %s\n", isa);
    ++failures;
  }
#endif
  return failures == 0 ? 0 : 1;
}
