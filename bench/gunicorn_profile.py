"""gunicorn configuration of `BENCH_PROFILE_DIR=<dir> python -m bench <name>`: every request each
worker serves is sampled by pyinstrument (the real server, the real middleware, the real database
and cache) until it has served BENCH_PROFILE_REQUESTS (500) of them; then it writes
`<dir>/<pid>.txt`, the profile of those requests. The figures of a profiled run are not figures: use it to see where the time goes."""

import os
from pathlib import Path

from pyinstrument import Profiler

REQUESTS = int(os.environ.get("BENCH_PROFILE_REQUESTS", "500"))  # per worker

_profiler: Profiler | None = None
_served = 0


def post_fork(server, worker):
    global _profiler
    _profiler = Profiler(interval=0.0005, async_mode="disabled")


def pre_request(worker, req):
    if _served < REQUESTS:
        _profiler.start()


def post_request(worker, req, environ, resp):
    global _served
    if _profiler.is_running:
        _profiler.stop()
        _served += 1
        if _served == REQUESTS:
            out = Path(os.environ["BENCH_PROFILE_DIR"]) / f"{os.getpid()}.txt"
            out.write_text(_profiler.output_text(unicode=True, show_all=False, timeline=False))
