"""Shared helpers for the benchmarks: a gunicorn server on loopback, wrk, medians."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env(**extra: str) -> dict[str, str]:
    base = dict(os.environ)
    base.setdefault("DJANGO_DEBUG", "0")
    base.setdefault("DJANGO_SECRET_KEY", "bench-" + os.urandom(16).hex())
    base.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
    base.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
    base.update(extra)
    return base


def manage(*args: str, environ: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=environ or env(), check=True, capture_output=True, text=True
    )
    return result.stdout


@contextlib.contextmanager
def gunicorn(environ: dict[str, str], workers: int = 2) -> Iterator[str]:
    """Serve the portal with gunicorn (the production server) on a free loopback port."""
    port = free_port()
    manage("collectstatic", "--noinput", "-v0", environ=environ)
    proc = subprocess.Popen(
        [
            PY,
            "-m",
            "gunicorn",
            "okbnet_portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=environ,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/check/", timeout=2).read()
                break
            except Exception:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.3)
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


def wrk(
    url: str,
    *,
    seconds: int = 5,
    connections: int = 8,
    script: str | None = None,
    headers: dict[str, str] | None = None,
) -> float:
    """Requests per second reported by wrk (Debian package; `make bench` installs it)."""
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed for the HTTP benchmarks: apt-get install wrk")
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in (headers or {}).items():
        cmd += ["-H", f"{name}: {value}"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run([*cmd, url], check=True, capture_output=True, text=True).stdout
    if re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        raise RuntimeError(f"wrk saw error responses for {url}:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def alternate(sides: dict[str, callable], rounds: int = 5) -> dict[str, float]:
    """Run each side in turn, `rounds` times; return the median of each."""
    results: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(rounds):
        for name, fn in sides.items():
            results[name].append(fn())
    return {name: statistics.median(values) for name, values in results.items()}


def celery_worker(environ: dict[str, str], name: str, **popen: object) -> subprocess.Popen:
    """A real Celery worker process (prefork, one child) in its own process group, so that a
    SIGKILL of the group reaches both the main process and the pool child."""
    return subprocess.Popen(
        [
            PY,
            "-m",
            "celery",
            "-A",
            "okbnet_portal",
            "--quiet",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            "1",
            "--loglevel",
            "WARNING",
            "-n",
            f"{name}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=environ,
        start_new_session=True,
        **popen,
    )
