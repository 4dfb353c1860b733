# Builds BPF C sources into objects and libbpf skeleton headers with Debian's clang and bpftool.
#
#   xpmip_bpf_object(<name> <source.bpf.c> [DEPENDS headers...])
#
# produces <build>/bpf/<name>.bpf.o and <name>.skel.h, and an INTERFACE target <name>_skel whose
# include directory holds the skeleton. vmlinux.h is dumped once from the running kernel's BTF into
# the build tree (never committed), so the programs follow the kernel they are built on.

find_program(XPMIP_BPF_CLANG NAMES clang-14 clang REQUIRED)
find_program(XPMIP_BPFTOOL NAMES bpftool PATHS /usr/sbin /sbin REQUIRED)
pkg_check_modules(LIBBPF REQUIRED IMPORTED_TARGET libbpf)

set(XPMIP_KERNEL_BTF /sys/kernel/btf/vmlinux CACHE FILEPATH "Kernel BTF used to generate vmlinux.h")
set(XPMIP_BPF_GEN_DIR ${PROJECT_BINARY_DIR}/bpf-gen)
file(MAKE_DIRECTORY ${XPMIP_BPF_GEN_DIR})

add_custom_command(
  OUTPUT ${XPMIP_BPF_GEN_DIR}/vmlinux.h
  COMMAND ${XPMIP_BPFTOOL} btf dump file ${XPMIP_KERNEL_BTF} format c > vmlinux.h.tmp
  COMMAND ${CMAKE_COMMAND} -E rename vmlinux.h.tmp vmlinux.h
  WORKING_DIRECTORY ${XPMIP_BPF_GEN_DIR}
  COMMENT "Generating vmlinux.h from ${XPMIP_KERNEL_BTF}"
  VERBATIM)

function(xpmip_bpf_object name source)
  cmake_parse_arguments(ARG "" "" "DEPENDS" ${ARGN})
  get_filename_component(src_abs ${source} ABSOLUTE)
  set(obj ${XPMIP_BPF_GEN_DIR}/${name}.bpf.o)
  set(skel ${XPMIP_BPF_GEN_DIR}/${name}.skel.h)

  add_custom_command(
    OUTPUT ${obj}
    COMMAND ${XPMIP_BPF_CLANG} -g -O2 -target bpf -D__TARGET_ARCH_x86
            -Wall -Wextra -Werror
            -I${XPMIP_BPF_GEN_DIR} -I${PROJECT_SOURCE_DIR}/include -I${CMAKE_CURRENT_SOURCE_DIR}
            -c ${src_abs} -o ${obj}
    DEPENDS ${src_abs} ${ARG_DEPENDS} ${XPMIP_BPF_GEN_DIR}/vmlinux.h
            ${PROJECT_SOURCE_DIR}/include/xpmip/maps.h
    COMMENT "Compiling BPF object ${name}.bpf.o"
    VERBATIM)

  add_custom_command(
    OUTPUT ${skel}
    COMMAND ${XPMIP_BPFTOOL} gen skeleton ${obj} name ${name} > ${skel}.tmp
    COMMAND ${CMAKE_COMMAND} -E rename ${skel}.tmp ${skel}
    DEPENDS ${obj}
    COMMENT "Generating BPF skeleton ${name}.skel.h"
    VERBATIM)

  add_custom_target(${name}_skel_gen DEPENDS ${skel})
  add_library(${name}_skel INTERFACE)
  add_dependencies(${name}_skel ${name}_skel_gen)
  target_include_directories(${name}_skel INTERFACE ${XPMIP_BPF_GEN_DIR})
  target_link_libraries(${name}_skel INTERFACE PkgConfig::LIBBPF)
endfunction()
