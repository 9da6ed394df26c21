// nonlin_digest: the outputs of every function of this build, to compare
// builds bit for bit (scripts/test.sh compares its ISA builds).
//
//   nonlin_digest OUT                  evaluates every function in float and
//       double through the bulk kernels -- the unary ones, and the gated
//       ones through the two-input apply -- over a fixed input set, checks
//       that the scalar functor returns the same bits on every input (exit
//       status 1 if not), writes the outputs to OUT and prints one FNV-1a
//       hash per function and type.
//   nonlin_digest --all-floats OUT [NAME,...]   evaluates every unary
//       function (or the ones named) in float over all 2^32 bit patterns
//       through the bulk kernels (two threads) and writes, per function, one
//       hash per block of 2^20 consecutive patterns: the check that a
//       rewrite gives the same bits everywhere, not only on the fixed input
//       set (minutes per function where the inputs take slow paths).
//   nonlin_digest --compare-all A B    compares two such files: per
//       function (matched by name), identical or the first block that
//       differs. Exit status 1 if any differs.
//   nonlin_digest --compare A B [--require-equal all|none|GROUP|NAME,...]
//       compares two such files function by function (matched by name):
//       how many outputs differ and by how many ULP at most (the distance in
//       representable values), with the first input where they differ. Exit
//       status 1 if a function required equal differs -- named, or in a
//       named digest group of tests/spec.hpp (exact, fma, isa); default all
//       -- and 2 if one is missing from a file or the files do not describe
//       the same inputs.
//
// Inputs: 65536 bit patterns k * s (mod 2^32 or 2^64, s the odd golden-ratio
// constant, so every exponent and mantissa bit varies), 4097 evenly spaced
// values in [-12, 12], and the special values (NaN, +-inf, +-0, the
// subnormal and normal extremes). Gated functions pair input i as the gate
// with input N-1-i as up. NaN outputs are written as one canonical NaN:
// nonlin promises NaN, not a payload.
//
// File format: a text line "nonlin-digest 2 <abi> fma=<0|1> sections=<k>",
// then per section a line "<float|double> <unary|gated> <name> <group>
// <count>" followed by count raw output values. (Format 1, without the
// group, is read too.)
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <limits>
#include <sstream>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "common.hpp"
#include "spec.hpp"

#define NONLIN_DIGEST_STR2(x) #x
#define NONLIN_DIGEST_STR(x) NONLIN_DIGEST_STR2(x)

namespace {

template <class T>
struct bits_of;
template <>
struct bits_of<float> {
  using type = std::uint32_t;
  static constexpr std::uint32_t stride = 0x9E3779B9u;
};
template <>
struct bits_of<double> {
  using type = std::uint64_t;
  static constexpr std::uint64_t stride = 0x9E3779B97F4A7C15u;
};

template <class T>
std::vector<T> inputs() {
  using U = typename bits_of<T>::type;
  std::vector<T> xs;
  for (std::uint64_t k = 0; k < 65536; ++k) {
    const U u = static_cast<U>(static_cast<U>(k) * bits_of<T>::stride);
    T x;
    std::memcpy(&x, &u, sizeof x);
    xs.push_back(x);
  }
  for (int i = 0; i <= 4096; ++i) xs.push_back(static_cast<T>(-12.0 + 24.0 * i / 4096));
  using L = std::numeric_limits<T>;
  for (T x : {L::quiet_NaN(), -L::quiet_NaN(), L::infinity(), -L::infinity(), T(0), -T(0), L::denorm_min(),
              -L::denorm_min(), L::min(), -L::min(), L::max(), -L::max()})
    xs.push_back(x);
  return xs;
}

template <class T>
const char* dtype() {
  return std::is_same<T, float>::value ? "float" : "double";
}

template <class T>
T canonical(T y) {
  return std::isnan(y) ? std::numeric_limits<T>::quiet_NaN() : y;
}

std::uint64_t fnv1a(const void* p, std::size_t n) {
  const auto* b = static_cast<const unsigned char*>(p);
  std::uint64_t h = 0xcbf29ce484222325u;
  for (std::size_t i = 0; i < n; ++i) {
    h ^= b[i];
    h *= 0x100000001b3u;
  }
  return h;
}

struct Writer {
  std::ostringstream body;
  int sections = 0;
  int mismatches = 0;

  template <class T>
  void section(const char* kind, const char* name, const char* group, std::vector<T> const& ys) {
    body << dtype<T>() << " " << kind << " " << name << " " << group << " " << ys.size() << "\n";
    body.write(reinterpret_cast<const char*>(ys.data()), static_cast<std::streamsize>(ys.size() * sizeof(T)));
    ++sections;
    std::printf("%-6s %-5s %-10s %8zu outputs  fnv1a %016" PRIx64 "\n", dtype<T>(), kind, name, ys.size(),
                fnv1a(ys.data(), ys.size() * sizeof(T)));
  }

