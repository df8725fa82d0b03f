# The installable library, made from the layers (the static libraries under src/ that the public
# API target `stflash` links):
#   libstflash.so.0  a shared library exporting only the stflash_* functions of the public
#                    headers (compiled with -fvisibility=hidden; the headers mark their
#                    declarations default), plus a version script for the linker's own symbols;
#   libstflash.a     one relocatable object holding every layer, in which every global symbol
#                    the shared library does not export is made local, so that a program linking
#                    it statically sees the same names (and cannot clash on flash_write, usb_open,
#                    stlink_* or the like).
# Both carry no simulator: the virtual board is libstflash-sim (sim/CMakeLists.txt).
# Included from src/CMakeLists.txt once `stflash` exists. Provides:
#   stflash_library_layers(<out-var> <target>)  the layers a target links, depth first
#   stflash_shared, stflash_static_archive      the two libraries (targets)
#   global properties STFLASH_LIBRARY_MODULES, _LIBS: the pkg-config modules and plain libraries
#   they need; STFLASH_STATIC_ARCHIVE: the path of libstflash.a

# Walks the link dependencies of a target: static libraries built here go to <out-var>,
# pkg-config imported targets to STFLASH_DEP_MODULES, plain library names to STFLASH_DEP_LIBS.
function(stflash_library_layers out target)
  set(pkg_LIBUSB libusb-1.0)
  set(pkg_UNICORN unicorn)
  set(pkg_ZLIB zlib)
  set(layers ${${out}})
  get_target_property(deps ${target} LINK_LIBRARIES)
  if(NOT deps)
    set(deps "")
  endif()
  foreach(dep IN LISTS deps)
    if(dep MATCHES "^PkgConfig::(.+)$")
      if(NOT DEFINED pkg_${CMAKE_MATCH_1})
        message(FATAL_ERROR "library: no pkg-config module known for ${dep} (cmake/library.cmake)")
      endif()
      list(APPEND STFLASH_DEP_MODULES ${pkg_${CMAKE_MATCH_1}})
    elseif(TARGET ${dep})
      get_target_property(type ${dep} TYPE)
      get_target_property(imported ${dep} IMPORTED)
      if(type STREQUAL "STATIC_LIBRARY" AND NOT imported AND NOT dep IN_LIST layers)
        list(APPEND layers ${dep})
        set(${out} ${layers})
        stflash_library_layers(${out} ${dep})
        set(layers ${${out}})
      endif()
    elseif(NOT dep MATCHES "^\\$<")
      list(APPEND STFLASH_DEP_LIBS ${dep})
    endif()
  endforeach()
  foreach(v STFLASH_DEP_MODULES STFLASH_DEP_LIBS)
    if(${v})
      list(REMOVE_DUPLICATES ${v})
    endif()
    set(${v} ${${v}} PARENT_SCOPE)
  endforeach()
  set(${out} ${layers} PARENT_SCOPE)
endfunction()

# stflash_whole_library(<target> <version-script-pattern> <layer>...): links every object of the
# layers into the shared library <target>, exporting only the symbols matching the pattern.
function(stflash_whole_library target pattern)
  set(files "")
  foreach(layer IN LISTS ARGN)
    # Position-independent for the shared library; hidden unless a public header says otherwise.
    set_target_properties(${layer} PROPERTIES POSITION_INDEPENDENT_CODE ON C_VISIBILITY_PRESET hidden)
    list(APPEND files $<TARGET_FILE:${layer}>)
  endforeach()
  set(map ${CMAKE_CURRENT_BINARY_DIR}/${target}.map)
  file(WRITE ${map} "{\n  global: ${pattern};\n  local: *;\n};\n")
  target_link_libraries(${target} PRIVATE -Wl,--whole-archive ${files} -Wl,--no-whole-archive)
  target_link_options(${target} PRIVATE -Wl,--version-script=${map} -Wl,--no-undefined)
  set_target_properties(${target} PROPERTIES LINK_DEPENDS "${map};${files}"
                        C_VISIBILITY_PRESET hidden POSITION_INDEPENDENT_CODE ON)
  add_dependencies(${target} ${ARGN})
endfunction()

include(GNUInstallDirs)

