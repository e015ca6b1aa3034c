"""The ``.amxd`` container: chunks of (4-byte tag, little-endian u32 size, data).

An unfrozen device holds three chunks, in this order: ``ampf`` (the device type: ``aaaa`` audio effect,
``mmmm`` MIDI effect, ``iiii`` instrument), ``meta`` (4 bytes, 1 for unfrozen) and ``ptch`` (the
patcher JSON followed by one NUL byte). This is the layout Ableton's maxdevtools reads.
"""

from __future__ import annotations

import json
import struct

from exsampling_osc.devices import DeviceError

DEVICE_TYPES = {"audio_effect": b"aaaa", "midi_effect": b"mmmm", "instrument": b"iiii"}
_TYPE_BY_CODE = {v: k for k, v in DEVICE_TYPES.items()}
UNFROZEN = 1


def _chunk(tag: bytes, data: bytes) -> bytes:
    return tag + struct.pack("<I", len(data)) + data


def pack(patcher: dict, device_type: str) -> bytes:
    """Serialise a patcher dict (``{"patcher": {...}}``) as an unfrozen ``.amxd`` of ``device_type``."""
    if device_type not in DEVICE_TYPES:
        raise DeviceError(f"unknown device type {device_type!r}; use one of {', '.join(DEVICE_TYPES)}")
    if "patcher" not in patcher:
        raise DeviceError("a device needs a top-level 'patcher' object")
    text = json.dumps(patcher, indent=1, ensure_ascii=False).encode("utf-8") + b"\x00"
    return (
        _chunk(b"ampf", DEVICE_TYPES[device_type])
        + _chunk(b"meta", struct.pack("<I", UNFROZEN))
        + _chunk(b"ptch", text)
    )


def chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """Split ``data`` into its (tag, payload) chunks; a truncated chunk raises DeviceError."""
    out, pos = [], 0
    while pos < len(data):
        if pos + 8 > len(data):
            raise DeviceError(f"truncated chunk header at byte {pos}")
        tag = data[pos : pos + 4]
        (size,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        if pos + 8 + size > len(data):
            left = len(data) - pos - 8
            raise DeviceError(f"chunk {tag!r} at byte {pos} claims {size} bytes, only {left} left")
        out.append((tag, data[pos + 8 : pos + 8 + size]))
        pos += 8 + size
    return out


def parse(data: bytes) -> tuple[str, dict]:
    """Read an unfrozen ``.amxd``: returns (device type, patcher dict)."""
    found = dict(chunks(data))
    for tag in (b"ampf", b"ptch"):
        if tag not in found:
            raise DeviceError(f"not a Max for Live device: no {tag.decode()} chunk")
    code = found[b"ampf"]
    if code not in _TYPE_BY_CODE:
        raise DeviceError(f"unknown device type code {code!r}")
    text = found[b"ptch"].rstrip(b"\x00")
    try:
        patcher = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DeviceError(f"the ptch chunk is not patcher JSON (frozen device?): {exc}") from exc
    return _TYPE_BY_CODE[code], patcher
