// nonlin: the gated family glu, swiglu, geglu, geglu_tanh, in the three
// tiers.
//
// Every gated functor computes   out = act(gate) * up.
//
// The default and fast tiers fold up into act's numerator before its final
// scaling, so their float bounds hold for every (gate, up) pair. The precise
// tier rounds act(gate) first, as every framework does, and in float
// recomputes the rare lanes where that rounding matters (act(gate) below the
// smallest normal, |up| > 1) in double: its float bound holds for every
// pair too; in double (every tier), where act(gate) is a normal number or
// |up| <= 1.
//
// !!! Which half of a packed [gate | up] row is the gate differs between
// !!! frameworks. nonlin makes it explicit (gate_half) and defaults to:
// !!!   swiglu, geglu, geglu_tanh: gate = FIRST half   (vLLM, Hugging Face,
// !!!       ggml's default, LLaMA checkpoints packed as [gate | up]);
// !!!   glu: gate = SECOND half, i.e. PyTorch F.glu(x, dim=-1)
// !!!       = first_half * sigmoid(second_half).
#ifndef NONLIN_GLU_HPP
#define NONLIN_GLU_HPP

#include <limits>
#include <type_traits>

#include "detail/eval.hpp"
#include "detail/math_std.hpp"
#include "gelu.hpp"
#include "sigmoid.hpp"
#include "silu.hpp"
#include "tier.hpp"

NONLIN_BEGIN_NAMESPACE

/// Which half of a packed row [first | second] holds the gate (the
/// activated operand). See apply_packed().
enum class gate_half { first, second };

namespace detail {
// Whether detail::gated (the precise tier; float without an FMA in the
// default tier) recomputes g(gate, up) = act(gate) up from a = act(gate)
// rounded to T: in float, where a is below the smallest normal (rounded to
// the subnormal grid, or to zero) and 1 < |up| <= max.
template <class T>
constexpr bool recomputes(T a, T up) noexcept {
  return std::is_same<T, float>::value && !(a >= std::numeric_limits<T>::min() || a <= -std::numeric_limits<T>::min()) &&
         a == a && (up > T(1) || up < T(-1)) && up <= std::numeric_limits<T>::max() &&
         up >= -std::numeric_limits<T>::max();
}

// zero_gate<Act>::value: a gate below which |act(gate)| < 2^-279, so that
// act(gate) up, exact, rounds to a signed zero in float for every finite
// float up (|up| < 2^128), and so does the float product of act(gate)
// rounded: detail::gated need not recompute such lanes. -inf where no gate
// in float's range is that far out (sigmoid, silu: below -193). The roots
// (gelu -19.62, gelu_tanh -13.47) from scripts/gated_zero_gates.py.
template <class Act>
struct zero_gate {
  static constexpr float value = -std::numeric_limits<float>::infinity();
};
template <>
struct zero_gate<precise::gelu> {
  static constexpr float value = -20.0f;
};
template <>
struct zero_gate<precise::gelu_tanh> {
  static constexpr float value = -14.0f;
};

// act(gate) up, the product of the rounded act(gate). In float, the lanes
// where recomputes(act(gate), up) holds and gate >= zero_gate<Act> are
// evaluated as up act_d(gate) in double (act_d: act with its parameter
// rounded to float, as the float functor rounds it) and rounded once, so
// that the bound holds for every pair; the rare lanes of a vector go through
// act_d together, in batches of doubles (standard::fix_lanes_d). A vector
// without such a lane pays three compares (four with a zero_gate).
// Rare: standard::rare_now, or rare_defer from the bulk loops (math_std.hpp).
// gated_times: the same from a = act(gate), computed by the caller.
template <class Act, class ActD, class V, class Rare = standard::rare_now>
NONLIN_INLINE V gated_times(V const& a, V const& gate, V const& up, ActD const& act_d,
                            Rare const& rare_lanes = Rare{}) noexcept {
  V y = mul_tiny(a, up);  // (a may be subnormal)
  if constexpr (std::is_same<scalar_t<V>, float>::value) {
    const V au = detail::abs(up);
    const auto tiny = bits_below(detail::abs(a), to_bits(std::numeric_limits<float>::min()));
    const auto above_one = au > V(1.0f);
    const auto finite = bits_below(au, to_bits(std::numeric_limits<float>::infinity()));
    auto rare = tiny & above_one & finite;
    if constexpr (zero_gate<Act>::value > -std::numeric_limits<float>::infinity())
      rare = rare & (gate >= V(zero_gate<Act>::value));
    if constexpr (standard::defers<Rare>()) rare_lanes.hit = any_lane(rare);
    else if (any_lane(rare)) y = standard::fix_lanes_d(y, gate, up, rare, act_d);
  }
  return y;
}
template <class Act, class ActD, class V, class Rare = standard::rare_now>
NONLIN_INLINE V gated(Act const& act, V const& gate, V const& up, ActD const& act_d,
                      Rare const& rare_lanes = Rare{}) noexcept {
  return gated_times<Act>(act(gate), gate, up, act_d, rare_lanes);
}
template <class Act, class V>
NONLIN_INLINE V gated(Act const& act, V const& gate, V const& up) noexcept {
  return gated(act, gate, up, act);
}

// gated in two halves, where act has them, for the bulk loops
// (detail::staged): act's first half of gate, then its second half and the
// product; the second half also with rare_defer, so that the overlapped
// loop holds no call (bulk.hpp, overlapped_vectors). precise::glu, swiglu,
// geglu and geglu_tanh take them.
template <class S, class V>
struct gated_state {
  S a;
  V gate, up;
};
template <class Act, class V>
NONLIN_INLINE auto gated_stage1(Act const& act, V const& gate, V const& up) noexcept
    -> gated_state<decltype(act.stage1(gate)), V> {
  return {act.stage1(gate), gate, up};
}
template <class Act, class ActD, class S, class V, class Rare = standard::rare_now>
NONLIN_INLINE V gated_stage2(Act const& act, gated_state<S, V> const& s, ActD const& act_d,
                             Rare const& rare_lanes = Rare{}) noexcept {
  return gated_times<Act>(act.stage2(s.a), s.gate, s.up, act_d, rare_lanes);
}
}  // namespace detail

