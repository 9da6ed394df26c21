# Driver for nonlin's consumer tests (see CMakeLists.txt beside this file):
#   cmake -DPARAMS=<name>-params.cmake [-DCONFIG=<config>] -P run_consumer.cmake
# MODE cmake:   [install nonlin to a fresh prefix,] configure, build and run
#               (through its own ctest) the consumer project CONSUMER_SOURCE_DIR.
# MODE compile: copy include/nonlin elsewhere and compile main.cpp against the
#               copy with nothing but -I, then run it; once as is and once
#               with -DNONLIN_USE_XSIMD=0. Then build nonlin::dispatch from
#               src/ by hand (README.md, "Runtime dispatch") and run dispatch_main.cpp with it.
cmake_minimum_required(VERSION 3.14)
include("${PARAMS}")

function(_run)
  string(REPLACE ";" " " shown "${ARGN}")
  message(STATUS "[${NAME}] ${shown}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "[${NAME}] failed (${rc}): ${shown}")
  endif()
endfunction()

# _run_all(COMMAND <command> [COMMAND <command>...]): the commands at once
# (execute_process runs its COMMANDs concurrently, as a pipeline; the
# compilers here neither read input nor write output), each one checked.
function(_run_all)
  message(STATUS "[${NAME}] at once:")
  set(shown "")
  foreach(arg IN LISTS ARGN)
    if(arg STREQUAL "COMMAND")
      if(shown)
        message(STATUS "[${NAME}]   ${shown}")
      endif()
      set(shown "")
    else()
      string(APPEND shown " ${arg}")
    endif()
  endforeach()
  message(STATUS "[${NAME}]   ${shown}")
  execute_process(${ARGN} RESULTS_VARIABLE rcs)
  set(i 0)
  foreach(rc IN LISTS rcs)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "[${NAME}] failed (${rc}): command ${i} of the list above (from 0)")
    endif()
    math(EXPR i "${i} + 1")
  endforeach()
endfunction()

# Start from scratch every time: a stale cache would hide configure problems.
file(REMOVE_RECURSE "${CONSUMER_BINARY_DIR}")
file(MAKE_DIRECTORY "${CONSUMER_BINARY_DIR}")

if(MODE STREQUAL "compile")
  set(vendored "${CONSUMER_BINARY_DIR}/vendored/include")
  file(COPY "${NONLIN_INCLUDE_DIR}/nonlin" DESTINATION "${vendored}")
  # Every compile first, all at once (_run_all), then the links and runs.
  set(compiles "")
  set(exes "")
  foreach(variant default scalar)
    set(defs "")
    if(variant STREQUAL "scalar")
      set(defs -DNONLIN_USE_XSIMD=0 -DNONLIN_EXPECT_XSIMD=0)
    endif()
    set(exe "${CONSUMER_BINARY_DIR}/consumer_${variant}")
    list(APPEND compiles COMMAND "${CXX_COMPILER}" -std=c++17 -O2 ${defs} "-I${vendored}" "${MAIN_CPP}" -o "${exe}")
    list(APPEND exes "${exe}")
  endforeach()
  # nonlin::dispatch without CMake, as README.md describes: the table
  # source once per x86-64 level (or once), the chooser, linked.
  set(objects "")
  if(TEST_DISPATCH)
    if(DISPATCH_X86)
      foreach(level x86-64 x86-64-v3 x86-64-v4)
        set(obj "${CONSUMER_BINARY_DIR}/dispatch_${level}.o")
        list(APPEND compiles COMMAND "${CXX_COMPILER}" -std=c++17 -O2 -fPIC -march=${level} "-I${vendored}"
             -c "${NONLIN_SRC_DIR}/dispatch_isa.cpp" -o "${obj}")
        list(APPEND objects "${obj}")
      endforeach()
    else()
      set(obj "${CONSUMER_BINARY_DIR}/dispatch_isa.o")
      list(APPEND compiles COMMAND "${CXX_COMPILER}" -std=c++17 -O2 -fPIC "-I${vendored}"
           -c "${NONLIN_SRC_DIR}/dispatch_isa.cpp" -o "${obj}")
      list(APPEND objects "${obj}")
    endif()
    foreach(src "${NONLIN_SRC_DIR}/dispatch.cpp" "${DISPATCH_MAIN_CPP}")
      get_filename_component(stem "${src}" NAME_WE)
      set(obj "${CONSUMER_BINARY_DIR}/${stem}.o")
      list(APPEND compiles COMMAND "${CXX_COMPILER}" -std=c++17 -O2 -fPIC "-I${vendored}" -c "${src}" -o "${obj}")
      list(APPEND objects "${obj}")
    endforeach()
  endif()
  _run_all(${compiles})
  foreach(exe IN LISTS exes)
    _run("${exe}")
  endforeach()
  if(NOT TEST_DISPATCH)
    return()
  endif()
  set(exe "${CONSUMER_BINARY_DIR}/consumer_dispatch")
  _run("${CXX_COMPILER}" ${objects} -o "${exe}")
  _run("${exe}")
  set(ENV{NONLIN_ISA} sse2)
  _run("${exe}")
  unset(ENV{NONLIN_ISA})
  return()
