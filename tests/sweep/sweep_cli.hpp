// What nonlin's sweep tools (sweep.cpp, gated_grid.cpp, half_gated.cpp)
// share on their command lines and in their report headers: the command as
// typed, comma-separated name lists, counts, the date and the CPU.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace nonlin_sweep_cli {

// argv joined by spaces, for the report's "Command" line.
inline std::string command_line(int argc, char** argv) {
  std::string c;
  for (int i = 0; i < argc; ++i) c += (i ? " " : "") + std::string(argv[i]);
  return c;
}

// "a,b,,c" -> {"a", "b", "c"}, appended to `out`.
inline void split_names(const char* list, std::vector<std::string>& out) {
  std::stringstream ss(list);
  std::string s;
  while (std::getline(ss, s, ','))
    if (!s.empty()) out.push_back(s);
}

// A positive count (a stride, a number of threads); 0 or text gives 1.
inline std::uint32_t at_least_one(const char* s) {
  const unsigned long v = std::strtoul(s, nullptr, 10);
  return v == 0 ? 1u : static_cast<std::uint32_t>(v);
}

inline std::string utc_now() {
  char buf[64];
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

// /proc/cpuinfo's first "model name", or "(unknown)".
inline std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto p = line.find(':');
      if (p != std::string::npos) {
        const auto q = line.find_first_not_of(" \t", p + 1);
        return q == std::string::npos ? std::string("(unknown)") : line.substr(q);
      }
    }
  }
  return "(unknown)";
}

}  // namespace nonlin_sweep_cli
