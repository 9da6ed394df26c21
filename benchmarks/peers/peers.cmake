# Peers of nonlin_bench (NONLIN_BENCH_PEERS): other libraries' activation
# functions, benchmarked in the same binary as nonlin. Each is optional: found
# here, compiled (peers/<peer>.cpp, an OBJECT library with the peer's own
# include directories and flags) and linked only when present. Nothing here may
# fail the configure or the build when a peer is missing or broken.
#
#   peer     Debian 12 package      how it is found
#   onednn   libdnnl-dev            dnnl CMake config (probed first in a child
#                                   CMake: Debian's requires OpenCL and fails
#                                   hard without it), else dnnl.hpp + libdnnl
#   xnnpack  libxnnpack-dev,        xnnpack.h + pthreadpool.h + libXNNPACK;
#            libpthreadpool-dev,    with cpuinfo.h + libcpuinfo it runs the
#            (libcpuinfo-dev)       build's ISA's kernels (xnnpack_isa.hpp)
#   eigen    libeigen3-dev          Eigen3 CMake config, else Eigen/Core
#   sleef    libsleef-dev           pkg-config sleef, else sleef.h + libsleef;
#                                   then a test link of the vector variants
#                                   this build's -march selects
#   torch    libtorch-dev           Torch CMake config (probed in a child CMake
#                                   first), else ATen/ATen.h + libtorch_cpu + libc10
#
# Hints: the usual <Pkg>_DIR / CMAKE_PREFIX_PATH, or the cache entries
# NONLIN_BENCH_<PEER>_INCLUDE_DIR / _LIBRARY of the fallbacks. To leave one
# out: -DNONLIN_BENCH_WITHOUT_<PEER>=ON (ONEDNN, XNNPACK, EIGEN, SLEEF, TORCH).
#
# Sets NONLIN_BENCH_PEERS_FOUND / NONLIN_BENCH_PEERS_MISSING (lists) and, per
# peer found, compiles its file and defines NONLIN_BENCH_HAVE_<PEER>=1 on
# nonlin_bench.
include_guard(DIRECTORY)
include(CheckCXXSourceCompiles)
include(CMakePushCheckState)

set(NONLIN_BENCH_PEERS_FOUND "")
set(NONLIN_BENCH_PEERS_MISSING "")

# Does find_package(<package> CONFIG) work? Asked in a child CMake so that a
# package config that fails with FATAL_ERROR cannot stop this configure. A yes
# is cached (NONLIN_BENCH_<package>_CONFIG_OK, until the config goes away); a
# no is asked again at every configure (under a second once the child's build
# directory exists).
function(_nonlin_bench_config_usable package out_var)
  set(cache_var "NONLIN_BENCH_${package}_CONFIG_OK")
  set(dir_var "NONLIN_BENCH_${package}_CONFIG_DIR")
  if(NOT ${cache_var} OR NOT EXISTS "${${dir_var}}")
    unset(${cache_var} CACHE)
  endif()
  if(NOT DEFINED ${cache_var})
    set(dir "${CMAKE_CURRENT_BINARY_DIR}/peer-probes/${package}")
    file(REMOVE "${dir}/config-dir.txt")
    file(MAKE_DIRECTORY "${dir}/src")
    file(WRITE "${dir}/src/CMakeLists.txt"
      "cmake_minimum_required(VERSION 3.14)\n"
      "project(nonlin_bench_probe LANGUAGES CXX)\n"
      "find_package(${package} CONFIG QUIET)\n"
      "if(NOT ${package}_FOUND)\n"
      "  message(FATAL_ERROR \"not found\")\n"
      "endif()\n"
      "file(WRITE \"${dir}/config-dir.txt\" \"\${${package}_DIR}\")\n")
    set(args "-DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER}")
    foreach(var CMAKE_PREFIX_PATH CMAKE_FIND_ROOT_PATH CMAKE_TOOLCHAIN_FILE ${package}_DIR)
      if(DEFINED ${var} AND NOT "${${var}}" STREQUAL "")
        string(REPLACE ";" "\\;" value "${${var}}")
        list(APPEND args "-D${var}=${value}")
      endif()
    endforeach()
    execute_process(
      COMMAND "${CMAKE_COMMAND}" -G "${CMAKE_GENERATOR}" ${args} -S "${dir}/src" -B "${dir}/build"
      RESULT_VARIABLE result OUTPUT_QUIET ERROR_QUIET)
    set(config_dir "")
    if(result EQUAL 0 AND EXISTS "${dir}/config-dir.txt")
      set(ok ON)
      file(READ "${dir}/config-dir.txt" config_dir)
    else()
      set(ok OFF)
    endif()
    if(ok)
      set(${cache_var} ON CACHE INTERNAL "find_package(${package} CONFIG) works (nonlin_bench probe)")
      set(${dir_var} "${config_dir}" CACHE INTERNAL "where the probe found ${package}'s CMake config")
    endif()
  else()
    set(ok ON)
  endif()
  set(${out_var} ${ok} PARENT_SCOPE)
