// Differential fuzz target (libFuzzer): arbitrary bytes become a call of one
// of nonlin's bulk kernels -- which function, float or double, which entry
// point (apply, gated apply with two inputs, apply_packed with either
// gate_half and padded row strides, or the contiguous overload), in place or
// not, the parameter (leaky_relu's alpha, swish's and swiglu's beta: the
// default, a table of hostile values, or any 64-bit pattern), the length,
// the start offsets and the input values themselves (fuzz_case.hpp has the
// layout). Every output is then checked:
//   * bit for bit against the scalar functor on the same input (NaN matches
//     NaN: nonlin promises NaN, not a payload);
//   * against the reference of its spec row (tests/spec.hpp: long double
//     for float, __float128 for double) within the bound the functor
//     documents (max_ulp_float / max_ulp_double, the ones the accuracy tests
//     use), with tests/common.hpp's ulp_error; a result past the overflow
//     threshold must be the infinity;
//   * bit for bit where the contract fixes the value (the row's special
//     values: NaN in -> NaN out, the limits at +-inf, signed zeros; its
//     parameter rules: swish with beta = 0 is x/2, NaN beta -> NaN, 0 * inf
//     -> NaN, ...; leaky_relu, relu, relu6 everywhere);
//   * gated functions: out = act(gate) * up with act(gate) the unary
//     functor's result, bit for bit (the product rounds once), and within
//     the composition bound where it holds (act(gate) normal or |up| <= 1);
//   * nothing outside the output elements is written: guard zones around the
//     output buffer, the gaps between strided output rows, and (in place)
//     every input element that is not an output keep their bits; the
//     inputs of an out-of-place call are left untouched. Each input buffer
//     is its own exact-size allocation, so AddressSanitizer reports any read
//     past its ends.
// A violation prints the function, the call, the input, the expected and
// actual values and the ULP error, then aborts (libFuzzer saves the input).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <sstream>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "canary.hpp"
#include "common.hpp"
#include "fuzz_case.hpp"
#include "spec.hpp"

