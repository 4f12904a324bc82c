"""The sandbox holds against the hazards of issue 5 item 3 (real subprocesses, short limits).

Tests that need the namespace isolation skip with a reason where the kernel refuses it; the
fallback (resource limits only) has its own test of what it does promise.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import uuid
from pathlib import Path

import pytest

from slr.evaluate.errors import SandboxError
from slr.evaluate.sandbox import Isolation, Outcome, Sandbox, SandboxLimits

LIMITS = SandboxLimits(timeout_s=1.0, memory_mb=256, max_processes=8, max_file_mb=2, disk_mb=8)


# Sandbox folders of this test module go under their own root, so the leftover check below
# cannot confuse them with another test run's on the same machine.
ROOT = Path(tempfile.mkdtemp(prefix="slr-sandbox-tests-"))
ROOT.chmod(0o711)


@pytest.fixture(scope="module", autouse=True)
def _remove_root():
    yield
    shutil.rmtree(ROOT, ignore_errors=True)  # a killed slr cannot remove its own run folder


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return Sandbox(LIMITS, temp_root=ROOT)


@pytest.fixture(scope="module")
def namespaces(sandbox: Sandbox) -> bool:
    return sandbox.run_python("pass").isolation == "namespaces"


def _needs_namespaces(namespaces: bool) -> None:
    if not namespaces:
        pytest.skip("user namespaces unavailable here: the sandbox runs in its rlimits fallback")


def _leftovers(marker: str | None = None) -> list[int]:
    """Host processes still running from a sandbox: cwd in a sandbox folder, or the marker."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            cwd = os.readlink(f"/proc/{pid}/cwd")
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if cwd.startswith(str(ROOT)) or (marker and marker in cmd):
            found.append(int(pid))
    return found


