"""Structural checks of a Max patch, and of its OSC traffic against the protocol declaration.

Max is not available here, so a patch is checked for what Max would otherwise reject or silently ignore:
JSON shape, unique box ids, every line within the inlet/outlet counts of known objects (see
:mod:`exsampling_osc.devices.objects`), the device ``project`` block, and OSC: every address a patch sends
(message boxes) or routes (``route`` boxes fed by ``udpreceive``) is declared with the same number of
arguments, and every to-device address is handled by at least one patch.
"""

from __future__ import annotations

from exsampling_osc.devices.maxpat import AMXDTYPE
from exsampling_osc.devices.objects import signature
from exsampling_osc.osc import protocol


def _boxes(patch: dict) -> dict[str, dict]:
    return {b["box"]["id"]: b["box"] for b in patch["patcher"]["boxes"]}


DEVICE_HEIGHT = 169.0  # the height of every Max for Live device view in Live's device chain


def check_structure(patch: dict, device_type: str | None = None) -> list[str]:
    """Problems with the patch's shape, ids, object signatures and lines (empty when fine)."""
    problems: list[str] = []
    pat = patch.get("patcher") if isinstance(patch, dict) else None
    if not isinstance(pat, dict):
        return ["no top-level 'patcher' object"]
    for key in ("fileversion", "appversion", "rect", "boxes", "lines"):
        if key not in pat:
            problems.append(f"patcher has no {key!r}")
    if problems:
        return problems
    project = pat.get("project")
    if not isinstance(project, dict):
        problems.append("device patcher has no 'project' block (Max reports a project without a name)")
    elif device_type and project.get("amxdtype") != AMXDTYPE[device_type]:
        problems.append(f"project amxdtype {project.get('amxdtype')} does not match {device_type}")
    seen: dict[str, dict] = {}
    for entry in pat["boxes"]:
        box = entry.get("box", {})
        box_id = box.get("id")
        if not box_id or "maxclass" not in box:
            problems.append(f"box without id or maxclass: {box}")
            continue
        if box_id in seen:
            problems.append(f"duplicate box id {box_id}")
        seen[box_id] = box
        sig = signature(box["maxclass"], box.get("text", ""))
        label = f"{box_id} [{box.get('text', box['maxclass'])}]"
        if box.get("presentation"):  # Live shows a device strip DEVICE_HEIGHT high and devicewidth wide
            x, y, w, h = box.get("presentation_rect", [0, 0, 0, 0])
            if x < 0 or y < 0 or x + w > pat.get("devicewidth", 0) or y + h > DEVICE_HEIGHT:
                problems.append(
                    f"{label}: presentation rect {[x, y, w, h]} leaves the "
                    f"{pat.get('devicewidth')}x{DEVICE_HEIGHT} device view"
                )
        if sig is None:
            problems.append(f"{label}: object not in the signature table")
            continue
        if (box.get("numinlets"), box.get("numoutlets")) != sig[:2]:
            problems.append(
                f"{label}: saved {box.get('numinlets')} in/{box.get('numoutlets')} out, Max has {sig[0]}/{sig[1]}"
            )
    for entry in pat["lines"]:
        line = entry.get("patchline", {})
        try:
            (src, out), (dst, inl) = line["source"], line["destination"]
        except (KeyError, TypeError, ValueError):
            problems.append(f"malformed line {line}")
            continue
        if src not in seen or dst not in seen:
            problems.append(f"line {src}:{out} → {dst}:{inl} names a missing box")
            continue
        s_sig = signature(seen[src]["maxclass"], seen[src].get("text", ""))
        d_sig = signature(seen[dst]["maxclass"], seen[dst].get("text", ""))
        if s_sig and not 0 <= out < s_sig[1]:
            problems.append(f"line from {src} [{seen[src].get('text')}] outlet {out}: it has {s_sig[1]}")
        if d_sig and not 0 <= inl < d_sig[0]:
            problems.append(
                f"line to {dst} [{seen[dst].get('text', seen[dst]['maxclass'])}] inlet {inl}: it has {d_sig[0]}"
            )
    return problems


