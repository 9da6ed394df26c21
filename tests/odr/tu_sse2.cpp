// The sse2 translation unit of the ODR test (compile options: tests/odr/CMakeLists.txt).
#define ODR_TU_LABEL "sse2"
#define ODR_TU_FN odr_tu_sse2
#include "odr_tu_body.hpp"
