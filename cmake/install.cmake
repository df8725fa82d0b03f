# Install rules: the tools, their man pages, the udev rules, the library (one static archive
# holding every layer), its public headers and its pkg-config file.
# Included from tools/CMakeLists.txt once the tool targets exist.
include(GNUInstallDirs)

install(TARGETS stflash_cli stflash-st-info stflash-st-flash
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

install(FILES ${PROJECT_SOURCE_DIR}/man/stflash.1 ${PROJECT_SOURCE_DIR}/man/stflash-st-info.1
              ${PROJECT_SOURCE_DIR}/man/stflash-st-flash.1
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

# The library's hint for "permission denied" names <prefix>/lib/udev/rules.d.
install(FILES ${PROJECT_SOURCE_DIR}/udev/49-stflash.rules DESTINATION lib/udev/rules.d)

if(STFLASH_INSTALL_ST_NAMES)
  # st-info and st-flash as links to the front-ends: these shadow stlink-tools when installed
  # in the same directory, which is why they are off by default.
  foreach(name st-info st-flash)
    install(CODE "
      set(dir \"\$ENV{DESTDIR}${CMAKE_INSTALL_FULL_BINDIR}\")
      execute_process(COMMAND \"${CMAKE_COMMAND}\" -E create_symlink stflash-${name} \"\${dir}/${name}\")
      message(STATUS \"Installing: \${dir}/${name} -> stflash-${name}\")
      set(mdir \"\$ENV{DESTDIR}${CMAKE_INSTALL_FULL_MANDIR}/man1\")
      execute_process(COMMAND \"${CMAKE_COMMAND}\" -E create_symlink stflash-${name}.1 \"\${mdir}/${name}.1\")
      message(STATUS \"Installing: \${mdir}/${name}.1 -> stflash-${name}.1\")")
  endforeach()
endif()

# ---- the library: every static layer `stflash` links, merged into one libstflash.a ----

# Walks the link dependencies of a target: static libraries built here go to <archives>,
# pkg-config imported targets to <modules>, plain library names to <libs>.
function(stflash_collect_deps target)
  # pkg_check_modules(<PREFIX> ... <module>) targets of this project, by prefix.
  set(stflash_pkg_modules_LIBUSB libusb-1.0)
  set(stflash_pkg_modules_UNICORN unicorn)
  get_target_property(deps ${target} LINK_LIBRARIES)
  if(NOT deps)
    return()
  endif()
  foreach(dep IN LISTS deps)
    if(dep MATCHES "^PkgConfig::(.+)$")
      set(var stflash_pkg_modules_${CMAKE_MATCH_1})
      if(NOT DEFINED ${var})
        message(WARNING "install: no pkg-config module known for ${dep}; add it to stflash.pc")
      else()
        list(APPEND STFLASH_DEP_MODULES ${${var}})
      endif()
    elseif(TARGET ${dep})
      get_target_property(type ${dep} TYPE)
      get_target_property(imported ${dep} IMPORTED)
      if(type STREQUAL "STATIC_LIBRARY" AND NOT imported AND NOT dep IN_LIST STFLASH_DEP_ARCHIVES)
        list(APPEND STFLASH_DEP_ARCHIVES ${dep})
        stflash_collect_deps(${dep})
      endif()
    elseif(NOT dep MATCHES "^\\$<")
      list(APPEND STFLASH_DEP_LIBS ${dep})
    endif()
  endforeach()
  set(STFLASH_DEP_ARCHIVES ${STFLASH_DEP_ARCHIVES} PARENT_SCOPE)
  set(STFLASH_DEP_MODULES ${STFLASH_DEP_MODULES} PARENT_SCOPE)
  set(STFLASH_DEP_LIBS ${STFLASH_DEP_LIBS} PARENT_SCOPE)
endfunction()

# Run when the whole project is configured: some layers (the virtual board the in-process
# transport links) are defined after this directory.
function(stflash_install_library)
  include(GNUInstallDirs)
  set(STFLASH_DEP_ARCHIVES stflash)
  set(STFLASH_DEP_MODULES "")
  set(STFLASH_DEP_LIBS "")
  stflash_collect_deps(stflash)
  list(REMOVE_DUPLICATES STFLASH_DEP_MODULES)
  list(REMOVE_DUPLICATES STFLASH_DEP_LIBS)

  set(bindir ${PROJECT_BINARY_DIR}/tools)
  set(merged ${bindir}/libstflash-merged.a)
  set(mri "create ${merged}\n")
  foreach(a IN LISTS STFLASH_DEP_ARCHIVES)
    string(APPEND mri "addlib $<TARGET_FILE:${a}>\n")
  endforeach()
  string(APPEND mri "save\nend\n")
  file(GENERATE OUTPUT ${bindir}/libstflash-merged.mri CONTENT "${mri}")
  add_custom_command(
    OUTPUT ${merged}
    COMMAND ${CMAKE_COMMAND} -E rm -f ${merged}
    COMMAND ${CMAKE_COMMAND} -DAR=${CMAKE_AR} -DMRI=${bindir}/libstflash-merged.mri
            -P ${PROJECT_SOURCE_DIR}/cmake/merge-archives.cmake
    DEPENDS ${STFLASH_DEP_ARCHIVES} ${PROJECT_SOURCE_DIR}/cmake/merge-archives.cmake
    COMMENT "Merging the library layers into libstflash.a"
    VERBATIM)
  add_custom_target(stflash_merged_archive ALL DEPENDS ${merged})

  install(FILES ${merged} DESTINATION ${CMAKE_INSTALL_LIBDIR} RENAME libstflash.a)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/stflash DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
          FILES_MATCHING PATTERN "*.h")

  # pkg-config: the archive is static, so its dependencies are public (Requires, Libs), and
  # `pkg-config --libs stflash` is enough to link.
  string(REPLACE ";" " " STFLASH_PC_REQUIRES "${STFLASH_DEP_MODULES}")
  set(STFLASH_PC_LIBS "")
  foreach(l IN LISTS STFLASH_DEP_LIBS)
    if(l MATCHES "^-")
      string(APPEND STFLASH_PC_LIBS " ${l}")
    else()
      string(APPEND STFLASH_PC_LIBS " -l${l}")
    endif()
  endforeach()
  if(STFLASH_SANITIZE)
    # The archive was compiled with the sanitizers: programs linking it need their runtimes.
    string(REPLACE ";" " " san "${STFLASH_SANITIZER_FLAGS}")
    string(APPEND STFLASH_PC_LIBS " ${san}")
  endif()
  file(RELATIVE_PATH STFLASH_PC_TO_PREFIX /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
  string(REGEX REPLACE "/$" "" STFLASH_PC_TO_PREFIX "${STFLASH_PC_TO_PREFIX}")
  configure_file(${PROJECT_SOURCE_DIR}/cmake/stflash.pc.in ${bindir}/stflash.pc
                 @ONLY)
  install(FILES ${bindir}/stflash.pc
          DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endfunction()
cmake_language(DEFER DIRECTORY ${PROJECT_SOURCE_DIR} CALL stflash_install_library)
