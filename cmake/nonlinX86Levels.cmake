# nonlinX86Levels.cmake -- the compiler flags of the three x86-64 levels that
# nonlin compiles translation units for: the nonlin::dispatch tables (src/)
# and the ODR test (tests/odr).
#
# nonlin_x86_levels(<prefix>) sets, in the caller's scope:
#   <prefix>_FOUND  TRUE with GCC or Clang on x86-64 whose flags are known
#   <prefix>_SSE2   -march=x86-64 (SSE2, no FMA)
#   <prefix>_AVX2   -march=x86-64-v3 (AVX2, FMA, BMI1/2, F16C, LZCNT, MOVBE),
#                   or -march=haswell where the compiler lacks the level names
#   <prefix>_AVX512 -march=x86-64-v4 (AVX-512 F, BW, CD, DQ, VL), or
#                   -march=skylake-avx512
#   <prefix>_REASON why not, when not found
# Given per source or target (after CMAKE_CXX_FLAGS on the command line),
# each overrides a -march there, e.g. -march=native.
include_guard(GLOBAL)
include(CheckCXXCompilerFlag)

function(nonlin_x86_levels prefix)
  set(found FALSE)
  set(reason "")
  set(v1 "")
  set(v3 "")
  set(v4 "")
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang"
     OR NOT CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64|x64)$"
     OR NOT CMAKE_SIZEOF_VOID_P EQUAL 8
     OR CMAKE_CXX_SIMULATE_ID STREQUAL "MSVC")
    set(reason "not GCC or Clang on x86-64")
  else()
    set(v1 -march=x86-64)
    check_cxx_compiler_flag(-march=x86-64-v3 NONLIN_CXX_HAS_MARCH_X86_64_V3)
    check_cxx_compiler_flag(-march=x86-64-v4 NONLIN_CXX_HAS_MARCH_X86_64_V4)
    if(NONLIN_CXX_HAS_MARCH_X86_64_V3 AND NONLIN_CXX_HAS_MARCH_X86_64_V4)
      set(v3 -march=x86-64-v3)
      set(v4 -march=x86-64-v4)
      set(found TRUE)
    else()
      check_cxx_compiler_flag(-march=skylake-avx512 NONLIN_CXX_HAS_MARCH_SKX)
      if(NONLIN_CXX_HAS_MARCH_SKX)
        set(v3 -march=haswell)
        set(v4 -march=skylake-avx512)
        set(found TRUE)
      else()
        set(reason "the compiler knows neither -march=x86-64-v4 nor -march=skylake-avx512")
      endif()
    endif()
  endif()
  set(${prefix}_FOUND ${found} PARENT_SCOPE)
  set(${prefix}_SSE2 "${v1}" PARENT_SCOPE)
  set(${prefix}_AVX2 "${v3}" PARENT_SCOPE)
  set(${prefix}_AVX512 "${v4}" PARENT_SCOPE)
  set(${prefix}_REASON "${reason}" PARENT_SCOPE)
endfunction()
