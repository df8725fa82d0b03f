# Install rules: the tools, their man pages, the udev rules, the libraries (libstflash shared and
# static, libstflash-sim), their public headers, pkg-config files and CMake package.
# Included from tools/CMakeLists.txt once the tool targets exist.
include(GNUInstallDirs)

install(TARGETS stflash_cli stflash-st-info stflash-st-flash stflash-st-util
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

install(FILES ${PROJECT_SOURCE_DIR}/man/stflash.1 ${PROJECT_SOURCE_DIR}/man/stflash-st-info.1
              ${PROJECT_SOURCE_DIR}/man/stflash-st-flash.1 ${PROJECT_SOURCE_DIR}/man/stflash-st-util.1
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

# Shell completion, where bash-completion, zsh (site-functions) and fish (vendor completions)
# look for it.
install(FILES ${PROJECT_SOURCE_DIR}/completions/stflash.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME stflash)
install(FILES ${PROJECT_SOURCE_DIR}/completions/_stflash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/site-functions)
install(FILES ${PROJECT_SOURCE_DIR}/completions/stflash.fish
        DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)

# The library's hint for "permission denied" names <prefix>/lib/udev/rules.d.
install(FILES ${PROJECT_SOURCE_DIR}/udev/49-stflash.rules DESTINATION lib/udev/rules.d)
# The usb-storage quirk that keeps the kernel off an ST-LINK/V1 (doctor names it).
install(FILES ${PROJECT_SOURCE_DIR}/udev/stflash-stlinkv1.conf DESTINATION lib/modprobe.d)

if(STFLASH_INSTALL_ST_NAMES)
  # st-info, st-flash and st-util as links to the front-ends: these shadow stlink-tools when installed
  # in the same directory, which is why they are off by default.
  foreach(name st-info st-flash st-util)
    install(CODE "
      set(dir \"\$ENV{DESTDIR}${CMAKE_INSTALL_FULL_BINDIR}\")
      execute_process(COMMAND \"${CMAKE_COMMAND}\" -E create_symlink stflash-${name} \"\${dir}/${name}\")
      message(STATUS \"Installing: \${dir}/${name} -> stflash-${name}\")
      set(mdir \"\$ENV{DESTDIR}${CMAKE_INSTALL_FULL_MANDIR}/man1\")
      execute_process(COMMAND \"${CMAKE_COMMAND}\" -E create_symlink stflash-${name}.1 \"\${mdir}/${name}.1\")
      message(STATUS \"Installing: \${mdir}/${name}.1 -> stflash-${name}.1\")")
  endforeach()
endif()

# ---- the libraries ----
# libstflash (shared and static, no simulator), libstflash-sim (the virtual board, over
# libstflash), their headers, pkg-config files and CMake package. Run when the whole project is
# configured: libstflash-sim is defined under sim/, after this directory.

# "-lfoo -pthread" for a list of plain library names and flags.
function(stflash_pc_libs out)
  set(text "")
  foreach(l IN LISTS ARGN)
    if(l MATCHES "^-")
      string(APPEND text " ${l}")
    else()
      string(APPEND text " -l${l}")
    endif()
  endforeach()
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

# stflash_pc_file(<name> <description> <library> <requires> <modules> <libs>): writes and installs
# <name>.pc for -l<library>, with <requires> public and the modules and libraries the shared
# library needs private (they are for static linking only).
function(stflash_pc_file name description library requires modules libs)
  set(STFLASH_PC_NAME ${name})
  set(STFLASH_PC_DESCRIPTION "${description}")
  set(STFLASH_PC_LIBRARY ${library})
  set(STFLASH_PC_REQUIRES "${requires}")
  string(REPLACE ";" " " STFLASH_PC_REQUIRES_PRIVATE "${modules}")
  stflash_pc_libs(STFLASH_PC_LIBS_PRIVATE ${libs})
  set(STFLASH_PC_LIBS "")
  if(STFLASH_SANITIZE)
    # Built with the sanitizers: programs linking the library need their runtimes.
    string(REPLACE ";" " " san "${STFLASH_SANITIZER_FLAGS}")
    string(APPEND STFLASH_PC_LIBS " ${san}")
  endif()
  file(RELATIVE_PATH STFLASH_PC_TO_PREFIX /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
  string(REGEX REPLACE "/$" "" STFLASH_PC_TO_PREFIX "${STFLASH_PC_TO_PREFIX}")
  configure_file(${PROJECT_SOURCE_DIR}/cmake/stflash.pc.in ${PROJECT_BINARY_DIR}/lib/${name}.pc
                 @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/lib/${name}.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endfunction()

function(stflash_install_library)
  include(GNUInstallDirs)
  include(CMakePackageConfigHelpers)
  set(libraries stflash_shared)
  if(TARGET stflash_sim_shared)
    list(APPEND libraries stflash_sim_shared)
  endif()
  install(TARGETS ${libraries} EXPORT stflashTargets LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
  get_property(archive GLOBAL PROPERTY STFLASH_STATIC_ARCHIVE)
  install(FILES ${archive} DESTINATION ${CMAKE_INSTALL_LIBDIR})
  set(headers ${PROJECT_SOURCE_DIR}/include/stflash ${STFLASH_GENERATED_INCLUDE}/stflash)
  if(TARGET stflash_sim_shared)
    list(APPEND headers ${PROJECT_SOURCE_DIR}/sim/include/stflash)
  endif()
  install(DIRECTORY ${headers} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")

  get_property(modules GLOBAL PROPERTY STFLASH_LIBRARY_MODULES)
  get_property(libs GLOBAL PROPERTY STFLASH_LIBRARY_LIBS)
  stflash_pc_file(stflash "Program and debug STM32 microcontrollers through ST-LINK probes"
                  stflash "" "${modules}" "${libs}")
  if(TARGET stflash_sim_shared)
    get_property(modules GLOBAL PROPERTY STFLASH_SIM_LIBRARY_MODULES)
    get_property(libs GLOBAL PROPERTY STFLASH_SIM_LIBRARY_LIBS)
    stflash_pc_file(stflash-sim
                    "The stflash virtual board in this process (sim probe selectors; Unicorn inside)"
                    stflash-sim stflash "${modules}" "${libs}")
  endif()

  # CMake: find_package(stflash) gives stflash::stflash (libstflash.so) and stflash::sim.
  set(cmakedir ${CMAKE_INSTALL_LIBDIR}/cmake/stflash)
  install(EXPORT stflashTargets NAMESPACE stflash:: DESTINATION ${cmakedir})
  configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/stflashConfig.cmake.in
                                ${PROJECT_BINARY_DIR}/lib/stflashConfig.cmake
                                INSTALL_DESTINATION ${cmakedir})
  write_basic_package_version_file(${PROJECT_BINARY_DIR}/lib/stflashConfigVersion.cmake
                                   VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
  install(FILES ${PROJECT_BINARY_DIR}/lib/stflashConfig.cmake
                ${PROJECT_BINARY_DIR}/lib/stflashConfigVersion.cmake
          DESTINATION ${cmakedir})
endfunction()
cmake_language(DEFER DIRECTORY ${PROJECT_SOURCE_DIR} CALL stflash_install_library)
