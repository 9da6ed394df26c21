# cmake -DNM=<nm> -DOBJECTS=<a.o|b.o|...> [-DSTRICT=ON] -P check_symbols.cmake
#
# Lists the weak definitions (inline functions, template instantiations,
# their statics: nm types W, V, u) of each object file. A nonlin symbol
# defined in two objects compiled for different ISAs is one body the linker
# would choose for both: the test fails. Other shared weak symbols (the
# standard library's, xsimd's) are counted and printed, for information --
# or, with STRICT (the nonlin::dispatch library's objects), fail the test
# too, but for those that hold no code of an ISA: DW.ref.* (a pointer to the
# personality routine), __clang_call_terminate (calls std::terminate) and
# type_info objects and names (_ZTI*, _ZTS*: data, which UBSan's function
# checks emit for function types).
if(NOT NM OR NOT OBJECTS)
  message(FATAL_ERROR "usage: cmake -DNM=<nm> -DOBJECTS=<a.o|b.o|...> -P check_symbols.cmake")
endif()
string(REPLACE "|" ";" OBJECTS "${OBJECTS}")

set(entries "")
foreach(obj IN LISTS OBJECTS)
  # Named by the file and its target's directory: one source may be compiled
  # per ISA (nonlin_dispatch_<isa>.dir/dispatch_isa.cpp.o).
  get_filename_component(tu "${obj}" NAME_WE)
  if(obj MATCHES "/([^/]+)\\.dir/")
    set(tu "${CMAKE_MATCH_1}/${tu}")
  endif()
  execute_process(COMMAND "${NM}" --defined-only -g "${obj}" OUTPUT_VARIABLE out RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${NM} failed on ${obj}")
  endif()
  string(REGEX MATCHALL "[^\n]+" lines "${out}")
  set(n 0)
  foreach(line IN LISTS lines)
    if(line MATCHES "^[0-9a-fA-F]* *[WVu] ([^ ]+)$")
      list(APPEND entries "${CMAKE_MATCH_1} ${tu}")
      math(EXPR n "${n} + 1")
    endif()
  endforeach()
  message(STATUS "${tu}: ${n} weak definitions")
endforeach()

list(SORT entries)
set(prev_sym "")
set(prev_tu "")
set(nonlin_dups "")
set(other_dups "")
foreach(e IN LISTS entries)
  string(REPLACE " " ";" parts "${e}")
  list(GET parts 0 sym)
  list(GET parts 1 tu)
  if(sym STREQUAL prev_sym AND NOT tu STREQUAL prev_tu)
    if(sym MATCHES "^DW\\.ref\\.")
      # a pointer to the personality routine, data, the same in every TU
    elseif(sym MATCHES "^_ZT[IS]")
      # type_info objects and names: data, the same in every TU
    elseif(sym MATCHES "6nonlin" OR (STRICT AND NOT sym STREQUAL "__clang_call_terminate"))
      list(APPEND nonlin_dups "${sym} (${prev_tu}, ${tu})")
    else()
      list(APPEND other_dups "${sym} (${prev_tu}, ${tu})")
    endif()
  endif()
  set(prev_sym "${sym}")
  set(prev_tu "${tu}")
endforeach()

list(LENGTH other_dups n_other)
message(STATUS "weak symbols outside nonlin defined by more than one TU: ${n_other}")
set(i 0)
foreach(d IN LISTS other_dups)
  if(i LESS 20)
    message(STATUS "  ${d}")
  endif()
  math(EXPR i "${i} + 1")
endforeach()

list(LENGTH nonlin_dups n_nonlin)
if(n_nonlin GREATER 0)
  string(REPLACE ";" "\n  " msg "${nonlin_dups}")
  message(FATAL_ERROR "${n_nonlin} symbols are defined by more than one ISA's TU (the linker keeps one body "
                      "for all of them):\n  ${msg}")
endif()
if(STRICT)
  message(STATUS "no symbol with code is shared between the TUs")
else()
  message(STATUS "no nonlin symbol is shared between the TUs")
endif()
