// The compile-time path of this build, for test_dispatch where the library
// holds one table compiled with the build's flags (no x86-64 levels).
#define ODR_TU_LABEL ODR_STR(NONLIN_ISA)
#define ODR_TU_FN dispatch_local_tu
#include "odr_tu_body.hpp"
