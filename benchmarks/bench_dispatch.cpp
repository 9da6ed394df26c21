// nonlin_bench's dispatch study, the part compiled for the x86-64 baseline
// (-march=x86-64, after the benchmark's flags: benchmarks/CMakeLists.txt),
// i.e. what a distribution or a Python wheel built without -march runs:
//
//   dispatch/<name>/dispatch/uniform/<n>   nonlin::dispatch::apply (the
//                                          library's table for this CPU, or
//                                          NONLIN_ISA's)
//   dispatch/<name>/baseline/uniform/<n>   nonlin::apply compiled for the
//                                          baseline (SSE2, no FMA): today's
//                                          cost of such a build
//
// bench_activations.cpp registers dispatch/<name>/native/uniform/<n>,
// nonlin::apply compiled with the benchmark's flags (-march=native), to
// compare against in the same run; benchmarks/dispatch.sh runs the study and
// benchmarks/dispatch_report.py makes its table. Every function of both
// lists, float, n in kDispatchSizes; gated: gate = in[0, n), up = in[n, 2n).
#include <benchmark/benchmark.h>

#include <cstddef>

#include "bench_common.hpp"
#include "nonlin/dispatch.hpp"

namespace nonlin_bench {

void register_dispatch_baseline() {
  for (std::size_t n : kDispatchSizes) {
    nonlin::for_each_function(nonlin::unary_functions(), [n](auto const& f) {
      benchmark::RegisterBenchmark(dispatch_name(f.name, "dispatch", n).c_str(), [f, n](benchmark::State& st) {
        run(st, n, n, [&](const float* in, float* out) { nonlin::dispatch::apply(f, in, out, n); });
      });
      benchmark::RegisterBenchmark(dispatch_name(f.name, "baseline", n).c_str(), [f, n](benchmark::State& st) {
        run(st, n, n, [&](const float* in, float* out) { nonlin::apply(f, in, out, n); });
      });
    });
    nonlin::for_each_function(nonlin::gated_functions(), [n](auto const& g) {
      benchmark::RegisterBenchmark(dispatch_name(g.name, "dispatch", n).c_str(), [g, n](benchmark::State& st) {
        run(st, n, 2 * n, [&](const float* in, float* out) { nonlin::dispatch::apply(g, in, in + n, out, n); });
      });
      benchmark::RegisterBenchmark(dispatch_name(g.name, "baseline", n).c_str(), [g, n](benchmark::State& st) {
        run(st, n, 2 * n, [&](const float* in, float* out) { nonlin::apply(g, in, in + n, out, n); });
      });
    });
  }
}

}  // namespace nonlin_bench
