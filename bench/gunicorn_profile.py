"""gunicorn configuration of `BENCH_PROFILE_DIR=<dir> python -m bench <name>`: every request each
worker serves is sampled by pyinstrument (the real server, the real middleware, the real database
and cache); when the worker exits it writes `<dir>/<pid>.txt`, the profile of all its requests.
Only the first REQUESTS requests of each worker are sampled. The figures of a profiled run are not figures: use it to see where the time goes."""

import os
from pathlib import Path

from pyinstrument import Profiler

REQUESTS = 3000  # per worker: enough samples, and a profile that is quick to write out

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


def worker_exit(server, worker):
    if _profiler is not None and _profiler.last_session is not None:
        out = Path(os.environ["BENCH_PROFILE_DIR"]) / f"{os.getpid()}.txt"
        out.write_text(_profiler.output_text(unicode=True, show_all=False, timeline=False))
