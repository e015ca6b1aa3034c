"""librosa's numba kernels compiled once per machine, shared between processes without crashing them.

numba's on-disk cache is not safe when two processes compile at once: a gufunc's two cache files
(``f-….nbc`` and ``guf-f-….nbc``) can come from different processes, with different internal names, and
then every later process that loads them dies with a segmentation fault on its first onset detection
(numba issue #10128, still open in numba 0.68; seen here when ``exsampling train`` and ``exsampling serve``
started together on a cold cache). So no process writes the shared cache directly: each one works in a
private copy, seeded from the shared one under a file lock, and publishes its copy *whole* (replacing the
shared one) when it compiled something new. The shared cache is then always the consistent set of files of
one process. Compiling work done by two processes at once is not merged: the last one to publish wins and
the other's extra kernels compile again later.

Examples
--------
>>> configure_numba_cache()          # before librosa is imported (the CLI does this first)
>>> import librosa                   # kernels load from the private copy, or compile into it
>>> publish_numba_cache()            # after the warm-up; also done at exit
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from filelock import FileLock

from exsampling_osc.resources import user_cache_dir

__all__ = ["configure_numba_cache", "publish_numba_cache", "shared_cache_dir"]

LOCK_TIMEOUT_S = 120.0  # a publish copies a few MB; a lock held longer than this is a stuck process
_state: dict[str, object] = {}


def shared_cache_dir() -> Path:
    """The machine's published cache (``<user cache>/numba-shared``)."""
    return user_cache_dir() / "numba-shared"


def _lock(shared: Path) -> FileLock:
    return FileLock(str(shared.parent / "numba-shared.lock"), timeout=LOCK_TIMEOUT_S)


def _manifest(folder: Path) -> dict[str, tuple[int, int]]:
    """Relative path -> (size, mtime in ns) of every file under ``folder``."""
    out = {}
    for p in folder.rglob("*"):
        if p.is_file():
            st = p.stat()
            out[p.relative_to(folder).as_posix()] = (st.st_size, st.st_mtime_ns)
    return out


def configure_numba_cache() -> None:
    """Point numba's cache (``NUMBA_CACHE_DIR``) at a private copy of the shared cache, before librosa is
    imported; publish it at exit. A ``NUMBA_CACHE_DIR`` already set is left alone (the caller chose), and an
    unwritable cache folder leaves numba's default."""
    if "NUMBA_CACHE_DIR" in os.environ:
        return
    shared = shared_cache_dir()
    try:
        shared.parent.mkdir(parents=True, exist_ok=True)
        _sweep_old(shared.parent)
        private = Path(tempfile.mkdtemp(prefix=f"numba-{os.getpid()}-", dir=shared.parent))
        with _lock(shared):
            if shared.is_dir():
                shutil.copytree(shared, private, dirs_exist_ok=True, copy_function=shutil.copy2)
    except OSError:
        return
    _state.update(private=private, shared=shared, seeded=_manifest(private))
    os.environ["NUMBA_CACHE_DIR"] = str(private)
    atexit.register(_at_exit)


def publish_numba_cache() -> bool:
    """Replace the shared cache by this process's private copy when the copy changed since it was seeded
    (something compiled here). Returns whether it published."""
    private, shared = _state.get("private"), _state.get("shared")
    if not isinstance(private, Path) or not isinstance(shared, Path):
        return False
    now = _manifest(private)
    if now == _state.get("seeded"):
        return False
    staging = Path(tempfile.mkdtemp(prefix="publishing-", dir=shared.parent))
    try:
        shutil.copytree(private, staging, dirs_exist_ok=True, copy_function=shutil.copy2)
        with _lock(shared):
            old = shared.with_name(f"{shared.name}.old-{os.getpid()}")
            if shared.exists():
                os.replace(shared, old)
            os.replace(staging, shared)
            shutil.rmtree(old, ignore_errors=True)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        return False
    _state["seeded"] = now
    return True


def _at_exit() -> None:
    private = _state.get("private")
    try:
        publish_numba_cache()
    except Exception:  # noqa: BLE001 - a cache that cannot be published costs a later compile, nothing else
        pass
    if isinstance(private, Path):
        shutil.rmtree(private, ignore_errors=True)


def _sweep_old(root: Path) -> None:
    """Remove what earlier processes left: private copies and ``.old`` folders of processes that no longer
    run, stale half-published folders, and the cache folder of earlier versions (written in place, it may
    hold a mismatched pair)."""
    import time

    def gone(pid: str) -> bool:
        import psutil  # only when a leftover is there to judge: every command starts here

        return pid.isdigit() and not psutil.pid_exists(int(pid))

    shutil.rmtree(root / "numba", ignore_errors=True)
    for p in root.iterdir():
        if p.name.startswith("numba-shared.old-"):
            stale = gone(p.name.rsplit("-", 1)[-1])
        elif p.name.startswith("numba-") and p.name != "numba-shared" and not p.name.endswith(".lock"):
            stale = gone(p.name.split("-")[1])
        elif p.name.startswith("publishing-"):
            stale = time.time() - p.stat().st_mtime > 600
        else:
            continue
        if stale:
            shutil.rmtree(p, ignore_errors=True)
