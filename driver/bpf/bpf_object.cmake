# peregrine_bpf_skeleton(<name> SOURCE <x.bpf.c> [INCLUDES <dir>...])
#
# Builds a libbpf CO-RE object and its skeleton, as libbpf-tools do:
#   /sys/kernel/btf/vmlinux --bpftool btf dump--> <bindir>/vmlinux.h   (never committed)
#   x.bpf.c --clang -target bpf--> <bindir>/<name>.bpf.o
#   <name>.bpf.o --bpftool gen skeleton--> <bindir>/<name>.skel.h
# and an INTERFACE target <name>_skel whose include path reaches <name>.skel.h, and sets
# <name>_BPF_OBJECT in the caller's scope to the object's path (tests read its BTF).
# The object is compiled by a custom command so it never gets the host compile options
# (sanitizers, fuzzing instrumentation).

find_program(PEREGRINE_BPFTOOL bpftool PATHS /usr/sbin /sbin /usr/local/sbin)
find_program(PEREGRINE_BPF_CLANG NAMES clang clang-14 clang-15 clang-16)
set(PEREGRINE_KERNEL_BTF /sys/kernel/btf/vmlinux CACHE FILEPATH
    "Kernel BTF the probe's vmlinux.h is generated from")

if(NOT PEREGRINE_BPFTOOL)
  message(FATAL_ERROR "driver/bpf: bpftool not found (Debian package bpftool; run scripts/setup.sh)")
endif()
if(NOT PEREGRINE_BPF_CLANG)
  message(FATAL_ERROR "driver/bpf: clang not found; it compiles the eBPF probe (run scripts/setup.sh)")
endif()
if(NOT EXISTS ${PEREGRINE_KERNEL_BTF})
  message(FATAL_ERROR "driver/bpf: kernel BTF not found at ${PEREGRINE_KERNEL_BTF}; vmlinux.h "
                      "is generated from it (kernel built without CONFIG_DEBUG_INFO_BTF?)")
endif()

set(PEREGRINE_RUN_TO_FILE ${CMAKE_CURRENT_LIST_DIR}/run_to_file.cmake)
set(PEREGRINE_VMLINUX_DIR ${CMAKE_BINARY_DIR}/generated/vmlinux)
set(PEREGRINE_VMLINUX_H ${PEREGRINE_VMLINUX_DIR}/vmlinux.h)
add_custom_command(
  OUTPUT ${PEREGRINE_VMLINUX_H}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${PEREGRINE_VMLINUX_DIR}
  COMMAND ${CMAKE_COMMAND} -DOUTPUT=${PEREGRINE_VMLINUX_H}
          "-DCOMMAND=${PEREGRINE_BPFTOOL};btf;dump;file;${PEREGRINE_KERNEL_BTF};format;c"
          -P ${PEREGRINE_RUN_TO_FILE}
  DEPENDS ${PEREGRINE_KERNEL_BTF}
  COMMENT "Generating vmlinux.h from ${PEREGRINE_KERNEL_BTF}"
  VERBATIM)

function(peregrine_bpf_skeleton name)
  cmake_parse_arguments(B "" "SOURCE" "INCLUDES" ${ARGN})
  set(outdir ${CMAKE_CURRENT_BINARY_DIR}/skel)
  set(object ${outdir}/${name}.bpf.o)
  set(skel ${outdir}/${name}.skel.h)
  get_filename_component(source ${B_SOURCE} ABSOLUTE)

  set(includes -I${PEREGRINE_VMLINUX_DIR})
  foreach(dir ${B_INCLUDES})
    list(APPEND includes -I${dir})
  endforeach()
  set(werror "")
  if(PEREGRINE_WERROR)
    set(werror -Werror)
  endif()

  add_custom_command(
    OUTPUT ${object}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${outdir}
    COMMAND ${PEREGRINE_BPF_CLANG} -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall ${werror}
            ${includes} -MD -MF ${object}.d -c ${source} -o ${object}
    DEPENDS ${source} ${PEREGRINE_VMLINUX_H}
    DEPFILE ${object}.d
    COMMENT "Compiling eBPF object ${name}.bpf.o"
    VERBATIM)
  add_custom_command(
    OUTPUT ${skel}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${skel}
            "-DCOMMAND=${PEREGRINE_BPFTOOL};gen;skeleton;${object};name;${name}"
            -P ${PEREGRINE_RUN_TO_FILE}
    DEPENDS ${object} ${PEREGRINE_RUN_TO_FILE}
    COMMENT "Generating skeleton ${name}.skel.h"
    VERBATIM)
  add_custom_target(${name}_skel_gen DEPENDS ${skel})

  add_library(${name}_skel INTERFACE)
  target_include_directories(${name}_skel INTERFACE ${outdir})
  add_dependencies(${name}_skel ${name}_skel_gen)
  set(${name}_BPF_OBJECT ${object} PARENT_SCOPE)
endfunction()
