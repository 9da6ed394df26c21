// subnormal_probe: what one vector operation costs on this CPU when an
// operand or the result is subnormal, against the same operation on normal
// values -- the figures behind nonlin::detail::subnormals_full_speed
// (include/nonlin/detail/ops.hpp), which lets the fast tier skip its split
// route for subnormal results on CPUs that take no slow path for them.
//
//   g++ -O2 -std=c++17 -mavx512f -mfma benchmarks/subnormal_probe.cpp -o subnormal_probe
//   ./subnormal_probe
//
// Each row times 8 independent chains of the operation (its inputs laundered
// through an empty asm so that nothing is hoisted), 2^20 iterations, the
// best of 7 runs, and prints ns per iteration with normal and with subnormal
// data and their ratio. x86-64 with AVX-512F only (zmm and ymm forms).
#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>

namespace {

volatile float g_sink;

template <class V, class Op>
double time_op(V a, V b, Op op) {
  constexpr int kIter = 1 << 20;
  double best = 1e30;
  for (int run = 0; run < 7; ++run) {
    V acc[8];
    for (auto& v : acc) v = a;
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < kIter; ++i) {
      asm volatile("" : "+v"(a), "+v"(b));
      for (auto& v : acc) v = op(v, a, b);
    }
    const auto t1 = std::chrono::steady_clock::now();
    float s[sizeof(V) / sizeof(float)];
    std::memcpy(s, &acc[7], sizeof s);
    g_sink = s[0];
    best = std::min(best, std::chrono::duration<double, std::nano>(t1 - t0).count() / kIter);
  }
  return best;
}

template <class V, class Op>
void row(const char* name, V a_normal, V b_normal, V a_sub, V b_sub, Op op) {
  const double tn = time_op(a_normal, b_normal, op);
  const double ts = time_op(a_sub, b_sub, op);
  std::printf("| %-44s | %6.2f | %6.2f | %5.2fx |\n", name, tn, ts, ts / tn);
}

}  // namespace

int main() {
  // Each row: acc = max(acc, op(a, b)) over 8 accumulators; the operation
  // itself is on no loop-carried chain, so its throughput is what shows.
  // (Zero-masked max and scalef: GCC 12 warns about the unmasked forms, as
  // in ops.hpp.)
  const __m512 one = _mm512_set1_ps(1.0f), two = _mm512_set1_ps(2.0f);
  const __m512 sub = _mm512_set1_ps(1e-40f), tiny = _mm512_set1_ps(1e-20f);
  const __m512 big = _mm512_set1_ps(1099511627776.0f);  // 2^40
  const __m512 n_normal = _mm512_set1_ps(-3.0f), n_sub = _mm512_set1_ps(-130.0f);
  std::printf("| operation (16 floats unless noted) | normal ns | subnormal ns | ratio |\n|---|---:|---:|---:|\n");
  row("vaddps: subnormal operand", one, one, sub, one,
      [](__m512 acc, __m512 a, __m512 b) { return _mm512_maskz_max_ps(__mmask16(0xFFFF), acc, _mm512_add_ps(a, b)); });
  row("vmulps: subnormal operand, subnormal result", one, one, sub, one,
      [](__m512 acc, __m512 a, __m512 b) { return _mm512_maskz_max_ps(__mmask16(0xFFFF), acc, _mm512_mul_ps(a, b)); });
  row("vmulps: normal operands, subnormal result", one, one, tiny, tiny,
      [](__m512 acc, __m512 a, __m512 b) { return _mm512_maskz_max_ps(__mmask16(0xFFFF), acc, _mm512_mul_ps(a, b)); });
  row("vmulps: subnormal operand, normal result", one, big, sub, big,
      [](__m512 acc, __m512 a, __m512 b) { return _mm512_maskz_max_ps(__mmask16(0xFFFF), acc, _mm512_mul_ps(a, b)); });
  row("vfmadd (a*b - 0): normal operands, subnormal result", one, one, tiny, tiny,
      [](__m512 acc, __m512 a, __m512 b) {
        return _mm512_maskz_max_ps(__mmask16(0xFFFF), acc, _mm512_fmadd_ps(a, b, _mm512_set1_ps(-0.0f)));
      });
  row("vfmadd (a*b - 0): subnormal operand and result", one, one, sub, one,
      [](__m512 acc, __m512 a, __m512 b) {
        return _mm512_maskz_max_ps(__mmask16(0xFFFF), acc, _mm512_fmadd_ps(a, b, _mm512_set1_ps(-0.0f)));
      });
  row("vfmadd (a*2^40 + 1): subnormal operand", one, big, sub, big,
      [one](__m512 acc, __m512 a, __m512 b) { return _mm512_maskz_max_ps(__mmask16(0xFFFF), acc, _mm512_fmadd_ps(a, b, one)); });
  row("vscalefps: subnormal result", two, n_normal, two, n_sub,
      [](__m512 acc, __m512 a, __m512 b) { return _mm512_maskz_max_ps(__mmask16(0xFFFF), acc, _mm512_maskz_scalef_ps(__mmask16(0xFFFF), a, b)); });
  const __m256 one8 = _mm256_set1_ps(1.0f), sub8 = _mm256_set1_ps(1e-40f), tiny8 = _mm256_set1_ps(1e-20f);
  row("vmulps ymm: normal operands, subnormal result", one8, one8, tiny8, tiny8,
      [](__m256 acc, __m256 a, __m256 b) { return _mm256_max_ps(acc, _mm256_mul_ps(a, b)); });
  row("vfmadd ymm (a*b - 0): normal operands, subnormal result", one8, one8, tiny8, tiny8,
      [](__m256 acc, __m256 a, __m256 b) {
        return _mm256_max_ps(acc, _mm256_fmadd_ps(a, b, _mm256_set1_ps(-0.0f)));
      });
  row("vaddps ymm: subnormal operand", one8, one8, sub8, one8,
      [](__m256 acc, __m256 a, __m256 b) { return _mm256_max_ps(acc, _mm256_add_ps(a, b)); });
  // Division (the fast tier's quotient() without AVX-512; its plain route
  // would divide subnormal numerators by normal denominators).
  const __m256 two8 = _mm256_set1_ps(2.0f), huge8 = _mm256_set1_ps(1e20f);
  row("vdivps ymm: subnormal numerator and result", one8, two8, sub8, two8,
      [](__m256 acc, __m256 a, __m256 b) { return _mm256_max_ps(acc, _mm256_div_ps(a, b)); });
  row("vdivps ymm: normal operands, subnormal result", one8, two8, tiny8, huge8,
      [](__m256 acc, __m256 a, __m256 b) { return _mm256_max_ps(acc, _mm256_div_ps(a, b)); });
  row("vdivps ymm: subnormal numerator, normal result", one8, two8, sub8, tiny8,
      [](__m256 acc, __m256 a, __m256 b) { return _mm256_max_ps(acc, _mm256_div_ps(a, b)); });
  row("vdivps: subnormal numerator and result", one, two, sub, two,
      [](__m512 acc, __m512 a, __m512 b) { return _mm512_maskz_max_ps(__mmask16(0xFFFF), acc, _mm512_div_ps(a, b)); });
  return 0;
}
