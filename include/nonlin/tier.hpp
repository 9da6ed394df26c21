// nonlin: the accuracy tiers. Every functor names its tier (F::tier).
#ifndef NONLIN_TIER_HPP
#define NONLIN_TIER_HPP

#include "config.hpp"

NONLIN_BEGIN_NAMESPACE

/// The accuracy tier of a functor (README "Tiers").
enum class tier {
  /// nonlin::f, the default: within 4 ULP over every float input, tails
  /// and subnormal results included, at the speed of the peers where the
  /// arithmetic allows; the same bits on every target with an FMA. double
  /// arguments run the precise kernels.
  standard,
  /// nonlin::precise::f: within 1 ULP (gelu: 2 in float, 3 in double) over
  /// every input, tails and subnormal results included.
  precise,
  /// nonlin::fast::f: relative error about 2^-12, for results stored as
  /// bf16 or fp16; float only (double arguments run the precise kernels).
  fast,
  /// One functor for every tier (relu, leaky_relu, relu6: nothing to
  /// trade), named in each tier's namespace; hardsigmoid and hardswish: one
  /// functor for the default and precise tiers (correctly rounded), named
  /// in nonlin::precise too, beside their own fast::hardsigmoid and
  /// fast::hardswish (the textbook operations).
  all
};

NONLIN_END_NAMESPACE  // namespace nonlin

#endif  // NONLIN_TIER_HPP
