#!/usr/bin/env python3
"""Provisions benchmark users on a running twostep server through its public APIs.

For each of N users: POST /v1/users and POST /v1/users/{user}/authenticators/activations
(admin token); then, timed on their own (the activations benchmark), POST /v1/activate for
every user with a fresh P-256 key on a new TLS connection, exactly as the companion app
does, from a source address in 127.0.0.0/8 (activations are rate-limited per address, so
every few devices get their own address). Writes one twostep-device state file per device
(for `twostep-device load`) and users.json (each user's TOTP parameters, from which
`codes` writes wrk's table of codes for the next few 30-second steps). Also creates the application key the auth API needs.

Usage: provision.py --url https://127.0.0.1:PORT --token ADMIN --ca CERT --count N --out DIR
       provision.py codes DIR   (codes.txt for the current step, just before a wrk run)
"""
import argparse
import base64
import concurrent.futures
import functools
import hashlib
import hmac
import http.client
import json
import os
import ssl
import struct
import sys
import time

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

PER_ADDRESS = 8  # the activation limiter allows a burst of 10 per address
STEPS_AHEAD = 4  # codes for the current step and the next three (a run lasts < 2 min)


def source_for(index):
    n = index // PER_ADDRESS
    return f"127.{1 + n // 250}.{n % 250}.{1 + index % 2}"


@functools.lru_cache(maxsize=None)
def tls_context(ca):
    """One client context per CA file: loading the CA is the load generator's cost, not the server's."""
    context = ssl.create_default_context(cafile=ca)
    context.check_hostname = False
    return context


class Api:
    def __init__(self, host, port, ca, token=None, source=None):
        context = tls_context(ca)
        self.connection = http.client.HTTPSConnection(
            host, port, context=context, source_address=(source, 0) if source else None
        )
        self.token = token

    def call(self, method, path, body=None):
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        self.connection.request(method, path, json.dumps(body) if body is not None else None, headers)
        response = self.connection.getresponse()
        text = response.read()
        if response.status >= 300:
            raise RuntimeError(f"{method} {path}: {response.status} {text[:200]!r}")
        return json.loads(text) if text else {}


def totp(secret_b32, step, digits, algorithm):
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    digest = hmac.new(key, struct.pack(">Q", step), getattr(hashlib, algorithm.lower())).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def prepare_one(args, host, port, index):
    """The user, its activation code and the device's new key (not timed)."""
    admin = Api(host, port, args.ca, args.token)
    username = f"bench{index:05d}"
    admin.call("POST", "/v1/users", {"username": username, "display_name": f"Bench {index}"})
    activation = admin.call("POST", f"/v1/users/{username}/authenticators/activations", {})
    return index, username, activation["code"], ec.generate_private_key(ec.SECP256R1())


def activate_one(args, host, port, prepared):
    """POST /v1/activate on a new TLS connection, as the app does (the timed phase)."""
    index, username, code, key = prepared
    spki = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    phone = Api(host, port, args.ca, source=source_for(index))
    activated = phone.call(
        "POST",
        "/v1/activate",
        {
            "code": code,
            "device_name": "bench",
            "platform": "linux",
            "app_version": "bench",
            "public_key": base64.urlsafe_b64encode(spki).decode().rstrip("="),
        },
    )
    phone.connection.close()
    return index, username, key, activated


def write_state(args, index, key, activated):
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    state = {
        "version": 1,
        "server_url": args.url,
        "ws_url": activated["ws_url"],
        "device_id": activated["device_id"],
        "user": activated["user"],
        "device_name": "bench",
        "platform": "linux",
        "app_version": "bench",
        "activated_at": activated["server_time"],
        "private_key_pem": pem,
        "totp": activated["totp"],
        "tls": {"insecure": False, "ca_file": os.path.abspath(args.ca), "pin_sha256": ""},
    }
    path = os.path.join(args.out, "states", f"{index:05d}.json")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(state, f)


def cpu_seconds(pid):
    """User + system CPU time of process PID so far (0 without a PID)."""
    if not pid:
        return 0.0
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def write_codes(out):
    """codes.txt for wrk: first line 'STEP COUNT', then 'USERNAME CODE…' for STEP onwards."""
    with open(os.path.join(out, "users.json")) as f:
        users = json.load(f)
    step = int(time.time()) // 30
    with open(os.path.join(out, "codes.txt"), "w") as f:
        f.write(f"{step} {STEPS_AHEAD}\n")
        for username, params in users:
            codes = [
                totp(params["secret"], step + k, params["digits"], params["algorithm"])
                for k in range(STEPS_AHEAD)
            ]
            f.write(username + " " + " ".join(codes) + "\n")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "codes":
        return write_codes(sys.argv[2])
    parser = argparse.ArgumentParser()
    for flag in ("--url", "--token", "--ca", "--out"):
        parser.add_argument(flag, required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--activation-threads", type=int, default=16)
    parser.add_argument("--server-pid", type=int, default=0, help="to measure its CPU time")
    args = parser.parse_args()
    host, port = args.url.removeprefix("https://").rsplit(":", 1)
    os.makedirs(os.path.join(args.out, "states"), exist_ok=True)

    started = time.monotonic()
    # The most consecutive failures NIST allows before a lock (the default is 10): replayed
    # codes in the TOTP benchmark count as failures.
    Api(host, int(port), args.ca, args.token).call("PATCH", "/v1/settings", {"lockout_threshold": 100})
    with concurrent.futures.ThreadPoolExecutor(args.threads) as pool:
        prepared = list(pool.map(lambda i: prepare_one(args, host, int(port), i), range(args.count)))
    # The activations alone, timed: a new TLS connection each, the key imported, the TOTP
    # secret sealed and the device committed on the server.
    cpu_before, activations_started = cpu_seconds(args.server_pid), time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(args.activation_threads) as pool:
        activated = list(pool.map(lambda p: activate_one(args, host, int(port), p), prepared))
    activation_seconds = time.monotonic() - activations_started
    server_cpu = cpu_seconds(args.server_pid) - cpu_before
    users = []
    for index, username, key, answer in activated:
        write_state(args, index, key, answer)
        users.append((username, answer["totp"]))
    app = Api(host, int(port), args.ca, args.token).call("POST", "/v1/applications", {"name": "bench"})

    with open(os.path.join(args.out, "users.json"), "w") as f:
        json.dump(users, f)
    with open(os.path.join(args.out, "app_key"), "w") as f:
        f.write(app["api_key"] + "\n")
    print(json.dumps({
        "users": len(users),
        "seconds": round(time.monotonic() - started, 1),
        "activations": {
            "count": len(activated),
            "seconds": round(activation_seconds, 2),
            "per_s": round(len(activated) / activation_seconds, 1),
            "server_cpu_s": round(server_cpu, 2),
            "per_server_cpu_s": round(len(activated) / server_cpu, 1) if server_cpu > 0 else None,
            "threads": args.activation_threads,
        },
    }))


if __name__ == "__main__":
    main()