namespace precise {
/// nonlin::precise::glu: glu(gate, up) = sigmoid(gate) up.
/// Packed default: gate_half::second, so apply_packed(glu{}, ...) equals
/// PyTorch F.glu(x, dim=-1) = x[..., :H] * sigmoid(x[..., H:]).
/// Tier: precise. Types: as sigmoid, both operands of one type.
/// Bound: 2 x sigmoid's bound + 0.5 ULP (act(gate) is rounded, then the
/// product): in float for every pair (see detail::gated), in double where
/// sigmoid(gate) is normal or |up| <= 1.
/// Special values: NaN in either operand -> NaN; sigmoid(-inf) up = 0 up
/// (NaN for up = +-inf, a signed zero otherwise).
struct glu {
  static constexpr const char* name = "precise::glu";
  static constexpr nonlin::tier tier = nonlin::tier::precise;
  static constexpr gate_half packed_gate = gate_half::second;
  static constexpr double max_ulp_float = 2 * sigmoid::max_ulp_float + 0.5;
  static constexpr double max_ulp_double = 2 * sigmoid::max_ulp_double + 0.5;

  template <class V>
  NONLIN_INLINE V operator()(V const& gate, V const& up) const noexcept {
    return detail::gated(precise::sigmoid{}, gate, up);
  }
  // The bulk loops' call (batches; rare lanes deferred: detail::standard::rare_defer).
  template <class V>
  NONLIN_INLINE V operator()(V const& gate, V const& up, detail::standard::rare_defer const& rare) const noexcept {
    return detail::gated(precise::sigmoid{}, gate, up, precise::sigmoid{}, rare);
  }
  // The kernel in two halves, for the bulk loops (detail::staged): the
  // same operations, the same bits; the second half takes the loops'
  // rare_defer too.
  template <class B>
  NONLIN_INLINE auto stage1(B const& gate, B const& up) const noexcept
      -> decltype(detail::gated_stage1(precise::sigmoid{}, gate, up)) {
    return detail::gated_stage1(precise::sigmoid{}, gate, up);
  }
  template <class S, class Rare = detail::standard::rare_now>
  NONLIN_INLINE auto stage2(S const& s, Rare const& rare = Rare{}) const noexcept {
    return detail::gated_stage2(precise::sigmoid{}, s, precise::sigmoid{}, rare);
  }
};

/// nonlin::precise::swiglu: swiglu(gate, up) = swish(gate) up = gate sigmoid(beta gate) up, beta = 1
/// by default (LLaMA, Mistral, Qwen: silu(x W1) * (x W3)).
/// Packed default: gate_half::first (gate = x[..., :H]).
/// Tier: precise. Types: as swish.
/// Bound: 2 x swish's bound + 0.5 ULP for the beta range of swish: in
/// float for every pair, in double where swish(gate) is normal or |up| <= 1.
/// Special values: NaN in either operand -> NaN; gate = -inf -> -0 up.
struct swiglu {
  static constexpr const char* name = "precise::swiglu";
  static constexpr nonlin::tier tier = nonlin::tier::precise;
  static constexpr gate_half packed_gate = gate_half::first;
  static constexpr double max_ulp_float = 2 * swish::max_ulp_float + 0.5;
  static constexpr double max_ulp_double = 2 * swish::max_ulp_double + 0.5;
  double beta = 1.0;

