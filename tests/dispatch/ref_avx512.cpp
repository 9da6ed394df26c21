// nonlin::apply compiled for the avx512 table of nonlin::dispatch (ref_api.hpp;
// compile options: tests/dispatch/CMakeLists.txt).
#define REF_FN dispatch_ref_avx512
#include "ref_body.hpp"
