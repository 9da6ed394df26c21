// nonlin_bench --peer_accuracy: see peer_accuracy.hpp.
//
// Per worker thread: take the next chunk of kChunk bit patterns k * stride,
// compute the long double reference of every function once, run every kernel
// of that function on the chunk and fold its outputs into per-kernel
// statistics; the statistics of the threads are merged at the end (ties
// broken by bit pattern, so the result does not depend on the scheduling).
//
// Per kernel and input x (NaN inputs are counted apart and not measured):
//   special failure  a NaN result, or an infinity on one side only of
//                    (result, exact value), or opposite infinities
//   otherwise        e = nonlin_test::ulp_error<float>(result, exact), in the
//                    "normal" class when |exact| >= FLT_MIN and the
//                    "subnormal/zero" class below
#include "peer_accuracy.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cfloat>
#include <chrono>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <limits>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#define NONLIN_BENCH_HAVE_MXCSR 1
#else
#define NONLIN_BENCH_HAVE_MXCSR 0
#endif

#include "common.hpp"     // tests/: nonlin_test::ulp_error

namespace nonlin_bench {
namespace {

constexpr std::size_t kChunk = 65536;
constexpr long double kFar = 4;            // the "error > 4 ULP" columns
constexpr unsigned kMxcsrControl = 0xFFC0;  // MXCSR without its sticky exception flags
constexpr long double kBoundSlack = 1e-6;  // the reference's own error, in float ULP, is ~2^-40

// ------------------------------------------------------------ arguments --

bool starts_with(std::string const& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

bool parse_u64(std::string const& s, std::uint64_t& out) {
  if (s.empty() || s[0] < '0' || s[0] > '9') return false;
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(s.c_str(), &end, 10);
  if (errno != 0 || end == nullptr || *end != '\0') return false;
  out = v;
  return true;
}

}  // namespace

bool take_accuracy_flags(int& argc, char** argv, accuracy_options& opt, std::string& error) {
  bool extra = false;
  int kept = 1;
  for (int r = 1; r < argc; ++r) {
    const std::string a = argv[r];
    if (a == "--peer_accuracy") {
      opt.enabled = true;
    } else if (starts_with(a, "--peer_accuracy_out=")) {
      opt.out = a.substr(std::strlen("--peer_accuracy_out="));
      extra = true;
      if (opt.out.empty()) {
        error = "--peer_accuracy_out needs a file name";
        return false;
      }
    } else if (starts_with(a, "--peer_accuracy_threads=")) {
      std::uint64_t t = 0;
      extra = true;
      if (!parse_u64(a.substr(std::strlen("--peer_accuracy_threads=")), t) || t < 1 || t > 1024) {
        error = "--peer_accuracy_threads takes a number from 1 to 1024: " + a;
        return false;
      }
      opt.threads = static_cast<unsigned>(t);
    } else if (starts_with(a, "--peer_accuracy=")) {
      std::uint64_t s = 0;
      if (!parse_u64(a.substr(std::strlen("--peer_accuracy=")), s) || s < 1 || s > 0xFFFFFFFFull) {
        error = "--peer_accuracy=STRIDE takes a stride from 1 to 2^32 - 1: " + a;
        return false;
      }
      opt.enabled = true;
      opt.stride = s;
    } else if (starts_with(a, "--peer_accuracy")) {
      error = "unknown flag " + a + " (--peer_accuracy[=STRIDE], --peer_accuracy_out=FILE, "
              "--peer_accuracy_threads=N)";
      return false;
    } else {
      argv[kept++] = argv[r];
    }
  }
  argc = kept;
  argv[argc] = nullptr;
  if (extra && !opt.enabled) {
    error = "--peer_accuracy_out and --peer_accuracy_threads need --peer_accuracy";
    return false;
  }
  return true;
}

namespace {

// ------------------------------------------------------------ reference --

using ref_fn = long double (*)(long double x, long double param);

// The exact value at float x. Where the formula is 0 * inf at an infinite x
// (x sigmoid(x) and the gelus at -inf), the limit: the value at the largest
// finite float of that sign (a zero for every function here; checked to be
// a number at start-up).
long double exact(ref_fn f, float x, long double param) {
  const long double r = f(x, param);
  if (std::isnan(r) && std::isinf(x)) return f(std::copysign(static_cast<long double>(FLT_MAX), x), param);
  return r;
}

// ----------------------------------------------------------- statistics --

struct point {  // the max of a class: error, input bits, result, exact value
  long double ulp = -1;
  std::uint32_t bits = 0;
  float y = 0;
  long double ref = 0;
};

void keep_max(point& p, point const& q) {
  if (q.ulp > p.ulp || (q.ulp == p.ulp && q.ulp >= 0 && q.bits < p.bits)) p = q;
}

struct example {  // the one with the smallest bit pattern
  bool set = false;
  std::uint32_t bits = 0;
  float y = 0;
  long double ref = 0;
};

void keep_first(example& e, example const& f) {
  if (f.set && (!e.set || f.bits < e.bits)) e = f;
}

float from_bits(std::uint32_t b) {
  float x;
  std::memcpy(&x, &b, sizeof x);
  return x;
}

struct stats {
  std::uint64_t tested = 0;             // non-NaN inputs
  std::uint64_t normal = 0, subnormal = 0;
  std::uint64_t over_1 = 0, over_far = 0;  // results with error > 1, > kFar ULP
  point max_normal, max_subnormal;
  std::uint64_t nan_out = 0, wrong_inf = 0;  // special failures
  example special[2];  // per sign of x: the one closest to 0
  std::uint64_t nan_in = 0, nan_lost = 0;  // NaN inputs; those with a non-NaN result
  example lost;
  // Closest to zero on each side: inputs with error > kFar.
  bool far_neg = false, far_pos = false;
  float far_neg_x = 0, far_pos_x = 0;
  bool mxcsr_changed = false;