  template <class V>
  NONLIN_INLINE V operator()(V const& gate, V const& up) const noexcept {
    return detail::gated(precise::swish{beta}, gate, up, precise::swish{double(float(beta))});
  }
  // The bulk loops' call (batches; rare lanes deferred: detail::standard::rare_defer).
  template <class V>
  NONLIN_INLINE V operator()(V const& gate, V const& up, detail::standard::rare_defer const& rare) const noexcept {
    return detail::gated(precise::swish{beta}, gate, up, precise::swish{double(float(beta))}, rare);
  }
  // The kernel in two halves, for the bulk loops (detail::staged): the
  // same operations, the same bits; the second half takes the loops'
  // rare_defer too.
  template <class B>
  NONLIN_INLINE auto stage1(B const& gate, B const& up) const noexcept
      -> decltype(detail::gated_stage1(precise::swish{beta}, gate, up)) {
    return detail::gated_stage1(precise::swish{beta}, gate, up);
  }
  template <class S, class Rare = detail::standard::rare_now>
  NONLIN_INLINE auto stage2(S const& s, Rare const& rare = Rare{}) const noexcept {
    return detail::gated_stage2(precise::swish{beta}, s, precise::swish{double(float(beta))}, rare);
  }
};

/// nonlin::precise::geglu: geglu(gate, up) = gelu(gate) up, gelu in its exact erf form.
/// Packed default: gate_half::first.
/// Tier: precise. Types: as gelu.
/// Bound: 2 x gelu's bound + 0.5 ULP: in float for every pair, in double
/// where gelu(gate) is normal or |up| <= 1.
/// Special values: NaN in either operand -> NaN; gate = -inf -> -0 up.
struct geglu {
  static constexpr const char* name = "precise::geglu";
  static constexpr nonlin::tier tier = nonlin::tier::precise;
  static constexpr gate_half packed_gate = gate_half::first;
  static constexpr double max_ulp_float = 2 * gelu::max_ulp_float + 0.5;
  static constexpr double max_ulp_double = 2 * gelu::max_ulp_double + 0.5;

  template <class V>
  NONLIN_INLINE V operator()(V const& gate, V const& up) const noexcept {
    return detail::gated(precise::gelu{}, gate, up);
  }
  // The bulk loops' call (batches; rare lanes deferred: detail::standard::rare_defer).
  template <class V>
  NONLIN_INLINE V operator()(V const& gate, V const& up, detail::standard::rare_defer const& rare) const noexcept {
    return detail::gated(precise::gelu{}, gate, up, precise::gelu{}, rare);
  }
  // The kernel in two halves, for the bulk loops (detail::staged): the
  // same operations, the same bits.
  template <class B>
  NONLIN_INLINE auto stage1(B const& gate, B const& up) const noexcept
      -> decltype(detail::gated_stage1(precise::gelu{}, gate, up)) {
    return detail::gated_stage1(precise::gelu{}, gate, up);
  }
  template <class S, class Rare = detail::standard::rare_now>
  NONLIN_INLINE auto stage2(S const& s, Rare const& rare = Rare{}) const noexcept {
    return detail::gated_stage2(precise::gelu{}, s, precise::gelu{}, rare);
  }
};

/// nonlin::precise::geglu_tanh: geglu_tanh(gate, up) = gelu_tanh(gate) up (GeGLU with the tanh GELU
/// approximation, as in Gemma).
/// Packed default: gate_half::first.
/// Tier: precise. Types: as gelu_tanh.
/// Bound: 2 x gelu_tanh's bound + 0.5 ULP: in float for every pair, in
/// double where gelu_tanh(gate) is normal or |up| <= 1.
/// Special values: NaN in either operand -> NaN; gate = -inf -> -0 up.
struct geglu_tanh {
  static constexpr const char* name = "precise::geglu_tanh";
  static constexpr nonlin::tier tier = nonlin::tier::precise;
  static constexpr gate_half packed_gate = gate_half::first;
  static constexpr double max_ulp_float = 2 * gelu_tanh::max_ulp_float + 0.5;
  static constexpr double max_ulp_double = 2 * gelu_tanh::max_ulp_double + 0.5;

