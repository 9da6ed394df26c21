// nonlin::apply compiled with the build's flags, where nonlin::dispatch holds
// one table (ref_api.hpp; tests/dispatch/CMakeLists.txt).
#define REF_FN dispatch_ref_local
#include "ref_body.hpp"
