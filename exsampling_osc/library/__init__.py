"""The sample library: audio files under a data folder and their SQLite index (``library.sqlite3``).

Layout: ``recordings/`` holds each received file as it came, ``samples/`` the trimmed WAV pieces.
Files are written atomically (temporary file + rename) and a recording's row is committed only after its
file is on disk, so anything acknowledged survives a crash.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import uuid
from collections.abc import Callable
from pathlib import Path

from exsampling_osc.errors import StorageFull
from exsampling_osc.library.files import copy_durable, remove_temporaries, write_wav
from exsampling_osc.library.retention import add_participant_columns
from exsampling_osc.library.store import Store
from exsampling_osc.units import size_text

__all__ = ["Library", "Store", "default_data_dir", "free_bytes"]

#: Space always left free on the library's disk (the index, the analysis' pieces, the system's own needs).
RESERVE_BYTES = 64 * 1024 * 1024


def free_bytes(path: Path) -> int:
    """Free bytes on the disk holding ``path``."""
    return shutil.disk_usage(path).free


def default_data_dir() -> Path:
    """The per-user library folder (XDG on Linux, Application Support on macOS, %APPDATA% on Windows)."""
    import sys

    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "ExSampling OSC"
    if os.name == "nt":
        return Path(os.environ.get("APPDATA", Path.home())) / "ExSampling OSC"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "exsampling-osc"


class Library:
    """Files plus index under ``data_dir``."""

    def __init__(self, data_dir: Path, free_space: Callable[[Path], int] = free_bytes):
        self.data_dir = Path(data_dir)
        self.free_space = free_space  # replaceable (tests simulate a full disk)
        self.recordings_dir = self.data_dir / "recordings"
        self.samples_dir = self.data_dir / "samples"
        for d in (self.recordings_dir, self.samples_dir):
            d.mkdir(parents=True, exist_ok=True)
        self.store = Store(self.data_dir / "library.sqlite3")
        add_participant_columns(self.store)
        self.cleanup()

    def cleanup(self) -> None:
        """Remove what an interrupted write left: temporaries and received files that have no row."""
        remove_temporaries(self.recordings_dir)
        remove_temporaries(self.samples_dir)
        known = {Path(r["path"]).name for r in self.store.recordings()}
        for p in self.recordings_dir.iterdir():
            if p.is_file() and p.name not in known:
                p.unlink(missing_ok=True)

    def check_space(self, incoming: int) -> None:
        """Raise :class:`StorageFull` unless ``incoming`` bytes can be kept twice (the upload's temporary
        file and its copy in the library, or a recording and its samples) with :data:`RESERVE_BYTES` to spare.
        The one free-space rule: uploads check it before they are acknowledged, analyses before they run."""
        free = self.free_space(self.data_dir)
        needed = 2 * max(0, int(incoming)) + RESERVE_BYTES
        if free < needed:
            raise StorageFull(
                f"the performer's computer is out of disk space ({size_text(free)} free, "
                f"{size_text(needed)} needed); try again later"
            )

    def keep_recording(self, src: Path, original_name: str, client_id: str | None = None, **fields) -> int:
        """Copy ``src`` into the library durably, then commit its row; returns the recording id.

        ``client_id`` is the upload's own id: when a recording with it is stored already (a retry), its id
        is returned and nothing is copied.
        """
        if client_id is not None:
            known = self.store.recording_by_client_id(client_id)
            if known is not None:
                return known
        suffix = Path(original_name).suffix.lower()
        suffix = suffix if re.fullmatch(r"\.[a-z0-9]{1,5}", suffix) else ".bin"
        target = self.recordings_dir / f"{uuid.uuid4().hex}{suffix}"
        copy_durable(Path(src), target)
        try:
            return self.store.add_recording(
                original_name=original_name, path=str(target), client_id=client_id, **fields
            )
        except sqlite3.IntegrityError:
            target.unlink(missing_ok=True)
            known = self.store.recording_by_client_id(client_id) if client_id is not None else None
            if known is None:
                raise
            return known  # the same upload, retried while the first one was being stored
        except BaseException:
            target.unlink(missing_ok=True)
            raise

    def sample_path(self, recording_id: int, index: int) -> Path:
        return self.samples_dir / f"r{recording_id:06d}-p{index:03d}.wav"

    def write_sample(self, recording_id: int, index: int, audio, sample_rate: int) -> Path:
        return write_wav(self.sample_path(recording_id, index), audio, sample_rate)

    def close(self) -> None:
        self.store.close()
