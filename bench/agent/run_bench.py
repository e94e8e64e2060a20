#!/usr/bin/env python3
"""The agent benchmark: each workload timed, in one run, (a) without the agent, (b) with empty
eBPF programs on the probe's hooks (the floor), (c) for open/close, with the probe alone
(sending what the agent sends for the default rules, read by a thread that only counts the records: the probe's
kernel cost without the agent's), (d) with `peregrine agent` and the default rules, and
optionally (e) with the agent of another build (--compare-build: before/after in the same
minutes). The configurations alternate for --rounds rounds; the table gives medians.
Prints a Markdown table of slowdowns (wall clock, and the loop's own CPU time, which includes
the probe's kernel work on its syscalls and is steadier on a loaded machine), events seen and
dropped, agent CPU and memory, with the load average.

usage: run_bench.py [--build build/release] [--compare-build DIR] [--rounds 3]
                    [--count-open 2000000] [--count-dd 3000000]
Needs root. Figures go to bench/RESULTS.md (## agent).
"""
import argparse
import os
import pathlib
import re
import socket
import statistics
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


def run_loop(bench, args, mode=None):
    """(wall seconds, CPU seconds of the loop process); mode: None, "--empty-hooks" or "--probe"
    (the probe alone, drained by a thread that only counts: then also events and drops)"""
    mode_args = {None: [], "--empty-hooks": [mode], "--probe": [mode, str(ROOT / "rules")]}[mode]
    cmd = [bench] + mode_args + args
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.split()
    if mode == "--probe":
        return float(out[1]), float(out[2]), int(out[3]), int(out[4])
    return float(out[1]), float(out[2])


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


def with_agent(peregrine, bench, args, extra_args=()):
    port = free_port()
    agent = subprocess.Popen([peregrine, "agent", "--rules", str(ROOT / "rules"), "-o", "json",
                              "--metrics-addr", f"127.0.0.1:{port}", *extra_args],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        for line in agent.stderr:
            if "agent running" in line:
                break
        time.sleep(0.5)
        before = metrics(port)
        cpu0 = proc_cpu_s(agent.pid)
        wall, loop_cpu = run_loop(bench, args)
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
        return {"wall": wall, "loop_cpu": loop_cpu, "agent_cpu": cpu, "rss": hwm,
                **{k: m[k] - before[k] for k in m}}
    finally:
        agent.terminate()
        agent.wait(timeout=30)


def loadavg():
    return open("/proc/loadavg").read().split()[0]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build", default=str(ROOT / "build" / "release"))
    p.add_argument("--compare-build", help="also run the agent of this build (e.g. before a change)")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--count-open", type=int, default=2_000_000)
    p.add_argument("--count-dd", type=int, default=3_000_000, help="0: skip the dd workload")
    p.add_argument("--agent-arg", action="append", default=[],
                   help="an extra argument for every agent run (repeat: --agent-arg=--workers --agent-arg=2)")
    a = p.parse_args()
    bench = f"{a.build}/bench/agent/agent_bench"
    agents = [("agent", f"{a.build}/cmd/peregrine")]
    if a.compare_build:
        agents.append(("agent (compare build)", f"{a.compare_build}/cmd/peregrine"))
    med = statistics.median
    with tempfile.NamedTemporaryFile() as f:
        workloads = [("open/close x%d" % a.count_open, ["openclose", str(a.count_open), f.name]),
                     ("dd bs=1 count=%d" % a.count_dd, ["dd", str(a.count_dd)])]
        if a.count_dd == 0:
            workloads.pop()
        print("| workload | config | load avg | wall s | / baseline | / floor | loop CPU s | "
              "CPU / baseline | CPU / floor | events seen | dropped kernel | dropped user | "
              "agent CPU s | agent CPU / event µs | agent max RSS MiB |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for name, args in workloads:
            probe_alone = args[0] == "openclose"
            runs = {"baseline": [], "floor": [], **({"probe alone": []} if probe_alone else {}),
                    **{label: [] for label, _ in agents}}
            loads = []
            for _ in range(a.rounds):
                loads.append(float(loadavg()))
                w, c = run_loop(bench, args)
                runs["baseline"].append({"wall": w, "loop_cpu": c})
                w, c = run_loop(bench, args, "--empty-hooks")
                runs["floor"].append({"wall": w, "loop_cpu": c})
                if probe_alone:
                    w, c, events, drops = run_loop(bench, args, "--probe")
                    runs["probe alone"].append({"wall": w, "loop_cpu": c, "events": events,
                                                "kernel_drops": drops, "user_drops": 0,
                                                "agent_cpu": 0, "rss": 0})
                for label, peregrine in agents:
                    runs[label].append(with_agent(peregrine, bench, args, a.agent_arg))
            loads.append(float(loadavg()))
            base_w = med(r["wall"] for r in runs["baseline"])
            base_c = med(r["loop_cpu"] for r in runs["baseline"])
            floor_w = med(r["wall"] for r in runs["floor"])
            floor_c = med(r["loop_cpu"] for r in runs["floor"])
            load = f"{min(loads):.1f}–{max(loads):.1f}"
            for label, rs in runs.items():
                w = med(r["wall"] for r in rs)
                c = med(r["loop_cpu"] for r in rs)
                agent_cols = "| | | | | |"
                if label == "probe alone":
                    agent_cols = (f"| {med(r['events'] for r in rs):,.0f} | "
                                  f"{sum(r['kernel_drops'] for r in rs)} | | | | |")
                elif "events" in rs[0]:
                    agent_cols = (f"| {med(r['events'] for r in rs):,.0f} | "
                                  f"{sum(r['kernel_drops'] for r in rs)} | "
                                  f"{sum(r['user_drops'] for r in rs)} | "
                                  f"{med(r['agent_cpu'] for r in rs):.2f} | "
                                  f"{med(r['agent_cpu'] / max(1, r['events']) * 1e6 for r in rs):.2f} | "
                                  f"{max(r['rss'] for r in rs):.0f} |")
                print(f"| {name} | {label} | {load} | {w:.2f} | {w / base_w:.2f}x | "
                      f"{w / floor_w:.2f}x | {c:.2f} | {c / base_c:.2f}x | {c / floor_c:.2f}x "
                      f"{agent_cols}", flush=True)


if __name__ == "__main__":
    main()
