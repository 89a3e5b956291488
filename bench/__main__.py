"""`make bench`: run every bench/bench_*.py (or those named on the command line).

Each module has `main() -> None` and prints its figures as ratios against a baseline measured
in the same run (the machine is shared: sides alternate, repeats, medians).
"""

import importlib
import pkgutil
import sys
from pathlib import Path


def main(argv: list[str]) -> None:
    names = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name.startswith("bench_"))
    chosen = [n for n in names if not argv or any(a in n for a in argv)]
    for name in chosen:
        print(f"\n### {name}", flush=True)
        importlib.import_module(f"bench.{name}").main()


if __name__ == "__main__":
    main(sys.argv[1:])