  template <class T>
  void mismatch(const char* name, std::string const& input, T bulk, T scalar) {
    if (mismatches++ < 10)
      std::fprintf(stderr, "nonlin_digest: %s %s at %s: bulk %s != scalar %s\n", dtype<T>(), name, input.c_str(),
                   nonlin_test::show(bulk).c_str(), nonlin_test::show(scalar).c_str());
  }
};

template <class T>
void run_type(Writer& w) {
  const std::vector<T> xs = inputs<T>();
  const std::size_t n = xs.size();
  std::vector<T> ups(n);
  for (std::size_t i = 0; i < n; ++i) ups[i] = xs[n - 1 - i];
  nonlin_spec::for_each_unary([&](auto const& f) {
    std::vector<T> ys(n);
    nonlin::apply(f, xs.data(), ys.data(), n);
    for (std::size_t i = 0; i < n; ++i) {
      const T s = f(xs[i]);
      if (!nonlin_test::same_bits(s, ys[i])) w.mismatch(f.name, "x = " + nonlin_test::show(xs[i]), ys[i], s);
      ys[i] = canonical(ys[i]);
    }
    w.section("unary", f.name, nonlin_spec::group_name(nonlin_spec::spec_of<decltype(f)>::digest), ys);
  });
  nonlin_spec::for_each_gated([&](auto const& g) {
    std::vector<T> ys(n);
    nonlin::apply(g, xs.data(), ups.data(), ys.data(), n);
    for (std::size_t i = 0; i < n; ++i) {
      const T s = g(xs[i], ups[i]);
      if (!nonlin_test::same_bits(s, ys[i]))
        w.mismatch(g.name, "gate = " + nonlin_test::show(xs[i]) + ", up = " + nonlin_test::show(ups[i]), ys[i], s);
      ys[i] = canonical(ys[i]);
    }
    w.section("gated", g.name, nonlin_spec::group_name(nonlin_spec::spec_of<decltype(g)>::digest), ys);
  });
}

int write_digest(const char* path) {
  Writer w;
  std::printf("nonlin_digest: build %s, FMA %d\n", NONLIN_DIGEST_STR(NONLIN_ABI), NONLIN_HAS_FMA);
  run_type<float>(w);
  run_type<double>(w);
  std::ofstream out(path, std::ios::binary);
  out << "nonlin-digest 2 " << NONLIN_DIGEST_STR(NONLIN_ABI) << " fma=" << NONLIN_HAS_FMA << " sections=" << w.sections
      << "\n"
      << w.body.str();
  if (!out) {
    std::fprintf(stderr, "nonlin_digest: cannot write %s\n", path);
    return 1;
  }
  std::printf("nonlin_digest: wrote %s\n", path);
  if (w.mismatches != 0) {
    std::fprintf(stderr, "nonlin_digest: %d scalar/bulk mismatches\n", w.mismatches);
    return 1;
  }
  return 0;
}

// ------------------------------------------------------------- compare --

struct Section {
  std::string dtype, kind, name, group;
  std::size_t count = 0;
  std::string data;
};

// Reads a digest file: format 2, or format 1 (no group per section).
bool read_digest(const char* path, std::string& header, std::vector<Section>& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in || !std::getline(in, header)) return false;
  const bool v1 = header.rfind("nonlin-digest 1 ", 0) == 0;
  if (!v1 && header.rfind("nonlin-digest 2 ", 0) != 0) return false;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    Section s;
    if (!(ls >> s.dtype >> s.kind >> s.name)) return false;
    if (!v1 && !(ls >> s.group)) return false;
    if (!(ls >> s.count)) return false;
    const std::size_t size = s.dtype == "float" ? 4 : 8;
    s.data.resize(s.count * size);
    if (!in.read(&s.data[0], static_cast<std::streamsize>(s.data.size()))) return false;
    out.push_back(std::move(s));
  }
  return true;
}

// Position of x on the line of representable values (monotonic in x).
template <class T>
std::int64_t ordinal(T x) {
  using U = typename bits_of<T>::type;
  U u;
  std::memcpy(&u, &x, sizeof u);
  const U sign = U(1) << (sizeof(U) * 8 - 1);
  const std::int64_t mag = static_cast<std::int64_t>(u & ~sign);
  return (u & sign) != 0 ? -mag : mag;
}

