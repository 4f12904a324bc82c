"""Sandbox bootstrap: runs as ``python -I -S -c <this source>`` in the child, never imported.

Stdlib only. Reads its configuration (JSON) from stdin, then:

namespaces mode (``unshare(2)`` through ctypes, no privilege needed where the kernel allows
unprivileged user namespaces):
  A  this process: new user, mount, network and PID namespaces; every mount re-mounted read-only;
     a size-limited tmpfs over the work folder, the program's files written into it; forks B and
     waits for it; a watchdog thread kills B when the slr process dies (EOF on a pipe) or the
     wall-clock limit passes.
  B  PID 1 of the new PID namespace: a fresh /proc; forks C, reaps every orphan, exits with C's
     status. When B exits the kernel kills every process left in the namespace.
  C  resource limits, no-new-privileges, all capabilities dropped; runs the Python program in
     its own (forked) interpreter like ``python -I -B program.py``, or execs a command.

rlimits mode (no namespaces here): resource limits, parent-death signal, root drops to nobody,
sockets blocked inside the Python program by replacing the socket constructors (best effort,
bypassable), then the program runs.

A writes one JSON status line to the status fd before it forks (isolation reached, or the setup
error). Exit status: the program's own, 128 + signal when a signal ended it, 125 when set-up failed.
"""

import contextlib
import ctypes
import json
import os
import resource
import select
import signal
import sys
import time

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_NOATIME = 1024
MS_NODIRATIME = 2048
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
MS_RELATIME = 1 << 21
PR_SET_PDEATHSIG = 1
PR_CAPBSET_DROP = 24
PR_SET_NO_NEW_PRIVS = 38
SETUP_FAILED = 125
NOBODY = 65534

_libc = ctypes.CDLL(None, use_errno=True)
_libc.mount.argtypes = [
    ctypes.c_char_p,
    ctypes.c_char_p,
    ctypes.c_char_p,
    ctypes.c_ulong,
    ctypes.c_char_p,
]
_libc.prctl.argtypes = [
    ctypes.c_int,
    ctypes.c_ulong,
    ctypes.c_ulong,
    ctypes.c_ulong,
    ctypes.c_ulong,
]


def _check(ret, what):
    if ret != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(source, target, fstype, flags, data=None):
    enc = lambda s: None if s is None else os.fsencode(s)  # noqa: E731
    _check(_libc.mount(enc(source), enc(target), enc(fstype), flags, enc(data)), f"mount {target}")


def _prctl(option, arg=0):
    _check(_libc.prctl(option, arg, 0, 0, 0), f"prctl {option}")


def _write(path, text):
    with open(path, "w") as fh:
        fh.write(text)


def _mount_points():
    points = []
    with open("/proc/self/mountinfo") as fh:
        for line in fh:
            field = line.split()[4]
            points.append(field.encode().decode("unicode_escape"))
    return points


_ATIME = (
    (os.ST_NOSUID, MS_NOSUID),
    (os.ST_NODEV, MS_NODEV),
    (os.ST_NOEXEC, MS_NOEXEC),
    (os.ST_NOATIME, MS_NOATIME),
    (os.ST_NODIRATIME, MS_NODIRATIME),
    (os.ST_RELATIME, MS_RELATIME),
)


def _remount_read_only(skip):
    """Bind-remount every visible mount read-only, keeping its locked flags. '/' must succeed."""
    failed = []
    for point in _mount_points():
        if point in skip:
            continue
        try:
            st = os.statvfs(point)
            flags = MS_REMOUNT | MS_BIND | MS_RDONLY
            for st_flag, ms_flag in _ATIME:
                if st.f_flag & st_flag:
                    flags |= ms_flag
            _mount(None, point, None, flags)
        except OSError as err:
            if point == "/":
                raise
            failed.append(f"{point}: {err}")
    return failed


def _map_ids(uid, gid):
    """Map our own uid/gid to root inside the new user namespace."""
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"0 {uid} 1")
    _write("/proc/self/gid_map", f"0 {gid} 1")


def _drop_to_nobody():
    """Fallback for root without namespaces: become nobody so RLIMIT_NPROC binds and root-owned
    files cannot be written."""
    os.setgroups([])
    os.setresgid(NOBODY, NOBODY, NOBODY)
    os.setresuid(NOBODY, NOBODY, NOBODY)


def _write_files(workdir, files):
    for rel, text in files.items():
        path = os.path.join(workdir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)


