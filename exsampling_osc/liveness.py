"""Is the process that launched us still there? One answer for macOS, Linux and Windows.

``os.kill(pid, 0)`` is no probe on Windows: signal 0 there is ``CTRL_C_EVENT``, which interrupts the
process group (a backend launched by the hub would interrupt itself within a second and be restarted forever).
So the rule is:

* POSIX (macOS, Linux): the parent is alive while ``os.getppid()`` still names it (a dead parent re-parents
  us to init or a subreaper, and a reused PID can never be our parent again);
* Windows: no re-parenting, so ask psutil whether the PID exists **and** is older than we are (a PID reused
  by a newer process is not our parent).

Both branches run through :func:`parent_alive`; tests drive the Windows one with a stand-in ``psutil``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import psutil


def parent_alive(
    pid: int,
    *,
    system: str | None = None,
    getppid: Callable[[], int] = os.getppid,
    ps: Any = psutil,
    me: int | None = None,
) -> bool:
    """True while ``pid``, the process that started us, is still running.

    Parameters
    ----------
    pid : the parent's process id, read at start (``os.getppid()``).
    system : ``"nt"`` or ``"posix"``; default ``os.name``.
    getppid, ps, me : the probes (for tests): the current parent id, a psutil-like module, our own pid.

    Examples
    --------
    >>> parent_alive(os.getppid())
    True
    """
    if (system or os.name) != "nt":
        return getppid() == pid
    try:
        if not ps.pid_exists(pid):
            return False
        parent = ps.Process(pid)
        return parent.create_time() <= ps.Process(me if me is not None else os.getpid()).create_time()
    except (ps.NoSuchProcess, ps.AccessDenied):
        # AccessDenied: the PID exists but belongs to someone else, so it is not our launching device
        return False