template <class T>
std::string compare_section(Section const& a, Section const& b, std::size_t& differ) {
  const std::vector<T> xs = inputs<T>();
  differ = 0;
  std::uint64_t max_dist = 0;
  std::string first;
  for (std::size_t i = 0; i < a.count; ++i) {
    T ya, yb;
    std::memcpy(&ya, a.data.data() + i * sizeof(T), sizeof(T));
    std::memcpy(&yb, b.data.data() + i * sizeof(T), sizeof(T));
    if (std::memcmp(&ya, &yb, sizeof(T)) == 0) continue;
    ++differ;
    std::uint64_t d = std::numeric_limits<std::uint64_t>::max();
    if (!std::isnan(ya) && !std::isnan(yb)) {
      const std::int64_t oa = ordinal(ya), ob = ordinal(yb);
      d = static_cast<std::uint64_t>(oa > ob ? oa - ob : ob - oa);
    }
    if (d > max_dist) max_dist = d;
    if (first.empty() && i < xs.size()) {
      std::ostringstream s;
      s << (a.kind == "gated" ? "gate " : "x ") << nonlin_test::show(xs[i]) << ": " << nonlin_test::show(ya) << " vs "
        << nonlin_test::show(yb);
      first = s.str();
    }
  }
  std::ostringstream s;
  if (differ == 0) {
    s << "identical";
  } else {
    s << differ << " of " << a.count << " differ, by at most ";
    if (max_dist == std::numeric_limits<std::uint64_t>::max()) s << "NaN vs number";
    else s << max_dist << " ULP";
    s << " (first: " << first << ")";
  }
  return s.str();
}

int compare(const char* pa, const char* pb, std::string const& require) {
  std::string ha, hb;
  std::vector<Section> a, b;
  if (!read_digest(pa, ha, a) || !read_digest(pb, hb, b)) {
    std::fprintf(stderr, "nonlin_digest: cannot read %s or %s\n", pa, pb);
    return 2;
  }
  std::printf("A: %s (%s)\nB: %s (%s)\n", pa, ha.c_str(), pb, hb.c_str());
  // require: all, none, or a list of digest groups (exact, fma, isa) and
  // function names.
  const auto required = [&](Section const& s) {
    if (require == "all") return true;
    if (require == "none") return false;
    const std::string list = "," + require + ",";
    return list.find("," + s.name + ",") != std::string::npos ||
           (!s.group.empty() && list.find("," + s.group + ",") != std::string::npos);
  };
  int status = 0;
  for (Section const& sa : a) {
    const Section* sb = nullptr;
    for (Section const& c : b)
      if (c.dtype == sa.dtype && c.kind == sa.kind && c.name == sa.name) sb = &c;
    if (sb == nullptr) {
      std::printf("        %-6s %-16s only in A\n", sa.dtype.c_str(), sa.name.c_str());
      if (required(sa)) status = 2;
      continue;
    }
    if (sa.count != sb->count) {
      std::fprintf(stderr, "nonlin_digest: %s %s: different input sets\n", sa.dtype.c_str(), sa.name.c_str());
      return 2;
    }
    std::size_t differ = 0;
    const std::string what =
        sa.dtype == "float" ? compare_section<float>(sa, *sb, differ) : compare_section<double>(sa, *sb, differ);
    const bool fail = differ != 0 && required(sa);
    if (fail) status = 1;
    std::printf("%s %-6s %-16s %-5s %s\n", fail ? "DIFFERS" : "       ", sa.dtype.c_str(), sa.name.c_str(),
                sa.group.c_str(), what.c_str());
  }
  for (Section const& sb : b) {
    bool in_a = false;
    for (Section const& c : a) in_a = in_a || (c.dtype == sb.dtype && c.kind == sb.kind && c.name == sb.name);
    if (!in_a) {
      std::printf("        %-6s %-16s only in B\n", sb.dtype.c_str(), sb.name.c_str());
      if (required(sb)) status = 2;
    }
  }
  return status;
}

}  // namespace

// ---------------------------------------------------------- all floats --

constexpr std::size_t kBlock = std::size_t(1) << 20;
constexpr std::size_t kBlocks = (std::size_t(1) << 32) / kBlock;

// A fast hash of a block's outputs (NaNs canonical), 8 bytes at a time.
std::uint64_t block_hash(std::vector<float>& ys) {
  std::uint64_t h = 1469598103934665603ull;
  for (std::size_t i = 0; i < ys.size(); i += 2) {
    std::uint32_t a, b;
    const float ya = canonical(ys[i]), yb = canonical(ys[i + 1]);
    std::memcpy(&a, &ya, 4);
    std::memcpy(&b, &yb, 4);
    h = (h ^ ((std::uint64_t(b) << 32) | a)) * 0x100000001b3ull;
    h ^= h >> 29;
  }
  return h;
}