def _set_limits(cfg, nproc):
    cpu = int(cfg["cpu_s"])
    mem = int(cfg["memory_mb"]) * 1024 * 1024
    fsize = int(cfg["max_file_mb"]) * 1024 * 1024
    for res, value in (
        (resource.RLIMIT_CPU, (cpu, cpu + 1)),
        (resource.RLIMIT_AS, (mem, mem)),
        (resource.RLIMIT_FSIZE, (fsize, fsize)),
        (resource.RLIMIT_NOFILE, (256, 256)),
        (resource.RLIMIT_CORE, (0, 0)),
        (resource.RLIMIT_NPROC, (nproc, nproc)),
    ):
        resource.setrlimit(res, value)
    os.nice(10)


def _drop_capabilities():
    for cap in range(64):
        if _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            break  # EINVAL past the last capability this kernel knows

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [
            ("effective", ctypes.c_uint32),
            ("permitted", ctypes.c_uint32),
            ("inheritable", ctypes.c_uint32),
        ]

    header = Header(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3
    data = (Data * 2)()
    _check(_libc.capset(ctypes.byref(header), ctypes.byref(data)), "capset")


def _user_process_count(uid):
    count = 0
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/status") as fh:
                    for line in fh:
                        if line.startswith("Uid:"):
                            count += int(line.split()[1]) == uid
                            break
            except OSError:
                pass
    return count


def _block_sockets():
    """Fallback only: make Python's socket constructors refuse (bypassable via _socket/ctypes)."""
    import socket

    def refuse(*args, **kwargs):
        raise OSError(101, "network disabled by the slr sandbox")

    for name in (
        "socket",
        "create_connection",
        "create_server",
        "socketpair",
        "fromfd",
        "getaddrinfo",
    ):
        setattr(socket, name, refuse)


def _run_python(cfg, workdir, blocker):
    """Run the program in this (fresh, forked) interpreter as ``python -I -B program.py`` would,
    without paying for a second interpreter start-up."""
    os.chdir(workdir)
    os.closerange(3, 4096)
    os.environ.clear()
    os.environ.update(cfg["env"])
    import site

    site.main()  # the interpreter's site-packages (venv included), no user site (-I)
    sys.dont_write_bytecode = True
    if blocker:
        _block_sockets()
    program = os.path.join(workdir, cfg["python_program"])
    sys.argv = [program]
    code = 0
    try:
        import runpy

        runpy.run_path(program, run_name="__main__")
    except SystemExit as exc:
        if exc.code is None:
            code = 0
        elif isinstance(exc.code, int):
            code = exc.code & 0xFF
        else:
            print(exc.code, file=sys.stderr)
            code = 1
    except BaseException:  # noqa: BLE001 - report like the interpreter does
        import traceback

        traceback.print_exc()
        code = 1
    import atexit

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            code = code or 120
    os._exit(code)


def _start_program(cfg, workdir, blocker):
    if cfg.get("python_program"):
        _run_python(cfg, workdir, blocker)
    os.chdir(workdir)
    os.closerange(3, 4096)
    os.execve(cfg["argv"][0], list(cfg["argv"]), cfg["env"])


def _process_count():
    return sum(1 for name in os.listdir("/proc") if name.isdigit())


def _supervise(child, max_processes, watch_fd):
    """PID 1: reap everything; return the program's exit code. Counts the namespace's processes
    every few milliseconds and kills them all past the limit (RLIMIT_NPROC does not bind root,
    and counts per user, so this guard holds whoever runs slr)."""
    wake_r = _wake_pipe()
    own_proc = os.path.exists("/proc/1") and os.readlink("/proc/self") == "1"
    while True:
        ready = select.select([wake_r, watch_fd], [], [], 0.004)[0]
        _drain(wake_r)
        if watch_fd in ready:  # the slr process is gone: end everything
            os.kill(-1, signal.SIGKILL)
            return 128 + signal.SIGKILL
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return SETUP_FAILED
            if pid == 0:
                break
            if pid == child:
                return _exit_code(status)
        if own_proc and _process_count() > max_processes + 1:
            os.kill(-1, signal.SIGKILL)  # from PID 1: every other process of the namespace
            os.write(
                2, f"slr sandbox: process limit {max_processes} exceeded; all killed\n".encode()
            )
            return 128 + signal.SIGKILL


def _wake_pipe():
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    os.set_blocking(wake_r, False)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.set_wakeup_fd(wake_w)
    return wake_r


def _drain(fd):
    with contextlib.suppress(BlockingIOError):
        os.read(fd, 4096)


def _wait_for_init(init, watch_fd, wall_s):
    wake_r = _wake_pipe()
    deadline = time.monotonic() + wall_s
    while True:
        pid, status = os.waitpid(init, os.WNOHANG)
        if pid == init:
            return _exit_code(status)
        remaining = deadline - time.monotonic()
        ready = (
            select.select([wake_r, watch_fd], [], [], max(0.0, remaining))[0]
            if remaining > 0
            else []
        )
        _drain(wake_r)
        if watch_fd in ready or remaining <= 0:
            with contextlib.suppress(OSError):
                os.kill(init, signal.SIGKILL)
            _, status = os.waitpid(init, 0)
            return _exit_code(status)


def _exit_code(status):
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


def _status(fd, **info):
    os.write(fd, (json.dumps(info) + "\n").encode())
    os.close(fd)


def main():
    cfg = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    status_fd = int(cfg["status_fd"])
    watch_fd = int(cfg["watch_fd"])
    workdir = cfg["workdir"]
    uid, gid = os.getuid(), os.getgid()
    mode = cfg["isolation"]
    notes = []
    isolation = "rlimits"
    if mode in ("auto", "namespaces"):
        entered = False
        try:
            _check(
                _libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID), "unshare"
            )
            entered = True
            _map_ids(uid, gid)
            _mount(None, "/", None, MS_REC | MS_PRIVATE)
            notes += _remount_read_only(skip={workdir})
            _mount(
                "tmpfs",
                workdir,
                "tmpfs",
                MS_NOSUID | MS_NODEV,
                f"size={int(cfg['disk_mb'])}m,mode=0777",
            )
            isolation = "namespaces"
        except OSError as err:
            if mode == "namespaces" or entered:
                # refused outright, or half set up (e.g. an LSM allows unshare but not the
                # mounts): never run a program in a state that is neither one nor the other
                what = (
                    "set-up failed inside the namespaces" if entered else "namespaces unavailable"
                )
                fix = "; run with isolation='rlimits' to use the weaker fallback" if entered else ""
                _status(status_fd, isolation="none", error=f"{what}: {err}{fix}")
                os._exit(SETUP_FAILED)
            notes.append(f"namespaces unavailable ({err}); resource limits only")
    try:
        _write_files(workdir, cfg["files"])
    except OSError as err:
        _status(status_fd, isolation=isolation, error=f"cannot write program files: {err}")
        os._exit(SETUP_FAILED)
    _status(status_fd, isolation=isolation, notes=notes)

    if isolation == "rlimits":
        try:
            _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
            if uid == 0:
                _drop_to_nobody()
                uid = NOBODY
            nproc = int(cfg["max_processes"]) + _user_process_count(uid)
            _set_limits(cfg, nproc)
            _start_program(cfg, workdir, blocker=True)
        except OSError as err:
            os.write(2, f"slr sandbox: cannot start the program: {err}\n".encode())
            os._exit(SETUP_FAILED)

    init = os.fork()
    if init == 0:  # B: PID 1 of the new namespace
        try:
            _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # A gone -> the whole namespace goes
            # a fresh /proc for the new PID namespace; if refused, the host's stays visible
            # (read-only), and its pids still cannot be signalled from inside
            with contextlib.suppress(OSError):
                _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
            child = os.fork()
            if child == 0:  # C: the program
                try:
                    _set_limits(cfg, int(cfg["max_processes"]) + 3)
                    _prctl(PR_SET_NO_NEW_PRIVS, 1)
                    _drop_capabilities()
                    _start_program(cfg, workdir, blocker=False)
                except OSError as err:
                    os.write(2, f"slr sandbox: cannot start the program: {err}\n".encode())
                os._exit(SETUP_FAILED)
            os._exit(_supervise(child, int(cfg["max_processes"]), watch_fd))
        except BaseException as err:  # noqa: BLE001
            os.write(2, f"slr sandbox: init failed: {err}\n".encode())
            os._exit(SETUP_FAILED)

    # A: wait for B; kill it if the slr process goes away (EOF on the watch pipe) or the wall
    # clock runs out. No thread here: after unshare(CLONE_NEWPID) this process cannot start one.
    os._exit(_wait_for_init(init, watch_fd, float(cfg["wall_s"])))


main()
