// nonlin_bench --peer_accuracy: the accuracy of every unary kernel in
// nonlin_bench -- nonlin's precise and fast tiers, the std loop and xsimd math
// baselines and every peer -- measured the way nonlin measures its own
// (tests/sweep/): float32 bit patterns k * STRIDE against a long double
// reference (tests/spec.hpp), ULP as nonlin_test::ulp_error<float>
// (tests/common.hpp), normal and subnormal-or-zero results apart.
//
// bench_activations.cpp builds the list of kernels (it owns the baselines
// and the peer registry) and calls run_peer_accuracy(); peer_accuracy.cpp
// does the sweep and writes the markdown.
#ifndef NONLIN_BENCH_PEER_ACCURACY_HPP
#define NONLIN_BENCH_PEER_ACCURACY_HPP

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "bench_common.hpp"

namespace nonlin_bench {

struct accuracy_options {
  bool enabled = false;
  std::uint64_t stride = 97;  // bit patterns k * stride, k = 0, 1, ... below 2^32
  std::string out;            // also write the markdown here (empty: stdout only)
  unsigned threads = 0;       // 0: std::thread::hardware_concurrency()
};

// Takes --peer_accuracy[=STRIDE], --peer_accuracy_out=FILE and
// --peer_accuracy_threads=N out of argv (so that Google Benchmark never sees
// them). Returns false, with a message in error, on a malformed value or an
// _out/_threads flag without --peer_accuracy.
bool take_accuracy_flags(int& argc, char** argv, accuracy_options& opt, std::string& error);

// One mathematical function: its name (its spec row's, tests/spec.hpp), the
// table label, its parameter (leaky_relu's alpha, swish's beta) as the float
// the kernels use (0 when it has none), and its reference in long double
// (the row's ref<long double>(x, param)).
struct accuracy_function {
  std::string name;
  std::string label;
  float param = 0;
  long double (*ref)(long double x, long double param) = nullptr;
};

// One kernel of one function. column: nonlin, nonlin_fast, std_loop,
// xsimd_math, or the peer name of the registry (onednn, xnnpack, eigen,
// sleef, torch). bound >= 0: the documented max ULP of nonlin's own tiers; a
// run where such a kernel exceeds it (or has a special failure) exits 1.
// make(n) is called once per worker thread, on the calling (main) thread,
// and the kernel it returns is then used by that worker only.
struct accuracy_kernel {
  std::string function;
  std::string column;
  double bound = -1;
  std::function<kernel(std::size_t n)> make;
};

// Runs the sweep; thread_setup() is called first on every worker thread
// (main() passes the OpenMP one-thread limit there). context: (key, value)
// lines for the report (compiler, flags, peer versions...). Returns the exit
// status: 0, 1 (a nonlin tier outside its bound or with a special failure, a
// kernel that could not be built, the output file not written), 2 (bad
// setup).
int run_peer_accuracy(accuracy_options const& opt, std::vector<accuracy_function> const& functions,
                      std::vector<accuracy_kernel> const& kernels,
                      std::vector<std::pair<std::string, std::string>> const& context,
                      std::function<void()> const& thread_setup);

}  // namespace nonlin_bench

#endif  // NONLIN_BENCH_PEER_ACCURACY_HPP
