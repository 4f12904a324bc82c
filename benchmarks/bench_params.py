"""Exact parameter counts for every registry model x method, on CPU, without weights.

Target (issue 4, item 8): the whole table (24 architectures x 16 methods, meta device) in under
60 s. Each run is a fresh process (`slr reproduce params`-equivalent code path, imports included),
so the figure is what a user waits for. Prints the median of several runs; the machine may be
shared with other workers, so read the spread too.
"""

from __future__ import annotations

import json
import subprocess
import sys

from _timing import report

RUNS = 3
TARGET_S = 60.0

CHILD = r"""
import json, time, warnings
t0 = time.perf_counter()
warnings.simplefilter("ignore")
import transformers
transformers.logging.set_verbosity_error()
from slr.reproduce.counting import params_table
t1 = time.perf_counter()
frame = params_table()
t2 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "table_s": t2 - t1, "total_s": t2 - t0,
                  "rows": len(frame), "not_applicable": int(frame.trainable_params.isna().sum())}))
"""


def main() -> None:
    results = []
    for _ in range(RUNS):
        out = subprocess.run(
            [sys.executable, "-c", CHILD], capture_output=True, text=True, check=True
        )
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    r = results[0]
    print(f"{r['rows']} rows (models x methods), {r['not_applicable']} not applicable")
    report(
        "params table, whole process (imports + counts)", [x["total_s"] for x in results], TARGET_S
    )
    report("  of which counting", [x["table_s"] for x in results])
    report("  of which imports", [x["import_s"] for x in results])


if __name__ == "__main__":
    main()
