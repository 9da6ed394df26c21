// nonlin_fuzz_seeds DIR: writes the seed corpus of nonlin_fuzz into DIR
// (created if missing), one file per case: every function in float and double, every entry point
// (unary apply; gated apply with two inputs, in place on gate and on up;
// apply_packed with either gate half and padded strides; the contiguous
// overload), in place and not, the default parameter and each hostile value
// of the row's parameter (tests/spec.hpp), at lengths around the vector widths, with
// a payload of special values (NaN, +-inf, +-0, subnormals, the extremes)
// and ordinary ones from the core and both tails.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "fuzz_case.hpp"

namespace {

using nonlin_fuzz::Case;
using nonlin_fuzz::Entry;
using nonlin_fuzz::ParamMode;

template <class T>
std::vector<T> payload_values() {
  using L = std::numeric_limits<T>;
  std::vector<T> v = {L::quiet_NaN(), -L::quiet_NaN(), L::infinity(), -L::infinity(), T(0), -T(0),
                      L::denorm_min(), -L::denorm_min(), L::min(), -L::min(), L::max(), -L::max(),
                      T(1), T(-1), T(0.5), T(-0.5), T(3), T(-3), T(20), T(-20), T(100), T(-100),
                      T(-13.5), T(-95), T(88), T(-88), T(1e10), T(-1e10), static_cast<T>(1e-30),
                      static_cast<T>(-1e-30), static_cast<T>(1e-40), static_cast<T>(-1e-40)};
  if (sizeof(T) == 8) {
    for (double d : {-700.0, -745.0, -38.5, 710.0, 1e300, -1e300, 1e-300, -1e-310}) v.push_back(static_cast<T>(d));
  }
  for (int k = 0; k < 40; ++k) v.push_back(static_cast<T>((k - 20) * 0.37));
  return v;
}

template <class T>
std::vector<std::uint8_t> payload() {
  const std::vector<T> v = payload_values<T>();
  std::vector<std::uint8_t> bytes(v.size() * sizeof(T));
  std::memcpy(bytes.data(), v.data(), bytes.size());
  return bytes;
}

// Per function of nonlin's list (unary, then gated): how many hostile
// values its parameter has (0: no parameter).
std::vector<std::size_t> hostile_counts() {
  std::vector<std::size_t> n;
  const auto add = [&](auto const& f) {
    using F = std::decay_t<decltype(f)>;
    if constexpr (nonlin_spec::has_param<F>())
      n.push_back(sizeof(nonlin_spec::spec_of<F>::param::hostile) / sizeof(double));
    else
      n.push_back(0);
  };
  nonlin_spec::for_each_unary(add);
  nonlin_spec::for_each_gated(add);
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: nonlin_fuzz_seeds DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    std::fprintf(stderr, "nonlin_fuzz_seeds: cannot create %s: %s\n", dir.c_str(), ec.message().c_str());
    return 1;
  }
  const std::size_t lengths[] = {0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 47, 64, 65, 100, 257};
  const std::size_t hiddens[] = {1, 5, 8, 16, 17, 33, 64};
  const std::vector<std::size_t> hostile = hostile_counts();
  std::size_t count = 0;
  for (std::size_t f = 0; f < nonlin_fuzz::kFunctions; ++f) {
    for (int d = 0; d < 2; ++d) {
      const bool gated = f >= nonlin_fuzz::kUnary;
      for (int e = 0; e < (gated ? 4 : 1); ++e) {
        for (int ip = 0; ip < (gated && e == 0 ? 3 : 2); ++ip) {
          // the default, then each hostile value
          const std::size_t params = 1 + (ip == 0 && e == 0 ? hostile[f] : 0);
          for (std::size_t p = 0; p < params; ++p) {
            Case c;
            c.function = f;
            c.is_double = d == 1;
            c.entry = static_cast<Entry>(e);
            c.in_place = ip != 0;
            c.in_place_on_up = ip == 2;
            c.param_mode = p == 0 ? ParamMode::fixed : ParamMode::table;
            c.param_index = p == 0 ? 0 : p - 1;
            c.n = lengths[count % (sizeof lengths / sizeof lengths[0])];
            c.in_offset = count % 5;
            c.out_offset = (count / 5) % 7;
            c.rows = 1 + count % 4;
            c.hidden = hiddens[count % (sizeof hiddens / sizeof hiddens[0])];
            c.in_extra = count % 3;
            c.out_extra = (count + 1) % 3;
            std::vector<std::uint8_t> bytes = nonlin_fuzz::encode(c);
            const std::vector<std::uint8_t> pl = d == 1 ? payload<double>() : payload<float>();
            bytes.insert(bytes.end(), pl.begin(), pl.end());
            char name[64];
            std::snprintf(name, sizeof name, "/seed-%02zu-%c-e%d-ip%d-p%02zu", f, d == 1 ? 'd' : 'f', e, ip, p);
            std::ofstream out(dir + name, std::ios::binary);
            out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
            if (!out) {
              std::fprintf(stderr, "nonlin_fuzz_seeds: cannot write %s%s\n", dir.c_str(), name);
              return 1;
            }
            ++count;
          }
        }
      }
    }
  }
  std::printf("nonlin_fuzz_seeds: %zu seeds in %s\n", count, dir.c_str());
  return 0;
}
