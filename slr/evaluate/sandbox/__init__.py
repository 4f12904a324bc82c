"""Execute untrusted (model-generated) programs safely: one isolated subprocess per program.

Threat model
------------
The programs are written by a code model: usually harmless, sometimes buggy in ways that hurt
(endless loops, runaway memory, fork loops, ``shutil.rmtree`` of the wrong folder), occasionally
hostile by accident of training data (network calls, killing processes). The sandbox must keep
(1) the slr process alive and in charge, (2) the machine usable, (3) files outside the program's
own folder unchanged, (4) the network unreachable, and (5) no process behind after the run.
It is not a boundary against a determined attacker with a kernel exploit: for that, run the
evaluation inside a VM or a container (gVisor, as OpenAI's Codex paper did).

How (``Isolation.NAMESPACES``, chosen by ``auto`` whenever the kernel allows unprivileged user
namespaces, as stock Debian/Ubuntu/Fedora kernels do):

- own process, never ``exec`` inside slr: ``python -I -S -c <bootstrap>`` started with
  ``start_new_session``; the whole process group is SIGKILLed after every run;
- user + mount + network + PID namespaces (``unshare(2)``): the program is root only inside its
  namespace and holds **no capabilities** (bounding set dropped, ``capset`` to zero,
  ``no_new_privs``);
- file system: every mount re-mounted **read-only**; the work folder is a fresh tmpfs of
  ``disk_mb`` (writes anywhere else fail with EROFS; the tmpfs vanishes with the run);
- network: an empty network namespace (not even loopback is up): connections fail with
  ENETUNREACH, including to servers on this machine;
- processes: a PID namespace whose init (our supervisor) counts processes every 4 ms and kills
  them all past ``max_processes``; RLIMIT_NPROC as well (binds when slr is not root). When init
  exits the kernel kills every process of the namespace, so nothing can outlive the run, not even
  a ``setsid`` daemon; the program cannot see or signal any process outside (killing "the
  parent" hits nothing);
- resources: RLIMIT_CPU (``ceil(timeout)+1`` s), RLIMIT_AS (``memory_mb``), RLIMIT_FSIZE
  (``max_file_mb``; also caps stdout/stderr, which go to files), RLIMIT_NOFILE 256, no core
  dumps, ``nice 10``; plus a wall-clock timeout enforced by slr;
- slr dying: the supervisor watches a pipe held by slr and kills the namespace on EOF.

Fallback ``Isolation.RLIMITS`` (no user namespaces, e.g. inside a default Docker seccomp
profile): the same resource limits and process-group kill; root drops to ``nobody`` (so
RLIMIT_NPROC binds and root's files are read-only to it; the interpreter must then be readable by
nobody); sockets are blocked by replacing Python's socket constructors (best effort: a program
can bypass it through ``_socket`` or ``ctypes``); files the running user may write stay writable;
a ``setsid`` daemon can survive. Every result says which isolation was active
(``ExecutionResult.isolation``); ``slr evaluate sandbox-check`` shows it for this machine.

Known limits: total memory is bounded only by ``max_processes x memory_mb`` (no cgroup);
reading files is not restricted (read-only does not mean invisible; when slr runs as root the
program can read what root can); the program's interpreter is slr's own (``sys.executable``)
unless ``python=`` is given.
"""

from slr.evaluate.sandbox.runner import (
    ExecutionResult,
    Isolation,
    Outcome,
    Sandbox,
    SandboxLimits,
)

__all__ = ["ExecutionResult", "Isolation", "Outcome", "Sandbox", "SandboxLimits"]
