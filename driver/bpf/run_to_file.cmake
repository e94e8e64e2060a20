# cmake -DOUTPUT=<file> -DCOMMAND=<cmd;args...> -P run_to_file.cmake
# Runs COMMAND with its standard output written to OUTPUT (replaced only on success), for
# build steps that print their product (bpftool btf dump, bpftool gen skeleton).
execute_process(COMMAND ${COMMAND} OUTPUT_FILE ${OUTPUT}.tmp RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  file(REMOVE ${OUTPUT}.tmp)
  message(FATAL_ERROR "${COMMAND} failed: ${rc}")
endif()
file(RENAME ${OUTPUT}.tmp ${OUTPUT})
