#!/usr/bin/env python3
"""Scans the real server's TLS with testssl.sh (Debian's package) and checks its JSON:
TLS 1.2 and 1.3 only, no weak cipher class, forward secrecy, no listed vulnerability,
HSTS on every response. Exit status 0 when every check holds; the failed checks otherwise.

Usage: TWOSTEP_BINARY_DIR=build/dev tests/tls/testssl_scan.py
"""
import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import time

OK_SEVERITIES = {"OK", "INFO"}
NOT_OFFERED = ["SSLv2", "SSLv3", "TLS1", "TLS1_1"]
OFFERED = ["TLS1_2", "TLS1_3"]
# Cipher classes that must not be offered at all (NULL, anonymous, export, low, 3DES/IDEA,
# and the "average" class: CBC without AEAD).
WEAK_CLASSES = ["cipherlist_NULL", "cipherlist_aNULL", "cipherlist_EXPORT", "cipherlist_LOW",
                "cipherlist_3DES_IDEA", "cipherlist_AVERAGE"]


def start_server(binary, data_dir):
    log = open(data_dir.parent / "server.log", "wb")
    proc = subprocess.Popen([binary, "serve", "--data-dir", str(data_dir), "--listen",
                             "127.0.0.1:0"], stdout=log, stderr=subprocess.STDOUT)
    port_file = data_dir / "listen.port"
    for _ in range(300):
        if port_file.exists() and port_file.read_text().strip():
            return proc, int(port_file.read_text())
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    proc.kill()
    sys.exit("server did not start; see " + str(data_dir.parent / "server.log"))


def scan(port, json_path):
    command = ["testssl", "--quiet", "--color", "0", "--warnings", "off", "--jsonfile-pretty",
               str(json_path), "--protocols", "--std", "--fs", "--headers", "--vulnerable",
               f"https://127.0.0.1:{port}"]
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, timeout=600,
                   check=False)
    findings = {}
    for section, items in json.loads(json_path.read_text())["scanResult"][0].items():
        if isinstance(items, list):
            for item in items:
                findings[(section, item["id"])] = item
    return findings


def check(findings):
    problems = []

    def finding(section, ident):
        item = findings.get((section, ident))
        if item is None:
            problems.append(f"{section}/{ident}: missing from the scan")
        return item or {"finding": "", "severity": ""}

    for proto in NOT_OFFERED:
        if not finding("protocols", proto)["finding"].startswith("not offered"):
            problems.append(f"{proto} is offered")
    for proto in OFFERED:
        if not finding("protocols", proto)["finding"].startswith("offered"):
            problems.append(f"{proto} is not offered")
    for ident in WEAK_CLASSES:
        if finding("ciphers", ident)["finding"] != "not offered":
            problems.append(f"weak cipher class {ident} offered")
    if finding("pfs", "PFS")["finding"] != "offered":
        problems.append("forward secrecy not offered")
    if finding("headerResponse", "HSTS_time")["severity"] != "OK":
        problems.append("HSTS missing or too short")
    vulnerabilities = [item for (section, _), item in findings.items()
                       if section == "vulnerabilities"]
    if len(vulnerabilities) < 10:
        problems.append(f"only {len(vulnerabilities)} vulnerability checks ran")
    for item in vulnerabilities:
        if item["severity"] not in OK_SEVERITIES:
            problems.append(f"{item['id']}: {item['severity']} {item['finding']}")
    return problems


def main():
    binary = pathlib.Path(os.environ.get("TWOSTEP_BINARY_DIR", "build/dev")) / "bin" / "twostep"
    if shutil.which("testssl") is None:
        sys.exit("testssl is not installed: run scripts/setup")
    work = pathlib.Path(tempfile.mkdtemp(prefix="twostep-testssl-"))
    proc, port = start_server(str(binary), work / "data")
    try:
        findings = scan(port, work / "scan.json")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    problems = check(findings)
    print(f"testssl: {len(findings)} findings checked on port {port}")
    for problem in problems:
        print("FAIL:", problem)
    if not problems:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
