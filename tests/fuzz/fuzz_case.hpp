// The byte layout of one differential-fuzzing case, shared by the fuzz target
// (fuzz_differential.cpp, which decodes it) and the seed generator
// (fuzz_seeds.cpp, which encodes it), so the two cannot drift apart.
//
// Every byte string is a valid case: missing header bytes read as zero. The
// payload gives the first input values; the buffers' remaining elements come
// from a generator seeded with a hash of the whole input (fill_value below),
// so that even a short input exercises many different values.
//
//   byte 0       function: index into nonlin's function list, modulo its
//                length (the unary functions in unary_functions() order,
//                then the gated ones in gated_functions() order)
//   byte 1       bit 0: dtype (0 float, 1 double)
//                bits 1-2: entry point of a gated function (0 apply with two
//                  inputs, 1 apply_packed with gate_half::first, 2 with
//                  gate_half::second, 3 the contiguous apply_packed overload)
//                bit 3: in place (out == in)
//                bits 4-5: parameter (0 the functor's default, 1 its row's
//                  hostile values, 2 the raw double in bytes 3-10, 3 the
//                  hostile values)
//   byte 2       index into the row's hostile values (tests/spec.hpp),
//                modulo their count
//   bytes 3-10   a raw double parameter (little-endian bit pattern)
//   bytes 11-12  n (little-endian) modulo kMaxN + 1: elements of a unary or
//                two-input call
//   byte 13      bits 0-3: start offset of the input buffer(s) in elements;
//                bit 4: with two inputs in place, out == up (else out == gate)
//   byte 14      start offset of the output buffer in elements, modulo 16
//   byte 15      packed: rows - 1, modulo kMaxRows
//   byte 16      packed: hidden, modulo kMaxHidden + 1
//   byte 17      packed: in_stride - 2 * hidden, modulo 8
//   byte 18      packed: out_stride - hidden, modulo 8
//   bytes 19-    payload: the first input values, as raw bit patterns of the
//                dtype (buffers are filled in order: gate then up, or the
//                packed rows with their padding)
#ifndef NONLIN_TESTS_FUZZ_CASE_HPP
#define NONLIN_TESTS_FUZZ_CASE_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "spec.hpp"

namespace nonlin_fuzz {

constexpr std::size_t kHeader = 19;
constexpr std::size_t kUnary = nonlin_spec::kUnaryCount;
constexpr std::size_t kFunctions = nonlin_spec::kUnaryCount + nonlin_spec::kGatedCount;
constexpr std::size_t kMaxN = 300;  // > 4 vectors of 64 bytes in float, plus a tail
constexpr std::size_t kMaxRows = 6;
constexpr std::size_t kMaxHidden = 80;
constexpr std::size_t kMaxOffset = 16;
constexpr std::size_t kMaxStrideExtra = 8;

enum class Entry { two_inputs = 0, packed_first = 1, packed_second = 2, packed_contiguous = 3 };
enum class ParamMode { fixed = 0, table = 1, raw = 2 };

// 64-bit FNV-1a of the whole input: the seed of fill_value.
inline std::uint64_t input_hash(const std::uint8_t* data, std::size_t size) {
  std::uint64_t h = 0xcbf29ce484222325u;
  for (std::size_t i = 0; i < size; ++i) {
    h ^= data[i];
    h *= 0x100000001b3u;
  }
  return h;
}

// Input value number k beyond the payload: splitmix64 of (seed, k) picks one
// of four kinds -- any bit pattern, the core [-8, 8], the tails [-128, 128]
// (float) or [-1024, 1024] (double), or a special value.
template <class T>
T fill_value(std::uint64_t seed, std::uint64_t k) {
  std::uint64_t z = seed + (k + 1) * 0x9E3779B97F4A7C15u;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  z ^= z >> 31;
  const double u = static_cast<double>(z >> 11) * 0x1.0p-53;  // [0, 1) from the top 53 bits
  switch (z & 3) {
    case 0: {
      T x;
      if (sizeof(T) == 4) {
        const std::uint32_t b = static_cast<std::uint32_t>(z >> 16);
        std::memcpy(&x, &b, sizeof x);
      } else {
        const std::uint64_t b = z * 0xD6E8FEB86659FD93u;
        std::memcpy(&x, &b, sizeof x);
      }
      return x;
    }
    case 1: return static_cast<T>(16 * u - 8);
    case 2: return static_cast<T>((sizeof(T) == 4 ? 256 : 2048) * u - (sizeof(T) == 4 ? 128 : 1024));
    default: {
      using L = std::numeric_limits<T>;
      const T specials[] = {L::quiet_NaN(), L::infinity(), -L::infinity(), T(0), -T(0), L::denorm_min(),
                            -L::denorm_min(), L::min(), -L::min(), L::max(), -L::max(), T(1), T(-1)};
      return specials[(z >> 8) % (sizeof specials / sizeof specials[0])];
    }
  }
}

struct Case {
  std::size_t function = 0;  // < kFunctions
  bool is_double = false;
  Entry entry = Entry::two_inputs;
  bool in_place = false;
  ParamMode param_mode = ParamMode::fixed;
  std::size_t param_index = 0;  // ParamMode::table: into the row's hostile values
  double param = 0;             // ParamMode::raw
  std::size_t n = 0;
  std::size_t in_offset = 0, out_offset = 0;
  bool in_place_on_up = false;
  std::size_t rows = 1, hidden = 0, in_extra = 0, out_extra = 0;
  const std::uint8_t* payload = nullptr;
  std::size_t payload_size = 0;
  std::uint64_t seed = 0;  // input_hash of the whole input

