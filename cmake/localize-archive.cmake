# Makes libstflash.a (cmake -DLD= -DOBJCOPY= -DAR= -DNM= -DSHARED=<libstflash.so>
# -DINPUTS=<objects and archives, |-separated> -DOUT=<archive> -P localize-archive.cmake):
# links every input into one relocatable object, makes every global symbol it defines local
# except those the shared library exports, and archives that object alone.
cmake_minimum_required(VERSION 3.20)
string(REPLACE "|" ";" inputs "${INPUTS}")
get_filename_component(dir ${OUT} DIRECTORY)
set(obj ${dir}/stflash.o)
set(keep ${OUT}.exports)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    list(JOIN ARGN " " cmd)
    message(FATAL_ERROR "${cmd} failed: ${err}")
  endif()
  set(run_output "${out}" PARENT_SCOPE)
endfunction()

run(${LD} -r -o ${obj} --whole-archive ${inputs} --no-whole-archive)

# The exports: the shared library's defined dynamic symbols (its version script lets only the
# public stflash_* functions through).
run(${NM} -D --defined-only --format=posix ${SHARED})
string(REPLACE "\n" ";" lines "${run_output}")
set(list "")
foreach(line IN LISTS lines)
  # "name type value size"; a versioned name carries @VERSION.
  string(REGEX MATCH "^[^ @]+" name "${line}")
  if(NOT name STREQUAL "")
    string(APPEND list "${name}\n")
  endif()
endforeach()
if(NOT list MATCHES "stflash_open\n")
  message(FATAL_ERROR "${SHARED} exports no stflash_open: cannot tell what to keep global")
endif()
file(WRITE ${keep} "${list}")

run(${OBJCOPY} --keep-global-symbols=${keep} ${obj})
file(REMOVE ${OUT})
run(${AR} qcs ${OUT} ${obj})
file(REMOVE ${obj})
