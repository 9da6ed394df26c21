// ODR: three translation units include <nonlin/nonlin.hpp> compiled for
// different ISAs (x86-64 baseline / SSE2, x86-64-v3 = AVX2 + FMA, x86-64-v4 =
// AVX-512) and are linked into this one program. nonlin's inline ABI
// namespace (NONLIN_ABI) must give each TU its own instantiations --
// otherwise the linker keeps one body of, say, nonlin::apply<gelu, float>
// for all of them, and an AVX-512 body can end up on the SSE2 path (SIGILL
// on a CPU without AVX-512) or an SSE2 body on the AVX-512 one.
// Checked here: distinct ABI namespaces and instantiation addresses, each TU
// compiled for the ISA it claims, each TU's results (bulk = scalar, within
// the documented bound of a wide reference), agreement between the TUs, and
// no crash. TUs the CPU cannot run are linked but not called (skipped).
// The companion test odr_symbols checks the object files with nm: no nonlin
// symbol is defined by two TUs.
#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <cstring>
#include <iostream>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "common.hpp"
#include "odr_api.hpp"
#include "spec.hpp"

namespace {

using nonlin_test::same_bits;
using nonlin_test::show;
using nonlin_test::ulp_error;

struct Unit {
  const odr::tu* tu;
  bool runnable;
  const char* needs;
};

std::vector<Unit> units() {
  __builtin_cpu_init();
  const bool v3 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
                  __builtin_cpu_supports("avx") && __builtin_cpu_supports("bmi2");
  const bool v4 = v3 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                  __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
                  __builtin_cpu_supports("avx512cd");
  return {{&odr_tu_sse2(), true, "x86-64"}, {&odr_tu_avx2(), v3, "x86-64-v3"}, {&odr_tu_avx512(), v4, "x86-64-v4"}};
}

TEST(Odr, DistinctAbiNamespacesAndInstantiations) {
  const auto us = units();
  for (auto const& u : us) {
    std::cout << "[ odr ] " << u.tu->label << ": NONLIN_ABI " << u.tu->abi << ", typeid(nonlin::gelu) "
              << u.tu->gelu_type << ", apply<gelu,float> at 0x" << std::hex << u.tu->apply_gelu_f32 << std::dec
              << ", AVX " << u.tu->avx << " AVX2 " << u.tu->avx2 << " FMA " << u.tu->fma << " AVX512F "
              << u.tu->avx512f << ", xsimd " << u.tu->xsimd << " (" << u.tu->width_f32 << " floats)"
              << (u.runnable ? "" : " -- CPU lacks it: linked, not run") << "\n";
    EXPECT_NE(std::string(u.tu->gelu_type).find(u.tu->abi), std::string::npos)
        << "typeid name " << u.tu->gelu_type << " does not carry the ABI namespace " << u.tu->abi;
  }
  std::cout << std::flush;
  // Each TU was compiled for what it claims (the per-source -march overrides
  // CMAKE_CXX_FLAGS such as -march=native).
  EXPECT_FALSE(us[0].tu->avx) << "the sse2 TU was compiled with AVX";
  EXPECT_TRUE(us[1].tu->avx2 && us[1].tu->fma && !us[1].tu->avx512f) << "the avx2 TU is not AVX2+FMA";
  EXPECT_TRUE(us[2].tu->avx512f && us[2].tu->fma) << "the avx512 TU is not AVX-512";
  const std::string path = us[0].tu->xsimd ? "xsimd" : "scalar";
  EXPECT_EQ(us[0].tu->abi, "abi_" + path + "_sse2_nofma_ieee");
  EXPECT_EQ(us[1].tu->abi, "abi_" + path + "_avx2_fma_ieee");
  EXPECT_EQ(us[2].tu->abi, "abi_" + path + "_avx512_fma_ieee");
  for (std::size_t i = 0; i < us.size(); ++i)
    for (std::size_t j = i + 1; j < us.size(); ++j) {
      EXPECT_STRNE(us[i].tu->abi, us[j].tu->abi)
          << us[i].tu->label << " and " << us[j].tu->label << " share an ABI namespace: their inline bodies "
          << "(compiled for different ISAs) are merged by the linker";
      EXPECT_NE(us[i].tu->apply_gelu_f32, us[j].tu->apply_gelu_f32)
          << us[i].tu->label << " and " << us[j].tu->label << " call the same nonlin::apply<gelu, float>";
    }
}

template <class T>
std::vector<T> inputs(unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> core(-6.0, 6.0), wide(-100.0, 100.0);
  std::vector<T> v;
  for (int i = 0; i < 600; ++i) v.push_back(static_cast<T>(i % 3 ? core(rng) : wide(rng)));
  for (T x : {T(0), -T(0), std::numeric_limits<T>::infinity(), -std::numeric_limits<T>::infinity(),
              std::numeric_limits<T>::quiet_NaN(), std::numeric_limits<T>::max(), std::numeric_limits<T>::lowest(),
              std::numeric_limits<T>::denorm_min(), T(-0.5), T(0.5)})
    v.push_back(x);
  return v;
}

template <class T>
void run(odr::entry const& e, std::vector<T> const& a, std::vector<T> const& b, std::vector<T>& bulk,
         std::vector<T>& scalar) {
  if constexpr (sizeof(T) == 4) {
    e.bulk_f32(a.data(), b.data(), bulk.data(), a.size());
    e.scalar_f32(a.data(), b.data(), scalar.data(), a.size());
  } else {
    e.bulk_f64(a.data(), b.data(), bulk.data(), a.size());
    e.scalar_f64(a.data(), b.data(), scalar.data(), a.size());
  }
}

template <class T>
void compare_results() {
  using R = nonlin_spec::wide;
  const auto us = units();
  const auto xs = inputs<T>(1), ups0 = inputs<T>(2);
  std::vector<T> ups(ups0.size());
  for (std::size_t i = 0; i < ups.size(); ++i)  // |up| <= 1 (the gated bounds' condition), plus specials
    ups[i] = std::isfinite(ups0[i]) && std::fabs(ups0[i]) > 1 ? 1 / ups0[i] : ups0[i];
  const odr::tu& base = *us[0].tu;
  for (auto const& u : us) ASSERT_EQ(u.tu->count, base.count);
  for (std::size_t k = 0; k < base.count; ++k) {
    const char* name = base.entries[k].name;
    std::vector<std::vector<T>> results;
    std::vector<const char*> labels;
    for (auto const& u : us) {
      odr::entry const& e = u.tu->entries[k];
      ASSERT_STREQ(e.name, name);
      if (!u.runnable) continue;
      std::vector<T> bulk(xs.size()), scalar(xs.size());
      run<T>(e, xs, ups, bulk, scalar);
      const double bound = sizeof(T) == 4 ? e.bound_float : e.bound_double;
      long double worst = 0;
      for (std::size_t i = 0; i < xs.size(); ++i) {
        EXPECT_TRUE(same_bits(bulk[i], scalar[i])) << u.tu->label << " " << name << "(" << show(xs[i])
                                                   << "): bulk " << show(bulk[i]) << " != scalar " << show(scalar[i]);
        if (!std::isfinite(xs[i]) || !std::isfinite(ups[i])) continue;
        const R p = R(static_cast<T>(e.param));
        const R ref = e.gated ? nonlin_spec::reference_by_name<R>(name, R(xs[i]), p) * R(ups[i])
                              : nonlin_spec::reference_by_name<R>(name, R(xs[i]), p);
        long double hi, lo;
        nonlin_test::split(ref, hi, lo);
        const long double err = ulp_error<T>(bulk[i], hi, lo);
        if (err > worst) worst = err;
        EXPECT_LE(err, bound) << u.tu->label << " " << name << "(" << show(xs[i]) << (e.gated ? ", " : "")
                              << (e.gated ? show(ups[i]) : "") << ") = " << show(bulk[i]) << ", reference " << hi;
      }
      std::cout << "[ odr ] " << (sizeof(T) == 4 ? "float " : "double") << " " << u.tu->label << " " << name
                << ": max " << static_cast<double>(worst) << " ULP (bound " << bound << ")\n";
      results.push_back(bulk);
      labels.push_back(u.tu->label);
    }
    // Between TUs: the exact / correctly rounded functions agree bit for bit
    // everywhere; the FMA TUs (avx2, avx512) run the same operations and agree
    // bit for bit too -- except the fast tier, whose reciprocal is vrcp14ps on
    // AVX-512 and a division on AVX2; the SSE2 TU (no FMA) may
    // differ within the bounds.
    const bool exact = std::string(name) == "relu" || std::string(name) == "leaky_relu";
    const bool fast_tier = std::string(name).rfind("fast::", 0) == 0;
    std::size_t differ_sse2 = 0;
    for (std::size_t r = 1; r < results.size(); ++r)
      for (std::size_t i = 0; i < xs.size(); ++i) {
        const bool same = same_bits(results[r][i], results[0][i]);
        if (!same) ++differ_sse2;
        if (exact) {
          EXPECT_TRUE(same) << name << " " << labels[r] << " vs " << labels[0] << " at " << show(xs[i]);
        }
        if (r == 2 && !fast_tier) {
          EXPECT_TRUE(same_bits(results[2][i], results[1][i]))
              << name << " avx512 " << show(results[2][i]) << " vs avx2 " << show(results[1][i]) << " at "
              << show(xs[i]);
        }
      }
    if (results.size() > 1)
      std::cout << "[ odr ]   " << name << ": " << differ_sse2 << " of " << (results.size() - 1) * xs.size()
                << " results of the other TUs differ from the sse2 TU's\n";
  }
  std::cout << std::flush;
}

TEST(Odr, ResultsFloat) { compare_results<float>(); }
TEST(Odr, ResultsDouble) { compare_results<double>(); }

}  // namespace
