"""`make bench`: every benchmark, then one summary table (path, figure, goal, met).

The registry is BENCHMARKS below, one line per module. Each module has `run() -> list[dict]`
returning rows made with `bench.common.row`. Each benchmark runs in a process of its own,
started with the environment `make bench` was given: nothing one benchmark sets (variables,
Django settings, imported modules) reaches the next. A benchmark that fails becomes a row
that says so, and the others still run; the command then exits non-zero.

Figures are ratios against a baseline measured in the same run (sides alternate, repeated,
medians). The machine is shared and loaded: read them as ratios, not as absolute speeds.

`python -m bench verdict dns` runs only the benchmarks whose module name contains a word given.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BENCHMARKS = [
    "bench.bench_verdict",
    "bench.bench_check",
    "bench.bench_api",
    "bench.bench_dns",
    "bench.bench_plan_change",
    "bench.bench_ranges",
    "bench.bench_session_import",
    "bench.bench_probe",
    "bench.bench_radius",
    "bench.bench_policy",
]

RUN_ONE = """
import json, sys
from importlib import import_module
rows = import_module(sys.argv[1]).run()
with open(sys.argv[2], "w") as f:
    json.dump(rows, f)
"""


def run_isolated(module: str, environ: dict[str, str]) -> list[dict]:
    fd, path = tempfile.mkstemp(prefix="okbnet-bench-", suffix=".json")
    os.close(fd)
    try:
        subprocess.run([sys.executable, "-c", RUN_ONE, module, path], cwd=ROOT, env=environ, check=True)
        with open(path) as f:
            return json.load(f)
    finally:
        os.unlink(path)


def table(rows: list[dict]) -> str:
    head = ("path", "figure", "goal", "met")
    cells = [
        (r["path"], r["figure"], r["goal"], {True: "yes", False: "NO", None: "-"}[r["met"]] + _note(r)) for r in rows
    ]
    widths = [max(len(str(c[i])) for c in [head, *cells]) for i in range(len(head))]
    lines = [" | ".join(str(c[i]).ljust(widths[i]) for i in range(len(head))).rstrip() for c in [head, *cells]]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def _note(r: dict) -> str:
    return f" ({r['note']})" if r.get("note") else ""


def main(argv: list[str]) -> int:
    chosen = [m for m in BENCHMARKS if not argv or any(a in m for a in argv)]
    environ = dict(os.environ)  # each benchmark starts from this, untouched by the others
    rows: list[dict] = []
    failed = False
    for module in chosen:
        print(f"\n### {module}", flush=True)
        started = time.monotonic()
        try:
            rows += run_isolated(module, environ)
        except subprocess.CalledProcessError:
            failed = True
            rows.append({"path": module, "figure": "-", "goal": "", "met": False, "note": "the benchmark failed"})
        print(f"### {module}: {time.monotonic() - started:.0f} s", flush=True)
    print("\n## Summary (ratios against a baseline in the same run; the machine is shared and loaded)\n")
    print(table(rows), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