namespace {

using nonlin_fuzz::Case;
using nonlin_fuzz::Entry;
using nonlin_fuzz::ParamMode;
using nonlin_test::same_bits;
using nonlin_test::show;

using nonlin_spec::bound_of;

const char* entry_name(Case const& c) {
  if (!c.gated()) return "apply(f, in, out, n)";
  switch (c.entry) {
    case Entry::two_inputs: return "apply(g, gate, up, out, n)";
    case Entry::packed_first: return "apply_packed(..., gate_half::first)";
    case Entry::packed_second: return "apply_packed(..., gate_half::second)";
    case Entry::packed_contiguous: return "apply_packed(g, in, out, rows, hidden)";
  }
  return "?";
}

// The functor with the case's parameter: the default, one of the row's
// hostile values, or any double.
template <class F>
F with_param(F const& f, Case const& c) {
  if constexpr (nonlin_spec::has_param<F>()) {
    if (c.param_mode == ParamMode::raw) return nonlin_spec::with_param(f, c.param);
    if (c.param_mode == ParamMode::table) {
      auto const& h = nonlin_spec::spec_of<F>::param::hostile;
      return nonlin_spec::with_param(f, h[c.param_index % (sizeof h / sizeof h[0])]);
    }
  }
  return f;
}

// ------------------------------------------------------------ reporting --

struct Report {
  std::string function;  // with its parameter
  std::string call;      // dtype, entry point, sizes
};

template <class T>
std::string show_wide(long double hi, long double lo) {
  std::ostringstream s;
  s.precision(std::numeric_limits<long double>::max_digits10);
  s << hi;
  if (lo != 0) s << " + " << lo;
  s << " (rounds to " << show(static_cast<T>(hi)) << ")";
  return s.str();
}

[[noreturn]] void fail(Report const& r, std::string const& what, std::string const& where, std::string const& input,
                       std::string const& expected, std::string const& actual, std::string const& ulp) {
  std::fprintf(stderr,
               "\nnonlin fuzz: FAILED: %s\n"
               "  function: %s\n"
               "  call:     %s\n"
               "  element:  %s\n"
               "  input:    %s\n"
               "  expected: %s\n"
               "  actual:   %s\n"
               "  ulp:      %s\n",
               what.c_str(), r.function.c_str(), r.call.c_str(), where.c_str(), input.c_str(), expected.c_str(),
               actual.c_str(), ulp.c_str());
  std::fflush(stderr);
  std::abort();
}

// ----------------------------------------------------------------- ulps --

// ulp_error (tests/common.hpp) with an infinite result measured as the
// power of two past the largest finite value (where IEEE rounding switches
// to infinity), so a result that overflowed next to a reference just below
// the threshold counts by its distance, not as infinitely wrong.
template <class T>
long double ulp_error_ovf(T actual, long double hi, long double lo) {
  if (std::isinf(actual) && std::isfinite(hi)) {
    const long double big = std::ldexp(1.0L, std::numeric_limits<T>::max_exponent);
    const long double a = std::signbit(actual) ? -big : big;
    return std::fabs((a - hi) - lo) / nonlin_test::ulp_of<T>(hi + lo);
  }
  return nonlin_test::ulp_error<T>(actual, hi, lo);
}

// y against the exact value ref (a finite real) within bound ULP: past the
// overflow threshold it must be the infinity of that sign; a zero must carry
// the sign of the exact value.
template <class T, class R>
void check_ulp(Report const& rep, std::string const& where, std::string const& input, R ref, T y, double bound) {
  long double hi, lo;
  nonlin_test::split(ref, hi, lo);
  const T rounded = static_cast<T>(hi);
  std::ostringstream u;
  if (std::isinf(rounded)) {
    if (!same_bits(y, rounded))
      fail(rep, "result past the overflow threshold is not the infinity", where, input, show_wide<T>(hi, lo), show(y),
           "-");
    return;
  }
  const long double err = ulp_error_ovf<T>(y, hi, lo);
  u << static_cast<double>(err) << " (bound " << bound << ")";
  if (!(err <= bound)) fail(rep, "error above the documented bound", where, input, show_wide<T>(hi, lo), show(y), u.str());
  if (hi == 0 ? !same_bits(y, rounded) : (y == 0 && std::signbit(y) != std::signbit(hi)))
    fail(rep, "zero of the wrong sign", where, input, show_wide<T>(hi, lo), show(y), u.str());
}

template <class T>
void expect_bits(Report const& rep, const char* rule, std::string const& where, std::string const& input, T expected,
                 T y) {
  if (!same_bits(y, expected)) fail(rep, rule, where, input, show(expected), show(y), "-");
}

// --------------------------------------------------- the unary contract --

// Checks y = f(x) against everything f documents. f's parameter has been
// rounded to T (nonlin holds it in double and rounds it once).
template <class F, class T>
void check_unary_value(F const& f, Report const& rep, std::string const& where, T x, T y) {
  using R = typename nonlin_spec::wide_of<T>::type;
  using S = nonlin_spec::spec_of<F>;
  const std::string input = "x = " + show(x);
  T fixed;
  if (nonlin_spec::fixed_value(f, x, fixed)) {
    expect_bits(rep, "the value the contract fixes (special values, parameter rules)", where, input, fixed, y);
    return;
  }
  if (std::isinf(x)) fail(rep, "no documented value at +-inf (tests/spec.hpp out of date)", where, input, "-", show(y), "-");
  if (!nonlin_spec::bound_holds<F, T>(f)) {
    // Outside the parameter's bounded range the bound is not promised: only
    // no NaN, and for the x * p(x) rows a zero with the sign of x.
    if (std::isnan(y) || (S::def::sign_of_x && y == 0 && std::signbit(y) != std::signbit(x)))
      fail(rep, "outside the bounded parameter range: NaN or a zero of the wrong sign", where, input,
           "no NaN; a zero has the sign of x", show(y), "-");
    return;
  }
  check_ulp<T>(rep, where, input, nonlin_spec::reference<R>(f, x), y, bound_of<T, F>());
}

// ---------------------------------------------------- buffers and runs --

constexpr std::size_t kGuard = 32;  // guard elements on each side of an output buffer
using nonlin_test::canary;

// The next count input values: from the payload while it lasts, then from
// fill_value (fuzz_case.hpp).
template <class T>
std::vector<T> values(Case const& c, std::size_t count, std::size_t& cursor) {
  std::vector<T> v(count);
  const std::size_t per = c.payload_size / sizeof(T);
  for (std::size_t i = 0; i < count; ++i, ++cursor) {
    if (cursor < per) std::memcpy(&v[i], c.payload + cursor * sizeof(T), sizeof(T));
    else v[i] = nonlin_fuzz::fill_value<T>(c.seed, cursor);
  }
  return v;
}

template <class T>
const char* dtype() {
  return std::is_same<T, float>::value ? "float" : "double";
}

std::string param_text(double p) {
  std::ostringstream s;
  s.precision(17);
  s << p << " (" << std::hexfloat << p << ")";
  return s.str();
}

template <class F>
std::string function_text(F const& f, bool with_value) {
  std::string s = F::name;
  if constexpr (nonlin_spec::has_param<F>())
    if (with_value) s += std::string("{") + nonlin_spec::spec_of<F>::param::name + " = " + param_text(nonlin_spec::param_of(f)) + "}";
  return s;
}

// Guards and untouched inputs.
template <class T>
void check_untouched(Report const& rep, std::vector<T> const& now, std::vector<T> const& before,
                     std::vector<bool> const& written, const char* what) {
  for (std::size_t i = 0; i < now.size(); ++i) {
    if (written[i]) continue;
    if (std::memcmp(&now[i], &before[i], sizeof(T)) != 0) {
      std::ostringstream w;
      w << what << " element " << i << " of " << now.size();
      fail(rep, "stray write outside the output elements", w.str(), "-", show(before[i]) + " (left as it was)",
           show(now[i]), "-");
    }
  }
}

template <class F, class T>
void run_unary(F const& f, Case const& c) {
  std::size_t cursor = 0;
  const std::size_t n = c.n;
  std::vector<T> in = values<T>(c, c.in_offset + n, cursor);  // exact size: ASan sees over-reads
  const std::vector<T> in0 = in;
  std::vector<T> out(c.in_place ? 0 : kGuard + c.out_offset + n + kGuard, canary<T>());
  T* o = c.in_place ? in.data() + c.in_offset : out.data() + kGuard + c.out_offset;
  std::ostringstream call;
  call << dtype<T>() << ", " << entry_name(c) << ", n = " << n << ", in offset " << c.in_offset;
  if (c.in_place) call << ", in place";
  else call << ", out offset " << c.out_offset;
  const Report rep{function_text(f, c.param_mode != ParamMode::fixed), call.str()};

  nonlin::apply(f, static_cast<const T*>(in.data() + c.in_offset), o, n);

  if (c.in_place) {
    std::vector<bool> written(in.size(), false);
    for (std::size_t i = 0; i < n; ++i) written[c.in_offset + i] = true;
    check_untouched(rep, in, in0, written, "input buffer (in place)");
  } else {
    std::vector<bool> no(in.size(), false), written(out.size(), false);
    check_untouched(rep, in, in0, no, "input buffer");
    for (std::size_t i = 0; i < n; ++i) written[kGuard + c.out_offset + i] = true;
    check_untouched(rep, out, std::vector<T>(out.size(), canary<T>()), written, "output buffer (guard zone)");
  }
  for (std::size_t i = 0; i < n; ++i) {
    const T x = in0[c.in_offset + i], y = o[i], s = f(x);
    const std::string where = "i = " + std::to_string(i);
    if (!same_bits(y, s))
      fail(rep, "bulk kernel differs from the scalar functor", where, "x = " + show(x), show(s) + " (scalar)", show(y),
           "-");
    check_unary_value(f, rep, where, x, y);
  }
}

// One gated output: y = g(gate, up) from the kernel.
template <class G, class T>
void check_gated_value(G const& g, Report const& rep, std::string const& where, T gate, T up, T y) {
  using R = typename nonlin_spec::wide_of<T>::type;
  const std::string input = "gate = " + show(gate) + ", up = " + show(up);
  const T s = g(gate, up);
  if (!same_bits(y, s)) fail(rep, "bulk kernel differs from the scalar functor", where, input, show(s) + " (scalar)", show(y), "-");
  constexpr bool folded = nonlin_spec::spec_of<G>::template folded<T>();
  const auto act = nonlin_spec::act_of(g);
  const T a = act(gate);
  check_unary_value(act, rep, where + " (act(gate))", gate, a);
  constexpr bool every_pair = nonlin_spec::spec_of<G>::template every_pair<T>();
  if (!folded && !nonlin::detail::recomputes(a, up))
    expect_bits(rep, "out = act(gate) * up, the product rounded once", where, input, T(a * up), y);
  T fixed;
  if (nonlin_spec::gated_fixed(g, gate, up, fixed)) {
    expect_bits(rep, "the value the contract fixes (NaN, limits, special gates)", where, input, fixed, y);
    return;
  }
  if (!std::isfinite(gate) || !std::isfinite(up)) fail(rep, "no documented value (tests/spec.hpp)", where, input, "-", show(y), "-");
  if (!nonlin_spec::bound_holds<G, T>(g)) return;  // the parameter's rules, checked on act(gate) above
  const R act_ref = nonlin_spec::reference<R>(act, gate);
  const T mn = std::numeric_limits<T>::min();
  const bool act_tiny = std::fabs(a) < mn || std::fabs(static_cast<T>(static_cast<long double>(act_ref))) < mn;
  if (!every_pair && act_tiny && std::fabs(up) > 1) return;  // outside the double contract (glu.hpp)
  check_ulp<T>(rep, where, input, act_ref * R(up), y, bound_of<T, G>());
}

template <class G, class T>
void run_gated(G const& g, Case const& c) {
  std::size_t cursor = 0;
  const bool has_p = c.param_mode != ParamMode::fixed;
  if (c.entry == Entry::two_inputs) {
    const std::size_t n = c.n;
    std::vector<T> gate = values<T>(c, c.in_offset + n, cursor), up = values<T>(c, c.in_offset + n, cursor);
    const std::vector<T> gate0 = gate, up0 = up;
    // in place: out == gate, or out == up when bit 4 of the offset byte is set
    const bool on_up = c.in_place && c.in_place_on_up;
    std::vector<T> out(c.in_place ? 0 : kGuard + c.out_offset + n + kGuard, canary<T>());
    T* o = !c.in_place ? out.data() + kGuard + c.out_offset : (on_up ? up.data() : gate.data()) + c.in_offset;
    std::ostringstream call;
    call << dtype<T>() << ", " << entry_name(c) << ", n = " << n << ", in offset " << c.in_offset;
    if (c.in_place) call << ", in place (out == " << (on_up ? "up" : "gate") << ")";
    else call << ", out offset " << c.out_offset;
    const Report rep{function_text(g, has_p), call.str()};

    nonlin::apply(g, static_cast<const T*>(gate.data() + c.in_offset), static_cast<const T*>(up.data() + c.in_offset),
                  o, n);

    std::vector<bool> none(gate.size(), false), written(gate.size(), false);
    for (std::size_t i = 0; i < n; ++i) written[c.in_offset + i] = true;
    check_untouched(rep, gate, gate0, c.in_place && !on_up ? written : none, "gate buffer");
    check_untouched(rep, up, up0, c.in_place && on_up ? written : none, "up buffer");
    if (!c.in_place) {
      std::vector<bool> w(out.size(), false);
      for (std::size_t i = 0; i < n; ++i) w[kGuard + c.out_offset + i] = true;
      check_untouched(rep, out, std::vector<T>(out.size(), canary<T>()), w, "output buffer (guard zone)");
    }
    for (std::size_t i = 0; i < n; ++i)
      check_gated_value(g, rep, "i = " + std::to_string(i), gate0[c.in_offset + i], up0[c.in_offset + i], o[i]);
    return;
  }

  // Packed rows [first | second], each `hidden` wide.
  const std::size_t rows = c.rows, h = c.hidden;
  const bool contiguous = c.entry == Entry::packed_contiguous;
  const std::size_t is = 2 * h + (contiguous ? 0 : c.in_extra);
  std::size_t os = h + (contiguous ? 0 : c.out_extra);
  if (c.in_place && os > is) os = is;  // in place needs out_stride <= in_stride
  const nonlin::gate_half half =
      contiguous ? G::packed_gate : c.entry == Entry::packed_first ? nonlin::gate_half::first : nonlin::gate_half::second;
  const std::size_t in_span = h == 0 ? 0 : (rows - 1) * is + 2 * h;
  const std::size_t out_span = h == 0 ? 0 : (rows - 1) * os + h;
  std::vector<T> in = values<T>(c, c.in_offset + in_span, cursor);
  const std::vector<T> in0 = in;
  std::vector<T> out(c.in_place ? 0 : kGuard + c.out_offset + out_span + kGuard, canary<T>());
  T* o = c.in_place ? in.data() + c.in_offset : out.data() + kGuard + c.out_offset;
  std::ostringstream call;
  call << dtype<T>() << ", " << entry_name(c) << ", rows = " << rows << ", hidden = " << h << ", in_stride = " << is
       << ", out_stride = " << os << ", gate = " << (half == nonlin::gate_half::first ? "first" : "second")
       << " half, in offset " << c.in_offset;
  if (c.in_place) call << ", in place";
  else call << ", out offset " << c.out_offset;
  const Report rep{function_text(g, has_p), call.str()};

  const T* ip = in.data() + c.in_offset;
  if (contiguous) nonlin::apply_packed(g, ip, o, rows, h);
  else nonlin::apply_packed(g, ip, is, o, os, rows, h, half);

  if (c.in_place) {
    std::vector<bool> written(in.size(), false);
    for (std::size_t r = 0; r < rows && h != 0; ++r)
      for (std::size_t j = 0; j < h; ++j) written[c.in_offset + r * os + j] = true;
    check_untouched(rep, in, in0, written, "packed buffer (in place)");
  } else {
    std::vector<bool> none(in.size(), false), written(out.size(), false);
    check_untouched(rep, in, in0, none, "packed input buffer");
    for (std::size_t r = 0; r < rows && h != 0; ++r)
      for (std::size_t j = 0; j < h; ++j) written[kGuard + c.out_offset + r * os + j] = true;
    check_untouched(rep, out, std::vector<T>(out.size(), canary<T>()), written,
                    "output buffer (guard zone or the gap between rows)");
  }
  const std::size_t goff = half == nonlin::gate_half::first ? 0 : h, uoff = h - goff;
  for (std::size_t r = 0; r < rows && h != 0; ++r) {
    for (std::size_t j = 0; j < h; ++j) {
      const T gate = in0[c.in_offset + r * is + goff + j], up = in0[c.in_offset + r * is + uoff + j];
      check_gated_value(g, rep, "row " + std::to_string(r) + ", column " + std::to_string(j), gate, up,
                        o[r * os + j]);
    }
  }
}

template <class T>
void run(Case const& c) {
  std::size_t k = 0;
  if (!c.gated()) {
    nonlin_spec::for_each_unary([&](auto const& f) {
      if (k++ == c.function) run_unary<std::decay_t<decltype(f)>, T>(with_param(f, c), c);
    });
  } else {
    k = nonlin_fuzz::kUnary;
    nonlin_spec::for_each_gated([&](auto const& g) {
      if (k++ == c.function) run_gated<std::decay_t<decltype(g)>, T>(with_param(g, c), c);
    });
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Case c = nonlin_fuzz::decode(data, size);
  if (c.is_double) run<double>(c);
  else run<float>(c);
  return 0;
}
