// Consumer test program: shared by every consumer in tests/package. It only
// needs <nonlin/nonlin.hpp>; returns nonzero when a value is off.
#include <nonlin/nonlin.hpp>

#include <cmath>
#include <cstddef>
#include <cstdio>

// What the build expected the headers to select (see consumer.cmake).
#if defined(NONLIN_EXPECT_XSIMD)
#if NONLIN_EXPECT_XSIMD != NONLIN_USE_XSIMD
#error "NONLIN_USE_XSIMD is not what this build selected"
#endif
#if NONLIN_EXPECT_XSIMD && defined(NONLIN_EXPECT_XSIMD_MAJOR)
static_assert(XSIMD_VERSION_MAJOR == NONLIN_EXPECT_XSIMD_MAJOR &&
                  XSIMD_VERSION_MINOR == NONLIN_EXPECT_XSIMD_MINOR,
              "the headers picked up a different xsimd than the build selected");
#endif
#endif

namespace {

int failures = 0;

void check(const char* what, float got, double want) {
  const double tolerance = 1e-3 * (1.0 + std::fabs(want));
  if (!(std::fabs(static_cast<double>(got) - want) <= tolerance)) {
    std::printf("FAIL %s = %.7g, expected %.7g\n", what, static_cast<double>(got), want);
    ++failures;
  }
}

}  // namespace

int main() {
  check("gelu(1)", nonlin::gelu{}(1.0f), 0.8413447460685429);
  check("silu(1)", nonlin::silu{}(1.0f), 0.7310585786300049);

  // An odd length, so that both the vector body and the tail run.
  constexpr std::size_t n = 37;
  float in[n];
  float out[n];
  for (std::size_t i = 0; i < n; ++i) {
    in[i] = -4.5f + 0.25f * static_cast<float>(i);
    out[i] = -1.0f;
  }
  nonlin::apply(nonlin::silu{}, in, out, n);
  for (std::size_t i = 0; i < n; ++i) {
    const double x = in[i];
    check("apply(silu)", out[i], x / (1.0 + std::exp(-x)));
  }

#if NONLIN_USE_XSIMD
  std::printf("nonlin %d.%d.%d consumer, SIMD path: xsimd %d.%d.%d\n", NONLIN_VERSION_MAJOR,
              NONLIN_VERSION_MINOR, NONLIN_VERSION_PATCH, XSIMD_VERSION_MAJOR,
              XSIMD_VERSION_MINOR, XSIMD_VERSION_PATCH);
#else
  std::printf("nonlin %d.%d.%d consumer, SIMD path: portable scalar\n", NONLIN_VERSION_MAJOR,
              NONLIN_VERSION_MINOR, NONLIN_VERSION_PATCH);
#endif
  if (failures != 0) {
    std::printf("%d check(s) failed\n", failures);
    return 1;
  }
  return 0;
}
