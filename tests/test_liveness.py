"""Parent liveness: real on this machine, and the Windows branch through the same function."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import psutil
import pytest

from exsampling_osc.liveness import parent_alive


def test_posix_parent_alive_then_gone(tmp_path):
    # a child that reports its parent's liveness every 0.1 s; we kill the middle process
    code = (
        "import os, sys, time\n"
        "from exsampling_osc.liveness import parent_alive\n"
        "ppid = os.getppid()\n"
        "for _ in range(100):\n"
        "    alive = parent_alive(ppid)\n"
        "    print(int(alive), flush=True)\n"
        "    if not alive: break\n"
        "    time.sleep(0.1)\n"
    )
    mid = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import subprocess, sys, time; p = subprocess.Popen([sys.executable, '-c', {code!r}]); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )
    assert mid.stdout is not None
    assert mid.stdout.readline().strip() == "1"
    mid.kill()
    mid.wait()
    # the grandchild keeps printing to the pipe after re-parenting
    lines = mid.stdout.read().split()  # the grandchild prints until it sees the parent gone, then exits
    assert lines and lines[-1] == "0" and len(lines) < 20


class FakeProcess:
    def __init__(self, ps, pid):
        if pid not in ps.table:
            raise ps.NoSuchProcess(pid)
        self.t = ps.table[pid]

    def create_time(self):
        return self.t


class FakePsutil:
    NoSuchProcess = psutil.NoSuchProcess
    AccessDenied = psutil.AccessDenied

    def __init__(self, table):
        self.table = table

    def pid_exists(self, pid):
        return pid in self.table

    def Process(self, pid):  # noqa: N802 - psutil's name
        return FakeProcess(self, pid)


def test_windows_branch_never_signals_and_sees_exit_and_pid_reuse(monkeypatch):
    def no_kill(*a):
        raise AssertionError("os.kill must not be used as a probe")

    monkeypatch.setattr(os, "kill", no_kill)
    now = time.time()
    ps = FakePsutil({10: now - 60, 20: now - 30})
    assert parent_alive(10, system="nt", ps=ps, me=20)
    ps.table.pop(10)
    assert not parent_alive(10, system="nt", ps=ps, me=20)
    ps.table[10] = now  # PID 10 reused by a process newer than us: not our parent
    assert not parent_alive(10, system="nt", ps=ps, me=20)


def test_windows_branch_with_real_psutil_on_this_machine():
    # the same code path, with psutil itself: our real parent is older than us and alive
    assert parent_alive(os.getppid(), system="nt", me=os.getpid())
    assert not parent_alive(2**22 + 12345, system="nt")


@pytest.mark.parametrize("system", ["posix", "nt"])
def test_current_parent_is_alive(system):
    assert parent_alive(os.getppid(), system=system)
