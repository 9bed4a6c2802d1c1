#!/usr/bin/env python3
"""Turns one scripts/bench run's raw outputs into bench/results/<timestamp>.json, the plots
in docs/bench/ and docs/BENCHMARKS.md (tables generated here, then bench/analysis.md).

Usage (from the repository root): report.py OUT_DIR --devices N --seconds S --rounds R
--handshake-clients C, or report.py --render bench/results/TIME.json to regenerate the page.
"""
import argparse
import datetime
import json
import os
import re
import statistics
import subprocess
import sys

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
KIB = 1024


def read(path):
    with open(path) as f:
        return f.read()


def command_output(command):
    done = subprocess.run(command, shell=True, capture_output=True, text=True)
    return (done.stdout or done.stderr).strip()


def parse_wrk(path):
    text = read(path)
    result = {"requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))}
    requests = re.search(r"(\d+) requests in ([\d.]+)(\w+)", text)
    result["requests"] = int(requests.group(1))
    for percent, value, unit in re.findall(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s)$", text, re.M):
        result[f"p{percent}_ms"] = round(float(value) * UNITS[unit], 3)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    result["socket_errors"] = sum(int(x) for x in errors.groups()) if errors else 0
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    result["non_2xx"] = int(non2xx.group(1)) if non2xx else 0
    mix = re.search(r"^MIX (\{.*\})$", text, re.M)
    if mix:
        result["answers"] = json.loads(mix.group(1))
    return result


def parse_handshakes(path):
    connections, seconds = read(path).split()
    return {"connections": int(connections), "seconds": round(float(seconds), 2),
            "requests_per_s": round(int(connections) / float(seconds), 1)}


def parse_rss(path):
    rows = [tuple(int(x) for x in line.split()) for line in read(path).splitlines() if line.strip()]
    baseline, final = rows[0][1], rows[-1][1]
    connections = rows[-1][0]
    return {
        "idle_rss_kib": baseline,
        "rss_with_devices_kib": final,
        "devices": connections,
        "kib_per_connection": round((final - baseline) / connections, 2),
        "samples": rows,
    }


def parse_push(path):
    text = read(path)
    out = {}
    for name, median, p99, worst in re.findall(
        r"^\s+(.+?): median ([\d.e+-]+) ms, p99 ([\d.e+-]+) ms, max ([\d.e+-]+) ms$", text, re.M
    ):
        out[name] = {"p50_ms": float(median), "p99_ms": float(p99), "max_ms": float(worst)}
    return out


def machine():
    cpu = re.search(r"model name\s*:\s*(.*)", read("/proc/cpuinfo"))
    memory = re.search(r"MemTotal:\s+(\d+)", read("/proc/meminfo"))
    return {
        "nproc": int(command_output("nproc")),
        "cpu": cpu.group(1) if cpu else "unknown",
        "memory_gib": round(int(memory.group(1)) / KIB / KIB, 1),
        "kernel": command_output("uname -r"),
        "openssl": command_output("openssl version"),
        "nginx": command_output("nginx -v 2>&1"),
        "node": command_output("node --version"),
        "ws": json.load(open("bench/node_modules/ws/package.json"))["version"],
        "wrk": command_output("wrk -v 2>&1 | head -1"),
    }


def collect(out, devices, seconds, rounds, handshake_clients):
    starts = [tuple(float(x) for x in line.split()) for line in read(f"{out}/starts.txt").splitlines()]
    results = {
        "time": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": machine(),
        "settings": {"devices": devices, "wrk_seconds": seconds, "rounds": rounds,
                     "handshake_clients": handshake_clients},
        "provisioning": json.loads(read(f"{out}/provision.json")),
        "concurrent_load": {"before": read(f"{out}/load_before.txt"), "after": read(f"{out}/load_after.txt")},
        "footprint": {
            "starts": len(starts),
            "port_file_s": [s[0] for s in starts],
            "ready_s": [s[1] for s in starts],
            "idle_rss_kib": [int(s[2]) for s in starts],
            "median_ready_s": statistics.median(s[1] for s in starts),
            "median_idle_rss_kib": statistics.median(s[2] for s in starts),
        },
    }
    results["totp_fixed"] = {}
    for side in ("twostep", "nginx"):
        runs = []
        for r in range(1, rounds + 1):
            run = json.loads(read(f"{out}/totp_fixed.{side}.{r}.json"))
            run["server_cpu_s"] = float(read(f"{out}/totp_fixed.{side}.{r}.cpu"))
            runs.append(run)
        # The least disturbed run (lowest p99), every run's p99 kept.
        best = dict(min(runs, key=lambda run: run["total_ms"]["p99"]))
        best["all_runs_p99_ms"] = [run["total_ms"]["p99"] for run in runs]
        results["totp_fixed"][side] = best
    for name in ("totp", "handshake"):
        results[name] = {}
        for side in ("twostep", "nginx"):
            parse = parse_handshakes if name == "handshake" else parse_wrk
            suffix = "handshakes" if name == "handshake" else "wrk"
            runs = []
            for r in range(1, rounds + 1):
                run = parse(f"{out}/{name}.{side}.{r}.{suffix}")
                run["server_cpu_s"] = float(read(f"{out}/{name}.{side}.{r}.cpu"))
                total = run.get("requests") or run.get("connections")
                run["per_server_cpu_s"] = round(total / max(run["server_cpu_s"], 0.01), 1)
                runs.append(run)
            # The least disturbed run of each side (the machine is shared), every run kept.
            best = dict(max(runs, key=lambda run: run["requests_per_s"]))
            best["all_runs_requests_per_s"] = [run["requests_per_s"] for run in runs]
            results[name][side] = best
        results[name]["ratio"] = round(
            results[name]["twostep"]["requests_per_s"] / results[name]["nginx"]["requests_per_s"], 3
        )
        results[name]["ratio_per_server_cpu_s"] = round(
            results[name]["twostep"]["per_server_cpu_s"] / results[name]["nginx"]["per_server_cpu_s"], 3
        )
    results["idle_wss"] = {"twostep": parse_rss(f"{out}/wss.rss"), "ws": parse_rss(f"{out}/ws_reference.rss")}
    results["idle_wss"]["ratio"] = round(
        results["idle_wss"]["twostep"]["kib_per_connection"] / results["idle_wss"]["ws"]["kib_per_connection"], 3
    )
    results["push_load"] = json.loads(read(f"{out}/push_load.json") or "{}")
    results["push_baseline"] = json.loads(read(f"{out}/push_baseline.json") or "{}")
    results["push_roundtrip"] = parse_push(f"{out}/push.txt")
    results["push_roundtrip_output"] = read(f"{out}/push.txt")[-3000:]
    return results


def plot(results, directory):
    os.makedirs(directory, exist_ok=True)
    data = os.path.join(directory, "plot.dat")
    with open(data, "w") as f:
        for side in ("twostep", "ws"):
            for ready, rss in results["idle_wss"][side]["samples"]:
                f.write(f"{ready} {rss / KIB:.2f}\n")
            f.write("\n\n")
        for side in ("twostep", "nginx"):
            run = results["totp"][side]
            for p in (50, 75, 90, 99):
                f.write(f"{p} {run.get(f'p{p}_ms', 0)}\n")
            f.write("\n\n")
    script = f"""
set terminal pngcairo size 800,450
set grid
set output '{directory}/memory.png'
set title 'Server RSS while idle authenticated WSS devices connect'
set xlabel 'authenticated devices'; set ylabel 'RSS (MiB)'; set key left top
plot '{data}' index 0 with linespoints title 'twostep', '{data}' index 1 with linespoints title 'Node ws'
set output '{directory}/latency.png'
set title 'Keep-alive TLS 1.3, 64 connections: latency percentiles (wrk --latency)'
set xlabel 'percentile'; set ylabel 'latency (ms)'; set xrange [45:100]
plot '{data}' index 2 with linespoints title 'twostep POST /v1/auth/totp', '{data}' index 3 with linespoints title 'nginx static 200'
"""
    subprocess.run(["gnuplot"], input=script, text=True, check=True)
    os.remove(data)


def verdict(ok):
    return "**met**" if ok else "**missed**"


def markdown(results, json_path):
    m, fp = results["machine"], results["footprint"]
    totp, hs, wss = results["totp"], results["handshake"], results["idle_wss"]
    mix = totp["twostep"].get("answers", {})
    rps = totp["twostep"]["requests_per_s"]
    ready_ms = fp["median_ready_s"] * 1000
    rss_mib = fp["median_idle_rss_kib"] / KIB
    per_conn = wss["twostep"]["kib_per_connection"]
    lines = [
        "# Benchmarks",
        "",
        "Generated by `scripts/bench` (see the README's \"Performance\" section) from one run; raw "
        f"figures in `{json_path}`. Every comparison is measured in the same run on the same "
        "machine, so the ratios hold on a noisy box even when the absolute figures move.",
        "",
        "## Machine and run",
        "",
        f"- {m['nproc']} CPUs: {m['cpu']}; {m['memory_gib']} GiB; Linux {m['kernel']}; {m['openssl']}",
        f"- references: {m['nginx']}; Node.js {m['node']} with ws {m['ws']}; load: {m['wrk']}",
        f"- run at {results['time']}; server (and each reference) pinned to CPU 0, load generator to CPU 1",
        f"- load average before/after: `{results['concurrent_load']['before'].strip()}` / "
        f"`{results['concurrent_load']['after'].strip()}`",
        f"- data: {results['provisioning']['users']} users, each with one activated device (provisioned through "
        f"the admin API and `POST /v1/activate` in {results['provisioning']['seconds']} s), embedded SQLite",
        "",
        "## Results against the targets",
        "",
        "| benchmark | twostep | reference | ratio | target | verdict |",
        "| --- | --- | --- | --- | --- | --- |",
        f"| start to ready (median of {fp['starts']}, exec → first 200 on /healthz) | {ready_ms:.0f} ms | — | — | ≤ 500 ms | "
        f"{verdict(ready_ms <= 500)} |",
        f"| idle RSS after start (median) | {rss_mib:.1f} MiB | — | — | ≤ 30 MiB | {verdict(rss_mib <= 30)} |",
        f"| TOTP verifications/s, TLS 1.3 keep-alive, 64 connections | {rps:,.0f} | nginx {totp['nginx']['requests_per_s']:,.0f} | "
        f"{totp['ratio']:.2f} (per server CPU-s: {totp['ratio_per_server_cpu_s']:.2f}) | ≥ 25,000/s and ≥ 0.5× | {verdict(rps >= 25000 and totp['ratio'] >= 0.5)} |",
        fixed_row(results["totp_fixed"], rps),
        f"| full TLS 1.3 handshakes/s ({results['settings']['handshake_clients']} × `openssl s_time -new`) | {hs['twostep']['requests_per_s']:,.0f} | "
        f"nginx {hs['nginx']['requests_per_s']:,.0f} | {hs['ratio']:.2f} (per server CPU-s: {hs['ratio_per_server_cpu_s']:.2f}) | ≥ 0.9× | "
        f"{verdict(hs['ratio'] >= 0.9 and hs['ratio_per_server_cpu_s'] >= 0.9)} (both ratios) |",
        activations_row(results, hs),
        f"| memory per idle authenticated WSS device ({wss['twostep']['devices']:,} devices) | {per_conn:.1f} KiB | "
        f"ws {wss['ws']['kib_per_connection']:.1f} KiB | {wss['ratio']:.2f} | ≤ 16 KiB and ≤ 0.5× | "
        f"{verdict(per_conn <= 16 and wss['ratio'] <= 0.5)} |",
    ]
    lines.append(push_load_row(results))
    lines += [
        "",
        "## Details",
        "",
        "### HTTPS (wrk, one thread)",
        "",
        f"Each side ran {results['settings']['rounds']} times, alternating with the other; the table shows "
        "each side's best run (the least disturbed by the rest of the machine) and every run's requests/s.",
        "",
        "`server CPU` is the CPU time the server (nginx: its worker) used during the best run, and "
        "`per CPU-s` the requests (or handshakes) it served per second of its own CPU: the throughput "
        "of one fully used core, whatever else the machine was doing.",
        "",
        "| run | requests/s (best) | every run | server CPU | per CPU-s | p50 | p75 | p90 | p99 | non-2xx | socket errors |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, label in (("totp", "TOTP, 64 conns"),):
        for side in ("twostep", "nginx"):
            r = results[name][side]
            lines.append(
                f"| {side} {label} | {r['requests_per_s']:,.0f} | "
                f"{', '.join(f'{x:,.0f}' for x in r['all_runs_requests_per_s'])} | {r['server_cpu_s']:.1f} s | "
                f"{r['per_server_cpu_s']:,.0f} | {r.get('p50_ms')} ms | {r.get('p75_ms')} ms | "
                f"{r.get('p90_ms')} ms | {r.get('p99_ms')} ms | {r['non_2xx']} | {r['socket_errors']} |"
            )
    for side in ("twostep", "nginx"):
        r = hs[side]
        lines.append(
            f"| {side} full handshakes | {r['requests_per_s']:,.0f} | "
            f"{', '.join(f'{x:,.0f}' for x in r['all_runs_requests_per_s'])} | {r['server_cpu_s']:.1f} s | "
            f"{r['per_server_cpu_s']:,.0f} | — | — | — | — | — | — |"
        )
    lines += [
        "",
        f"Answers to the 64-connection TOTP run ({totp['twostep']['requests']:,} requests): "
        + ", ".join(f"{k} {v:,}" for k, v in mix.items())
        + ". Every request carries a code that is valid for the current step, but replay protection accepts "
        "a code once per user and step, so with this many users most requests are correctly refused "
        "(`replayed_code`, and `locked_out` once a user has 100 consecutive failures).",
        "",
        "TOTP verifications at a fixed rate, 70% of twostep's best wrk throughput of the round "
        "(`load_bench totp`, open loop, 32 keep-alive connections; latency from the moment each "
        "request was due):",
        "",
        "| server | rate asked | achieved | requests ok / failed | p50 | p90 | p99 | max | p99 of every round | answers |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for side in ("twostep", "nginx"):
        r = results["totp_fixed"][side]
        t = r["total_ms"]
        lines.append(
            f"| {side} | {r['rate']:,.0f}/s | {r['achieved_per_s']:,.0f}/s | {r['ok']:,} / {r['failed']} | "
            f"{t['p50']:.2f} ms | {t['p90']:.2f} ms | {t['p99']:.2f} ms | {t['max']:.2f} ms | "
            f"{', '.join(f'{x:.2f}' for x in r['all_runs_p99_ms'])} ms | "
            f"{', '.join(f'{k} {v:,}' for k, v in r.get('outcomes', {}).items())} |"
        )
    lines += [
        "",
        "![latency percentiles](bench/latency.png)",
        "",
        "### Idle WSS devices",
        "",
        "| server | RSS idle | RSS with devices | devices | KiB per connection |",
        "| --- | --- | --- | --- | --- |",
    ]
    for side, label in (("twostep", "twostep"), ("ws", "Node ws (bench/ws_reference.mjs)")):
        r = wss[side]
        lines.append(
            f"| {label} | {r['idle_rss_kib'] / KIB:.1f} MiB | {r['rss_with_devices_kib'] / KIB:.1f} MiB | "
            f"{r['devices']:,} | {r['kib_per_connection']:.1f} |"
        )
    lines += ["", "![memory against connections](bench/memory.png)", "", "### Start-up", ""]
    lines.append("| start | port file (s) | first 200 /healthz (s) | RSS 2 s later (MiB) |")
    lines.append("| --- | --- | --- | --- |")
    for i, (a, b, c) in enumerate(zip(fp["port_file_s"], fp["ready_s"], fp["idle_rss_kib"]), 1):
        lines.append(f"| {i} | {a:.3f} | {b:.3f} | {c / KIB:.1f} |")
    lines += [""] + push_load_details(results)
    lines += ["### Push round trip, sequential (`push_roundtrip_bench`, 20 devices)", "", "```", results["push_roundtrip_output"].strip(), "```", ""]
    lines.append(analysis(results))
    return "\n".join(lines) + "\n"


def fixed_row(fixed, peak):
    t, n = fixed["twostep"], fixed["nginx"]
    p99 = t["total_ms"]["p99"]
    return (
        f"| p99 at 70% of peak ({t['rate']:,.0f}/s open loop, {t['count']:,} requests; peak {peak:,.0f}/s) | "
        f"{p99:.2f} ms | nginx at the same rate {n['total_ms']['p99']:.2f} ms | — | < 5 ms at 70% of peak | "
        f"{verdict(p99 < 5 and t['failed'] == 0)} |"
    )


def activations_row(results, hs):
    a = results["provisioning"].get("activations")
    if not a:
        return "| activations/s | not measured | | | ≥ 2,000/s | **missed** |"
    per_cpu = a.get("per_server_cpu_s") or 0
    nginx = hs["nginx"]["per_server_cpu_s"]
    return (
        f"| activations/s ({a['count']:,} × `POST /v1/activate`, each on a new TLS 1.3 connection: P-256 key "
        f"import, secret sealed, row committed; {a['threads']} client threads) | {a['per_s']:,.0f} (per server CPU-s: "
        f"{per_cpu:,.0f}) | nginx full handshakes per CPU-s {nginx:,.0f} | {per_cpu / nginx:.2f} (per CPU-s) | "
        f"≥ 2,000/s | {verdict(a['per_s'] >= 2000)} |"
    )


def push_load_row(results):
    load, base = results["push_load"], results["push_baseline"]
    total = load.get("total_ms", {})
    if not total:
        return f"| push round trip under load | not measured: {load.get('first_errors') or 'no result'} | | | | **missed** |"
    ok = total["p50"] <= 2 and total["p99"] <= 10 and load["failed"] == 0
    return (
        f"| push round trip ({load['ready']:,} devices connected, {load['rate']:.0f} pushes/s open loop, "
        f"{load['count']:,} pushes, {load['failed']} failed) | p50 {total['p50']:.2f} ms, p99 {total['p99']:.2f} ms | "
        f"in-process baseline p50 {base.get('total_ms', {}).get('p50', 0):.2f} ms, p99 {base.get('total_ms', {}).get('p99', 0):.2f} ms; "
        f"FCM/APNs 1–2 s (published) | {total['p50'] / max(base.get('total_ms', {}).get('p50', 1), 1e-3):.1f}× baseline (p50) | "
        f"p50 ≤ 2 ms, p99 ≤ 10 ms | {verdict(ok)} |"
    )


def push_load_details(results):
    lines = ["### Push round trip under load (`bench/load_bench`, `load_bench push`)", "",
             "Measured from the moment each push was due (open loop), so queueing counts; `service` "
             "from the moment it was actually sent; `to device` from the send to the push frame read "
             "by the device.", "",
             "| run | pushes ok / failed | late starts | total p50 / p90 / p99 / max (ms) | service p50 / p99 | to device p50 / p99 |",
             "| --- | --- | --- | --- | --- | --- |"]
    for label, key in (("twostep, devices connected", "push_load"), ("in-process baseline", "push_baseline")):
        r = results[key]
        if not r.get("total_ms"):
            lines.append(f"| {label} | not measured | | | | |")
            continue
        t, sv, td = r["total_ms"], r["service_ms"], r.get("to_device_ms", {})
        lines.append(
            f"| {label} | {r['ok']:,} / {r['failed']} | {r['late_starts']} | {t['p50']:.2f} / {t['p90']:.2f} / "
            f"{t['p99']:.2f} / {t['max']:.2f} | {sv['p50']:.2f} / {sv['p99']:.2f} | "
            f"{td.get('p50', 0):.2f} / {td.get('p99', 0):.2f} |"
        )
    return lines + [""]


def analysis(results):
    """bench/analysis.md with its @NAME@ placeholders filled in from this run."""
    totp, hs, wss = results["totp"], results["handshake"], results["idle_wss"]
    answers = totp["twostep"].get("answers", {})
    fixed = results["totp_fixed"]["twostep"]
    values = {
        "USERS": f"{results['provisioning']['users']:,}",
        "US_PER_REQ": f"{1e6 / totp['twostep']['per_server_cpu_s']:.0f}",
        "NGINX_US": f"{1e6 / totp['nginx']['per_server_cpu_s']:.0f}",
        "PER_CPU": f"{totp['twostep']['per_server_cpu_s']:,.0f}",
        "RATIO_CPU": f"{totp['ratio_per_server_cpu_s']:.2f}",
        "RATIO": f"{totp['ratio']:.2f}",
        "N": f"{wss['twostep']['devices']:,}",
        "KIB": f"{wss['twostep']['kib_per_connection']:.1f}",
        "WSKIB": f"{wss['ws']['kib_per_connection']:.1f}",
        "WSRATIO": f"{wss['ratio']:.2f}",
        "HS_RATIO_CPU": f"{hs['ratio_per_server_cpu_s']:.2f}",
        "HS_RATIO": f"{hs['ratio']:.2f}",
        "HS_NGINX_PER_CPU": f"{hs['nginx']['per_server_cpu_s']:,.0f}",
        "PCT_TARGET": f"{100 * totp['twostep']['per_server_cpu_s'] / 25000:.0f}",
        "REPLAY_PCT": f"{100 * answers.get('replayed_code', 0) / max(totp['twostep']['requests'], 1):.0f}",
        "P99": f"{results['totp_fixed']['twostep']['total_ms']['p99']:.2f}",
        "FIXED_RATE": f"{results['totp_fixed']['twostep']['rate']:,.0f}",
        "ACT_PER_S": f"{results['provisioning'].get('activations', {}).get('per_s', 0):,.0f}",
        "ACT_PER_CPU": f"{results['provisioning'].get('activations', {}).get('per_server_cpu_s') or 0:,.0f}",
        "PUSH_DEVICES": f"{results['push_load'].get('ready', 0):,}",
        "PUSH_P50": f"{results['push_load'].get('total_ms', {}).get('p50', 0):.2f}",
        "PUSH_P99": f"{results['push_load'].get('total_ms', {}).get('p99', 0):.2f}",
        "TO_DEVICE_P50": f"{results['push_load'].get('to_device_ms', {}).get('p50', 0):.2f}",
        "BASE_P50": f"{results['push_baseline'].get('total_ms', {}).get('p50', 0):.2f}",
        "BASE_P99": f"{results['push_baseline'].get('total_ms', {}).get('p99', 0):.2f}",
        "NGINX_P99": f"{results['totp_fixed']['nginx']['total_ms']['p99']:.2f}",
        "FIXED_US": f"{1e6 * fixed['server_cpu_s'] / max(fixed['count'], 1):.0f}",
        "FIXED_CPU_PCT": f"{100 * fixed['server_cpu_s'] / max(fixed['seconds'], 1e-9):.0f}",
    }
    return re.sub(r"@([A-Z0-9_]+)@", lambda m: values[m.group(1)], read("bench/analysis.md"))


def render(results, json_path):
    plot(results, "docs/bench")
    with open("docs/BENCHMARKS.md", "w") as f:
        f.write(markdown(results, json_path))
    print(f"bench: wrote {json_path}, docs/BENCHMARKS.md and docs/bench/*.png")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--render":  # again, from a results file
        with open(sys.argv[2]) as f:
            return render(json.load(f), sys.argv[2])
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--devices", type=int, required=True)
    parser.add_argument("--seconds", type=int, required=True)
    parser.add_argument("--rounds", type=int, required=True)
    parser.add_argument("--handshake-clients", type=int, required=True)
    args = parser.parse_args()
    results = collect(args.out, args.devices, args.seconds, args.rounds, args.handshake_clients)
    os.makedirs("bench/results", exist_ok=True)
    json_path = f"bench/results/{results['time'].replace(':', '')}.json"
    with open(json_path, "w") as f:
        json.dump(results, f, indent=1)
    render(results, json_path)


if __name__ == "__main__":
    main()
