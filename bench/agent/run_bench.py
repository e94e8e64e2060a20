#!/usr/bin/env python3
"""The agent benchmark: each workload timed, in one run, (a) without the agent, (b) with empty
eBPF programs on the probe's hooks (the floor), (c) with `peregrine agent` and the default
rules; prints a Markdown table of slowdowns, events seen and dropped, agent CPU and memory.

usage: run_bench.py [--build build/release] [--count-open 2000000] [--count-dd 3000000]
Needs root. Figures go to bench/RESULTS.md (## agent).
"""
import argparse
import os
import pathlib
import re
import socket
import subprocess
import tempfile
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[2]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def run_loop(bench, args, empty_hooks=False):
    cmd = [bench] + (["--empty-hooks"] if empty_hooks else []) + args
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.split()
    return float(out[1])


def proc_cpu_s(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def proc_hwm_mib(pid):
    m = re.search(r"VmHWM:\s+(\d+) kB", open(f"/proc/{pid}/status").read())
    return int(m.group(1)) / 1024


def metrics(port):
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    def value(name):
        m = re.search(rf"^{name} (\d+)", text, re.M)
        return int(m.group(1)) if m else 0
    return {"events": value("peregrine_events_total"),
            "kernel_drops": value("peregrine_events_dropped_kernel_total"),
            "user_drops": value("peregrine_events_dropped_user_total")}


def with_agent(peregrine, bench, args, extra):
    port = free_port()
    agent = subprocess.Popen([peregrine, "agent", "--rules", str(ROOT / "rules"), "-o", "json",
                              "--metrics-addr", f"127.0.0.1:{port}"] + extra,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        for line in agent.stderr:
            if "agent running" in line:
                break
        time.sleep(0.5)
        before = metrics(port)
        cpu0 = proc_cpu_s(agent.pid)
        seconds = run_loop(bench, args)
        # Let the agent finish what is buffered before reading its counters: until a 300 ms
        # pause adds little (other processes keep producing events), at most 10 s.
        m = metrics(port)
        for _ in range(30):
            time.sleep(0.3)
            later = metrics(port)
            done = later["events"] - m["events"] < 0.001 * max(1, m["events"] - before["events"])
            m = later
            if done:
                break
        cpu = proc_cpu_s(agent.pid) - cpu0
        hwm = proc_hwm_mib(agent.pid)
        return seconds, {k: m[k] - before[k] for k in m}, cpu, hwm
    finally:
        agent.terminate()
        agent.wait(timeout=30)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build", default=str(ROOT / "build" / "release"))
    p.add_argument("--count-open", type=int, default=2_000_000)
    p.add_argument("--count-dd", type=int, default=3_000_000)
    a = p.parse_args()
    peregrine = f"{a.build}/cmd/peregrine"
    bench = f"{a.build}/bench/agent/agent_bench"
    with tempfile.NamedTemporaryFile() as f:
        workloads = [("open/close x%d" % a.count_open, ["openclose", str(a.count_open), f.name]),
                     ("dd bs=1 count=%d" % a.count_dd, ["dd", str(a.count_dd)])]
        print("| workload | baseline s | floor s (empty hooks) | agent s | agent / baseline | "
              "agent / floor | events seen | dropped kernel | dropped user | agent CPU s | agent max RSS MiB |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for name, args in workloads:
            base = run_loop(bench, args)
            floor = run_loop(bench, args, empty_hooks=True)
            agent_s, m, cpu, hwm = with_agent(peregrine, bench, args, [])
            print(f"| {name} | {base:.2f} | {floor:.2f} | {agent_s:.2f} | {agent_s / base:.2f}x | "
                  f"{agent_s / floor:.2f}x | {m['events']} | {m['kernel_drops']} | {m['user_drops']} | "
                  f"{cpu:.2f} | {hwm:.0f} |", flush=True)


if __name__ == "__main__":
    main()
