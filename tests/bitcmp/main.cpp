// scripts/bitcmp.sh's driver: every float bit pattern (or every STRIDE-th)
// as input, gated functions with it as the gate and up a bit-mix of it, each
// selected function evaluated by both sides; prints, per function, how many
// outputs differ in their bits (two NaNs count as equal) and the first input
// that differs, with both outputs (that input evaluated again alone). Exit
// status 1 when any output differs.
//   bitcmp [REGEX] [STRIDE]   (REGEX: ECMAScript, searched in the names; default all)
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "bitcmp.hpp"

namespace {

std::uint32_t bits(float v) {
  std::uint32_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}
float from(std::uint32_t b) {
  float v;
  std::memcpy(&v, &b, sizeof v);
  return v;
}
std::uint32_t up_of(std::uint32_t v) { return (v * 2654435761u) ^ (v >> 13); }

std::vector<std::string> g_names;

}  // namespace

int main(int argc, char** argv) {
  const std::regex only(argc > 1 ? argv[1] : ".*");
  const std::uint64_t stride = argc > 2 ? std::max<std::uint64_t>(1, std::strtoull(argv[2], nullptr, 10)) : 1;
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  bitcmp_new_names([](const char* name) { g_names.emplace_back(name); });
  int status = 0;
  for (std::string const& name : g_names) {
    if (!std::regex_search(name, only)) continue;
    float probe_x = 1.0f, probe_u = 1.0f, probe_y;
    if (!bitcmp_old(name.c_str(), &probe_x, &probe_u, &probe_y, 1)) {
      std::printf("%-24s not in the old version\n", name.c_str());
      continue;
    }
    const std::uint64_t count = ((std::uint64_t(1) << 32) + stride - 1) / stride;
    std::atomic<std::uint64_t> differ{0}, next{0}, first{~std::uint64_t(0)};
    auto work = [&] {
      const std::uint64_t chunk = 1 << 16;
      std::vector<float> x(chunk), u(chunk), a(chunk), b(chunk);
      for (std::uint64_t lo; (lo = next.fetch_add(chunk)) < count;) {
        const auto n = static_cast<std::size_t>(std::min(chunk, count - lo));
        for (std::size_t i = 0; i < n; ++i) {
          const auto v = static_cast<std::uint32_t>((lo + i) * stride);
          x[i] = from(v);
          u[i] = from(up_of(v));
        }
        bitcmp_old(name.c_str(), x.data(), u.data(), a.data(), n);
        bitcmp_new(name.c_str(), x.data(), u.data(), b.data(), n);
        for (std::size_t i = 0; i < n; ++i) {
          if (bits(a[i]) == bits(b[i]) || (std::isnan(a[i]) && std::isnan(b[i]))) continue;
          ++differ;
          std::uint64_t have = first.load();
          while (lo + i < have && !first.compare_exchange_weak(have, lo + i)) {
          }
        }
      }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    std::printf("%-24s %llu of %llu outputs differ", name.c_str(), static_cast<unsigned long long>(differ.load()),
                static_cast<unsigned long long>(count));
    if (differ.load() != 0) {
      const auto v = static_cast<std::uint32_t>(first.load() * stride);
      const float x = from(v), u = from(up_of(v));
      float a = 0, b = 0;
      bitcmp_old(name.c_str(), &x, &u, &a, 1);
      bitcmp_new(name.c_str(), &x, &u, &b, 1);
      std::printf("; first at x = %a (up %a): old %a, new %a", static_cast<double>(x), static_cast<double>(u),
                  static_cast<double>(a), static_cast<double>(b));
      status = 1;
    }
    std::printf("\n");
    std::fflush(stdout);
  }
  return status;
}
