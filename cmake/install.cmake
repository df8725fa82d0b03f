# Install rules of the command-line tools, the library, its headers, man pages, udev rules and
# pkg-config file. Included from tools/CMakeLists.txt (after the tool targets exist).
include(GNUInstallDirs)

install(TARGETS stflash_cli stflash-st-info stflash-st-flash RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
