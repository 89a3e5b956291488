"""Shared helpers for the benchmarks: a gunicorn server on loopback, wrk, medians."""

from __future__ import annotations

import contextlib
import json
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
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env(**extra: str) -> dict[str, str]:
    base = dict(os.environ)
    base.setdefault("DJANGO_SETTINGS_MODULE", "okbnet_portal.settings")
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
    profile = ["-c", str(ROOT / "bench" / "gunicorn_profile.py")] if environ.get("BENCH_PROFILE_DIR") else []
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
            *profile,
        ],
        cwd=ROOT,
        env=environ,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # a loaded machine starts slowly
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
        proc.wait(timeout=120 if profile else 30)


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


def alternate(sides: dict[str, Callable[[], float]], rounds: int = 5) -> dict[str, float]:
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


# --- Rows of the summary table -------------------------------------------------------------------


def row(path: str, figure: float | None, goal: float | None, *, at_least: bool, unit: str = "", note: str = "") -> dict:
    """One line of `make bench`'s summary: what was measured, the figure, the goal and whether it is met.

    `at_least`: the goal is a floor (ratios of throughput) rather than a ceiling (ratios of time).
    A figure of None (not measured) never meets its goal.
    """
    if goal is None:
        met = None
        goal_text = ""
    else:
        met = figure is not None and (figure >= goal if at_least else figure <= goal)
        goal_text = f"{'≥' if at_least else '≤'} {goal:g}{unit}"
    figure_text = "-" if figure is None else f"{figure:.2f}{unit}"
    return {"path": path, "figure": figure_text, "goal": goal_text, "met": met, "note": note}


ROWS_FILE = "BENCH_ROWS_FILE"


def child(module: str, *args: str, environ: dict[str, str]) -> list[dict]:
    """Run `python -m <module> <args>` with `environ` (its own process: nothing it sets leaks out)
    and return the rows it handed back with `emit` (figures are measured where Django is set up)."""
    with tempfile_path() as path:
        subprocess.run([PY, "-m", module, *args], cwd=ROOT, env={**environ, ROWS_FILE: str(path)}, check=True)
        return json.loads(path.read_text() or "[]") if path.exists() else []


def emit(rows: list[dict]) -> None:
    """In a child started by `child`: hand the rows back to the parent."""
    Path(os.environ[ROWS_FILE]).write_text(json.dumps(rows))


@contextlib.contextmanager
def tempfile_path() -> Iterator[Path]:
    import tempfile

    fd, name = tempfile.mkstemp(prefix="okbnet-bench-rows-", suffix=".json")
    os.close(fd)
    try:
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


# --- Databases of their own ----------------------------------------------------------------------


def database_url_for(suffix: str) -> str:
    """The URL of a benchmark's own PostgreSQL database: the name of DATABASE_URL's + `_<suffix>`
    (okbnet_speed → okbnet_speed_api), on the same server. Never the database of DATABASE_URL itself."""
    parsed = urlparse(os.environ.get("DATABASE_URL", ""))
    if not parsed.scheme.startswith("postgres"):
        raise SystemExit("this benchmark needs DATABASE_URL on PostgreSQL")
    return urlunparse(parsed._replace(path=f"/{parsed.path.lstrip('/') or 'okbnet'}_{suffix}"))


def _admin(url: str):
    import psycopg2

    conn = psycopg2.connect(urlunparse(urlparse(url)._replace(path="/postgres")))
    conn.autocommit = True
    return conn


@contextlib.contextmanager
def own_database(suffix: str, *, migrate: bool = True, **extra: str) -> Iterator[dict[str, str]]:
    """A fresh database for one benchmark (created, migrated, dropped at the end) and the
    environment that points at it: `env(**extra)` with its DATABASE_URL and a throw-away var/."""
    import tempfile

    url = database_url_for(suffix)
    name = urlparse(url).path.lstrip("/")
    with contextlib.closing(_admin(url)) as conn, conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    environ = env(DATABASE_URL=url, OKBNET_VAR_DIR=tempfile.mkdtemp(prefix="okbnet-bench-"), **extra)
    try:
        if migrate:
            manage("migrate", "--noinput", "-v0", environ=environ)
        yield environ
    finally:
        with contextlib.closing(_admin(url)) as conn, conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