endfunction()

# Forgets cached find_path/find_library results whose file is gone (a peer
# uninstalled since the last configure), so that they are searched again.
macro(_nonlin_bench_forget_stale)
  foreach(_var ${ARGN})
    if(${_var} AND NOT EXISTS "${${_var}}")
      unset(${_var} CACHE)
    endif()
  endforeach()
endmacro()

# Imported target nonlin_bench::<peer> from a header directory and libraries.
function(_nonlin_bench_imported peer include_dirs libraries)
  add_library(nonlin_bench::${peer} INTERFACE IMPORTED)
  set_target_properties(nonlin_bench::${peer} PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${include_dirs}"
    INTERFACE_LINK_LIBRARIES "${libraries}")
endfunction()

# Compiles peers/<peer>.cpp against <target> into nonlin_bench.
function(_nonlin_bench_add_peer peer target how)
  string(TOUPPER "${peer}" upper)
  set(obj nonlin_bench_peer_${peer})
  add_library(${obj} OBJECT "${CMAKE_CURRENT_SOURCE_DIR}/peers/${peer}.cpp")
  target_link_libraries(${obj} PRIVATE nonlin::nonlin benchmark::benchmark ${target})
  target_compile_features(${obj} PRIVATE cxx_std_17)
  target_link_libraries(nonlin_bench PRIVATE ${obj} "$<LINK_ONLY:${target}>")
  target_compile_definitions(nonlin_bench PRIVATE NONLIN_BENCH_HAVE_${upper}=1)
  set(NONLIN_BENCH_PEERS_FOUND ${NONLIN_BENCH_PEERS_FOUND} ${peer} PARENT_SCOPE)
  set(NONLIN_BENCH_${upper}_TARGET ${target} PARENT_SCOPE)  # for nonlin_loop_profile
  message(STATUS "nonlin_bench: peer ${peer}: found (${how})")
endfunction()

macro(_nonlin_bench_missing peer why)
  list(APPEND NONLIN_BENCH_PEERS_MISSING ${peer})
  message(STATUS "nonlin_bench: peer ${peer}: not found -- ${why}")
endmacro()

# ------------------------------------------------------------------ oneDNN --
if(NONLIN_BENCH_WITHOUT_ONEDNN)
  _nonlin_bench_missing(onednn "NONLIN_BENCH_WITHOUT_ONEDNN=ON")
