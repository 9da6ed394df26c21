// nonlin::apply compiled for the sse2 table of nonlin::dispatch (ref_api.hpp;
// compile options: tests/dispatch/CMakeLists.txt).
#define REF_FN dispatch_ref_sse2
#include "ref_body.hpp"
