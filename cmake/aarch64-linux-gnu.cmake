# CMake toolchain file: cross-compile nonlin's tests for aarch64 Linux on an
# x86-64 Debian host (packages g++-aarch64-linux-gnu, qemu-user) and run
# them under qemu-aarch64 user mode.
#
#   cmake -S . -B build/neon --toolchain cmake/aarch64-linux-gnu.cmake
#   ctest --test-dir build/neon            (each program runs under qemu-aarch64)
#
# Settings (cache variables):
#   NONLIN_AARCH64_COMPILER  gcc (default: aarch64-linux-gnu-g++), or clang-16 /
#                            clang-14 (clang --target=aarch64-linux-gnu, which
#                            finds the GCC cross sysroot by itself)
#   NONLIN_AARCH64_STATIC    ON (default): link statically, so qemu needs no
#                            target libraries; OFF: qemu-aarch64 -L sysroot
#   NONLIN_QEMU_CPU          qemu's -cpu (default: qemu's own), e.g.
#                            max,sve256=on for a -march=armv8-a+sve build
#
# Headers and libraries are taken from the target sysroot only. xsimd is
# header-only and installed for the host (/usr/include/xsimd); putting
# /usr/include on the target's include path would bring the host's libc
# headers with it, so unless NONLIN_XSIMD_INCLUDE_DIR is given, a directory
# holding only a link to /usr/include/xsimd is made in the build tree.
#
# GoogleTest is built from its sources (/usr/src/googletest, Debian's
# libgtest-dev) when cross-compiling: tests/CMakeLists.txt.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(NONLIN_AARCH64_COMPILER gcc CACHE STRING "gcc, clang-16 or clang-14")
set(NONLIN_AARCH64_SYSROOT /usr/aarch64-linux-gnu CACHE PATH "the target's libc and libstdc++")
option(NONLIN_AARCH64_STATIC "Link statically (qemu-aarch64 then needs no sysroot)" ON)
set(NONLIN_QEMU_CPU "" CACHE STRING "qemu-aarch64 -cpu (empty: qemu's default)")
# try_compile projects load this file again: hand them the same settings.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES
     NONLIN_AARCH64_COMPILER NONLIN_AARCH64_SYSROOT NONLIN_AARCH64_STATIC NONLIN_QEMU_CPU)

set(_nonlin_triple aarch64-linux-gnu)
if(NONLIN_AARCH64_COMPILER STREQUAL "gcc")
  set(CMAKE_C_COMPILER ${_nonlin_triple}-gcc)
  set(CMAKE_CXX_COMPILER ${_nonlin_triple}-g++)
elseif(NONLIN_AARCH64_COMPILER MATCHES "^clang(-[0-9]+)?$")
  string(REPLACE "clang" "clang++" _nonlin_cxx "${NONLIN_AARCH64_COMPILER}")
  set(CMAKE_C_COMPILER ${NONLIN_AARCH64_COMPILER})
  set(CMAKE_CXX_COMPILER ${_nonlin_cxx})
  set(CMAKE_C_COMPILER_TARGET ${_nonlin_triple})
  set(CMAKE_CXX_COMPILER_TARGET ${_nonlin_triple})
  unset(_nonlin_cxx)
else()
  message(FATAL_ERROR "NONLIN_AARCH64_COMPILER: gcc, clang-16 or clang-14, not '${NONLIN_AARCH64_COMPILER}'")
endif()

set(CMAKE_FIND_ROOT_PATH ${NONLIN_AARCH64_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

if(NONLIN_AARCH64_STATIC)
  set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
endif()

if(NOT NONLIN_XSIMD_INCLUDE_DIR AND EXISTS /usr/include/xsimd/xsimd.hpp)
  set(_nonlin_xsimd_dir "${CMAKE_BINARY_DIR}/nonlin-host-xsimd")
  if(NOT EXISTS "${_nonlin_xsimd_dir}/xsimd")
    file(MAKE_DIRECTORY "${_nonlin_xsimd_dir}")
    file(CREATE_LINK /usr/include/xsimd "${_nonlin_xsimd_dir}/xsimd" SYMBOLIC)
  endif()
  set(NONLIN_XSIMD_INCLUDE_DIR "${_nonlin_xsimd_dir}" CACHE PATH "")
  unset(_nonlin_xsimd_dir)
endif()

find_program(NONLIN_QEMU_AARCH64 NAMES qemu-aarch64 qemu-aarch64-static)
if(NOT NONLIN_QEMU_AARCH64)
  message(FATAL_ERROR "nonlin: qemu-aarch64 not found, which runs the aarch64 test programs "
                      "(Debian: apt-get install qemu-user)")
endif()
set(_nonlin_emulator ${NONLIN_QEMU_AARCH64})
if(NONLIN_QEMU_CPU)
  list(APPEND _nonlin_emulator -cpu ${NONLIN_QEMU_CPU})
endif()
if(NOT NONLIN_AARCH64_STATIC)
  list(APPEND _nonlin_emulator -L ${NONLIN_AARCH64_SYSROOT})
endif()
set(CMAKE_CROSSCOMPILING_EMULATOR ${_nonlin_emulator})
unset(_nonlin_emulator)
unset(_nonlin_triple)