else()
  set(_how "")
  _nonlin_bench_config_usable(dnnl _ok)
  if(_ok)
    find_package(dnnl CONFIG QUIET)
    if(TARGET DNNL::dnnl)
      set(_target DNNL::dnnl)
      set(_how "CMake config ${dnnl_DIR}, oneDNN ${dnnl_VERSION}")
    endif()
  endif()
  if(NOT _how)
    _nonlin_bench_forget_stale(NONLIN_BENCH_ONEDNN_INCLUDE_DIR NONLIN_BENCH_ONEDNN_LIBRARY)
    find_path(NONLIN_BENCH_ONEDNN_INCLUDE_DIR oneapi/dnnl/dnnl.hpp DOC "oneDNN headers (nonlin_bench)")
    find_library(NONLIN_BENCH_ONEDNN_LIBRARY NAMES dnnl DOC "oneDNN library (nonlin_bench)")
    mark_as_advanced(NONLIN_BENCH_ONEDNN_INCLUDE_DIR NONLIN_BENCH_ONEDNN_LIBRARY)
    if(NONLIN_BENCH_ONEDNN_INCLUDE_DIR AND NONLIN_BENCH_ONEDNN_LIBRARY)
      _nonlin_bench_imported(onednn "${NONLIN_BENCH_ONEDNN_INCLUDE_DIR}" "${NONLIN_BENCH_ONEDNN_LIBRARY}")
      set(_target nonlin_bench::onednn)
      set(_how "${NONLIN_BENCH_ONEDNN_LIBRARY}")
      if(NOT _ok)
        string(APPEND _how "; its CMake config is unusable here")
      endif()
    endif()
  endif()
  if(_how)
    _nonlin_bench_add_peer(onednn ${_target} "${_how}")
  else()
    _nonlin_bench_missing(onednn "install libdnnl-dev or set dnnl_DIR")
  endif()
endif()

# ----------------------------------------------------------------- XNNPACK --
if(NONLIN_BENCH_WITHOUT_XNNPACK)
  _nonlin_bench_missing(xnnpack "NONLIN_BENCH_WITHOUT_XNNPACK=ON")
else()
  _nonlin_bench_forget_stale(NONLIN_BENCH_XNNPACK_INCLUDE_DIR NONLIN_BENCH_PTHREADPOOL_INCLUDE_DIR
                             NONLIN_BENCH_XNNPACK_LIBRARY)
  find_path(NONLIN_BENCH_XNNPACK_INCLUDE_DIR xnnpack.h DOC "XNNPACK header (nonlin_bench)")
  find_path(NONLIN_BENCH_PTHREADPOOL_INCLUDE_DIR pthreadpool.h DOC "pthreadpool header (nonlin_bench)")
  find_library(NONLIN_BENCH_XNNPACK_LIBRARY NAMES XNNPACK xnnpack DOC "XNNPACK library (nonlin_bench)")
  mark_as_advanced(NONLIN_BENCH_XNNPACK_INCLUDE_DIR NONLIN_BENCH_PTHREADPOOL_INCLUDE_DIR NONLIN_BENCH_XNNPACK_LIBRARY)
  if(NONLIN_BENCH_XNNPACK_INCLUDE_DIR AND NONLIN_BENCH_PTHREADPOOL_INCLUDE_DIR AND NONLIN_BENCH_XNNPACK_LIBRARY)
    _nonlin_bench_imported(xnnpack
      "${NONLIN_BENCH_XNNPACK_INCLUDE_DIR};${NONLIN_BENCH_PTHREADPOOL_INCLUDE_DIR}"
      "${NONLIN_BENCH_XNNPACK_LIBRARY}")
    file(READ "${NONLIN_BENCH_XNNPACK_INCLUDE_DIR}/xnnpack.h" _header)
    set(_defs "NONLIN_BENCH_XNNPACK_LIBRARY=\"${NONLIN_BENCH_XNNPACK_LIBRARY}\"")
    if(_header MATCHES "xnn_create_tanh_nc_f32")
      list(APPEND _defs NONLIN_BENCH_XNNPACK_HAS_TANH=1)
    endif()
    unset(_header)
    # cpuinfo (libcpuinfo-dev), XNNPACK's CPU detection: with it the peer runs
    # the kernels of the build's ISA rather than the CPU's (xnnpack_isa.hpp).
    _nonlin_bench_forget_stale(NONLIN_BENCH_CPUINFO_INCLUDE_DIR NONLIN_BENCH_CPUINFO_LIBRARY)
    find_path(NONLIN_BENCH_CPUINFO_INCLUDE_DIR cpuinfo.h DOC "cpuinfo header (nonlin_bench, XNNPACK's ISA)")
    find_library(NONLIN_BENCH_CPUINFO_LIBRARY NAMES cpuinfo DOC "cpuinfo library (nonlin_bench, XNNPACK's ISA)")
    mark_as_advanced(NONLIN_BENCH_CPUINFO_INCLUDE_DIR NONLIN_BENCH_CPUINFO_LIBRARY)
    if(NONLIN_BENCH_CPUINFO_INCLUDE_DIR AND NONLIN_BENCH_CPUINFO_LIBRARY)
      list(APPEND _defs NONLIN_BENCH_XNNPACK_CPUINFO=1)
      set_property(TARGET nonlin_bench::xnnpack APPEND PROPERTY INTERFACE_INCLUDE_DIRECTORIES
                   "${NONLIN_BENCH_CPUINFO_INCLUDE_DIR}")
      set_property(TARGET nonlin_bench::xnnpack APPEND PROPERTY INTERFACE_LINK_LIBRARIES
                   "${NONLIN_BENCH_CPUINFO_LIBRARY}")
    else()
      message(STATUS "nonlin_bench: cpuinfo.h not found (libcpuinfo-dev): XNNPACK runs the CPU's kernels, "
                     "not the build's ISA's")
    endif()
    set_property(TARGET nonlin_bench::xnnpack PROPERTY INTERFACE_COMPILE_DEFINITIONS "${_defs}")
    _nonlin_bench_add_peer(xnnpack nonlin_bench::xnnpack "${NONLIN_BENCH_XNNPACK_LIBRARY}")
  elseif(NONLIN_BENCH_XNNPACK_INCLUDE_DIR AND NOT NONLIN_BENCH_PTHREADPOOL_INCLUDE_DIR)
    _nonlin_bench_missing(xnnpack "xnnpack.h needs pthreadpool.h: install libpthreadpool-dev")
  else()
    _nonlin_bench_missing(xnnpack "install libxnnpack-dev and libpthreadpool-dev")
  endif()
