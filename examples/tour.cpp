// tour: every nonlin activation on a handful of inputs, as a table.
//
// Iterates nonlin::unary_functions() and nonlin::gated_functions(), so a
// function added to the lists shows up here too. Values are computed with the
// bulk kernel nonlin::apply; the scalar call f(x) gives the same bits, which
// the tour checks as it goes.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include <nonlin/nonlin.hpp>

namespace {

// "beta=1.702", "alpha=0.01", "": the functor's parameter, when it has one.
template <class F, class = void>
struct has_alpha : std::false_type {};
template <class F>
struct has_alpha<F, decltype(void(std::declval<F const&>().alpha))> : std::true_type {};
template <class F, class = void>
struct has_beta : std::false_type {};
template <class F>
struct has_beta<F, decltype(void(std::declval<F const&>().beta))> : std::true_type {};

template <class F>
std::string param(F const& f) {
  char buf[64] = "";
  if constexpr (has_alpha<F>::value) {
    std::snprintf(buf, sizeof buf, "alpha=%g", f.alpha);
  } else if constexpr (has_beta<F>::value) {
    std::snprintf(buf, sizeof buf, "beta=%g", f.beta);
  } else {
    (void)f;
  }
  return buf;
}

std::string ulp_bound(double ulp) {
  char buf[32];
  if (ulp == 0) {
    std::snprintf(buf, sizeof buf, "exact");
  } else {
    std::snprintf(buf, sizeof buf, "<=%g ulp", ulp);
  }
  return buf;
}

// Equal bits, or both NaN: nonlin promises a NaN for a NaN input, not its
// sign or payload (an x86 FMA with two NaN operands returns one of them,
// and which operand is which can change with the compiler's choices).
bool same_bits(float a, float b) {
  return std::memcmp(&a, &b, sizeof a) == 0 || (std::isnan(a) && std::isnan(b));
}

constexpr int kWidth = 13;  // fits any %.7g float

struct column {
  std::string title;
  std::string param;
  std::string bound;
  std::string extra;
  std::vector<float> values;
};

// cols[0] is the input column (printed first, narrower); the others follow.
void print_table(std::vector<column> const& cols, std::size_t rows) {
  const int w = kWidth;
  std::printf("%*s", kWidth, cols[0].title.c_str());
  for (std::size_t c = 1; c < cols.size(); ++c) std::printf(" %*s", w, cols[c].title.c_str());
  bool any_param = false;
  for (auto const& c : cols) any_param = any_param || !c.param.empty();
  if (any_param) {
    std::printf("\n%*s", kWidth, "");
    for (std::size_t c = 1; c < cols.size(); ++c) std::printf(" %*s", w, cols[c].param.c_str());
  }
  std::printf("\n%*s", kWidth, "max error");
  for (std::size_t c = 1; c < cols.size(); ++c) std::printf(" %*s", w, cols[c].bound.c_str());
  bool any_extra = false;
  for (auto const& c : cols) any_extra = any_extra || !c.extra.empty();
  if (any_extra) {
    std::printf("\n%*s", kWidth, "packed gate");
    for (std::size_t c = 1; c < cols.size(); ++c) std::printf(" %*s", w, cols[c].extra.c_str());
  }
  std::printf("\n");
  const std::size_t line = static_cast<std::size_t>(kWidth) + (cols.size() - 1) * static_cast<std::size_t>(w + 1);
  for (std::size_t i = 0; i < line; ++i) std::putchar('-');
  std::printf("\n");
  for (std::size_t r = 0; r < rows; ++r) {
    std::printf("%*g", kWidth, static_cast<double>(cols[0].values[r]));
    for (std::size_t c = 1; c < cols.size(); ++c) std::printf(" %*.7g", w, static_cast<double>(cols[c].values[r]));
    std::printf("\n");
  }
}

}  // namespace

int main() {
  constexpr float inf = std::numeric_limits<float>::infinity();
  constexpr float nan = std::numeric_limits<float>::quiet_NaN();
  int mismatches = 0;

  // ---------------------------------------------------------------- unary --
  const std::vector<float> x = {-inf, -10.0f, -3.0f, -1.0f, -0.0f, 0.0f, 0.5f, 1.0f, 3.0f, 10.0f, inf, nan};
  std::vector<column> cols;
  cols.push_back({"x", "", "", "", x});
  nonlin::for_each_function(nonlin::unary_functions(), [&](auto const& f) {
    using F = std::decay_t<decltype(f)>;
    column c{F::name, param(f), ulp_bound(F::max_ulp_float), "", std::vector<float>(x.size())};
    nonlin::apply(f, x.data(), c.values.data(), x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (!same_bits(f(x[i]), c.values[i])) {
        std::printf("note: %s(%g): scalar call and nonlin::apply differ\n", F::name, static_cast<double>(x[i]));
        ++mismatches;
      }
    }
    cols.push_back(std::move(c));
  });
  std::printf("Unary activations, float, out = f(x):\n\n");
  print_table(cols, x.size());

  // ---------------------------------------------------------------- gated --
  const std::vector<float> gate = {-inf, -3.0f, -1.0f, 0.0f, 0.5f, 1.0f, 1.0f, 3.0f, 10.0f, inf, nan, 1.0f};
  const std::vector<float> up = {1.0f, 2.0f, 1.0f, 5.0f, -2.0f, 1.0f, 0.25f, 0.5f, -1.0f, 1.0f, 1.0f, nan};
  std::vector<column> gcols;
  gcols.push_back({"gate", "", "", "", gate});
  gcols.push_back({"up", "", "", "", up});
  nonlin::for_each_function(nonlin::gated_functions(), [&](auto const& g) {
    using G = std::decay_t<decltype(g)>;
    column c{G::name, param(g), ulp_bound(G::max_ulp_float), G::packed_gate == nonlin::gate_half::first ? "first" : "second",
             std::vector<float>(gate.size())};
    nonlin::apply(g, gate.data(), up.data(), c.values.data(), gate.size());
    for (std::size_t i = 0; i < gate.size(); ++i) {
      if (!same_bits(g(gate[i], up[i]), c.values[i])) {
        std::printf("note: %s(%g, %g): scalar call and nonlin::apply differ\n", G::name,
                    static_cast<double>(gate[i]), static_cast<double>(up[i]));
        ++mismatches;
      }
    }
    gcols.push_back(std::move(c));
  });
  std::printf("\nGated activations, float, out = act(gate) * up\n");
  std::printf("(glu: sigmoid, swiglu: silu, geglu: gelu, geglu_tanh: gelu_tanh):\n\n");
  print_table(gcols, gate.size());

  std::printf("\n'max error': the documented accuracy bound for float (max_ulp_float).\n");
  std::printf("'packed gate': which half of a packed [first | second] row apply_packed treats as the gate.\n");
  if (mismatches == 0) std::printf("Every scalar call f(x) equals nonlin::apply bit for bit (a NaN result: any NaN).\n");
  return mismatches == 0 ? 0 : 1;
}