  template <class V>
  NONLIN_INLINE V operator()(V const& gate, V const& up) const noexcept {
    return detail::gated(precise::gelu_tanh{}, gate, up);
  }
  // The bulk loops' call (batches; rare lanes deferred: detail::standard::rare_defer).
  template <class V>
  NONLIN_INLINE V operator()(V const& gate, V const& up, detail::standard::rare_defer const& rare) const noexcept {
    return detail::gated(precise::gelu_tanh{}, gate, up, precise::gelu_tanh{}, rare);
  }
  // The kernel in two halves, for the bulk loops (detail::staged): the
  // same operations, the same bits.
  template <class B>
  NONLIN_INLINE auto stage1(B const& gate, B const& up) const noexcept
      -> decltype(detail::gated_stage1(precise::gelu_tanh{}, gate, up)) {
    return detail::gated_stage1(precise::gelu_tanh{}, gate, up);
  }
  template <class S, class Rare = detail::standard::rare_now>
  NONLIN_INLINE auto stage2(S const& s, Rare const& rare = Rare{}) const noexcept {
    return detail::gated_stage2(precise::gelu_tanh{}, s, precise::gelu_tanh{}, rare);
  }
};

}  // namespace precise

/// nonlin::glu: glu(gate, up) = sigmoid(gate) up, the default tier.
/// Packed default: gate_half::second, so apply_packed(glu{}, ...) equals
/// PyTorch F.glu(x, dim=-1) = x[..., :H] * sigmoid(x[..., H:]).
/// float: up itself over sigmoid's scaled denominator (1 + e^-gate) 2^-80,
/// the quotient rounded once before the final scaling, so the bound holds
/// for every (gate, up) pair.
/// Tier: standard (the default). Types: as sigmoid.
/// Bound: float 5 ULP for every pair where the target has an FMA; double,
/// and float without an FMA: act(gate) up with the precise act
/// (precise::glu's bound and rule).
/// Special values: NaN in either operand -> NaN; the limits of the product:
/// gate = -inf gives 0 up (NaN for up = +-inf), up = +-inf with a finite
/// gate gives +-inf.
struct glu {
  static constexpr const char* name = "glu";
  static constexpr nonlin::tier tier = nonlin::tier::standard;
  static constexpr gate_half packed_gate = gate_half::second;
  static constexpr double max_ulp_float = 5;
  static constexpr double max_ulp_double = precise::glu::max_ulp_double;

  template <class V>
  NONLIN_INLINE V operator()(V const& gate, V const& up) const noexcept {
    if constexpr (detail::standard::is_float<V>::value)
      return detail::eval2(gate, up, [](auto const& g, auto const& u) NONLIN_INLINE_LAMBDA {
        return detail::standard::glu(g, u);
      });
    else
      return detail::gated(precise::sigmoid{}, gate, up);
  }
  // The bulk loops' call (batches; rare lanes deferred: detail::standard::rare_defer).
  template <class V>
  NONLIN_INLINE V operator()(V const& gate, V const& up, detail::standard::rare_defer const& rare) const noexcept {
    if constexpr (detail::standard::is_float<V>::value)
      return detail::standard::glu(gate, up, rare);
    else
      return detail::gated(precise::sigmoid{}, gate, up, precise::sigmoid{}, rare);
  }
  // The float kernel in two halves, for the bulk loops (detail::staged):
  // the same operations, the same bits; the second half also with the rare
  // lanes deferred.
  template <class B, class = typename std::enable_if<detail::standard::is_float<B>::value>::type>
  NONLIN_INLINE auto stage1(B const& gate, B const& up) const noexcept {
    return detail::standard::glu_stage1(gate, up);
  }
  template <class S, class Rare = detail::standard::rare_now>
  NONLIN_INLINE auto stage2(S const& s, Rare const& rare = Rare{}) const noexcept {
    return detail::standard::glu_stage2(s, rare);
  }
};

