# The committed loader headers (src/flash/loaders/generated) against the ones the build
# assembled from src/flash/loaders/*.S: the same bytes, or the names of those that differ and
# the fix. Usage: cmake -DCOMMITTED=<dir> -DASSEMBLED=<dir> -DNAMES=<a;b;...> -P compare_loaders.cmake
foreach(var COMMITTED ASSEMBLED NAMES)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "compare_loaders.cmake: -D${var}=... is required")
  endif()
endforeach()
set(differ "")
foreach(name ${NAMES})
  set(built ${ASSEMBLED}/${name}_loader.h)
  if(NOT EXISTS ${built})
    message(FATAL_ERROR "${built} was not assembled: arm-none-eabi-gcc and arm-none-eabi-objcopy "
                        "are needed (Debian: apt-get install gcc-arm-none-eabi)")
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${COMMITTED}/${name}_loader.h ${built}
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    list(APPEND differ ${name})
  endif()
endforeach()
if(differ)
  message(FATAL_ERROR "the committed flash loaders differ from their sources: ${differ}; run "
                      "'cmake --build <build dir> --target update_loaders' and commit "
                      "src/flash/loaders/generated")
endif()
list(LENGTH NAMES n)
message(STATUS "${n} committed flash loaders match their sources")
