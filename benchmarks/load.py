"""Load benchmark: gunicorn (production settings, PostgreSQL) driven by wrk at 16 connections.

Every page's figures are printed next to the bare reference (/healthz/, a small template and no
queries) measured in the same run, so the ratios hold across machines. See docs/performance.md.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "8765"))
DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
PERCENTILES = str(Path(__file__).resolve().parent / "percentiles.lua")


@dataclass
class Figures:
    name: str
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int


def _ms(value: str) -> float:
    match = re.match(r"([\d.]+)(us|ms|s|m|h)$", value)
    if match is None:  # wrk prints nothing usable when no request completed
        return float("inf")
    number, unit = match.groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}[unit]


# What every browser sends: pages are measured as browsers receive them (a page that compresses
# is sent compressed). --identity in the runner measures without it as well.
BROWSER_ACCEPT_ENCODING = "gzip, deflate, br, zstd"


def run_wrk(
    name: str,
    url: str,
    cookie: str | None,
    *,
    accept_encoding: str | None = BROWSER_ACCEPT_ENCODING,
    if_none_match: str | None = None,
    headers: tuple[str, ...] = (),
) -> Figures:
    # A 30 s timeout: wrk's default (2 s) would count slow pages as socket errors, not as latency.
    cmd = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "--timeout", "30s", "--latency", "-s", PERCENTILES, url]
    if cookie:
        cmd[1:1] = ["-H", f"Cookie: {cookie}"]
    if accept_encoding:
        cmd[1:1] = ["-H", f"Accept-Encoding: {accept_encoding}"]
    if if_none_match:  # a browser's repeat view: it holds the page and asks whether it changed
        cmd[1:1] = ["-H", f"If-None-Match: {if_none_match}"]
    for header in headers:
        cmd[1:1] = ["-H", header]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps_match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    # Anchored: "62.50%" in the thread statistics must not read as the 50th percentile.
    p50_match = re.search(r"^\s+50%\s+(\S+)", out, re.MULTILINE)
    p99_match = re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE)
    p95_match = re.search(r"^p95_us (\d+)$", out, re.MULTILINE)
    rps = float(rps_match.group(1)) if rps_match else 0.0
    p50 = _ms(p50_match.group(1)) if p50_match else float("inf")
    p99 = _ms(p99_match.group(1)) if p99_match else float("inf")
    p95 = int(p95_match.group(1)) / 1000 if p95_match else float("inf")
    completed = re.search(r"(\d+) requests in", out)
    if completed is not None and int(completed.group(1)) == 0:
        # No request finished within the run (a page slower than the duration): no latency to report.
        p50 = p95 = p99 = float("inf")
    elif p99 == float("inf"):
        print(f"wrk output for {name} could not be read:\n{out}", file=sys.stderr)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = int(non2xx.group(1)) if non2xx else 0
    if socket_errors:
        errors += sum(int(x) for x in socket_errors.groups())
    return Figures(name, rps, p50, p95, p99, errors)


def start_gunicorn(env: dict[str, str]) -> subprocess.Popen[bytes]:
    workers = env.get("BENCH_WORKERS", os.environ.get("BENCH_WORKERS", "2"))
    threads = env.get("BENCH_THREADS", os.environ.get("BENCH_THREADS", "4"))
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            workers,
            "--worker-class",
            "gthread",
            "--threads",
            threads,
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz/", timeout=2) as response:
                if response.status == 200:
                    return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("gunicorn did not start")


def worker_peak_rss_mb(proc: subprocess.Popen[bytes]) -> float:
    """The largest peak resident set (VmHWM) among the gunicorn workers."""
    peak = 0
    children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
    for pid in children:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        if match:
            peak = max(peak, int(match.group(1)))
    return peak / 1024


def stop(proc: subprocess.Popen[bytes]) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


if __name__ == "__main__":
    sys.exit("Run benchmarks/run, which prepares the database and calls this module.")
