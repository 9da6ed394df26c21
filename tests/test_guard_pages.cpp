// Guard pages: every bulk kernel with each of its buffers placed against an
// inaccessible (PROT_NONE) page, so that any read or write outside the
// requested range -- even by one element -- faults (SIGSEGV) instead of
// passing silently. The fault is the check; results are also compared with
// the scalar functor bit for bit, and the bytes around each output range on
// its own page must be left untouched.
//
// Placements, for every n from 0 to 4 vector widths + 1:
//   tail    the buffer ends exactly where a PROT_NONE page begins, so its
//           last element touches the guard. The guard is page aligned, so the
//           buffer start is at -n elements mod 64 bytes: as n runs, the start
//           takes every offset within a cache line.
//   head+k  the buffer starts k elements after the end of a PROT_NONE page
//           (k = 0: its first element touches the guard), for every k within
//           a cache line; reads up to k elements before the start would go
//           unnoticed, k = 0 catches any.
// Each buffer (in, out, gate, up) has its own guarded mapping, and every
// combination of placements is run (with different k for each buffer, so the
// relative misalignment varies too), plus in place. The packed kernels are
// run with row strides larger than the row and the last row's end against
// the guard (tail), or the first row at the guard (head).
//
// Linux / POSIX only (mmap, mprotect); skipped elsewhere.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "canary.hpp"
#include "common.hpp"
#include "erased.hpp"
#include "functions_for.hpp"
#include "vector_width.hpp"
#include "nonlin/nonlin.hpp"

#if defined(__unix__) || defined(__APPLE__)
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>
#define NONLIN_TEST_HAVE_MMAP 1
#else
#define NONLIN_TEST_HAVE_MMAP 0
#endif

namespace {

using nonlin_test::same_bits;
using nonlin_test::show;

using nonlin_test::vector_width;

#if NONLIN_TEST_HAVE_MMAP

// ------------------------------------------------------------ crash report --
// What is running, for the SIGSEGV handler to print before the test dies.
char g_case[256] = "(setup)";

template <class... A>
void set_case(const char* fmt, A... a) {
  std::snprintf(g_case, sizeof g_case, fmt, a...);
}

extern "C" void on_segv(int sig) {
  static const char msg[] = "\n*** out-of-range access (signal) in bulk kernel: ";
  ssize_t r = write(2, msg, sizeof msg - 1);
  r = write(2, g_case, std::strlen(g_case));
  r = write(2, "\n", 1);
  (void)r;
  signal(sig, SIG_DFL);
  raise(sig);
}

struct SegvReporter {
  SegvReporter() {
    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_segv;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = static_cast<int>(SA_RESETHAND);  // 0x80000000 in glibc: unsigned
    sigaction(SIGSEGV, &sa, nullptr);
    sigaction(SIGBUS, &sa, nullptr);
  }
};
const SegvReporter segv_reporter;

// ------------------------------------------------------------ the mappings --
// [PROT_NONE page][data pages, read-write][PROT_NONE page]
class Guarded {
 public:
  explicit Guarded(std::size_t min_bytes) {
    page_ = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    data_ = (min_bytes + page_ - 1) / page_ * page_;
    if (data_ == 0) data_ = page_;
    const std::size_t total = data_ + 2 * page_;
    void* p = mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return;
    base_ = static_cast<char*>(p);
    if (mprotect(base_, page_, PROT_NONE) != 0 || mprotect(base_ + page_ + data_, page_, PROT_NONE) != 0) {
      munmap(base_, total);
      base_ = nullptr;
    }
  }
  ~Guarded() {
    if (base_) munmap(base_, data_ + 2 * page_);
  }
  Guarded(Guarded const&) = delete;
  Guarded& operator=(Guarded const&) = delete;

  bool ok() const { return base_ != nullptr; }
  char* lo() const { return base_ + page_; }         // first data byte (after the lower guard)
  char* hi() const { return base_ + page_ + data_; }  // the upper guard's first byte
  std::size_t bytes() const { return data_; }