  std::uint64_t special_failures() const { return nan_out + wrong_inf; }

  void far(float x) {
    if (std::signbit(x)) {
      if (!far_neg || x > far_neg_x) far_neg_x = x;
      far_neg = true;
    } else {
      if (!far_pos || x < far_pos_x) far_pos_x = x;
      far_pos = true;
    }
  }

  void merge(stats const& o) {
    tested += o.tested;
    normal += o.normal;
    subnormal += o.subnormal;
    over_1 += o.over_1;
    over_far += o.over_far;
    keep_max(max_normal, o.max_normal);
    keep_max(max_subnormal, o.max_subnormal);
    nan_out += o.nan_out;
    wrong_inf += o.wrong_inf;
    keep_first(special[0], o.special[0]);
    keep_first(special[1], o.special[1]);
    nan_in += o.nan_in;
    nan_lost += o.nan_lost;
    keep_first(lost, o.lost);
    if (o.far_neg) far(o.far_neg_x);
    if (o.far_pos) far(o.far_pos_x);
    mxcsr_changed = mxcsr_changed || o.mxcsr_changed;
  }
};

// Folds one chunk's outputs of one kernel into s.
void measure(stats& s, const float* in, const float* out, const long double* ref, const std::uint32_t* in_bits,
             std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    const float x = in[i];
    const float y = out[i];
    const std::uint32_t bits = in_bits[i];
    if (std::isnan(x)) {
      ++s.nan_in;
      if (!std::isnan(y)) {
        ++s.nan_lost;
        keep_first(s.lost, {true, bits, y, 0});
      }
      continue;
    }
    ++s.tested;
    const long double r = ref[i];
    if (std::isnan(y) || ((std::isinf(y) || std::isinf(r)) && static_cast<long double>(y) != r)) {
      ++(std::isnan(y) ? s.nan_out : s.wrong_inf);
      keep_first(s.special[bits >> 31], {true, bits, y, r});
      continue;
    }
    long double hi, lo;
    nonlin_test::split(r, hi, lo);
    const long double e = nonlin_test::ulp_error<float>(y, hi, lo);
    if (std::fabs(r) < static_cast<long double>(FLT_MIN)) {
      ++s.subnormal;
      if (e >= s.max_subnormal.ulp) keep_max(s.max_subnormal, {e, bits, y, r});
    } else {
      ++s.normal;
      if (e >= s.max_normal.ulp) keep_max(s.max_normal, {e, bits, y, r});
    }
    if (e > 1) ++s.over_1;
    if (e > kFar) {
      ++s.over_far;
      s.far(x);
    }
  }
}

unsigned read_mxcsr() {
#if NONLIN_BENCH_HAVE_MXCSR
  return _mm_getcsr();
#else
  return 0;
#endif
}

void write_mxcsr(unsigned v) {
#if NONLIN_BENCH_HAVE_MXCSR
  _mm_setcsr(v);
#else
  (void)v;
#endif
}

// ------------------------------------------------------------ formatting --

#if defined(__GNUC__)
std::string printf_string(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
#endif
std::string printf_string(const char* fmt, ...) {
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return buf;
}

std::string show(float x) { return printf_string("%.9g", static_cast<double>(x)); }
std::string show_exact(long double x) { return printf_string("%.6Lg", x); }

std::string fmt_ulp(long double v) {
  if (v < 0) return "—";  // no result in this class
  if (v == 0) return "0";
  if (v < 0.01L) return printf_string("%.1Lg", v);
  if (v < 100) return printf_string("%.2Lf", v);
  if (v < 1e5L) return printf_string("%.0Lf", v);
  return printf_string("%.3Lg", v);
}

std::string far_text() { return printf_string("%Lg", kFar); }

std::string fmt_point(point const& p) {
  if (p.ulp < 0) return "—";
  return fmt_ulp(p.ulp) + " at x = " + show(from_bits(p.bits));
}

std::string fmt_example(example const& e) {
  return "x = " + show(from_bits(e.bits)) + " gave " + show(e.y) + " (exact " + show_exact(e.ref) + ")";
}

std::string fmt_specials(stats const& s) {
  std::string t;
  for (example const& e : s.special) {
    if (e.set) t += (t.empty() ? "" : "; ") + fmt_example(e);
  }
  return t;
}

std::string percent(std::uint64_t part, std::uint64_t whole) {
  if (part == 0) return "0";
  const double p = 100.0 * static_cast<double>(part) / static_cast<double>(whole);
  return p < 0.01 ? "< 0.01 %" : printf_string("%.2f %%", p);
}

const char* column_label(std::string const& c) {
  static const std::map<std::string, const char*> labels = {
      {"nonlin_precise", "nonlin precise"}, {"nonlin", "nonlin default"}, {"nonlin_fast", "nonlin fast"},
      {"std_loop", "std loop"},
      {"xsimd_math", "xsimd math"}, {"onednn", "oneDNN"}, {"xnnpack", "XNNPACK"},
      {"eigen", "Eigen"}, {"sleef", "SLEEF"}, {"torch", "torch"}};
  auto it = labels.find(c);
  return it == labels.end() ? c.c_str() : it->second;
}

// Context keys of nonlin_bench's JSON (see main()) as report lines.
std::string context_lines(std::vector<std::pair<std::string, std::string>> const& ctx,
                          std::vector<accuracy_function> const& functions) {
  std::string out, versions, impls;
  auto value = [&](const char* key) -> std::string {
    for (auto const& kv : ctx)
      if (kv.first == key) return kv.second;
    return "";
  };
  auto line = [&](const char* label, std::string const& v) {
    if (!v.empty()) out += std::string("- ") + label + ": " + v + "\n";
  };
  line("Compiler", value("nonlin_compiler"));
  line("Flags", value("nonlin_cxx_flags").empty() ? "" : "`" + value("nonlin_cxx_flags") + "`");
  std::string nonlin = value("nonlin_version");
  if (!value("nonlin_git").empty()) nonlin += ", git " + value("nonlin_git") + " (at configure time)";
  if (!value("nonlin_simd").empty()) nonlin += ", " + value("nonlin_simd");
  line("nonlin", nonlin);
  for (auto const& kv : ctx) {
    if (!starts_with(kv.first, "nonlin_peer/")) continue;
    const std::string key = kv.first.substr(std::strlen("nonlin_peer/"));
    if (starts_with(key, "impl/")) {
      const std::string function = key.substr(5, key.find('/', 5) - 5);
      if (std::none_of(functions.begin(), functions.end(),
                       [&](accuracy_function const& f) { return f.name == function; }))
        continue;  // a gated function: not measured here
      impls += (impls.empty() ? "" : "; ") + key.substr(5) + ": " + kv.second;
    } else {
      versions += (versions.empty() ? "" : "; ") + kv.second;
    }
  }
  line("Peers", versions.empty() ? "none" : versions);
  line("Peers not built in", value("nonlin_peers_missing"));
  line("Implementations", impls);
  return out;
}

}  // namespace

int run_peer_accuracy(accuracy_options const& opt, std::vector<accuracy_function> const& functions,
                      std::vector<accuracy_kernel> const& kernels,
                      std::vector<std::pair<std::string, std::string>> const& context,
                      std::function<void()> const& thread_setup) {
  // --- functions and their references
  std::vector<ref_fn> refs;
  for (auto const& f : functions) {
    const ref_fn r = f.ref;
    if (r == nullptr) {
      std::fprintf(stderr, "nonlin_bench: --peer_accuracy: no reference for %s\n", f.name.c_str());
      return 2;
    }
    // The limits at +-inf are numbers.
    const long double p = f.param;
    if (std::isnan(exact(r, INFINITY, p)) || std::isnan(exact(r, -INFINITY, p))) {
      std::fprintf(stderr, "nonlin_bench: --peer_accuracy: no limit at +-inf for %s\n", f.name.c_str());
      return 2;
    }
    refs.push_back(r);
  }
  // kernels of each function, and each kernel's function
  std::vector<std::vector<std::size_t>> of_function(functions.size());
  for (std::size_t k = 0; k < kernels.size(); ++k) {
    bool found = false;
    for (std::size_t f = 0; f < functions.size(); ++f) {
      if (kernels[k].function == functions[f].name) {
        of_function[f].push_back(k);
        found = true;
      }
    }
    if (!found) {
      std::fprintf(stderr, "nonlin_bench: --peer_accuracy: kernel %s/%s of an unknown function\n",
                   kernels[k].function.c_str(), kernels[k].column.c_str());
      return 2;
    }
  }

  // The inputs: k * stride < 2^32, then the special inputs the stride missed.
  const std::uint64_t strided = (0xFFFFFFFFull / opt.stride) + 1;
  std::vector<std::uint32_t> extras;
  for (std::uint32_t b : {0x7F800000u, 0xFF800000u, 0x7F7FFFFFu, 0xFF7FFFFFu, 0x80000000u, 0x00800000u, 0x80800000u,
                          0x00000001u, 0x80000001u}) {  // +-inf, +-FLT_MAX, -0, +-FLT_MIN, +-2^-149
    if (b % opt.stride != 0) extras.push_back(b);
  }
  const std::uint64_t total = strided + extras.size();
  auto bits_at = [&](std::uint64_t idx) -> std::uint32_t {
    return idx < strided ? static_cast<std::uint32_t>(idx * opt.stride)
                         : extras[static_cast<std::size_t>(idx - strided)];
  };
  const std::uint64_t chunks = (total + kChunk - 1) / kChunk;
  unsigned threads = opt.threads != 0 ? opt.threads : std::max(1u, std::thread::hardware_concurrency());
  if (threads > chunks) threads = static_cast<unsigned>(chunks);

  // --- kernels, one set per thread, made here on the main thread
  std::vector<std::string> errors(kernels.size());
  std::vector<std::vector<kernel>> made(threads, std::vector<kernel>(kernels.size()));
  for (unsigned t = 0; t < threads; ++t) {
    for (std::size_t k = 0; k < kernels.size(); ++k) {
      if (!errors[k].empty()) continue;
      try {
        made[t][k] = kernels[k].make(kChunk);
      } catch (std::exception const& ex) {
        errors[k] = std::string("make: ") + ex.what();
      }
    }
  }
  std::mutex error_mutex;

  std::fprintf(stderr,
               "nonlin_bench: --peer_accuracy: %llu bit patterns (stride %llu), %zu functions, %zu kernels, "
               "%u threads\n",
               static_cast<unsigned long long>(total), static_cast<unsigned long long>(opt.stride),
               functions.size(), kernels.size(), threads);

  std::vector<std::vector<stats>> per_thread(threads, std::vector<stats>(kernels.size()));
  std::vector<unsigned> start_mxcsr(threads, 0);
  std::atomic<std::uint64_t> next{0};
  std::atomic<std::uint64_t> done{0};
  const auto t0 = std::chrono::steady_clock::now();

  auto worker = [&](unsigned t) {
    if (thread_setup) thread_setup();
    const unsigned csr = read_mxcsr();
    start_mxcsr[t] = csr;
    buffer in = allocate(kChunk), out = allocate(kChunk);
    std::vector<long double> ref(kChunk);
    std::vector<std::uint32_t> in_bits(kChunk);
    std::vector<stats>& st = per_thread[t];
    std::vector<char> dead(kernels.size(), 0);
    for (;;) {
      const std::uint64_t c = next.fetch_add(1);
      if (c >= chunks) break;
      const std::uint64_t k0 = c * kChunk;
      const std::size_t count = static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, total - k0));
      for (std::size_t i = 0; i < kChunk; ++i) {
        in_bits[i] = i < count ? bits_at(k0 + i) : 0u;
        in[i] = from_bits(in_bits[i]);
      }
      for (std::size_t f = 0; f < functions.size(); ++f) {
        const long double p = functions[f].param;
        for (std::size_t i = 0; i < count; ++i) {
          ref[i] = std::isnan(in[i]) ? 0.0L : exact(refs[f], in[i], p);
        }
        for (std::size_t k : of_function[f]) {
          if (dead[k] || !made[t][k]) continue;
          std::fill(out.get(), out.get() + kChunk, std::numeric_limits<float>::quiet_NaN());
          try {
            made[t][k](in.get(), out.get());
          } catch (std::exception const& ex) {
            dead[k] = 1;
            std::lock_guard<std::mutex> lock(error_mutex);
            if (errors[k].empty()) errors[k] = std::string("run: ") + ex.what();
            continue;
          }
          if ((read_mxcsr() & kMxcsrControl) != (csr & kMxcsrControl)) {  // FTZ/DAZ, rounding or masks left changed
            st[k].mxcsr_changed = true;
            write_mxcsr(csr);
          }
          measure(st[k], in.get(), out.get(), ref.data(), in_bits.data(), count);
        }
      }
      const std::uint64_t d = done.fetch_add(1) + 1;
      if (d % std::max<std::uint64_t>(1, chunks / 10) == 0) {
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::fprintf(stderr, "nonlin_bench: --peer_accuracy: %3.0f %% (%.0f s)\n",
                     100.0 * static_cast<double>(d) / static_cast<double>(chunks), s);
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) pool.emplace_back(worker, t);
  for (auto& th : pool) th.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  std::vector<stats> all(kernels.size());
  for (auto const& pt : per_thread)
    for (std::size_t k = 0; k < kernels.size(); ++k) all[k].merge(pt[k]);

  // --- columns: nonlin's tiers, the baselines, then the peers in registry order
  std::vector<std::string> columns = {"nonlin_precise", "nonlin", "nonlin_fast", "std_loop", "xsimd_math"};
  for (auto const& k : kernels)
    if (std::find(columns.begin(), columns.end(), k.column) == columns.end()) columns.push_back(k.column);
  columns.erase(std::remove_if(columns.begin(), columns.end(),
                               [&](std::string const& c) {
                                 return std::none_of(kernels.begin(), kernels.end(),
                                                     [&](accuracy_kernel const& k) { return k.column == c; });
                               }),
                columns.end());
  auto find_kernel = [&](std::size_t f, std::string const& column) -> long {
    for (std::size_t k : of_function[f])
      if (kernels[k].column == column) return static_cast<long>(k);
    return -1;
  };

  std::ostringstream md;
  // Every kernel that ran saw every input.
  std::uint64_t nan_inputs = 0;
  for (auto const& s : all) nan_inputs = std::max(nan_inputs, s.nan_in);

  // nonlin's own tiers against their documented bounds
  std::string bound_failures;
  for (std::size_t k = 0; k < kernels.size(); ++k) {
    if (kernels[k].bound < 0) continue;
    stats const& s = all[k];
    const long double b = static_cast<long double>(kernels[k].bound) + kBoundSlack;
    if (!errors[k].empty() || s.max_normal.ulp > b || s.max_subnormal.ulp > b || s.special_failures() > 0) {
      bound_failures += (bound_failures.empty() ? "" : "; ") + kernels[k].function + "/" + kernels[k].column +
                        " (bound " + fmt_ulp(kernels[k].bound) + ")";
    }
  }
  bool any_error = false;
  for (auto const& e : errors) any_error = any_error || !e.empty();
  bool ftz_daz = false;
  for (unsigned c : start_mxcsr) ftz_daz = ftz_daz || (c & 0x8040u) != 0;

  md << context_lines(context, functions);
  md << "- Inputs: the float32 bit patterns k × " << opt.stride << " for k = 0 … " << (strided - 1) << " ("
     << strided << " patterns";
  if (opt.stride == 1) {
    md << ", all 2^32";
  } else if (opt.stride <= (1u << 23)) {  // a binade is 2^23 consecutive patterns
    md << ", strided: every binade of both signs, not every float";
  } else {
    md << ", strided: not every binade";
  }
  md << ")";
  if (!extras.empty()) {
    md << ", plus the special inputs the stride misses among ±inf, ±FLT_MAX, −0, ±FLT_MIN, ±2^−149 (" << extras.size()
       << ")";
  }
  md << "; " << nan_inputs << " of them NaN (not measured)\n";
  md << "- Reference: the spec's (tests/spec.hpp) in long double; ULP as "
        "`nonlin_test::ulp_error<float>` (tests/common.hpp)\n";
  md << "- Threads: " << threads << " workers (std::thread), " << kChunk << " inputs per kernel call";
#if NONLIN_BENCH_HAVE_MXCSR
  md << "; FTZ/DAZ " << (ftz_daz ? "SET in a worker thread" : "off in every worker thread");
#endif
  md << "\n";
  md << printf_string("- Run time: %.1f s wall (%.0f ns per input for all %zu kernels)\n", seconds,
                      1e9 * seconds / static_cast<double>(total), kernels.size());
  if (opt.stride > 1) {
    const double full = seconds * 4294967296.0 / static_cast<double>(total);
    md << printf_string("- All 2^32 inputs (`--peer_accuracy=1`) would take about %.0f min at this rate "
                        "(extrapolated from this run, not run)\n",
                        full / 60.0);
  }
  md << "- nonlin's own tiers within their documented bounds, no special failures: "
     << (bound_failures.empty() ? "yes" : "NO: " + bound_failures) << "\n";

  md << "\n## Max ULP error\n\n";
  md << "Each cell: max ULP error over normal results / over subnormal-or-zero results (exact |f(x)| < "
        "FLT_MIN, measured on the subnormal grid) (special failures: NaN for a non-NaN input, or a wrong "
        "infinity). — : no such kernel in nonlin_bench.\n\n";
  md << "| function |";
  for (auto const& c : columns) md << " " << column_label(c) << " |";
  md << "\n|---|";
  for (std::size_t c = 0; c < columns.size(); ++c) md << "---:|";
  md << "\n";
  for (std::size_t f = 0; f < functions.size(); ++f) {
    md << "| " << functions[f].label << " |";
    for (auto const& c : columns) {
      const long k = find_kernel(f, c);
      if (k < 0) {
        md << ((c == "nonlin_fast" || c == "nonlin_precise") && find_kernel(f, "nonlin") >= 0 ? " = default |"
                                                                                             : " — |");
        continue;
      }
      stats const& s = all[static_cast<std::size_t>(k)];
      if (!errors[static_cast<std::size_t>(k)].empty()) {
        md << " error |";
        continue;
      }
      md << " " << fmt_ulp(s.max_normal.ulp) << " / " << fmt_ulp(s.max_subnormal.ulp) << " ("
         << s.special_failures() << ") |";
    }
    md << "\n";
  }
  md << "\n\"= default\": the default tier's functor (relu, leaky_relu, relu6: one for every tier, "
        "tier::all; hardsigmoid, hardswish: one for the default and precise tiers).\n";

  md << "\n## Details\n\n";
  md << "Per kernel: the max of each class and the input where it occurs (ties: the smallest bit pattern); "
        "the share of measured inputs with error > 1 and > "
     << far_text()
     << " ULP (special failures not included); the inputs closest to 0 on each side whose error is > "
     << far_text()
     << " ULP (inputs farther out are not all as bad); special failures, with the one "
        "closest to 0 of each sign; NaN inputs that gave a non-NaN result.\n\n";
  md << "| function | kernel | max ULP normal | max ULP subnormal/zero | > 1 ULP | > " << far_text()
     << " ULP | closest to 0 with > " << far_text()
     << " ULP, x < 0 / x > 0 | special failures | NaN in, non-NaN out |\n";
  md << "|---|---|---|---|---:|---:|---|---|---|\n";
  for (std::size_t f = 0; f < functions.size(); ++f) {
    for (auto const& c : columns) {
      const long kl = find_kernel(f, c);
      if (kl < 0) continue;
      const auto k = static_cast<std::size_t>(kl);
      stats const& s = all[k];
      md << "| " << functions[f].label << " | " << column_label(c) << " | ";
      if (!errors[k].empty()) {
        md << "error: " << errors[k] << " | | | | | | |\n";
        continue;
      }
      md << fmt_point(s.max_normal) << " | " << fmt_point(s.max_subnormal) << " | "
         << percent(s.over_1, s.tested) << " | " << percent(s.over_far, s.tested) << " | "
         << (s.far_neg ? show(s.far_neg_x) : std::string("—")) << " / "
         << (s.far_pos ? show(s.far_pos_x) : std::string("—")) << " | ";
      if (s.special_failures() == 0) {
        md << "0";
      } else {
        md << s.special_failures() << " (";
        if (s.nan_out) md << s.nan_out << " NaN";
        if (s.nan_out && s.wrong_inf) md << ", ";
        if (s.wrong_inf) md << s.wrong_inf << " wrong inf";
        md << "; closest to 0: " << fmt_specials(s) << ")";
      }
      md << " | " << s.nan_lost << " of " << s.nan_in;
      if (s.lost.set) md << " (x = " << show(from_bits(s.lost.bits)) << " gave " << show(s.lost.y) << ")";
      if (s.mxcsr_changed) md << "; left MXCSR changed";
      md << " |\n";
    }
  }

  // Where each kernel loses: generated from the statistics above.
  md << "\n## Where each loses (generated from this run)\n\n";
  md << "Per kernel, the functions with a special failure or an error above " << far_text()
     << " ULP; \"closest to 0\" as in the details.\n\n";
  for (auto const& c : columns) {
    std::string items;
    std::size_t measured = 0;
    for (std::size_t f = 0; f < functions.size(); ++f) {
      const long kl = find_kernel(f, c);
      if (kl < 0) continue;
      const auto k = static_cast<std::size_t>(kl);
      ++measured;
      stats const& s = all[k];
      if (!errors[k].empty()) {
        items += "  - " + functions[f].label + ": not measured (" + errors[k] + ")\n";
        continue;
      }
      if (s.special_failures() == 0 && s.over_far == 0) continue;
      std::string item = "  - " + functions[f].label + ": ";
      std::vector<std::string> parts;
      if (s.special_failures() > 0) {
        std::string p = s.nan_out > 0 ? "NaN" : "";
        if (s.wrong_inf > 0) p += std::string(p.empty() ? "" : " or ") + "a wrong infinity";
        p += " for " + std::to_string(s.special_failures()) + (s.special_failures() > 1 ? " inputs" : " input") +
             " (" + fmt_specials(s) + ")";
        parts.push_back(p);
      }
      if (s.over_far > 0) {
        std::string p = "> " + far_text() + " ULP for " + percent(s.over_far, s.tested) + " of inputs, the closest to 0 at ";
        if (s.far_neg) p += "x = " + show(s.far_neg_x);
        if (s.far_neg && s.far_pos) p += " and ";
        if (s.far_pos) p += "x = " + show(s.far_pos_x);
        parts.push_back(p);
      }
      point const& m = s.max_normal.ulp >= s.max_subnormal.ulp ? s.max_normal : s.max_subnormal;
      if (m.ulp > kFar) {
        parts.push_back("worst " + fmt_ulp(m.ulp) + " ULP at x = " + show(from_bits(m.bits)) + " (gave " + show(m.y) +
                        ", exact " + show_exact(m.ref) + ")");
      }
      for (std::size_t i = 0; i < parts.size(); ++i) item += (i ? "; " : "") + parts[i];
      items += item + "\n";
    }
    if (measured == 0) continue;
    md << "- **" << column_label(c) << "**";
    if (items.empty()) {
      md << ": within " << far_text() << " ULP, no special failures, in all " << measured
         << " functions it has.\n";
    } else {
      md << ":\n" << items;
    }
  }

  const std::string text = md.str();
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  int status = 0;
  if (!opt.out.empty()) {
    std::ofstream file(opt.out, std::ios::binary);
    file << text;
    file.close();
    if (!file) {
      std::fprintf(stderr, "nonlin_bench: --peer_accuracy: cannot write %s\n", opt.out.c_str());
      status = 1;
    }
  }
  if (!bound_failures.empty()) {
    std::fprintf(stderr, "nonlin_bench: --peer_accuracy: FAIL: outside the documented bound: %s\n",
                 bound_failures.c_str());
    status = 1;
  }
  if (any_error) {
    for (std::size_t k = 0; k < kernels.size(); ++k) {
      if (!errors[k].empty()) {
        std::fprintf(stderr, "nonlin_bench: --peer_accuracy: %s/%s: %s\n", kernels[k].function.c_str(),
                     kernels[k].column.c_str(), errors[k].c_str());
      }
    }
    status = 1;
  }
  return status;
}

}  // namespace nonlin_bench
