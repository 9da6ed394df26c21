// nonlin: neural-network activation functions, header-only, C++17.
// Umbrella header: every functor, the bulk kernels and the function list.
#ifndef NONLIN_NONLIN_HPP
#define NONLIN_NONLIN_HPP

#include "config.hpp"
#include "tier.hpp"
#include "relu.hpp"
#include "hard.hpp"
#include "tanh.hpp"
#include "sigmoid.hpp"
#include "silu.hpp"
#include "gelu.hpp"
#include "glu.hpp"
#include "half.hpp"
#include "apply.hpp"
#include "function_list.hpp"

#endif  // NONLIN_NONLIN_HPP
