# Shared by the consumer projects in this directory; include it from the
# consumer's top-level CMakeLists.txt.
set(_nonlin_consumer_main "${CMAKE_CURRENT_LIST_DIR}/main.cpp")
set(_nonlin_dispatch_consumer_main "${CMAKE_CURRENT_LIST_DIR}/dispatch_main.cpp")
enable_testing()  # not inside a function: it would not outlive the call

# nonlin_add_consumer(<target>): builds main.cpp against nonlin::nonlin and
# registers it as the consumer's test. NONLIN_EXPECT_XSIMD (bool) and
# NONLIN_EXPECT_XSIMD_VERSION (x.y.z), when given, become compile definitions
# that main.cpp checks against what the headers actually selected.
function(nonlin_add_consumer target)
  add_executable(${target} "${_nonlin_consumer_main}")
  target_link_libraries(${target} PRIVATE nonlin::nonlin)
  if(DEFINED NONLIN_EXPECT_XSIMD AND NOT NONLIN_EXPECT_XSIMD STREQUAL "")
    if(NONLIN_EXPECT_XSIMD)
      target_compile_definitions(${target} PRIVATE NONLIN_EXPECT_XSIMD=1)
      if(NONLIN_EXPECT_XSIMD_VERSION MATCHES "^([0-9]+)\\.([0-9]+)")
        target_compile_definitions(${target} PRIVATE
          NONLIN_EXPECT_XSIMD_MAJOR=${CMAKE_MATCH_1}
          NONLIN_EXPECT_XSIMD_MINOR=${CMAKE_MATCH_2})
      endif()
    else()
      target_compile_definitions(${target} PRIVATE NONLIN_EXPECT_XSIMD=0)
    endif()
  endif()
  add_test(NAME ${target} COMMAND ${target})
endfunction()

# nonlin_add_dispatch_consumer(<target>): builds dispatch_main.cpp against
# nonlin::dispatch and registers it twice: as it is, and with NONLIN_ISA=sse2.
# Nothing when the build said NONLIN_TEST_DISPATCH=OFF.
function(nonlin_add_dispatch_consumer target)
  if(DEFINED NONLIN_TEST_DISPATCH AND NOT NONLIN_TEST_DISPATCH)
    return()
  endif()
  add_executable(${target} "${_nonlin_dispatch_consumer_main}")
  target_link_libraries(${target} PRIVATE nonlin::dispatch)
  # The tables it was asked for (NONLIN_DISPATCH_ISAS): the active one must
  # be one of them.
  if(DEFINED NONLIN_DISPATCH_ISAS)
    string(REPLACE ";" "," tables "${NONLIN_DISPATCH_ISAS}")
    target_compile_definitions(${target} PRIVATE "NONLIN_EXPECT_DISPATCH_ISAS=\"${tables}\"")
  endif()
  add_test(NAME ${target} COMMAND ${target})
  add_test(NAME ${target}_sse2 COMMAND ${target})
  set_tests_properties(${target}_sse2 PROPERTIES ENVIRONMENT NONLIN_ISA=sse2)
endfunction()

# nonlin_check_subproject(<build type before adding nonlin>): nonlin, added
# as a subproject, must leave its parent's settings alone.
function(nonlin_check_subproject build_type_before)
  foreach(option IN ITEMS NONLIN_BUILD_TESTS NONLIN_BUILD_BENCHMARKS
                          NONLIN_BUILD_EXAMPLES NONLIN_INSTALL)
    if(${option})
      message(FATAL_ERROR "${option} is ON in a subproject build; it should default to OFF")
    endif()
  endforeach()
  if(NOT "${CMAKE_BUILD_TYPE}" STREQUAL "${build_type_before}")
    message(FATAL_ERROR "nonlin changed CMAKE_BUILD_TYPE from '${build_type_before}' to '${CMAKE_BUILD_TYPE}'")
  endif()
  if(DEFINED CMAKE_CXX_STANDARD)
    message(FATAL_ERROR "nonlin set CMAKE_CXX_STANDARD for its parent project")
  endif()
  if(NOT TARGET nonlin::nonlin)
    message(FATAL_ERROR "nonlin::nonlin is missing")
  endif()
  # nonlin::dispatch is there to link, and built only when linked.
  if(NOT TARGET nonlin::dispatch)
    message(FATAL_ERROR "nonlin::dispatch is missing")
  endif()
  get_target_property(excluded nonlin_dispatch EXCLUDE_FROM_ALL)
  if(NOT excluded OR NONLIN_BUILD_DISPATCH)
    message(FATAL_ERROR "nonlin::dispatch is built with 'all' in a subproject build; it should be built only when linked")
  endif()
endfunction()
