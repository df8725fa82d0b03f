# stflash_arm.cmake - cross-compile small STM32F1 programs with arm-none-eabi-gcc.
#
# The project's only language is host C, so no cross toolchain is enabled: each program is
# compiled and linked by one arm-none-eabi-gcc call in a custom command, then converted by objcopy.
# Included by firmware/CMakeLists.txt and examples/CMakeLists.txt. No include guard on purpose:
# the plain variables below must be set in each including directory's scope.

get_filename_component(STFLASH_FW_SOURCE_DIR "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
set(STFLASH_FW_COMMON_DIR "${STFLASH_FW_SOURCE_DIR}/common")

find_program(STFLASH_ARM_GCC arm-none-eabi-gcc)
find_program(STFLASH_ARM_OBJCOPY arm-none-eabi-objcopy)
if(NOT STFLASH_ARM_GCC OR NOT STFLASH_ARM_OBJCOPY)
  message(FATAL_ERROR "arm-none-eabi-gcc/objcopy not found: the firmware, the examples and the "
                      "tests need them (run scripts/install-deps.sh, or apt-get install "
                      "gcc-arm-none-eabi libnewlib-arm-none-eabi)")
endif()

set(STFLASH_ARM_CFLAGS
    -mcpu=cortex-m3 -mthumb -g -std=c11 -ffreestanding -nostdlib
    -ffunction-sections -fdata-sections
    # Keep GCC from turning copy/clear loops into memcpy/memset calls: there is no libc.
    -fno-tree-loop-distribute-patterns
    -Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes)

set(STFLASH_ARM_LDSCRIPT "${STFLASH_FW_COMMON_DIR}/stm32f1.ld")
set(STFLASH_ARM_DEPENDS
    "${STFLASH_ARM_LDSCRIPT}"
    "${STFLASH_FW_SOURCE_DIR}/fw_layout.h"
    "${STFLASH_FW_COMMON_DIR}/board.h"
    "${STFLASH_FW_COMMON_DIR}/stm32f1.h"
    "${STFLASH_FW_COMMON_DIR}/vectors.h")

# stflash_arm_program(<name> OUTPUT_DIR <dir> VAR_PREFIX <prefix> [OPT <flag>]
#                     SOURCES <file>... [FORMATS bin|hex|srec ...])
# Builds <dir>/<name>.elf (+ <name>.map) from SOURCES and common/startup.c, and one
# objcopy output per format. Appends every output file to the caller's <name>_OUTPUTS and
# exports each path as cache variable <prefix><NAME>_<FORMAT>, e.g. STFLASH_FW_LED_TOGGLE_ELF.
function(stflash_arm_program name)
  cmake_parse_arguments(PARSE_ARGV 1 A "" "OUTPUT_DIR;VAR_PREFIX;OPT" "SOURCES;FORMATS")
  if(NOT A_OPT)
    set(A_OPT -Os)
  endif()
  file(MAKE_DIRECTORY "${A_OUTPUT_DIR}")
  string(TOUPPER "${A_VAR_PREFIX}${name}" var)

  set(elf "${A_OUTPUT_DIR}/${name}.elf")
  set(map "${A_OUTPUT_DIR}/${name}.map")
  set(sources ${A_SOURCES} "${STFLASH_FW_COMMON_DIR}/startup.c")
  add_custom_command(
    OUTPUT "${elf}" "${map}"
    COMMAND "${STFLASH_ARM_GCC}" ${STFLASH_ARM_CFLAGS} ${A_OPT}
            -I "${STFLASH_FW_SOURCE_DIR}" -I "${STFLASH_FW_COMMON_DIR}"
            -T "${STFLASH_ARM_LDSCRIPT}" -Wl,--gc-sections "-Wl,-Map=${map}"
            -o "${elf}" ${sources}
    DEPENDS ${sources} ${STFLASH_ARM_DEPENDS}
    COMMENT "Cross-compiling ${name}.elf"
    VERBATIM)
  set(outputs "${elf}")
  set(${var}_ELF "${elf}" CACHE INTERNAL "${name} ELF")

  foreach(fmt IN LISTS A_FORMATS)
    if(fmt STREQUAL "bin")
      set(bfd binary)
    elseif(fmt STREQUAL "hex")
      set(bfd ihex)
    elseif(fmt STREQUAL "srec")
      set(bfd srec)
    else()
      message(FATAL_ERROR "stflash_arm_program: unknown format '${fmt}'")
    endif()
    set(out "${A_OUTPUT_DIR}/${name}.${fmt}")
    add_custom_command(
      OUTPUT "${out}"
      COMMAND "${STFLASH_ARM_OBJCOPY}" -O ${bfd} "${elf}" "${out}"
      DEPENDS "${elf}"
      COMMENT "Generating ${name}.${fmt}"
      VERBATIM)
    list(APPEND outputs "${out}")
    string(TOUPPER "${fmt}" FMT)
    set(${var}_${FMT} "${out}" CACHE INTERNAL "${name} ${fmt}")
  endforeach()

  set(${name}_OUTPUTS ${outputs} PARENT_SCOPE)
endfunction()
