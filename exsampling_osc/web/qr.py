"""The participant URL as a QR code: printed in the terminal and written as a PNG (served at /qr.png)."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import TextIO

from exsampling_osc.library.files import atomic_write


def write_png(url: str, path: Path, box: int = 10) -> Path:
    """Write the QR code of ``url`` to ``path`` (atomically)."""
    import qrcode

    qr = qrcode.QRCode(box_size=box, border=4, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(url)
    qr.make(fit=True)
    buf = io.BytesIO()
    qr.make_image().save(buf, format="PNG")
    return atomic_write(Path(path), lambda tmp: tmp.write_bytes(buf.getvalue()))


def print_terminal(url: str, out: TextIO | None = None) -> None:
    """Print the QR code with block characters, then the URL."""
    import qrcode

    out = out or sys.stderr
    qr = qrcode.QRCode(border=2)
    qr.add_data(url)
    qr.make(fit=True)
    try:
        qr.print_ascii(out=out, invert=True)
    except UnicodeEncodeError:
        pass
    print(f"participants: {url}", file=out)