int write_all_floats(const char* path, std::string const& only) {
  std::ofstream out(path);
  out << "nonlin-all-floats 1 " << NONLIN_DIGEST_STR(NONLIN_ABI) << " fma=" << NONLIN_HAS_FMA << "\n";
  nonlin_spec::for_each_unary([&](auto const& f) {
    if (!only.empty() && ("," + only + ",").find("," + std::string(f.name) + ",") == std::string::npos) return;
    std::vector<std::uint64_t> hashes(kBlocks);
    auto work = [&](std::size_t first) {
      std::vector<float> xs(kBlock), ys(kBlock);
      for (std::size_t b = first; b < kBlocks; b += 2) {
        for (std::size_t i = 0; i < kBlock; ++i) {
          const auto bits = static_cast<std::uint32_t>(b * kBlock + i);
          std::memcpy(&xs[i], &bits, 4);
        }
        nonlin::apply(f, xs.data(), ys.data(), kBlock);
        hashes[b] = block_hash(ys);
      }
    };
    std::thread other(work, std::size_t(1));
    work(0);
    other.join();
    out << f.name;
    for (const std::uint64_t h : hashes) out << " " << std::hex << h << std::dec;
    out << "\n";
    std::printf("%-18s done\n", f.name);
  });
  if (!out) {
    std::fprintf(stderr, "nonlin_digest: cannot write %s\n", path);
    return 1;
  }
  std::printf("nonlin_digest: wrote %s\n", path);
  return 0;
}

int compare_all_floats(const char* a, const char* b) {
  std::ifstream fa(a), fb(b);
  std::string la, lb;
  if (!std::getline(fa, la) || !std::getline(fb, lb) || la.rfind("nonlin-all-floats 1", 0) != 0 ||
      lb.rfind("nonlin-all-floats 1", 0) != 0) {
    std::fprintf(stderr, "nonlin_digest: %s or %s is not an --all-floats file\n", a, b);
    return 2;
  }
  std::printf("A: %s (%s)\nB: %s (%s)\n", a, la.c_str(), b, lb.c_str());
  // name -> hashes, per file
  const auto read_rest = [](std::ifstream& in) {
    std::vector<std::pair<std::string, std::vector<std::string>>> rows;
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream ls(line);
      std::pair<std::string, std::vector<std::string>> r;
      ls >> r.first;
      std::string h;
      while (ls >> h) r.second.push_back(h);
      rows.push_back(std::move(r));
    }
    return rows;
  };
  const auto ra = read_rest(fa), rb = read_rest(fb);
  int differ = 0;
  for (auto const& x : ra) {
    const std::vector<std::string>* y = nullptr;
    for (auto const& c : rb)
      if (c.first == x.first) y = &c.second;
    if (y == nullptr) {
      std::printf("  float %-18s only in A\n", x.first.c_str());
      continue;
    }
    std::size_t first = kBlocks, count = 0;
    for (std::size_t block = 0; block < x.second.size() && block < y->size(); ++block) {
      if (x.second[block] != (*y)[block]) {
        if (first == kBlocks) first = block;
        ++count;
      }
    }
    if (count == 0) {
      std::printf("  float %-18s identical over all 2^32 inputs\n", x.first.c_str());
    } else {
      ++differ;
      std::printf("  float %-18s DIFFERS in %zu of %zu blocks, first bit patterns 0x%08zx..0x%08zx\n", x.first.c_str(),
                  count, kBlocks, first * kBlock, (first + 1) * kBlock - 1);
    }
  }
  for (auto const& y : rb) {
    bool in_a = false;
    for (auto const& c : ra) in_a = in_a || c.first == y.first;
    if (!in_a) std::printf("  float %-18s only in B\n", y.first.c_str());
  }
  return differ == 0 ? 0 : 1;
}

int main(int argc, char** argv) {
  if (argc == 2 && argv[1][0] != '-') return write_digest(argv[1]);
  if ((argc == 3 || argc == 4) && std::string(argv[1]) == "--all-floats")
    return write_all_floats(argv[2], argc == 4 ? argv[3] : "");
  if (argc == 4 && std::string(argv[1]) == "--compare-all") return compare_all_floats(argv[2], argv[3]);
  if ((argc == 4 || argc == 6) && std::string(argv[1]) == "--compare") {
    std::string require = "all";
    if (argc == 6) {
      if (std::string(argv[4]) != "--require-equal") return 2;
      require = argv[5];
    }
    return compare(argv[2], argv[3], require);
  }
  std::fprintf(stderr,
               "usage: nonlin_digest OUT\n"
               "       nonlin_digest --all-floats OUT [NAME,...]\n"
               "       nonlin_digest --compare-all A B\n"
               "       nonlin_digest --compare A B [--require-equal all|none|GROUP|NAME,...]\n"
               "       (GROUP: exact, fma or isa, the digest groups of tests/spec.hpp)\n");
  return 2;
}