def _downstream(patch: dict) -> dict[tuple[str, int], list[tuple[str, int]]]:
    out: dict[tuple[str, int], list[tuple[str, int]]] = {}
    for entry in patch["patcher"]["lines"]:
        line = entry["patchline"]
        out.setdefault(tuple(line["source"]), []).append(tuple(line["destination"]))
    return out


def _unpack_count(box: dict) -> int | None:
    words = box.get("text", "").split()
    return len(words) - 1 if words and words[0] == "unpack" else None


def _unpacks_after(boxes: dict[str, dict], down: dict, box_id: str) -> list[int]:
    """Counts of the ``unpack`` boxes fed by ``box_id``'s left outlet, also through ``t l l`` (left outlet)."""
    counts: list[int] = []
    for dst, _ in down.get((box_id, 0), []):
        words = boxes[dst].get("text", "").split()
        n = _unpack_count(boxes[dst])
        if n is not None:
            counts.append(n)
        elif words[:1] in (["t"], ["trigger"]) and set(words[1:]) == {"l"}:
            # the left outlet fires last and carries the whole message to the fields' unpack
            counts += [c for d, _ in down.get((dst, 0), []) if (c := _unpack_count(boxes[d])) is not None]
    return counts


def osc_usage(patch: dict) -> tuple[dict[str, int], dict[str, list[int]]]:
    """(sent: address → argument count, routed: address → argument counts seen downstream).

    Sent messages are message boxes starting with the protocol prefix. Routed addresses are arguments of
    ``route`` boxes fed by ``udpreceive``; the count is that of an ``unpack`` right after the route, or
    after a second ``route`` (the track filter, which takes one argument away).
    """
    boxes = _boxes(patch)
    down = _downstream(patch)
    sent: dict[str, int] = {}
    routed: dict[str, list[int]] = {}
    for box in boxes.values():
        words = box.get("text", "").split()
        if box["maxclass"] == "message" and words and words[0].startswith(protocol.PREFIX):
            sent[words[0]] = len(words) - 1
    # the backend's messages arrive at the hub's udpreceive, and at samplers through the hub's global send
    receivers = [
        i
        for i, b in boxes.items()
        if b.get("text", "").split()[:1] == ["udpreceive"]
        or b.get("text", "").split() in (["r", "exsampling.fromhub"], ["receive", "exsampling.fromhub"])
    ]
    for rid in receivers:
        for dst, _ in down.get((rid, 0), []):
            words = boxes[dst].get("text", "").split()
            if words[:1] != ["route"]:
                continue
            for k, address in enumerate(words[1:]):
                counts = routed.setdefault(address, [])
                for nxt, _ in down.get((dst, k), []):
                    n = _unpack_count(boxes[nxt])
                    if n is not None:
                        counts.append(n)
                    elif boxes[nxt].get("text", "").split()[:1] == ["route"]:
                        counts += [c + 1 for c in _unpacks_after(boxes, down, nxt)]
    return sent, routed


def check_osc(patches: dict[str, dict]) -> list[str]:
    """OSC problems across a set of patches (name → patch dict)."""
    problems: list[str] = []
    handled: set[str] = set()
    for name, patch in patches.items():
        sent, routed = osc_usage(patch)
        for address, n in sent.items():
            msg = protocol.MESSAGES.get(address)
            if msg is None:
                problems.append(f"{name}: sends undeclared address {address}")
            elif msg.direction != protocol.TO_BACKEND:
                problems.append(f"{name}: sends {address}, which is declared to-device")
            elif n != len(msg.args):
                problems.append(f"{name}: sends {address} with {n} arguments, declared {len(msg.args)}")
        for address, counts in routed.items():
            msg = protocol.MESSAGES.get(address)
            if msg is None:
                problems.append(f"{name}: routes undeclared address {address}")
                continue
            if msg.direction != protocol.TO_DEVICE:
                problems.append(f"{name}: routes {address}, which is declared to-backend")
            for n in counts:
                if n != len(msg.args):
                    problems.append(f"{name}: unpacks {address} into {n} values, declared {len(msg.args)}")
            handled.add(address)
    for msg in protocol.to_device():
        if msg.address not in handled:
            problems.append(f"no patch handles to-device address {msg.address}")
    return problems
