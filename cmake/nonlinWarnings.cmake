# nonlinWarnings.cmake -- the warning flags of nonlin's own programs.
#
# nonlin_target_warnings(<target>...) gives each target (a test, example,
# fuzzer or tool of nonlin's, never the nonlin INTERFACE target that users
# link) the project's warning set, and -Werror when NONLIN_WERROR is ON
# (scripts/test.sh turns it on in every build it makes).
#
# The nonlin headers are reached through the nonlin::nonlin target's plain
# include directory, so warnings in them are reported: users compile them.
# Third-party headers are not ours to fix: xsimd (through nonlin::xsimd),
# GoogleTest and Google Benchmark come from IMPORTED targets or the
# compiler's implicit include path, which the compiler treats as system
# headers (-isystem), so their warnings stay silent without weakening the
# flags below.
include_guard(GLOBAL)

set(NONLIN_WARNING_FLAGS -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wundef)
set(NONLIN_WARNING_FLAGS_MSVC /W4)

function(nonlin_target_warnings)
  foreach(target IN LISTS ARGN)
    if(MSVC)
      target_compile_options(${target} PRIVATE ${NONLIN_WARNING_FLAGS_MSVC})
      if(NONLIN_WERROR)
        target_compile_options(${target} PRIVATE /WX)
      endif()
    else()
      target_compile_options(${target} PRIVATE ${NONLIN_WARNING_FLAGS})
      if(NONLIN_WERROR)
        target_compile_options(${target} PRIVATE -Werror)
      endif()
    endif()
  endforeach()
endfunction()
