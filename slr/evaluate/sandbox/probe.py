"""What the sandbox protects against on this machine, found by running probe programs."""

from __future__ import annotations

from slr.evaluate.sandbox.runner import Sandbox, SandboxLimits

_PROBE = """
import os, socket
checks = {}
try:
    socket.create_connection(("127.0.0.1", 9), timeout=0.5)
    checks["network"] = "REACHABLE"
except OSError as err:
    checks["network"] = f"blocked ({err.__class__.__name__}: {err.strerror or err})"
try:
    open("/slr-sandbox-probe", "w")
    checks["write outside work folder"] = "ALLOWED"
except OSError as err:
    checks["write outside work folder"] = f"denied ({err.strerror})"
status = open("/proc/self/status").read()
checks["capabilities"] = "none" if int(status.split("CapEff:")[1].split()[0], 16) == 0 else "SOME"
checks["pid inside"] = str(os.getpid())
for k, v in checks.items():
    print(f"{k}\\t{v}")
"""


def probe_sandbox(limits: SandboxLimits | None = None) -> dict[str, str]:
    box = Sandbox(limits or SandboxLimits(timeout_s=5.0))
    result = box.run_python(_PROBE)
    out = {"isolation": result.isolation}
    for line in result.stdout.splitlines():
        key, _, value = line.partition("\t")
        out[key] = value
    bomb = box.run_python(
        "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"
    )
    out["fork bomb"] = f"{bomb.outcome.value} after {bomb.wall_s:.2f} s"
    if result.notes:
        out["notes"] = "; ".join(result.notes)
    return out
