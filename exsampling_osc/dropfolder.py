"""The drop folder: audio files that appear are ingested once, after they stop growing.

watchdog reports changes; a checker thread waits until a file's size and modification time have stayed
the same for ``settle`` seconds (a large file still being copied keeps changing), then hands it over.
Each file is identified by path, size and mtime, so it is ingested once, also across restarts.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

log = logging.getLogger(__name__)
AUDIO_SUFFIXES = {".wav", ".wave", ".flac", ".ogg", ".oga", ".opus", ".mp3", ".aif", ".aiff", ".aifc",
                  ".caf", ".w64", ".au", ".snd"}


def drop_key(path: Path) -> str:
    st = path.stat()
    return f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}"


class DropFolder(FileSystemEventHandler):
    """Watches ``folder``; ``ingest(path, key)`` is called once per complete audio file.

    ``seen(key)`` tells whether a file was already ingested (the library remembers keys).
    """

    def __init__(self, folder: Path, ingest: Callable[[Path, str], None], seen: Callable[[str], bool],
                 settle: float = 1.0, poll: float = 0.25):
        self.folder = Path(folder)
        self.ingest = ingest
        self.seen = seen
        self.settle = settle
        self.poll = poll
        self._pending: dict[Path, tuple[tuple[int, int], float]] = {}
        self._ignored: set[Path] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._observer = Observer()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._observer.schedule(self, str(self.folder), recursive=False)
        self._observer.start()
        for p in sorted(self.folder.iterdir()):
            self._note(p)
        self._thread = threading.Thread(target=self._check_loop, name="drop-folder", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._observer.stop()
        self._observer.join(2)
        if self._thread:
            self._thread.join(2)

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory:
            return
        path = getattr(event, "dest_path", "") or event.src_path
        self._note(Path(path))

    def _note(self, path: Path) -> None:
        if path.name.startswith(".") or not path.is_file():
            return
        if path.suffix.lower() not in AUDIO_SUFFIXES:
            if path not in self._ignored:
                self._ignored.add(path)
                log.info("drop folder: %s ignored (not an audio file)", path.name)
            return
        with self._lock:
            if path not in self._pending:
                self._pending[path] = ((-1, -1), time.monotonic())

    def _check_loop(self) -> None:
        while not self._stop.wait(self.poll):
            with self._lock:
                items = list(self._pending.items())
            for path, (sig, since) in items:
                try:
                    st = path.stat()
                except FileNotFoundError:
                    with self._lock:
                        self._pending.pop(path, None)
                    continue
                now_sig = (st.st_size, st.st_mtime_ns)
                if now_sig != sig or st.st_size == 0:
                    with self._lock:
                        self._pending[path] = (now_sig, time.monotonic())
                    continue
                if time.monotonic() - since < self.settle:
                    continue
                with self._lock:
                    self._pending.pop(path, None)
                key = drop_key(path)
                if self.seen(key):
                    continue
                try:
                    self.ingest(path, key)
                except Exception as exc:  # a bad file must not stop the folder
                    log.warning("drop folder: %s not ingested: %s", path.name, exc)