endif()

# ------------------------------------------------------------------- Eigen --
if(NONLIN_BENCH_WITHOUT_EIGEN)
  _nonlin_bench_missing(eigen "NONLIN_BENCH_WITHOUT_EIGEN=ON")
else()
  set(_how "")
  find_package(Eigen3 CONFIG QUIET)
  if(TARGET Eigen3::Eigen)
    set(_target Eigen3::Eigen)
    set(_how "CMake config ${Eigen3_DIR}, Eigen ${Eigen3_VERSION}")
  else()
    _nonlin_bench_forget_stale(NONLIN_BENCH_EIGEN_INCLUDE_DIR)
    find_path(NONLIN_BENCH_EIGEN_INCLUDE_DIR Eigen/Core PATH_SUFFIXES eigen3 DOC "Eigen headers (nonlin_bench)")
    mark_as_advanced(NONLIN_BENCH_EIGEN_INCLUDE_DIR)
    if(NONLIN_BENCH_EIGEN_INCLUDE_DIR)
      _nonlin_bench_imported(eigen "${NONLIN_BENCH_EIGEN_INCLUDE_DIR}" "")
      set(_target nonlin_bench::eigen)
      set(_how "${NONLIN_BENCH_EIGEN_INCLUDE_DIR}")
    endif()
  endif()
  if(_how)
    _nonlin_bench_add_peer(eigen ${_target} "${_how}")
  else()
    _nonlin_bench_missing(eigen "install libeigen3-dev or set Eigen3_DIR")
  endif()
endif()

# ------------------------------------------------------------------- SLEEF --
if(NONLIN_BENCH_WITHOUT_SLEEF)
  _nonlin_bench_missing(sleef "NONLIN_BENCH_WITHOUT_SLEEF=ON")