# stflash_link_modules(<target> <module>...): links pkg-config modules privately (imported here:
# the layers' own imported targets are local to their directories).
function(stflash_link_modules target)
  foreach(module IN LISTS ARGN)
    string(MAKE_C_IDENTIFIER "STFLASH_MODULE_${module}" prefix)
    if(NOT TARGET PkgConfig::${prefix})
      pkg_check_modules(${prefix} REQUIRED IMPORTED_TARGET ${module})
    endif()
    target_link_libraries(${target} PRIVATE PkgConfig::${prefix})
  endforeach()
endfunction()

# ---- the version header and function ----

configure_file(${PROJECT_SOURCE_DIR}/cmake/version.h.in
               ${STFLASH_GENERATED_INCLUDE}/stflash/version.h @ONLY)

add_library(stflash_version OBJECT ${PROJECT_SOURCE_DIR}/src/core/version.c)
target_include_directories(stflash_version PRIVATE ${STFLASH_GENERATED_INCLUDE})
set_target_properties(stflash_version PROPERTIES POSITION_INDEPENDENT_CODE ON
                      C_VISIBILITY_PRESET hidden)
stflash_sanitize(stflash_version)

# ---- libstflash.so ----

set(STFLASH_LIBRARY_LAYERS stflash)
set(STFLASH_DEP_MODULES "")
set(STFLASH_DEP_LIBS "")
stflash_library_layers(STFLASH_LIBRARY_LAYERS stflash)
set_property(GLOBAL PROPERTY STFLASH_LIBRARY_MODULES ${STFLASH_DEP_MODULES})
set_property(GLOBAL PROPERTY STFLASH_LIBRARY_LIBS ${STFLASH_DEP_LIBS})
if("unicorn" IN_LIST STFLASH_DEP_MODULES)
  message(FATAL_ERROR "library: a layer of libstflash links Unicorn; the simulator belongs in sim/")
endif()

add_library(stflash_shared SHARED $<TARGET_OBJECTS:stflash_version>)
stflash_whole_library(stflash_shared "stflash_*" ${STFLASH_LIBRARY_LAYERS})
stflash_link_modules(stflash_shared ${STFLASH_DEP_MODULES})
target_link_libraries(stflash_shared PRIVATE ${STFLASH_DEP_LIBS})
target_include_directories(stflash_shared INTERFACE
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include> $<BUILD_INTERFACE:${STFLASH_GENERATED_INCLUDE}>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
set_target_properties(stflash_shared PROPERTIES
  OUTPUT_NAME stflash
  EXPORT_NAME stflash
  VERSION ${PROJECT_VERSION}
  SOVERSION ${PROJECT_VERSION_MAJOR}
  LIBRARY_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/lib)
stflash_sanitize(stflash_shared)
if(STFLASH_SANITIZE)
  # Built with the sanitizers: the programs linking it need their runtimes first.
  target_link_options(stflash_shared INTERFACE ${STFLASH_SANITIZER_FLAGS})
endif()
# The layers see the generated version header too.
target_include_directories(stflash_core PUBLIC ${STFLASH_GENERATED_INCLUDE})

# ---- libstflash.a ----

set(archive ${PROJECT_BINARY_DIR}/lib/libstflash.a)
set(layer_files "")
foreach(layer IN LISTS STFLASH_LIBRARY_LAYERS)
  list(APPEND layer_files $<TARGET_FILE:${layer}>)
endforeach()
add_custom_command(
  OUTPUT ${archive}
  COMMAND ${CMAKE_COMMAND} -DLD=${CMAKE_LINKER} -DOBJCOPY=${CMAKE_OBJCOPY} -DAR=${CMAKE_AR}
          -DNM=${CMAKE_NM} -DSHARED=$<TARGET_FILE:stflash_shared> -DOUT=${archive}
          "-DINPUTS=$<JOIN:$<TARGET_OBJECTS:stflash_version>,|>|$<JOIN:${layer_files},|>"
          -P ${PROJECT_SOURCE_DIR}/cmake/localize-archive.cmake
  DEPENDS stflash_shared ${STFLASH_LIBRARY_LAYERS} stflash_version
          ${PROJECT_SOURCE_DIR}/cmake/localize-archive.cmake
  COMMENT "Making libstflash.a: one object, only the shared library's exports global"
  VERBATIM)
add_custom_target(stflash_static_archive ALL DEPENDS ${archive})
set_property(GLOBAL PROPERTY STFLASH_STATIC_ARCHIVE ${archive})
