# nonlinFindXsimd.cmake -- how nonlin locates xsimd.
#
# Included by nonlin's CMakeLists.txt and, installed next to nonlinConfig.cmake,
# by find_package(nonlin), so a build of nonlin and a consumer of an installed
# nonlin pick xsimd by the same rules.
#
# nonlin_find_xsimd() looks, in this order, at
#   1. NONLIN_XSIMD_INCLUDE_DIR (variable or cache entry): a directory that
#      holds xsimd/xsimd.hpp. When it is set nothing else is searched, and it is
#      an error if it holds no usable xsimd.
#   2. an existing target `xsimd`, else find_package(xsimd CONFIG QUIET), which
#      honours xsimd_DIR and CMAKE_PREFIX_PATH. No version is passed: some
#      xsimd version files reject requests they could satisfy.
#   3. a plain header search, find_path(xsimd/xsimd.hpp), cached in
#      NONLIN_XSIMD_HEADER_DIR.
# The version is read from xsimd/config/xsimd_config.hpp and must be at least
# 8.1.
#
# xsimd's own exported target is never linked: Debian 12's xsimd 8.1.0 lists a
# nonexistent `xtl` in its INTERFACE_LINK_LIBRARIES. nonlin needs xsimd's
# headers only, so the result is a target of our own, nonlin::xsimd (INTERFACE
# IMPORTED), that carries xsimd's include directory and NONLIN_USE_XSIMD=1.
#
# Results, set in the caller's scope:
#   NONLIN_XSIMD_FOUND        TRUE when a usable xsimd was found
#   NONLIN_XSIMD_VERSION      its version (also set when rejected as too old)
#   NONLIN_XSIMD_INCLUDE_DIRS the directory put on the include path
#   NONLIN_XSIMD_HOW          how it was found, for messages
#   NONLIN_XSIMD_REASON       why it was not found, for messages
include_guard(GLOBAL)

# Reads XSIMD_VERSION_MAJOR/MINOR/PATCH from <dir>/xsimd/config/xsimd_config.hpp
# into out_var ("" when unreadable).
function(_nonlin_xsimd_header_version dir out_var)
  set(${out_var} "" PARENT_SCOPE)
  set(config_header "${dir}/xsimd/config/xsimd_config.hpp")
  if(NOT EXISTS "${config_header}")
    return()
  endif()
  file(STRINGS "${config_header}" lines
       REGEX "^[ \t]*#[ \t]*define[ \t]+XSIMD_VERSION_(MAJOR|MINOR|PATCH)[ \t]+[0-9]+")
  set(version "")
  foreach(part MAJOR MINOR PATCH)
    if(NOT lines MATCHES "XSIMD_VERSION_${part}[ \t]+([0-9]+)")
      return()
    endif()
    list(APPEND version "${CMAKE_MATCH_1}")
  endforeach()
  string(REPLACE ";" "." version "${version}")
  set(${out_var} "${version}" PARENT_SCOPE)
endfunction()

function(nonlin_find_xsimd)
  set(min_version 8.1)
  set(found FALSE)
  set(version "")
  set(dir "")
  set(how "")
  set(reason "")
  set(explicit FALSE)

  if(NONLIN_XSIMD_INCLUDE_DIR)
    set(explicit TRUE)
    get_filename_component(dir "${NONLIN_XSIMD_INCLUDE_DIR}" ABSOLUTE)
    if(NOT EXISTS "${dir}/xsimd/xsimd.hpp")
      message(FATAL_ERROR
        "nonlin: NONLIN_XSIMD_INCLUDE_DIR is '${NONLIN_XSIMD_INCLUDE_DIR}', "
        "which does not contain xsimd/xsimd.hpp")
    endif()
    set(how "NONLIN_XSIMD_INCLUDE_DIR=${dir}")
  else()
    set(candidates "")
    if(TARGET xsimd)
      set(how "existing target xsimd")
    else()
      find_package(xsimd CONFIG QUIET)
      set(how "CMake package config in ${xsimd_DIR}")
    endif()
    if(TARGET xsimd)
      get_target_property(candidates xsimd INTERFACE_INCLUDE_DIRECTORIES)
      if(NOT candidates)
        set(candidates "")
      endif()
    elseif(xsimd_FOUND AND xsimd_INCLUDE_DIRS)
      set(candidates "${xsimd_INCLUDE_DIRS}")
    endif()
    foreach(candidate IN LISTS candidates)
      # An xsimd added with add_subdirectory() wraps its directory in
      # $<BUILD_INTERFACE:...>; anything else with a generator expression is
      # of no use at configure time.
      string(REGEX REPLACE "^\\$<BUILD_INTERFACE:(.*)>$" "\\1" candidate "${candidate}")
      if(NOT candidate MATCHES "\\$<" AND EXISTS "${candidate}/xsimd/xsimd.hpp")
        set(dir "${candidate}")
        break()
      endif()
    endforeach()
    if(NOT dir)
      find_path(NONLIN_XSIMD_HEADER_DIR NAMES xsimd/xsimd.hpp
                DOC "Directory holding xsimd/xsimd.hpp, found by nonlin's header search")
      mark_as_advanced(NONLIN_XSIMD_HEADER_DIR)
      if(NONLIN_XSIMD_HEADER_DIR)
        set(dir "${NONLIN_XSIMD_HEADER_DIR}")
        set(how "header search")
      endif()
    endif()
  endif()

  if(NOT dir)
    set(reason "xsimd not found")
  else()
    _nonlin_xsimd_header_version("${dir}" version)
    if(NOT version)
      set(reason "cannot read the xsimd version from ${dir}/xsimd/config/xsimd_config.hpp")
    elseif(version VERSION_LESS min_version)
      set(reason "xsimd ${version} in ${dir} is older than the ${min_version} nonlin needs")
    else()
      set(found TRUE)
    endif()
    if(NOT found AND explicit)
      message(FATAL_ERROR "nonlin: NONLIN_XSIMD_INCLUDE_DIR: ${reason}")
    endif()
  endif()

  if(found AND NOT TARGET nonlin::xsimd)
    add_library(nonlin::xsimd INTERFACE IMPORTED)
    set_target_properties(nonlin::xsimd PROPERTIES
      INTERFACE_INCLUDE_DIRECTORIES "${dir}"
      INTERFACE_COMPILE_DEFINITIONS "NONLIN_USE_XSIMD=1")
  endif()

  if(NOT found)
    set(dir "")
    set(how "")
  endif()
  set(NONLIN_XSIMD_FOUND ${found} PARENT_SCOPE)
  set(NONLIN_XSIMD_VERSION "${version}" PARENT_SCOPE)
  set(NONLIN_XSIMD_INCLUDE_DIRS "${dir}" PARENT_SCOPE)
  set(NONLIN_XSIMD_HOW "${how}" PARENT_SCOPE)
  set(NONLIN_XSIMD_REASON "${reason}" PARENT_SCOPE)
endfunction()
