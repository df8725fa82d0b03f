# Runs `ar -M` on an MRI script (cmake -DAR=... -DMRI=... -P merge-archives.cmake): merges
# static archives into one.
execute_process(COMMAND ${AR} -M INPUT_FILE ${MRI} RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "merging archives with ${AR} -M failed: ${err}")
endif()