  // Buffers of n elements of T: against the upper guard, or k elements
  // after the lower one.
  template <class T>
  T* tail(std::size_t n) const {
    return reinterpret_cast<T*>(hi()) - n;
  }
  template <class T>
  T* head(std::size_t k) const {
    return reinterpret_cast<T*>(lo()) + k;
  }

 private:
  char* base_ = nullptr;
  std::size_t page_ = 0;
  std::size_t data_ = 0;
};

// ------------------------------------------------------------------- data --
template <class T>
void fill_inputs(Guarded const& g, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> wide(-40.0, 40.0);
  std::uniform_real_distribution<double> core(-4.0, 4.0);
  const T specials[] = {T(0),
                        -T(0),
                        std::numeric_limits<T>::infinity(),
                        -std::numeric_limits<T>::infinity(),
                        std::numeric_limits<T>::quiet_NaN(),
                        std::numeric_limits<T>::denorm_min(),
                        -std::numeric_limits<T>::min(),
                        std::numeric_limits<T>::max(),
                        T(-100)};
  T* p = g.head<T>(0);
  const std::size_t n = g.bytes() / sizeof(T);
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned k = rng() % 8;
    if (k == 0)
      p[i] = specials[rng() % (sizeof specials / sizeof specials[0])];
    else if (k < 4)
      p[i] = static_cast<T>(wide(rng));
    else
      p[i] = static_cast<T>(core(rng));
  }
}

using nonlin_test::kCanary;

void paint(Guarded const& g) { std::memset(g.lo(), kCanary, g.bytes()); }

// Bytes of g outside [first, last) still hold the canary.
bool untouched_outside(Guarded const& g, const void* first, const void* last) {
  const auto* a = static_cast<const unsigned char*>(first);
  const auto* b = static_cast<const unsigned char*>(last);
  for (const auto* p = reinterpret_cast<const unsigned char*>(g.lo()); p < a; ++p)
    if (*p != kCanary) return false;
  for (const auto* p = b; p < reinterpret_cast<const unsigned char*>(g.hi()); ++p)
    if (*p != kCanary) return false;
  return true;
}

// Where a buffer goes: against the upper guard (tail) or k after the lower.
struct Place {
  bool tail;
  std::size_t k;
  template <class T>
  T* in(Guarded const& g, std::size_t n) const {
    return tail ? g.tail<T>(n) : g.head<T>(k);
  }
  const char* name() const { return tail ? "tail" : "head"; }
};

template <class T>
class GuardPages : public ::testing::Test {};
using Types = ::testing::Types<float, double>;
TYPED_TEST_SUITE(GuardPages, Types, nonlin_test::TypeNames);

constexpr int kMaxFailures = 10;

