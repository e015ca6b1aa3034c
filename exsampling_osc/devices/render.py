"""Pictures of the device patches (for the performer's guide): the device view and the patch graph."""

from __future__ import annotations

from PIL import Image, ImageDraw

BG, BOX, EDGE, TEXT, LINE, ACCENT = "#2b2d31", "#3a3d44", "#5b606b", "#e6e6e6", "#8a8f99", "#f2a93b"
UI_FILL = {
    "jweb": "#1d2027",
    "fpic": "#ffffff",
    "live.menu": "#1d2027",
    "live.dial": "#1d2027",
    "live.text": "#4a4f59",
    "button": "#1d2027",
}


def device_view(patch: dict, title: str, scale: float = 2.0) -> Image.Image:
    """The presentation view (what Live shows in the device strip), boxes at their presentation rects."""
    pat = patch["patcher"]
    width, height = int(pat.get("devicewidth", 300) * scale), int(169 * scale)
    img = Image.new("RGB", (width, height + 24), BG)
    draw = ImageDraw.Draw(img)
    draw.rectangle([0, 0, width, 22], fill="#1b1c1f")
    draw.text((8, 5), title, fill=ACCENT)
    for entry in pat["boxes"]:
        box = entry["box"]
        if not box.get("presentation"):
            continue
        x, y, w, h = (v * scale for v in box["presentation_rect"])
        y += 24
        kind = box["maxclass"]
        if kind == "comment":
            draw.text((x, y + 2), box.get("text", ""), fill=TEXT)
            continue
        draw.rectangle([x, y, x + w, y + h], fill=UI_FILL.get(kind, BOX), outline=EDGE)
        valueof = box.get("saved_attribute_attributes", {}).get("valueof", {})
        enum = valueof.get("parameter_enum") or ["?"]
        label = {
            "jweb": "console (jweb: http://127.0.0.1:PORT/console)",
            "fpic": "QR",
            "live.menu": f"{box.get('varname', '')}: {enum[0]}",
            "live.dial": box.get("varname", ""),
            "live.text": box.get("text", ""),
            "button": "",
        }.get(kind, kind)
        draw.text((x + 4, y + 3), label, fill="#000000" if kind == "fpic" else TEXT)
    return img


def patch_graph(patch: dict, scale: float = 0.5) -> Image.Image:
    """The patching view: every box at its patching rect, every patch line from outlet to inlet."""
    boxes = {b["box"]["id"]: b["box"] for b in patch["patcher"]["boxes"]}
    right = max(b["patching_rect"][0] + b["patching_rect"][2] for b in boxes.values())
    bottom = max(b["patching_rect"][1] + b["patching_rect"][3] for b in boxes.values())
    img = Image.new("RGB", (int((right + 20) * scale), int((bottom + 20) * scale)), BG)
    draw = ImageDraw.Draw(img)

    def port(box: dict, index: int, count: int, top: bool) -> tuple[float, float]:
        x, y, w, h = box["patching_rect"]
        px = x + (w - 6) * (index / max(count - 1, 1)) + 3 if count > 1 else x + 3
        return px * scale, (y if top else y + h) * scale

    for entry in patch["patcher"]["lines"]:
        line = entry["patchline"]
        src, dst = boxes[line["source"][0]], boxes[line["destination"][0]]
        a = port(src, line["source"][1], src["numoutlets"], top=False)
        b = port(dst, line["destination"][1], dst["numinlets"], top=True)
        draw.line([a, b], fill=LINE, width=1)
    for box in boxes.values():
        x, y, w, h = (v * scale for v in box["patching_rect"])
        draw.rectangle([x, y, x + w, y + h], fill=BOX, outline=EDGE)
        text = box.get("text", box["maxclass"])
        draw.text((x + 2, y + 1), text[: max(int(w / 5), 4)], fill=TEXT)
    return img


def devices_picture(patches: dict[str, dict]) -> Image.Image:
    """Both devices' views side by side above the sampler's patch graph."""
    views = [device_view(p, name) for name, p in patches.items()]
    graph = patch_graph(patches["exsampling-sampler"], scale=0.55)
    top_w = sum(v.width for v in views) + 16 * (len(views) + 1)
    width = max(top_w, graph.width + 32)
    top_h = max(v.height for v in views)
    img = Image.new("RGB", (width, top_h + graph.height + 64), "#111214")
    x = 16
    for v in views:
        img.paste(v, (x, 16))
        x += v.width + 16
    ImageDraw.Draw(img).text((16, top_h + 26), "exsampling-sampler: patch (8 voices)", fill=ACCENT)
    img.paste(graph, (16, top_h + 44))
    return img
