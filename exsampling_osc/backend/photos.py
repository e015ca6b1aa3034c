"""Photos with sounds: the optional photo of a recording, cleaned (every metadata stripped, resized: see
:func:`exsampling_osc.photos.clean_photo`) before the upload is acknowledged, kept as
``<data>/photos/r000123.jpg`` and announced: ``/exsampling/photo`` to every device (for visual tools), the
event ``photo`` to the console, the plugin hook ``photo_ready``. One part of the service (:class:`Photos`).
"""

from __future__ import annotations

from pathlib import Path

from exsampling_osc.library import Library
from exsampling_osc.library.files import atomic_write
from exsampling_osc.library.retention import set_photo_path
from exsampling_osc.photos import clean_photo

FOLDER = "photos"


def photo_path(data_dir: Path, recording_id: int) -> Path:
    """Where the photo of a recording is kept."""
    return Path(data_dir) / FOLDER / f"r{recording_id:06d}.jpg"


class Photos:
    """Keeps and announces photos; ``events`` hears of each."""

    def __init__(self, library: Library, events) -> None:
        self.library, self.events = library, events

    @staticmethod
    def clean(data: bytes) -> bytes:
        """The photo re-encoded from its pixels only (InvalidRequest, a 400, for anything but a picture)."""
        return clean_photo(data)

    def keep(self, recording_id: int, jpeg: bytes) -> Path:
        """Write a cleaned photo for the recording (atomically), note it in the library and announce it."""
        target = photo_path(self.library.data_dir, recording_id)
        atomic_write(target, lambda tmp: tmp.write_bytes(jpeg))
        set_photo_path(self.library.store, recording_id, str(target))
        path = target.as_posix()
        self.events.send("/exsampling/photo", [recording_id, path])
        self.events.emit("photo", {"recording_id": recording_id, "path": path})
        self.events.hook("photo_ready", recording_id=recording_id, path=path)
        return target