else()
  set(_how "")
  find_package(PkgConfig QUIET)
  if(PKG_CONFIG_FOUND)
    # pkg_check_modules caches its answer; ask pkg-config again (cheap) so an
    # uninstalled SLEEF is noticed.
    unset(__pkg_config_checked_NONLIN_BENCH_SLEEF_PC CACHE)
    pkg_check_modules(NONLIN_BENCH_SLEEF_PC QUIET IMPORTED_TARGET GLOBAL sleef)
  endif()
  if(TARGET PkgConfig::NONLIN_BENCH_SLEEF_PC)
    set(_target PkgConfig::NONLIN_BENCH_SLEEF_PC)
    set(_how "pkg-config, SLEEF ${NONLIN_BENCH_SLEEF_PC_VERSION}")
  else()
    _nonlin_bench_forget_stale(NONLIN_BENCH_SLEEF_INCLUDE_DIR NONLIN_BENCH_SLEEF_LIBRARY)
    find_path(NONLIN_BENCH_SLEEF_INCLUDE_DIR sleef.h DOC "SLEEF header (nonlin_bench)")
    find_library(NONLIN_BENCH_SLEEF_LIBRARY NAMES sleef DOC "SLEEF library (nonlin_bench)")
    mark_as_advanced(NONLIN_BENCH_SLEEF_INCLUDE_DIR NONLIN_BENCH_SLEEF_LIBRARY)
    if(NONLIN_BENCH_SLEEF_INCLUDE_DIR AND NONLIN_BENCH_SLEEF_LIBRARY)
      _nonlin_bench_imported(sleef "${NONLIN_BENCH_SLEEF_INCLUDE_DIR}" "${NONLIN_BENCH_SLEEF_LIBRARY}")
      set(_target nonlin_bench::sleef)
      set(_how "${NONLIN_BENCH_SLEEF_LIBRARY}")
    endif()
  endif()
  if(_how)
    # The vector variants peers/sleef.cpp picks for these flags must link.
    cmake_push_check_state(RESET)
    set(CMAKE_REQUIRED_LIBRARIES ${_target})
    set(CMAKE_REQUIRED_QUIET ON)
    # Checked again whenever the SLEEF found, the compiler or the flags change.
    set(_key "${_how}|${CMAKE_CXX_COMPILER}|${CMAKE_CXX_FLAGS}")
    if(NOT "${NONLIN_BENCH_SLEEF_CHECKED_FOR}" STREQUAL "${_key}")
      unset(NONLIN_BENCH_SLEEF_LINKS CACHE)
      set(NONLIN_BENCH_SLEEF_CHECKED_FOR "${_key}" CACHE INTERNAL "what NONLIN_BENCH_SLEEF_LINKS was checked for")
    endif()
    unset(_key)
    check_cxx_source_compiles([[
#include <sleef.h>
#if defined(__AVX512F__)
#define V __m512
#define F(name) Sleef_##name##f16_u10avx512f
#elif defined(__AVX__) && defined(__AVX2__) && defined(__FMA__)
#define V __m256
#define F(name) Sleef_##name##f8_u10avx2
#elif defined(__AVX__)
#define V __m256
#define F(name) Sleef_##name##f8_u10avx
#elif defined(__SSE4_1__)
#define V __m128
#define F(name) Sleef_##name##f4_u10sse4
#elif defined(__SSE2__)
#define V __m128
#define F(name) Sleef_##name##f4_u10sse2
#else
#define V float
#define F(name) Sleef_##name##f_u10
#endif
#include <cstring>
int main(int argc, char**) {
  V x{};
  std::memset(&x, argc, sizeof x);
  x = F(exp)(F(tanh)(F(erf)(x)));
  float f[sizeof(V) / sizeof(float)];
  std::memcpy(f, &x, sizeof x);
  return f[0] > 1.0f;
}
]] NONLIN_BENCH_SLEEF_LINKS)
    cmake_pop_check_state()
    set(_links ${NONLIN_BENCH_SLEEF_LINKS})
    if(NOT _links)
      unset(NONLIN_BENCH_SLEEF_LINKS CACHE)  # a failure is checked again next time
    endif()
    if(_links)
      _nonlin_bench_add_peer(sleef ${_target} "${_how}")
    else()
      _nonlin_bench_missing(sleef "found (${_how}) but its vector functions for these flags do not link")
    endif()
  else()
    _nonlin_bench_missing(sleef "install libsleef-dev")
  endif()