// --------------------------------------------------------------------- unary --
TYPED_TEST(GuardPages, Unary) {
  using T = TypeParam;
  constexpr std::size_t W = vector_width<T>();
  constexpr std::size_t line = 64 / sizeof(T);
  const std::size_t max_n = 4 * W + 1;
  Guarded gin((max_n + line) * sizeof(T)), gout((max_n + line) * sizeof(T));
  ASSERT_TRUE(gin.ok() && gout.ok()) << "mmap/mprotect failed";
  fill_inputs<T>(gin, 1);
  std::vector<T> expect(max_n);
  const auto functions = nonlin_test::functions_for<T>(nonlin::unary_functions());
  NONLIN_TEST_SKIP_IF_NONE(functions);
  for (auto const& f : nonlin_test::unary_fns<T>(functions)) {
    int failures = 0;
    std::size_t runs = 0;
    for (std::size_t k = 0; k < line; ++k) {
      const std::size_t kout = (k * 3 + 1) % line;
      for (std::size_t n = 0; n <= max_n; ++n) {
        for (int combo = 0; combo < 6; ++combo) {
          // 0-3: {head, tail} x {head, tail} out of place; 4-5: in place at the head or the tail.
          const bool in_place = combo >= 4;
          const Place pin{in_place ? combo == 5 : (combo & 1) != 0, k};
          const Place pout{in_place ? pin.tail : (combo & 2) != 0, in_place ? k : kout};
          if (pin.tail && pout.tail && k != 0 && !in_place) continue;  // k plays no part: once is enough
          paint(gout);
          T* out = pout.in<T>(gout, n);
          const T* in = pin.in<T>(gin, n);
          if (in_place) {
            std::memcpy(out, in, n * sizeof(T));
            in = out;
          }
          for (std::size_t i = 0; i < n; ++i) expect[i] = f.scalar(in[i]);
          set_case("%s<%s> n=%zu in=%s+%zu out=%s+%zu%s", f.name.c_str(), sizeof(T) == 4 ? "float" : "double", n,
                   pin.name(), pin.k, pout.name(), pout.k, in_place ? " in place" : "");
          f.bulk(in, out, n);
          ++runs;
          if (!untouched_outside(gout, out, out + n) && failures++ < kMaxFailures)
            ADD_FAILURE() << g_case << ": wrote outside the output range";
          for (std::size_t i = 0; i < n; ++i)
            if (!same_bits(out[i], expect[i]) && failures++ < kMaxFailures)
              ADD_FAILURE() << g_case << " i=" << i << ": bulk " << show(out[i]) << " != scalar "
                            << show(expect[i]);
        }
      }
    }
    EXPECT_EQ(failures, 0) << f.name;
    EXPECT_GT(runs, 0u);
  }
}

// --------------------------------------------------------- gated, two inputs --
TYPED_TEST(GuardPages, GatedSplit) {
  using T = TypeParam;
  constexpr std::size_t W = vector_width<T>();
  constexpr std::size_t line = 64 / sizeof(T);
  const std::size_t max_n = 4 * W + 1;
  const std::size_t bytes = (max_n + line) * sizeof(T);
  Guarded ggate(bytes), gup(bytes), gout(bytes);
  ASSERT_TRUE(ggate.ok() && gup.ok() && gout.ok()) << "mmap/mprotect failed";
  fill_inputs<T>(ggate, 2);
  fill_inputs<T>(gup, 3);
  std::vector<T> expect(max_n);
  const auto functions = nonlin_test::functions_for<T>(nonlin::gated_functions());
  NONLIN_TEST_SKIP_IF_NONE(functions);
  for (auto const& g : nonlin_test::gated_fns<T, true>(functions)) {
    int failures = 0;
    for (std::size_t k = 0; k < line; ++k) {
      const std::size_t kup = (k * 5 + 3) % line, kout = (k * 3 + 1) % line;
      for (std::size_t n = 0; n <= max_n; ++n) {
        // 0-7: every {head, tail} for gate, up, out; 8-11: out == gate or out == up, at the head or the tail.
        for (int combo = 0; combo < 12; ++combo) {
          const bool in_place = combo >= 8;
          const bool on_gate = in_place && (combo & 1) == 0;
          const bool in_place_tail = (combo & 2) != 0;
          Place pg{(combo & 1) != 0, k}, pu{(combo & 2) != 0, kup}, po{(combo & 4) != 0, kout};
          if (in_place) {
            pg = {on_gate ? in_place_tail : true, k};
            pu = {on_gate ? true : in_place_tail, kup};
            po = on_gate ? pg : pu;
          } else if (pg.tail && pu.tail && po.tail && k != 0) {
            continue;
          }
          paint(gout);
          T* out = po.in<T>(gout, n);
          const T* gate = pg.in<T>(ggate, n);
          const T* up = pu.in<T>(gup, n);
          if (in_place) {
            std::memcpy(out, on_gate ? gate : up, n * sizeof(T));
            (on_gate ? gate : up) = out;
          }
          for (std::size_t i = 0; i < n; ++i) expect[i] = g.scalar(gate[i], up[i]);
          set_case("%s<%s> n=%zu gate=%s+%zu up=%s+%zu out=%s+%zu%s", g.name.c_str(), sizeof(T) == 4 ? "float" : "double",
                   n, pg.name(), pg.k, pu.name(), pu.k, po.name(), po.k,
                   in_place ? (on_gate ? " out=gate" : " out=up") : "");
          g.bulk(gate, up, out, n);
          if (!untouched_outside(gout, out, out + n) && failures++ < kMaxFailures)
            ADD_FAILURE() << g_case << ": wrote outside the output range";
          for (std::size_t i = 0; i < n; ++i)
            if (!same_bits(out[i], expect[i]) && failures++ < kMaxFailures)
              ADD_FAILURE() << g_case << " i=" << i << ": bulk " << show(out[i]) << " != scalar "
                            << show(expect[i]);
        }
      }
    }
    EXPECT_EQ(failures, 0) << g.name;
  }
}