def _assert_no_leftovers(marker: str | None = None) -> None:
    deadline = time.monotonic() + 2.0
    while _leftovers(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _leftovers(marker) == []


def test_runs_a_program_and_captures_its_output(sandbox):
    ok = sandbox.run_python("import sys\nprint('out')\nprint('err', file=sys.stderr)\n")
    assert ok.outcome is Outcome.PASSED and ok.stdout == "out\n" and "err" in ok.stderr
    failed = sandbox.run_python("raise SystemExit(3)")
    assert failed.outcome is Outcome.FAILED and failed.returncode == 3
    crash = sandbox.run_python("import sys\nsys.stdout.write('partial')\nraise ValueError('boom')")
    # like the interpreter: traceback on stderr, exit status 1, buffered output still flushed
    assert (
        crash.returncode == 1 and "ValueError: boom" in crash.stderr and crash.stdout == "partial"
    )
    data = sandbox.run_python("print(open('data.txt').read())", files={"data.txt": "given"})
    assert data.stdout == "given\n"
    with pytest.raises(SandboxError, match="relative and stay inside"):
        sandbox.run_python("pass", files={"../escape.txt": "x"})


@pytest.mark.parametrize("program", ["while True:\n    pass\n", "import time\ntime.sleep(60)\n"])
def test_infinite_loop_and_sleep_time_out(sandbox, program):
    result = sandbox.run_python(program)
    assert result.outcome is Outcome.TIMEOUT
    assert result.wall_s < LIMITS.timeout_s + 1.5
    _assert_no_leftovers()


def test_fork_bomb_is_contained_and_cleaned_up(sandbox):
    bomb = textwrap.dedent(
        """
        import os
        while True:
            try:
                os.fork()
            except OSError:
                pass
        """
    )
    start = time.monotonic()
    result = sandbox.run_python(bomb)
    assert result.outcome in (Outcome.KILLED, Outcome.TIMEOUT)
    assert time.monotonic() - start < LIMITS.timeout_s + 2.0
    _assert_no_leftovers()


def test_daemon_that_escapes_the_session_does_not_survive(sandbox, namespaces):
    _needs_namespaces(namespaces)
    marker = f"slr-daemon-{uuid.uuid4().hex}"
    program = textwrap.dedent(
        f"""
        import os, sys
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(30)", "{marker}"])
            os._exit(0)
        print("parent done")
        """
    )
    result = sandbox.run_python(program)
    assert result.outcome is Outcome.PASSED
    _assert_no_leftovers(marker)


@pytest.mark.parametrize(
    "program",
    [
        "x = bytearray(8 * 1024 ** 3)\n",
        "chunks = []\nwhile True:\n    chunks.append(bytearray(10 ** 7))\n",
        "x = [0] * (10 ** 10)\n",
    ],
)
def test_huge_allocations_hit_the_memory_limit(sandbox, program):
    result = sandbox.run_python(program)
    assert result.outcome is Outcome.MEMORY, result.stderr[-500:]
    assert result.wall_s < LIMITS.timeout_s + 1.0


def test_output_flood_is_capped(sandbox):
    result = sandbox.run_python("while True:\n    print('x' * 1000)\n")
    assert result.outcome is Outcome.OUTPUT_LIMIT
    assert len(result.stdout) <= LIMITS.max_output_bytes


def test_files_outside_its_folder_cannot_be_written_or_deleted(sandbox, namespaces, tmp_path):
    _needs_namespaces(namespaces)
    victim_dir = tmp_path / "victim"
    victim_dir.mkdir()
    victim_dir.chmod(0o777)  # even a world-writable folder must stay untouched
    canary = victim_dir / "canary.txt"
    canary.write_text("original")
    canary.chmod(0o666)
    repo_file = Path.cwd() / f"slr-sandbox-probe-{uuid.uuid4().hex}.txt"
    program = textwrap.dedent(
        f"""
        import os, shutil
        attempts = {{
            "write new file": lambda: open({str(victim_dir / "new.txt")!r}, "w").write("x"),
            "append canary": lambda: open({str(canary)!r}, "a").write("x"),
            "delete canary": lambda: os.remove({str(canary)!r}),
            "rmtree folder": lambda: shutil.rmtree({str(victim_dir)!r}),
            "write repo": lambda: open({str(repo_file)!r}, "w").write("x"),
            "write /tmp": lambda: open("/tmp/slr-sandbox-escape.txt", "w").write("x"),
            "chmod canary": lambda: os.chmod({str(canary)!r}, 0o600),
        }}
        for name, attempt in attempts.items():
            try:
                attempt()
                print("DONE", name)
            except OSError as err:
                print("DENIED", name, err.errno)
        open("inside.txt", "w").write("allowed")
        print("INSIDE", open("inside.txt").read())
        """
    )
    result = sandbox.run_python(program)
    assert result.outcome is Outcome.PASSED, result.stderr[-800:]
    assert "DONE" not in result.stdout, result.stdout
    assert result.stdout.count("DENIED") == 7
    assert "INSIDE allowed" in result.stdout
    assert canary.read_text() == "original" and oct(canary.stat().st_mode & 0o777) == "0o666"
    assert sorted(p.name for p in victim_dir.iterdir()) == ["canary.txt"]
    assert not repo_file.exists() and not Path("/tmp/slr-sandbox-escape.txt").exists()


def test_network_connections_fail_even_to_this_machine(sandbox):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.2)
    port = server.getsockname()[1]
    accepted: list[object] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
                accepted.append(conn)
            except OSError:
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        program = textwrap.dedent(
            f"""
            import socket
            try:
                socket.create_connection(("127.0.0.1", {port}), timeout=0.5)
                print("CONNECTED")
            except OSError as err:
                print("REFUSED", err)
            """
        )
        result = sandbox.run_python(program)
    finally:
        stop.set()
        thread.join()
        server.close()
    assert "REFUSED" in result.stdout and "CONNECTED" not in result.stdout
    assert accepted == []


_PARENT_SCRIPT = textwrap.dedent(
    """
    import os, sys
    from slr.evaluate.sandbox import Sandbox, SandboxLimits
    program = sys.argv[1].replace("PARENT_PID", str(os.getpid()))
    result = Sandbox(SandboxLimits(timeout_s=1.0), temp_root=sys.argv[2]).run_python(program)
    print("ALIVE", result.outcome.value, result.isolation, flush=True)
    """
)


