// The 16-bit rounding references shared by tests/test_half.cpp and
// tests/sweep/half_gated.cpp: the bf16 and f16 formats decoded by their
// definition, the neighbours of a pattern, the correctly rounded pattern of
// an exact value given in the spec's wide type (round_exact) and the
// analytic rules for the values the wide type cannot place on either side
// of a midpoint (resolve).
//
// Internal linkage (an unnamed namespace), as tests/spec.hpp.
#ifndef NONLIN_TESTS_HALF_REF_HPP
#define NONLIN_TESTS_HALF_REF_HPP

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "spec.hpp"

namespace {
namespace nonlin_half_ref {

using nonlin::bf16;
using nonlin::f16;
using W = nonlin_spec::wide;

// ------------------------------------------------------------ formats --

template <class H>
struct fmt;
template <>
struct fmt<bf16> {
  static constexpr const char* name = "bf16";
  static constexpr int frac = 7, emin = -126;   // normal exponent range from 2^-126
  static constexpr double overflow = 0x1.FFp127;  // the midpoint max | 2^128
};
template <>
struct fmt<f16> {
  static constexpr const char* name = "f16";
  static constexpr int frac = 10, emin = -14;
  static constexpr double overflow = 65520.0;
};

// The value of a 16-bit pattern from the format's definition.
template <class H>
double decode(std::uint16_t h) {
  constexpr int F = fmt<H>::frac;
  constexpr int ebits = 15 - F, bias = (1 << (ebits - 1)) - 1;
  const int s = h >> 15, e = (h >> F) & ((1 << ebits) - 1), m = h & ((1 << F) - 1);
  double v;
  if (e == (1 << ebits) - 1) v = m ? std::nan("") : INFINITY;
  else if (e == 0) v = std::ldexp(double(m), 1 - bias - F);
  else v = std::ldexp(double((1 << F) + m), e - bias - F);
  return s ? -v : v;
}

// The same, from a table built with it once.
template <class H>
double dec(std::uint16_t h) {
  static const std::vector<double> table = [] {
    std::vector<double> t(65536);
    for (std::uint32_t i = 0; i < 65536; ++i) t[i] = decode<H>(std::uint16_t(i));
    return t;
  }();
  return table[h];
}

template <class H>
bool is_nan16(std::uint16_t h) {
  return std::isnan(decode<H>(h));
}

// Neighbours of a 16-bit pattern in value order (finite patterns; +-0
// step to the smallest subnormal of the other sign).
inline std::uint16_t next_up(std::uint16_t h) {
  if (h == 0x8000) return 0x0001;
  return (h & 0x8000) ? std::uint16_t(h - 1) : std::uint16_t(h + 1);
}
inline std::uint16_t next_down(std::uint16_t h) {
  if (h == 0x0000) return 0x8001;
  return (h & 0x8000) ? std::uint16_t(h + 1) : std::uint16_t(h - 1);
}

// ------------------------------------------------ correctly rounded values --

// The 16-bit rounding of the exact value r: the correctly rounded pattern,
// and the two neighbours lo <= r <= hi. undecided: r is so close to a
// midpoint that the reference's precision cannot tell the side.
struct rounding {
  std::uint16_t cr, lo, hi;
  bool undecided;
  bool tie = false;  // r is exactly a midpoint (cr: the even neighbour)
};

#if NONLIN_TEST_HAVE_QUADMATH
constexpr int kRefDigits = 113;
#else
constexpr int kRefDigits = std::numeric_limits<long double>::digits;
#endif

// exact_ties: the function is piecewise rational (leaky_relu, hardsigmoid,
// hardswish, the products of the gated forms excepted), so a reference
// exactly on a midpoint is a tie; for the others no finite non-zero input
// gives one, and it means the reference ran out of precision.
template <class H>
rounding round_exact(W r, bool exact_ties) {
  const std::uint16_t inf = std::is_same<H, bf16>::value ? 0x7F80 : 0x7C00;
  const std::uint16_t maxf = std::uint16_t(inf - 1);
  const bool neg = r < 0;
  const W a = neg ? -r : r;
  const std::uint16_t sgn = neg ? 0x8000 : 0;
  if (a >= W(fmt<H>::overflow)) {
    // At the overflow threshold itself: a midpoint (ties to even: inf).
    const std::uint16_t i = std::uint16_t(inf | sgn), m = std::uint16_t(maxf | sgn);
    const bool mid = a == W(fmt<H>::overflow);
    return {i, neg ? i : m, neg ? m : i, mid, mid && exact_ties};
  }
  if (a > W(dec<H>(maxf))) {  // between the largest finite value and the overflow midpoint
    const std::uint16_t i = std::uint16_t(inf | sgn), m = std::uint16_t(maxf | sgn);
    return {m, neg ? i : m, neg ? m : i, false};
  }
  const float rf = static_cast<float>(r);
  const std::uint16_t c0 = H(rf).bits;
  std::uint16_t cand[3] = {next_down(c0), c0, next_up(c0)};
  std::uint16_t lo = 0, hi = 0;
  bool have_lo = false, have_hi = false;
  for (std::uint16_t c : cand) {
    const double v = dec<H>(c);
    if (std::isinf(v)) continue;
    if (W(v) <= r && (!have_lo || v > dec<H>(lo))) lo = c, have_lo = true;
    if (W(v) >= r && (!have_hi || v < dec<H>(hi))) hi = c, have_hi = true;
  }
  if (!have_hi) hi = std::uint16_t(inf | sgn);  // r between max and the overflow threshold
  if (!have_lo || !have_hi) return {lo, lo, hi, false};
  if (lo == hi) return {lo, lo, hi, false};
  const W dl = r - W(dec<H>(lo)), dh = W(dec<H>(hi)) - r;
  // The reference is good to a few units of its last place; dl + dh is
  // one 16-bit step, at least 2^-11 of |r|.
  const W t = (dl + dh) * W(std::ldexp(1.0, -(kRefDigits - 20)));
  const W diff = dl > dh ? dl - dh : dh - dl;
  if (diff <= t) {
    // A tie as far as r tells: undecided, unless the function is
    // piecewise rational and r exactly a midpoint, and the analytic rules
    // (resolve) do not apply: then a true tie, to even.
    const std::uint16_t even = (lo & 1) == 0 ? lo : hi;
    return {even, lo, hi, true, diff == 0 && exact_ties};
  }
  return {dl < dh ? lo : hi, lo, hi, false};
}

// Where the reference cannot tell the side of a midpoint, the analytic
// rules do (act at the float x, up = 1 for the unary functions; the side is
// that of the next term of act times the sign of up):
//  tanh: x - x^3/3 for |x| < 2^-20; +-(1 - 2 e^-2|x|) where act is +-1 to
//        the reference's precision: toward zero;
//  sigmoid: 1/2 exactly at x = 0 (a true tie); 1/2 + x/4 for |x| < 2^-40;
//        1 - e^-x where act is 1 to the reference's precision;
//  silu, swish, gelu, gelu_tanh, hardswish: x/2 + c x^2 (c > 0) for
//        |x| < 2^-40; x (1 - T) where act is x to the reference's precision.
template <class H>
bool resolve(rounding& r, nonlin::detail::family fam, double x, double up, W act) {
  using nonlin::detail::family;
  const auto near = [act](double v) {
    const W d = act - W(v);
    return (d < 0 ? -d : d) <= W(std::fabs(v)) * W(0x1p-90);
  };
  const bool xp = fam == family::silu || fam == family::swish || fam == family::gelu || fam == family::gelu_tanh;
  int side = 0;  // +1: the exact value is above r, -1: below
  const int su = up > 0 ? 1 : -1, sx = x > 0 ? 1 : -1;
  if (fam == family::tanh) {
    if ((x != 0 && std::fabs(x) < 0x1p-20) || near(sx)) side = -sx * su;
  } else if (fam == family::sigmoid) {
    if (x == 0) return r.cr = (r.lo & 1) == 0 ? r.lo : r.hi, true;  // a true tie
    if (std::fabs(x) < 0x1p-40) side = sx * su;
    else if (x > 0 && near(1.0)) side = -su;
  } else if (xp || fam == family::hardswish) {
    if (x != 0 && std::fabs(x) < 0x1p-40) side = su;
    else if (xp && x > 0 && near(x)) side = -su;
  }
  if (side == 0) return false;
  r.cr = side > 0 ? r.hi : r.lo;
  return true;
}

// The same 16-bit value, or both NaN (nonlin promises NaN, not a payload).
template <class H>
bool same16(std::uint16_t a, std::uint16_t b) {
  return a == b || (is_nan16<H>(a) && is_nan16<H>(b));
}

inline std::string show16(std::uint16_t h, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "0x%04x (%a)", unsigned(h), v);
  return buf;
}

// Distance between two patterns in 16-bit steps (same sign side).
inline int steps(std::uint16_t a, std::uint16_t b) {
  auto ord = [](std::uint16_t h) { return (h & 0x8000) ? -int(h & 0x7FFF) : int(h); };
  return std::abs(ord(a) - ord(b));
}


}  // namespace nonlin_half_ref
}  // namespace

#endif  // NONLIN_TESTS_HALF_REF_HPP
