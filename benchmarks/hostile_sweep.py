"""Call every public function of cellseg with hostile arguments and print what happened.

Each call runs in a worker process capped at +2 GiB and 10 s (see tests/hostile_calls.py,
which also defines the classes). Prints the number of calls of each class, split
between the modules of the N-D merge (pipeline*, theory*, synthetic*) and the others,
then one line per failing call.

    .venv/bin/python benchmarks/hostile_sweep.py            # everything
    .venv/bin/python benchmarks/hostile_sweep.py metrics    # one module (or module.function)
    .venv/bin/python benchmarks/hostile_sweep.py --json out.json
"""

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
import hostile_calls  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("only", nargs="*", help="modules or module.function to sweep")
    parser.add_argument("--json", help="write every result to this file")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    start = time.perf_counter()
    results = hostile_calls.sweep(n_workers=args.workers, only=args.only or None)
    seconds = time.perf_counter() - start
    functions = {r["function"] for r in results}
    print(f"{len(results)} calls over {len(functions)} public functions in {seconds:.1f} s\n")
    groups = {"all": results}
    counts = {name: hostile_calls.table(rs) for name, rs in groups.items()}
    print(f"{'class':>14} " + " ".join(f"{name[:12]:>12}" for name in groups))
    for cls in counts["all"]:
        print(f"{cls:>14} " + " ".join(f"{counts[name][cls]:>12}" for name in groups))
    failing = [r for r in results if r["class"] in hostile_calls.FAILING]
    refused = [r for r in results if r["class"] == "refused-valid"]
    for title, rows in (("failing calls", failing), ("valid values refused", refused)):
        if rows:
            print(f"\n{title}:")
            for r in rows:
                print(hostile_calls.describe(r))
    refusals = sorted((r for r in results if r["outcome"] == "clear"), key=lambda r: -r.get("seconds", 0))
    print("\nslowest clear refusals (each should take well under a second):")
    for r in refusals[:5]:
        print(f"{r.get('seconds', 0):8.3f} s  {r['function']}({r['param']}={r['value']})")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main()