def test_killing_the_parent_fails(namespaces):
    attacks = [
        "os.kill(PARENT_PID, signal.SIGKILL)",
        "os.kill(os.getppid(), signal.SIGKILL)",
        "os.killpg(os.getpgid(PARENT_PID), signal.SIGKILL)",
    ]
    if namespaces:  # outside a PID namespace kill(-1) would hit every process of the user
        attacks.append("os.kill(-1, signal.SIGKILL)")
    program = "import os, signal\n" + "".join(
        f"try:\n    {a}\nexcept OSError as e:\n    print('denied', e)\n" for a in attacks
    )
    proc = subprocess.run(
        [sys.executable, "-c", _PARENT_SCRIPT, program, str(ROOT)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 0, proc.stderr[-800:]
    assert proc.stdout.startswith("ALIVE")
    _assert_no_leftovers()


def test_killing_slr_mid_run_leaves_no_process_behind(namespaces, tmp_path):
    _needs_namespaces(namespaces)
    marker = f"slr-orphan-{uuid.uuid4().hex}"
    program = f"import time\ntime.sleep(30)  # {marker}\n"
    script = textwrap.dedent(
        f"""
        import sys
        from slr.evaluate.sandbox import Sandbox, SandboxLimits
        Sandbox(SandboxLimits(timeout_s=20), temp_root={str(ROOT)!r}).run_python({program!r})
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 5
        while not _leftovers() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _leftovers(), "the sandboxed program never started"
        proc.send_signal(signal.SIGKILL)  # slr dies without any clean-up of its own
        proc.wait()
        _assert_no_leftovers()
    finally:
        if proc.poll() is None:
            proc.kill()


def test_program_holds_no_capabilities_and_sees_only_its_processes(sandbox, namespaces):
    _needs_namespaces(namespaces)
    program = textwrap.dedent(
        """
        import os
        status = open("/proc/self/status").read()
        print(status.split("CapEff:")[1].split()[0])
        print(sorted(int(p) for p in os.listdir("/proc") if p.isdigit()))
        """
    )
    result = sandbox.run_python(program)
    cap_eff, pids = result.stdout.splitlines()
    assert int(cap_eff, 16) == 0
    assert pids == "[1, 2]"  # our init and the program itself


def test_map_python_keeps_input_order(sandbox):
    seen: list[int] = []
    results = sandbox.map_python(
        [f"print({i})" for i in range(6)], workers=2, on_result=lambda i, _: seen.append(i)
    )
    assert [r.stdout.strip() for r in results] == [str(i) for i in range(6)]
    assert sorted(seen) == list(range(6))


def test_rlimits_fallback_blocks_sockets_and_contains_forks():
    python = sys.executable
    if os.geteuid() == 0:
        # the fallback runs programs as nobody, who needs an interpreter it can read
        python = "/usr/bin/python3"
        if not os.access(python, os.X_OK):
            pytest.skip("no interpreter readable by nobody for the root fallback")
    box = Sandbox(LIMITS, isolation=Isolation.RLIMITS, python=python, temp_root=ROOT)
    probe = box.run_python(
        "import os, socket\nprint(os.getuid())\n"
        "try:\n    socket.socket()\n    print('SOCKET')\nexcept OSError:\n    print('BLOCKED')\n"
    )
    assert probe.isolation == "rlimits"
    uid, net = probe.stdout.split()
    assert net == "BLOCKED"
    if os.geteuid() == 0:
        assert uid == "65534"
    bomb = box.run_python(
        "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"
    )
    assert bomb.outcome in (Outcome.TIMEOUT, Outcome.KILLED)
    _assert_no_leftovers()


def test_limits_are_validated():
    with pytest.raises(SandboxError, match="timeout_s must be positive"):
        SandboxLimits(timeout_s=0)
