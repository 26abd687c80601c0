# Warning flags applied to every liminal target through liminal_set_warnings().
function(liminal_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow=local
                                           -Wnon-virtual-dtor -Woverloaded-virtual)
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    target_compile_options(${target} PRIVATE -Wno-unknown-warning-option)  # -Wshadow=local
    # Verifies the ABSL_GUARDED_BY / ABSL_EXCLUSIVE_LOCKS_REQUIRED annotations: with
    # LIMINAL_WERROR (the asan preset that make test builds, the thread-safety preset) a
    # guarded member touched without its lock fails the build.
    target_compile_options(${target} PRIVATE -Wthread-safety)
  endif()
  if(LIMINAL_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# liminal_layer_library(NAME DIR <dir> [EXCLUDE <regex>] LIBS ...)
#   A library made of every .cc under DIR (recursively, minus EXCLUDE matches), or an
#   INTERFACE library while the layer has no sources yet.
function(liminal_layer_library name)
  cmake_parse_arguments(L "" "DIR;EXCLUDE" "LIBS" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${L_DIR}/*.cc")
  if(L_EXCLUDE)
    list(FILTER sources EXCLUDE REGEX "${L_EXCLUDE}")
  endif()
  if(sources)
    add_library(${name} STATIC ${sources})
    target_include_directories(${name} PUBLIC "${PROJECT_SOURCE_DIR}")
    target_link_libraries(${name} PUBLIC ${L_LIBS})
    liminal_set_warnings(${name})
  else()
    add_library(${name} INTERFACE)
    target_include_directories(${name} INTERFACE "${PROJECT_SOURCE_DIR}")
    target_link_libraries(${name} INTERFACE ${L_LIBS})
  endif()
endfunction()
