// SPDX-License-Identifier: GPL-2.0-only
// The benchmark's floor: programs that do nothing, attached to the same hooks as the probe
// (driver/bpf/probe.bpf.c), so the cost of merely having eBPF on those hooks is measured apart
// from the cost of the probe's work and the agent's. Like the probe, the floor hooks execve
// entries on the syscall tracepoints where tracefs serves them, else on the raw sys_enter
// (agent_bench chooses, as driver/bpf/syscall_tracepoints.h does for the probe).
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tp_btf/sys_enter")
int BPF_PROG(handle_sys_enter) { return 0; }

SEC("tp_btf/sys_exit")
int BPF_PROG(handle_sys_exit) { return 0; }

SEC("tp_btf/sched_process_exec")
int BPF_PROG(handle_sched_process_exec) { return 0; }

SEC("tp_btf/sched_process_fork")
int BPF_PROG(handle_sched_process_fork) { return 0; }

SEC("tp_btf/sched_process_exit")
int BPF_PROG(handle_sched_process_exit) { return 0; }

SEC("tracepoint/syscalls/sys_enter_execve")
int handle_enter_execve(void *ctx) { return 0; }

SEC("tracepoint/syscalls/sys_enter_execveat")
int handle_enter_execveat(void *ctx) { return 0; }