/// nonlin::swiglu: swiglu(gate, up) = swish(gate) up = gate sigmoid(beta
/// gate) up, beta = 1 by default, the default tier.
/// Packed default: gate_half::first (gate = x[..., :H]).
/// float: m = up gate folded into the numerator; lanes with |up gate| > 2^32
/// (or an infinite or NaN one) are evaluated by the precise kernel in double.
/// Tier: standard (the default). Types: as swish.
/// Bound: float 5 ULP for every pair where the target has an FMA, for the
/// beta range of precise::swish; double, and float without an FMA:
/// act(gate) up with the precise act (precise::swiglu's rule).
/// Special values: NaN in either operand -> NaN; the limits of the product.
struct swiglu {
  static constexpr const char* name = "swiglu";
  static constexpr nonlin::tier tier = nonlin::tier::standard;
  static constexpr gate_half packed_gate = gate_half::first;
  static constexpr double max_ulp_float = 5;
  static constexpr double max_ulp_double = precise::swiglu::max_ulp_double;
  double beta = 1.0;

  template <class V>
  NONLIN_INLINE V operator()(V const& gate, V const& up) const noexcept {
    const double b = beta;
    if constexpr (detail::standard::is_float<V>::value)
      return detail::eval2(gate, up, [b](auto const& g, auto const& u) NONLIN_INLINE_LAMBDA {
        using W = typename std::decay<decltype(g)>::type;
        return detail::standard::swiglu(g, u, detail::splat<W>(b));
      });
    else
      return detail::gated(precise::swish{b}, gate, up, precise::swish{double(float(b))});
  }
  // The bulk loops' call (batches; rare lanes deferred: detail::standard::rare_defer).
  template <class V>
  NONLIN_INLINE V operator()(V const& gate, V const& up, detail::standard::rare_defer const& rare) const noexcept {
    if constexpr (detail::standard::is_float<V>::value)
      return detail::standard::swiglu(gate, up, detail::splat<V>(beta), rare);
    else
      return detail::gated(precise::swish{beta}, gate, up, precise::swish{double(float(beta))}, rare);
  }
  // As glu's.
  template <class B, class = typename std::enable_if<detail::standard::is_float<B>::value>::type>
  NONLIN_INLINE auto stage1(B const& gate, B const& up) const noexcept {
    return detail::standard::swiglu_stage1(gate, up, detail::splat<B>(beta));
  }
  template <class B, class Rare = detail::standard::rare_now>
  NONLIN_INLINE B stage2(detail::standard::swiglu_state<B> const& s, Rare const& rare = Rare{}) const noexcept {
    return detail::standard::swiglu_stage2(s, detail::splat<B>(beta), rare);
  }
};

/// nonlin::geglu: geglu(gate, up) = gelu(gate) up (erf form), the default
/// tier. Packed default: gate_half::first.
/// float: up folded into gelu's scaled Phi before the final scaling.
/// Tier: standard (the default). Types: as gelu.
/// Bound: float 5 ULP for every pair where the target has an FMA; double,
/// and float without an FMA: act(gate) up with the precise act
/// (precise::geglu's rule).
/// Special values: NaN in either operand -> NaN; the limits of the product.
struct geglu {
  static constexpr const char* name = "geglu";
  static constexpr nonlin::tier tier = nonlin::tier::standard;
  static constexpr gate_half packed_gate = gate_half::first;
  static constexpr double max_ulp_float = 5;
  static constexpr double max_ulp_double = precise::geglu::max_ulp_double;

  template <class V>
  NONLIN_INLINE V operator()(V const& gate, V const& up) const noexcept {
    if constexpr (detail::standard::is_float<V>::value)
      return detail::eval2(gate, up, [](auto const& g, auto const& u) NONLIN_INLINE_LAMBDA {
        return detail::standard::geglu(g, u);
      });
    else
      return detail::gated(precise::gelu{}, gate, up);
  }
  // The bulk loops' call (batches; rare lanes deferred: detail::standard::rare_defer).
  template <class V>
  NONLIN_INLINE V operator()(V const& gate, V const& up, detail::standard::rare_defer const& rare) const noexcept {
    if constexpr (detail::standard::is_float<V>::value)
      return detail::standard::geglu(gate, up, rare);
    else
      return detail::gated(precise::gelu{}, gate, up, precise::gelu{}, rare);
  }
  // As glu's.
  template <class B, class = typename std::enable_if<detail::standard::is_float<B>::value>::type>
  NONLIN_INLINE auto stage1(B const& gate, B const& up) const noexcept {
    return detail::standard::geglu_stage1(gate, up);
  }
  template <class S, class Rare = detail::standard::rare_now>
  NONLIN_INLINE auto stage2(S const& s, Rare const& rare = Rare{}) const noexcept {
    return detail::standard::geglu_stage2(s, rare);
  }
};

