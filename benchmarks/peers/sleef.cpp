// nonlin_bench peer: the textbook formulas on SLEEF's vectorized expf, tanhf
// and erff (1.0-ULP "u10" variants), at the widest vector width this build
// targets: AVX-512F (Sleef_*f16_u10avx512f), AVX2 (Sleef_*f8_u10avx2), AVX
// (Sleef_*f8_u10avx), SSE4.1 (Sleef_*f4_u10sse4), SSE2 (Sleef_*f4_u10sse2).
//
//   tanh       tanhf(x)                     sigmoid    1 / (1 + expf(-x))
//   gelu       0.5 x (1 + erff(x/sqrt2))    gelu_tanh  0.5 x (1 + tanhf(sqrt(2/pi) (x + 0.044715 x^3)))
//   silu       x / (1 + expf(-x))           swish      x / (1 + expf(-beta x))
//   gated      act(gate) * up
// relu and leaky_relu call no SLEEF function and are not benchmarked here.
// The tail after the last full vector goes through one zero-padded vector.
#include "../bench_common.hpp"

#include <sleef.h>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include <cstring>
#include <string>
#include <type_traits>

#include <nonlin/nonlin.hpp>

namespace nonlin_bench {
namespace {

#if defined(__AVX512F__)
struct isa {
  static constexpr const char* name = "avx512f, 16 floats";
  static constexpr std::size_t W = 16;
  using V = __m512;
  static V load(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, V v) { _mm512_storeu_ps(p, v); }
  static V set1(float a) { return _mm512_set1_ps(a); }
  static V add(V a, V b) { return _mm512_add_ps(a, b); }
  static V sub(V a, V b) { return _mm512_sub_ps(a, b); }
  static V mul(V a, V b) { return _mm512_mul_ps(a, b); }
  static V div(V a, V b) { return _mm512_div_ps(a, b); }
  static V exp(V x) { return Sleef_expf16_u10avx512f(x); }
  static V tanh(V x) { return Sleef_tanhf16_u10avx512f(x); }
  static V erf(V x) { return Sleef_erff16_u10avx512f(x); }
};
#elif defined(__AVX__)
struct isa {
#if defined(__AVX2__) && defined(__FMA__)
  static constexpr const char* name = "avx2, 8 floats";
#else
  static constexpr const char* name = "avx, 8 floats";
#endif
  static constexpr std::size_t W = 8;
  using V = __m256;
  static V load(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, V v) { _mm256_storeu_ps(p, v); }
  static V set1(float a) { return _mm256_set1_ps(a); }
  static V add(V a, V b) { return _mm256_add_ps(a, b); }
  static V sub(V a, V b) { return _mm256_sub_ps(a, b); }
  static V mul(V a, V b) { return _mm256_mul_ps(a, b); }
  static V div(V a, V b) { return _mm256_div_ps(a, b); }
#if defined(__AVX2__) && defined(__FMA__)
  static V exp(V x) { return Sleef_expf8_u10avx2(x); }
  static V tanh(V x) { return Sleef_tanhf8_u10avx2(x); }
  static V erf(V x) { return Sleef_erff8_u10avx2(x); }
#else
  static V exp(V x) { return Sleef_expf8_u10avx(x); }
  static V tanh(V x) { return Sleef_tanhf8_u10avx(x); }
  static V erf(V x) { return Sleef_erff8_u10avx(x); }
#endif
};
#elif defined(__SSE2__)
struct isa {
#if defined(__SSE4_1__)
  static constexpr const char* name = "sse4, 4 floats";
#else
  static constexpr const char* name = "sse2, 4 floats";
#endif
  static constexpr std::size_t W = 4;
  using V = __m128;
  static V load(const float* p) { return _mm_loadu_ps(p); }
  static void store(float* p, V v) { _mm_storeu_ps(p, v); }
  static V set1(float a) { return _mm_set1_ps(a); }
  static V add(V a, V b) { return _mm_add_ps(a, b); }
  static V sub(V a, V b) { return _mm_sub_ps(a, b); }
  static V mul(V a, V b) { return _mm_mul_ps(a, b); }
  static V div(V a, V b) { return _mm_div_ps(a, b); }
#if defined(__SSE4_1__)
  static V exp(V x) { return Sleef_expf4_u10sse4(x); }
  static V tanh(V x) { return Sleef_tanhf4_u10sse4(x); }
  static V erf(V x) { return Sleef_erff4_u10sse4(x); }
#else
  static V exp(V x) { return Sleef_expf4_u10sse2(x); }
  static V tanh(V x) { return Sleef_tanhf4_u10sse2(x); }
  static V erf(V x) { return Sleef_erff4_u10sse2(x); }
#endif
};
#else
struct isa {  // scalar SLEEF
  static constexpr const char* name = "scalar";
  static constexpr std::size_t W = 1;
  using V = float;
  static V load(const float* p) { return *p; }
  static void store(float* p, V v) { *p = v; }
  static V set1(float a) { return a; }
  static V add(V a, V b) { return a + b; }
  static V sub(V a, V b) { return a - b; }
  static V mul(V a, V b) { return a * b; }
  static V div(V a, V b) { return a / b; }
  static V exp(V x) { return Sleef_expf_u10(x); }
  static V tanh(V x) { return Sleef_tanhf_u10(x); }
  static V erf(V x) { return Sleef_erff_u10(x); }
};
#endif

using V = isa::V;

constexpr float kSqrt1_2 = 0.7071067811865475244f;     // 1/sqrt(2)
constexpr float kSqrt2OverPi = 0.7978845608028653559f;  // sqrt(2/pi)

V sigmoid(V x) { return isa::div(isa::set1(1.0f), isa::add(isa::set1(1.0f), isa::exp(isa::sub(isa::set1(0.0f), x)))); }

V swish(V x, V beta) {
  return isa::div(x, isa::add(isa::set1(1.0f), isa::exp(isa::sub(isa::set1(0.0f), isa::mul(beta, x)))));
}

V gelu(V x) {
  return isa::mul(isa::mul(isa::set1(0.5f), x),
                  isa::add(isa::set1(1.0f), isa::erf(isa::mul(x, isa::set1(kSqrt1_2)))));
}

V gelu_tanh(V x) {
  const V x3 = isa::mul(isa::mul(x, x), x);
  const V u = isa::mul(isa::set1(kSqrt2OverPi), isa::add(x, isa::mul(isa::set1(0.044715f), x3)));
  return isa::mul(isa::mul(isa::set1(0.5f), x), isa::add(isa::set1(1.0f), isa::tanh(u)));
}

// Returns a callable V -> V for F, or false when SLEEF is not involved in F.
template <class F>
auto act(F const& f) {
  using std::is_same_v;
  if constexpr (is_same_v<F, nonlin::tanh>) {
    return [](V x) { return isa::tanh(x); };
  } else if constexpr (is_same_v<F, nonlin::sigmoid> || is_same_v<F, nonlin::glu>) {
    return [](V x) { return sigmoid(x); };
  } else if constexpr (is_same_v<F, nonlin::gelu> || is_same_v<F, nonlin::geglu>) {
    return [](V x) { return gelu(x); };
  } else if constexpr (is_same_v<F, nonlin::gelu_tanh> || is_same_v<F, nonlin::geglu_tanh>) {
    return [](V x) { return gelu_tanh(x); };
  } else if constexpr (is_same_v<F, nonlin::silu>) {
    return [](V x) { return isa::div(x, isa::add(isa::set1(1.0f), isa::exp(isa::sub(isa::set1(0.0f), x)))); };
  } else if constexpr (is_same_v<F, nonlin::swish> || is_same_v<F, nonlin::swiglu>) {
    const float beta = static_cast<float>(f.beta);
    return [beta](V x) { return swish(x, isa::set1(beta)); };
  } else {
    (void)f;
    return false;
  }
}

template <class A>
void unary_loop(A const& a, const float* in, float* out, std::size_t n) {
  constexpr std::size_t W = isa::W;
  std::size_t i = 0;
  for (; i + W <= n; i += W) isa::store(out + i, a(isa::load(in + i)));
  if (i < n) {
    float x[W] = {}, y[W];
    std::memcpy(x, in + i, (n - i) * sizeof(float));
    isa::store(y, a(isa::load(x)));
    std::memcpy(out + i, y, (n - i) * sizeof(float));
  }
}

template <class A>
void gated_loop(A const& a, const float* gate, const float* up, float* out, std::size_t n) {
  constexpr std::size_t W = isa::W;
  std::size_t i = 0;
  for (; i + W <= n; i += W) isa::store(out + i, isa::mul(a(isa::load(gate + i)), isa::load(up + i)));
  if (i < n) {
    float g[W] = {}, u[W] = {}, y[W];
    std::memcpy(g, gate + i, (n - i) * sizeof(float));
    std::memcpy(u, up + i, (n - i) * sizeof(float));
    isa::store(y, isa::mul(a(isa::load(g)), isa::load(u)));
    std::memcpy(out + i, y, (n - i) * sizeof(float));
  }
}

template <class F>
void add_unary(F const& f) {
  auto a = act(f);
  if constexpr (!std::is_same_v<decltype(a), bool>) {
    add_peer(F::name, "sleef", false, [a](std::size_t n) -> kernel {
      return [a, n](const float* in, float* out) { unary_loop(a, in, out, n); };
    });
  }
}

template <class G>
void add_gated(G const& g) {
  auto a = act(g);
  if constexpr (!std::is_same_v<decltype(a), bool>) {
    add_peer(G::name, "sleef", true, [a](std::size_t n) -> kernel {
      return [a, n](const float* in, float* out) { gated_loop(a, in, in + n, out, n); };
    });
  }
}

}  // namespace

void register_sleef() {
  peer_context().emplace_back("sleef", "SLEEF " + std::to_string(SLEEF_VERSION_MAJOR) + "." +
                                           std::to_string(SLEEF_VERSION_MINOR) + "." +
                                           std::to_string(SLEEF_VERSION_PATCHLEVEL) + ", u10, " + isa::name);
  nonlin::for_each_function(nonlin::unary_functions(), [](auto const& f) { add_unary(f); });
  nonlin::for_each_function(nonlin::gated_functions(), [](auto const& g) { add_gated(g); });
}

}  // namespace nonlin_bench
