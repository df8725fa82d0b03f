# Turns a raw binary into a C header holding it as a constant byte array.
# Usage: cmake -DBIN_FILE=<file.bin> -DHEADER_FILE=<file.h> -DARRAY_NAME=<identifier> -P bin2c.cmake
# Defines <ARRAY_NAME>[] (static const uint8_t) and <ARRAY_NAME in upper case>_LEN.
foreach(var BIN_FILE HEADER_FILE ARRAY_NAME)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "bin2c.cmake: -D${var}=... is required")
  endif()
endforeach()

file(READ "${BIN_FILE}" hex HEX)
string(LENGTH "${hex}" hex_len)
math(EXPR size "${hex_len} / 2")
if(size EQUAL 0)
  message(FATAL_ERROR "bin2c.cmake: ${BIN_FILE} is empty")
endif()

set(body "")
set(line "   ")
set(count 0)
math(EXPR last "${hex_len} - 2")
foreach(pos RANGE 0 ${last} 2)
  string(SUBSTRING "${hex}" ${pos} 2 byte)
  string(APPEND line " 0x${byte},")
  math(EXPR count "${count} + 1")
  if(count EQUAL 12)
    string(APPEND body "${line}\n")
    set(line "   ")
    set(count 0)
  endif()
endforeach()
if(count GREATER 0)
  string(APPEND body "${line}\n")
endif()

string(TOUPPER "${ARRAY_NAME}" upper)
get_filename_component(src_name "${BIN_FILE}" NAME)
file(WRITE "${HEADER_FILE}"
  "/* Generated from ${src_name} (src/flash/CMakeLists.txt: target update_loaders); do not edit. */\n"
  "#ifndef ${upper}_H\n"
  "#define ${upper}_H\n\n"
  "#include <stdint.h>\n\n"
  "#define ${upper}_LEN ${size}u\n\n"
  "static const uint8_t ${ARRAY_NAME}[${size}] = {\n"
  "${body}"
  "};\n\n"
  "#endif\n")