/// nonlin::geglu_tanh: geglu_tanh(gate, up) = gelu_tanh(gate) up (as in
/// Gemma), the default tier. Packed default: gate_half::first.
/// float: up folded into the numerator before the final scaling.
/// Tier: standard (the default). Types: as gelu_tanh.
/// Bound: float 5 ULP for every pair where the target has an FMA; double,
/// and float without an FMA: act(gate) up with the precise act
/// (precise::geglu_tanh's rule).
/// Special values: NaN in either operand -> NaN; the limits of the product.
struct geglu_tanh {
  static constexpr const char* name = "geglu_tanh";
  static constexpr nonlin::tier tier = nonlin::tier::standard;
  static constexpr gate_half packed_gate = gate_half::first;
  static constexpr double max_ulp_float = 5;
  static constexpr double max_ulp_double = precise::geglu_tanh::max_ulp_double;

  template <class V>
  NONLIN_INLINE V operator()(V const& gate, V const& up) const noexcept {
    if constexpr (detail::standard::is_float<V>::value)
      return detail::eval2(gate, up, [](auto const& g, auto const& u) NONLIN_INLINE_LAMBDA {
        return detail::standard::geglu_tanh(g, u);
      });
    else
      return detail::gated(precise::gelu_tanh{}, gate, up);
  }
  // The bulk loops' call (batches; rare lanes deferred: detail::standard::rare_defer).
  template <class V>
  NONLIN_INLINE V operator()(V const& gate, V const& up, detail::standard::rare_defer const& rare) const noexcept {
    if constexpr (detail::standard::is_float<V>::value)
      return detail::standard::geglu_tanh(gate, up, rare);
    else
      return detail::gated(precise::gelu_tanh{}, gate, up, precise::gelu_tanh{}, rare);
  }
  // As glu's.
  template <class B, class = typename std::enable_if<detail::standard::is_float<B>::value>::type>
  NONLIN_INLINE auto stage1(B const& gate, B const& up) const noexcept {
    return detail::standard::geglu_tanh_stage1(gate, up);
  }
  template <class S, class Rare = detail::standard::rare_now>
  NONLIN_INLINE auto stage2(S const& s, Rare const& rare = Rare{}) const noexcept {
    return detail::standard::geglu_tanh_stage2(s, rare);
  }
};

namespace fast {
/// The gated family on the fast tier: act(gate) up with act from
/// nonlin::fast and the packed defaults of the other tiers.
/// float: up folded into act's numerator before the final scaling (as in
/// the default tier); lanes with |up| (glu) or |up gate| (the others) above
/// 2^32, infinite or NaN are evaluated by the precise kernels in double.
/// Bound: 2 x the activation's bound + 0.5 ULP, in float for every (gate,
/// up) pair; double runs the precise functors (their bound and rule).
/// Special values: as the default tier's in float (NaN in either operand ->
/// NaN; the limits of the exact product, so up = +-inf with a finite gate
/// gives +-inf with the sign of act(gate), NaN where act(gate) = 0), as the
/// precise tier's in double.
struct glu {
  static constexpr const char* name = "fast::glu";
  static constexpr nonlin::tier tier = nonlin::tier::fast;
  static constexpr gate_half packed_gate = gate_half::second;
  static constexpr double max_ulp_float = 2 * fast::sigmoid::max_ulp_float + 0.5;
  static constexpr double max_ulp_double = precise::glu::max_ulp_double;