endif()

# ---------------------------------------------------------------- libtorch --
if(NONLIN_BENCH_WITHOUT_TORCH)
  _nonlin_bench_missing(torch "NONLIN_BENCH_WITHOUT_TORCH=ON")
else()
  set(_how "")
  _nonlin_bench_config_usable(Torch _ok)
  if(_ok)
    find_package(Torch CONFIG QUIET)
    if(Torch_FOUND AND TORCH_LIBRARIES)
      add_library(nonlin_bench::torch INTERFACE IMPORTED)
      set_target_properties(nonlin_bench::torch PROPERTIES
        INTERFACE_INCLUDE_DIRECTORIES "${TORCH_INCLUDE_DIRS}"
        INTERFACE_LINK_LIBRARIES "${TORCH_LIBRARIES}")
      set(_how "CMake config ${Torch_DIR}")
    endif()
  endif()
  if(NOT _how)
    _nonlin_bench_forget_stale(NONLIN_BENCH_TORCH_INCLUDE_DIR NONLIN_BENCH_TORCH_LIBRARY NONLIN_BENCH_C10_LIBRARY)
    find_path(NONLIN_BENCH_TORCH_INCLUDE_DIR ATen/ATen.h DOC "libtorch ATen headers (nonlin_bench)")
    find_library(NONLIN_BENCH_TORCH_LIBRARY NAMES torch_cpu DOC "libtorch_cpu (nonlin_bench)")
    find_library(NONLIN_BENCH_C10_LIBRARY NAMES c10 DOC "libc10 (nonlin_bench)")
    mark_as_advanced(NONLIN_BENCH_TORCH_INCLUDE_DIR NONLIN_BENCH_TORCH_LIBRARY NONLIN_BENCH_C10_LIBRARY)
    if(NONLIN_BENCH_TORCH_INCLUDE_DIR AND NONLIN_BENCH_TORCH_LIBRARY AND NONLIN_BENCH_C10_LIBRARY)
      set(_dirs "${NONLIN_BENCH_TORCH_INCLUDE_DIR}")
      if(EXISTS "${NONLIN_BENCH_TORCH_INCLUDE_DIR}/torch/csrc/api/include")
        list(APPEND _dirs "${NONLIN_BENCH_TORCH_INCLUDE_DIR}/torch/csrc/api/include")
      endif()
      _nonlin_bench_imported(torch "${_dirs}" "${NONLIN_BENCH_TORCH_LIBRARY};${NONLIN_BENCH_C10_LIBRARY}")
      set(_how "${NONLIN_BENCH_TORCH_LIBRARY}")
      if(NOT _ok)
        string(APPEND _how "; its CMake config is unusable here")
      endif()
      unset(_dirs)
    endif()
  endif()
  if(_how)
    _nonlin_bench_add_peer(torch nonlin_bench::torch "${_how}")
  else()
    _nonlin_bench_missing(torch "install libtorch-dev or set Torch_DIR")
  endif()
endif()

unset(_how)
unset(_ok)
unset(_links)
unset(_target)
unset(_defs)

string(REPLACE ";" ", " _found "${NONLIN_BENCH_PEERS_FOUND}")
string(REPLACE ";" ", " _missing "${NONLIN_BENCH_PEERS_MISSING}")
if(NOT _found)
  set(_found "none")
endif()
message(STATUS "nonlin_bench: peers found: ${_found}")
if(_missing)
  message(STATUS "nonlin_bench: peers missing: ${_missing}")
endif()
target_compile_definitions(nonlin_bench PRIVATE
  "NONLIN_BENCH_PEERS_FOUND=\"${_found}\""
  "NONLIN_BENCH_PEERS_MISSING=\"${_missing}\"")
unset(_found)
unset(_missing)