  bool gated() const { return function >= kUnary; }
  bool packed() const { return gated() && entry != Entry::two_inputs; }
};

inline Case decode(const std::uint8_t* data, std::size_t size) {
  std::uint8_t h[kHeader] = {};
  std::memcpy(h, data, size < kHeader ? size : kHeader);
  Case c;
  c.function = h[0] % kFunctions;
  c.is_double = (h[1] & 1) != 0;
  c.entry = static_cast<Entry>((h[1] >> 1) & 3);
  c.in_place = (h[1] & 8) != 0;
  const unsigned pm = (h[1] >> 4) & 3;
  c.param_mode = pm == 0 ? ParamMode::fixed : pm == 2 ? ParamMode::raw : ParamMode::table;
  c.param_index = h[2];
  if (c.param_mode == ParamMode::raw) std::memcpy(&c.param, h + 3, sizeof c.param);
  c.n = (static_cast<std::size_t>(h[11]) | static_cast<std::size_t>(h[12]) << 8) % (kMaxN + 1);
  c.in_offset = h[13] % kMaxOffset;
  c.in_place_on_up = (h[13] & 0x10) != 0;
  c.out_offset = h[14] % kMaxOffset;
  c.rows = h[15] % kMaxRows + 1;
  c.hidden = h[16] % (kMaxHidden + 1);
  c.in_extra = h[17] % kMaxStrideExtra;
  c.out_extra = h[18] % kMaxStrideExtra;
  if (size > kHeader) {
    c.payload = data + kHeader;
    c.payload_size = size - kHeader;
  }
  c.seed = input_hash(data, size);
  return c;
}

// The inverse of decode for the fields a seed sets; the payload is appended
// by the caller.
inline std::vector<std::uint8_t> encode(Case const& c) {
  std::vector<std::uint8_t> h(kHeader, 0);
  h[0] = static_cast<std::uint8_t>(c.function);
  const unsigned pm = c.param_mode == ParamMode::fixed ? 0u : c.param_mode == ParamMode::raw ? 2u : 1u;
  h[1] = static_cast<std::uint8_t>((c.is_double ? 1u : 0u) | static_cast<unsigned>(c.entry) << 1 |
                                   (c.in_place ? 8u : 0u) | pm << 4);
  if (c.param_mode == ParamMode::raw) std::memcpy(h.data() + 3, &c.param, sizeof c.param);
  h[2] = static_cast<std::uint8_t>(c.param_index);
  h[11] = static_cast<std::uint8_t>(c.n & 0xFF);
  h[12] = static_cast<std::uint8_t>(c.n >> 8);
  h[13] = static_cast<std::uint8_t>(c.in_offset | (c.in_place_on_up ? 0x10u : 0u));
  h[14] = static_cast<std::uint8_t>(c.out_offset);
  h[15] = static_cast<std::uint8_t>(c.rows - 1);
  h[16] = static_cast<std::uint8_t>(c.hidden);
  h[17] = static_cast<std::uint8_t>(c.in_extra);
  h[18] = static_cast<std::uint8_t>(c.out_extra);
  return h;
}

}  // namespace nonlin_fuzz

#endif  // NONLIN_TESTS_FUZZ_CASE_HPP