  template <class V>
  NONLIN_INLINE V operator()(V const& gate, V const& up) const noexcept {
    if constexpr (detail::fast::is_float<V>::value)
      return detail::eval2(gate, up, [](auto const& g, auto const& u) NONLIN_INLINE_LAMBDA {
        return detail::fast::glu(g, u);
      });
    else
      return detail::gated(fast::sigmoid{}, gate, up);
  }
  // The bulk loops' call (batches; rare lanes deferred: detail::standard::rare_defer).
  template <class V>
  NONLIN_INLINE V operator()(V const& gate, V const& up, detail::standard::rare_defer const& rare) const noexcept {
    if constexpr (detail::fast::is_float<V>::value)
      return detail::fast::glu(gate, up, rare);
    else
      return detail::gated(fast::sigmoid{}, gate, up, fast::sigmoid{}, rare);
  }
};

struct swiglu {
  static constexpr const char* name = "fast::swiglu";
  static constexpr nonlin::tier tier = nonlin::tier::fast;
  static constexpr gate_half packed_gate = gate_half::first;
  static constexpr double max_ulp_float = 2 * fast::swish::max_ulp_float + 0.5;
  static constexpr double max_ulp_double = precise::swiglu::max_ulp_double;
  double beta = 1.0;

  template <class V>
  NONLIN_INLINE V operator()(V const& gate, V const& up) const noexcept {
    if constexpr (detail::fast::is_float<V>::value)
      return detail::fast_beta_on<detail::fast_k::swiglu, detail::fast::route::split>{beta}(gate, up);
    else
      return detail::gated(fast::swish{beta}, gate, up);
  }
  // The bulk loops' call (batches; rare lanes deferred: detail::standard::rare_defer).
  template <class V>
  NONLIN_INLINE V operator()(V const& gate, V const& up, detail::standard::rare_defer const& rare) const noexcept {
    if constexpr (detail::fast::is_float<V>::value)
      return detail::fast_beta_on<detail::fast_k::swiglu, detail::fast::route::split>{beta}(gate, up, rare);
    else
      return detail::gated(fast::swish{beta}, gate, up, fast::swish{beta}, rare);
  }
};

struct geglu {
  static constexpr const char* name = "fast::geglu";
  static constexpr nonlin::tier tier = nonlin::tier::fast;
  static constexpr gate_half packed_gate = gate_half::first;
  static constexpr double max_ulp_float = 2 * fast::gelu::max_ulp_float + 0.5;
  static constexpr double max_ulp_double = precise::geglu::max_ulp_double;

  template <class V>
  NONLIN_INLINE V operator()(V const& gate, V const& up) const noexcept {
    if constexpr (detail::fast::is_float<V>::value)
      return detail::eval2(gate, up, [](auto const& g, auto const& u) NONLIN_INLINE_LAMBDA {
        return detail::fast::geglu(g, u);
      });
    else
      return detail::gated(fast::gelu{}, gate, up);
  }
  // The bulk loops' call (batches; rare lanes deferred: detail::standard::rare_defer).
  template <class V>
  NONLIN_INLINE V operator()(V const& gate, V const& up, detail::standard::rare_defer const& rare) const noexcept {
    if constexpr (detail::fast::is_float<V>::value)
      return detail::fast::geglu(gate, up, rare);
    else
      return detail::gated(fast::gelu{}, gate, up, fast::gelu{}, rare);
  }
};

struct geglu_tanh {
  static constexpr const char* name = "fast::geglu_tanh";
  static constexpr nonlin::tier tier = nonlin::tier::fast;
  static constexpr gate_half packed_gate = gate_half::first;
  static constexpr double max_ulp_float = 2 * fast::gelu_tanh::max_ulp_float + 0.5;
  static constexpr double max_ulp_double = precise::geglu_tanh::max_ulp_double;

  template <class V>
  NONLIN_INLINE V operator()(V const& gate, V const& up) const noexcept {
    if constexpr (detail::fast::is_float<V>::value)
      return detail::eval2(gate, up, [](auto const& g, auto const& u) NONLIN_INLINE_LAMBDA {
        return detail::fast::geglu_tanh(g, u);
      });
    else
      return detail::gated(fast::gelu_tanh{}, gate, up);
  }
  // The bulk loops' call (batches; rare lanes deferred: detail::standard::rare_defer).
  template <class V>
  NONLIN_INLINE V operator()(V const& gate, V const& up, detail::standard::rare_defer const& rare) const noexcept {
    if constexpr (detail::fast::is_float<V>::value)
      return detail::fast::geglu_tanh(gate, up, rare);
    else
      return detail::gated(fast::gelu_tanh{}, gate, up, fast::gelu_tanh{}, rare);
  }
};
}  // namespace fast

NONLIN_END_NAMESPACE  // namespace nonlin

#endif  // NONLIN_GLU_HPP
