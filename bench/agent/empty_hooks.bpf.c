// SPDX-License-Identifier: GPL-2.0-only
// The benchmark's floor: programs that do nothing, attached to the same hooks as the probe
// (driver/bpf/probe.bpf.c), so the cost of merely having eBPF on those hooks is measured apart
// from the cost of the probe's work and the agent's.
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

SEC("tp_btf/sched_process_exit")
int BPF_PROG(handle_sched_process_exit) { return 0; }
