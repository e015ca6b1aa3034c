"""The drop folder: each audio file that appears is ingested once, when it is complete.

watchdog reports changes. Where the platform reports a file closed after writing (inotify on Linux) or moved
into the folder, that is the moment it is complete: it is handed over on the next poll (well within 1 s of its
last write), whatever pauses its writer made. Elsewhere, and for files already there at start, a file is
complete when its size and modification time have stayed the same for ``settle`` seconds.

Each file is identified by path, size and mtime, so it is ingested once, also across restarts. A file that
cannot be ingested gets one error and is then left alone until it changes (size, mtime or permissions).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import (
    FileClosedEvent,
    FileClosedNoWriteEvent,
    FileMovedEvent,
    FileOpenedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer

from exsampling_osc.audio_suffixes import AUDIO_SUFFIXES

log = logging.getLogger(__name__)
Signature = tuple[int, int, int]  # size, mtime_ns, ctime_ns


def drop_key(path: Path) -> str:
    st = path.stat()
    return f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}"


def _signature(path: Path) -> Signature:
    st = path.stat()
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns


class DropFolder(FileSystemEventHandler):
    """Watches ``folder``; ``ingest(path, key)`` is called once per complete audio file and returns False (or
    raises) when the file could not be ingested. ``seen(key)`` tells whether a file was already ingested."""

    def __init__(
        self,
        folder: Path,
        ingest: Callable[[Path, str], bool | None],
        seen: Callable[[str], bool],
        settle: float = 1.0,
        poll: float = 0.1,
    ):
        self.folder = Path(folder)
        self.ingest = ingest
        self.seen = seen
        self.settle = settle
        self.poll = poll
        self._pending: dict[Path, tuple[Signature | None, float, bool]] = {}  # signature, since, complete
        self._failed: dict[Path, Signature] = {}
        self._ignored: set[Path] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._observer = Observer()
        self.close_events = type(self._observer).__name__ == "InotifyObserver"
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._observer.schedule(self, str(self.folder), recursive=False)
        self._observer.start()
        for p in sorted(self.folder.iterdir()):
            self._note(p, complete=False, settled=True)
        self._thread = threading.Thread(target=self._check_loop, name="drop-folder", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._observer.stop()
        self._observer.join(2)
        if self._thread:
            self._thread.join(2)

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory or isinstance(event, FileOpenedEvent | FileClosedNoWriteEvent):
            return  # opening and reading (ours included) change nothing
        path = Path(str(getattr(event, "dest_path", "") or event.src_path))
        self._note(path, complete=isinstance(event, FileClosedEvent | FileMovedEvent))

    def _note(self, path: Path, complete: bool, settled: bool = False) -> None:
        if path.name.startswith(".") or not path.is_file():
            return
        if path.suffix.lower() not in AUDIO_SUFFIXES:
            if path not in self._ignored:
                self._ignored.add(path)
                log.info("drop folder: %s ignored (not an audio file)", path.name)
            return
        with self._lock:
            if complete:  # closed after writing, or moved in: ingest on the next poll
                self._pending[path] = (None, 0.0, True)
                return
            sig = self._pending.get(path, (None, 0.0, False))[0]
            # a write opens it again (wait for the next close); without close events, for files found at start
            # and for a changed file that failed before (chmod has no close), a stable size says complete
            stable = settled or not self.close_events or path in self._failed
            self._pending[path] = (sig, time.monotonic(), stable)

    def _check_loop(self) -> None:
        while not self._stop.wait(self.poll):
            with self._lock:
                items = list(self._pending.items())
            for path, entry in items:
                try:
                    self._check(path, *entry)
                except Exception:  # one odd file must not stop the folder
                    log.exception("drop folder: %s", path.name)

    def _check(self, path: Path, sig: Signature | None, since: float, complete: bool) -> None:
        try:
            now_sig = _signature(path)
        except FileNotFoundError:
            with self._lock:
                self._pending.pop(path, None)
            return
        if self._failed.get(path) == now_sig:
            with self._lock:
                self._pending.pop(path, None)
            return
        closed_now = complete and since == 0.0
        if not closed_now:
            if now_sig != sig or now_sig[0] == 0:
                with self._lock:
                    self._pending[path] = (now_sig, time.monotonic(), complete)
                return
            if not complete or time.monotonic() - since < self.settle:
                return
        elif now_sig[0] == 0:
            return
        with self._lock:
            self._pending.pop(path, None)
        key = drop_key(path)
        if self.seen(key):
            return
        try:
            ok = self.ingest(path, key) is not False
        except Exception as exc:
            log.warning("drop folder: %s not ingested: %s", path.name, exc)
            ok = False
        if ok:
            self._failed.pop(path, None)
        else:
            self._failed[path] = now_sig  # one error; tried again only when the file changes