endif()

if(NOT MODE STREQUAL "cmake")
  message(FATAL_ERROR "run_consumer.cmake: unknown MODE '${MODE}'")
endif()

set(config_args "")
if(CONFIG)
  set(config_args --config "${CONFIG}")
endif()

# The consumer searches what this build searched, plus the install prefix.
set(prefix_path "${PREFIX_PATH}")
if(INSTALL_FROM)
  file(REMOVE_RECURSE "${INSTALL_PREFIX}")
  _run("${CMAKE_COMMAND}" --install "${INSTALL_FROM}" --prefix "${INSTALL_PREFIX}"
       --component nonlin ${config_args})
  list(INSERT prefix_path 0 "${INSTALL_PREFIX}")
endif()
if(prefix_path)
  # Passed through the environment (ahead of what it already holds) so that
  # a list needs no escaping.
  if(CMAKE_HOST_WIN32)
    set(separator ";")
  else()
    set(separator ":")
  endif()
  string(REPLACE ";" "${separator}" env_prefix_path "${prefix_path}")
  if(NOT "$ENV{CMAKE_PREFIX_PATH}" STREQUAL "")
    string(APPEND env_prefix_path "${separator}$ENV{CMAKE_PREFIX_PATH}")
  endif()
  set(ENV{CMAKE_PREFIX_PATH} "${env_prefix_path}")
endif()

set(generator_args -G "${GENERATOR}")
if(GENERATOR_PLATFORM)
  list(APPEND generator_args -A "${GENERATOR_PLATFORM}")
endif()
if(GENERATOR_TOOLSET)
  list(APPEND generator_args -T "${GENERATOR_TOOLSET}")
endif()
if(MAKE_PROGRAM)
  list(APPEND generator_args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()
if(CONFIG)
  list(APPEND generator_args "-DCMAKE_BUILD_TYPE=${CONFIG}")
endif()

set(build_dir "${CONSUMER_BINARY_DIR}/build")
_run("${CMAKE_COMMAND}" -S "${CONSUMER_SOURCE_DIR}" -B "${build_dir}" ${generator_args}
     "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}" ${CONSUMER_ARGS})
_run("${CMAKE_COMMAND}" --build "${build_dir}" ${config_args})

set(ctest_config "")
if(CONFIG)
  set(ctest_config -C "${CONFIG}")
endif()
if(CMAKE_VERSION VERSION_GREATER_EQUAL 3.17)
  list(APPEND ctest_config --no-tests=error)
endif()
execute_process(COMMAND "${CTEST_COMMAND}" --verbose ${ctest_config}
                WORKING_DIRECTORY "${build_dir}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "[${NAME}] the consumer's program failed")
endif()