// ------------------------------------------------------------- gated, packed --
// Row-strided: in rows of 2H (+ pad_in), out rows of H (+ pad_out); the
// extent of the last row, not of rows * stride, must end at the guard.
TYPED_TEST(GuardPages, GatedPackedStrided) {
  using T = TypeParam;
  constexpr std::size_t W = vector_width<T>();
  const std::size_t max_h = 4 * W + 1;
  const std::size_t max_rows = 3, pads_in[] = {0, 5}, pads_out[] = {0, 2};
  Guarded gin(max_rows * (2 * max_h + 5) * sizeof(T)), gout(max_rows * (max_h + 2) * sizeof(T));
  ASSERT_TRUE(gin.ok() && gout.ok()) << "mmap/mprotect failed";
  fill_inputs<T>(gin, 4);
  std::vector<T> expect(max_rows * (max_h + 2));
  const auto functions = nonlin_test::functions_for<T>(nonlin::gated_functions());
  NONLIN_TEST_SKIP_IF_NONE(functions);
  for (auto const& g : nonlin_test::gated_fns<T, true>(functions)) {
    int failures = 0;
    for (std::size_t h = 0; h <= max_h; ++h) {
      for (std::size_t rows : {std::size_t(1), max_rows}) {
        for (std::size_t pin : pads_in) {
          for (std::size_t pout : pads_out) {
            for (nonlin::gate_half half : {nonlin::gate_half::first, nonlin::gate_half::second}) {
              for (int combo = 0; combo < 4; ++combo) {
                const std::size_t is = 2 * h + pin, os = h + pout;
                const std::size_t in_extent = rows == 0 || h == 0 ? 0 : (rows - 1) * is + 2 * h;
                const std::size_t out_extent = rows == 0 || h == 0 ? 0 : (rows - 1) * os + h;
                const Place pi{(combo & 1) != 0, 0}, po{(combo & 2) != 0, 0};
                const T* in = pi.in<T>(gin, in_extent);
                paint(gout);
                T* out = po.in<T>(gout, out_extent);
                const std::size_t goff = half == nonlin::gate_half::first ? 0 : h, uoff = h - goff;
                for (std::size_t r = 0; r < rows; ++r)
                  for (std::size_t j = 0; j < h; ++j)
                    expect[r * os + j] = g.scalar(in[r * is + goff + j], in[r * is + uoff + j]);
                set_case("%s<%s> packed H=%zu rows=%zu in_stride=%zu out_stride=%zu half=%s in=%s out=%s",
                         g.name.c_str(),
                         sizeof(T) == 4 ? "float" : "double", h, rows, is, os,
                         half == nonlin::gate_half::first ? "first" : "second", pi.name(), po.name());
                g.packed(in, is, out, os, rows, h, &half);
                // Row gaps of out are not ours to write either.
                if (!untouched_outside(gout, out, out + out_extent) && failures++ < kMaxFailures)
                  ADD_FAILURE() << g_case << ": wrote outside the output extent";
                for (std::size_t r = 0; r < rows; ++r) {
                  for (std::size_t j = 0; j < os && r * os + j < out_extent; ++j) {
                    const T got = out[r * os + j];
                    if (j < h) {
                      if (!same_bits(got, expect[r * os + j]) && failures++ < kMaxFailures)
                        ADD_FAILURE() << g_case << " row " << r << " j=" << j << ": bulk " << show(got)
                                      << " != scalar " << show(expect[r * os + j]);
                    } else {
                      unsigned char b[sizeof(T)];
                      std::memcpy(b, &got, sizeof b);
                      for (unsigned char c : b)
                        if (c != kCanary && failures++ < kMaxFailures)
                          ADD_FAILURE() << g_case << ": wrote into the gap of row " << r << " at " << j;
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    EXPECT_EQ(failures, 0) << g.name;
  }
}

// Contiguous apply_packed(g, in, out, rows, hidden), [rows x 2H] -> [rows x H].
TYPED_TEST(GuardPages, GatedPackedContiguous) {
  using T = TypeParam;
  constexpr std::size_t W = vector_width<T>();
  const std::size_t max_h = 4 * W + 1, max_rows = 3;
  Guarded gin(max_rows * 2 * max_h * sizeof(T)), gout(max_rows * max_h * sizeof(T));
  ASSERT_TRUE(gin.ok() && gout.ok()) << "mmap/mprotect failed";
  fill_inputs<T>(gin, 5);
  std::vector<T> expect(max_rows * max_h);
  const auto functions = nonlin_test::functions_for<T>(nonlin::gated_functions());
  NONLIN_TEST_SKIP_IF_NONE(functions);
  for (auto const& g : nonlin_test::gated_fns<T, true>(functions)) {
    int failures = 0;
    const bool gate_first = g.packed_gate == nonlin::gate_half::first;
    for (std::size_t h = 0; h <= max_h; ++h) {
      for (std::size_t rows = 0; rows <= max_rows; ++rows) {
        for (int combo = 0; combo < 4; ++combo) {
          const Place pi{(combo & 1) != 0, 0}, po{(combo & 2) != 0, 0};
          const T* in = pi.in<T>(gin, rows * 2 * h);
          paint(gout);
          T* out = po.in<T>(gout, rows * h);
          for (std::size_t r = 0; r < rows; ++r)
            for (std::size_t j = 0; j < h; ++j) {
              const T a = in[r * 2 * h + j], b = in[r * 2 * h + h + j];
              expect[r * h + j] = gate_first ? g.scalar(a, b) : g.scalar(b, a);
            }
          set_case("%s<%s> packed contiguous H=%zu rows=%zu in=%s out=%s", g.name.c_str(),
                   sizeof(T) == 4 ? "float" : "double", h, rows, pi.name(), po.name());
          g.packed_contiguous(in, out, rows, h);
          if (!untouched_outside(gout, out, out + rows * h) && failures++ < kMaxFailures)
            ADD_FAILURE() << g_case << ": wrote outside the output";
          for (std::size_t i = 0; i < rows * h; ++i)
            if (!same_bits(out[i], expect[i]) && failures++ < kMaxFailures)
              ADD_FAILURE() << g_case << " i=" << i << ": bulk " << show(out[i]) << " != scalar "
                            << show(expect[i]);
        }
      }
    }
    EXPECT_EQ(failures, 0) << g.name;
  }
}

// The guards themselves: one element past a tail buffer, or one before a head
// buffer, must fault -- otherwise the tests above prove nothing.
TEST(GuardPagesSelfTest, GuardsFault) {
  Guarded g(64);
  ASSERT_TRUE(g.ok());
  volatile float* after = g.tail<float>(4) + 4;
  volatile float* before = g.head<float>(0) - 1;
  EXPECT_DEATH({ (void)*after; }, "");
  EXPECT_DEATH({ *before = 1.0f; }, "");
  // and the edges themselves are accessible
  g.tail<float>(1)[0] = 1.0f;
  g.head<float>(0)[0] = 2.0f;
  EXPECT_EQ(g.tail<float>(1)[0] + g.head<float>(0)[0], 3.0f);
}

#else  // !NONLIN_TEST_HAVE_MMAP

TEST(GuardPages, Skipped) { GTEST_SKIP() << "guard pages need mmap/mprotect"; }

#endif

}  // namespace
