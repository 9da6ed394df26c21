// The avx2 translation unit of the ODR test (compile options: tests/odr/CMakeLists.txt).
#define ODR_TU_LABEL "avx2"
#define ODR_TU_FN odr_tu_avx2
#include "odr_tu_body.hpp"
