"""A small writer for Pd patch files: named boxes, connections by name, subpatches, layered layout."""

from __future__ import annotations


def esc(text: str) -> str:
    return text.replace("$", "\\$").replace(",", " \\,").replace(";", " \\;")


class Patch:
    def __init__(self, w=900, h=700, font=12, name=None):
        self.w, self.h, self.font, self.name = w, h, font, name
        self.items = []  # (kind, text, extra) ; kind obj/msg/text/sub
        self.index, self.edges = {}, []

    def _add(self, name, kind, text, extra=None):
        if name:
            assert name not in self.index, name
            self.index[name] = len(self.items)
        self.items.append([kind, text, extra, 0, 0])

    def obj(self, name, text):
        self._add(name, "obj", text)

    def msg(self, name, text):
        self._add(name, "msg", text)

    def text(self, text, width=None):
        self._add(None, "text", text, width)

    def sub(self, name, label):
        child = Patch(self.w, self.h, self.font, label)
        self._add(name, "sub", label, child)
        return child

    def c(self, a, o, b, i=0):
        """Connect outlet ``o`` of box ``a`` to inlet ``i`` of box ``b``."""
        self.edges.append((self.index[a], o, self.index[b], i))

    def wire(self, *specs: str):
        """Several connections, each written ``"a:OUTLET b"`` or ``"a:OUTLET b:INLET"``."""
        for spec in specs:
            src, dst = spec.split()
            a, o = src.split(":")
            b, i = (dst.split(":") + ["0"])[:2]
            self.c(a, int(o), b, int(i))

    def _width(self, item):
        kind, text = item[0], item[1]
        if kind == "text":
            return (item[2] or 60) * 7
        t = ("pd " + text) if kind == "sub" else esc(text).replace("\\", "")
        return len(t) * 7 + 12

    def layout(self):
        boxes = [i for i, it in enumerate(self.items) if it[0] != "text"]
        preds = {i: [] for i in boxes}
        for a, _, b, _ in self.edges:
            if a != b:
                preds[b].append(a)
        depth = {}

        def d(n, stack=()):
            if n in depth:
                return depth[n]
            if n in stack:
                return 0
            depth[n] = 0 if not preds[n] else 1 + max(d(p, stack + (n,)) for p in preds[n])
            return depth[n]

        for n in boxes:
            d(n)
        y0 = 10
        for it in self.items:
            if it[0] == "text":
                width = it[2] or 80
                it[3], it[4] = 10, y0
                y0 += 18 * (len(it[1]) // width + 1) + 8
        y0 += 10
        rows = {}
        for n in boxes:
            rows.setdefault(depth[n], []).append(n)
        xs = {}
        for r in sorted(rows):

            def key(n):
                ps = [xs[p] for p in preds[n] if p in xs]
                return (sum(ps) / len(ps) if ps else -1, n)

            x = 10
            for n in sorted(rows[r], key=key):
                want = key(n)[0]
                x = max(x, int(want) if want >= 0 else x)
                xs[n] = x
                self.items[n][3], self.items[n][4] = x, y0 + 40 * r
                x += self._width(self.items[n]) + 16
        self.h = max(self.h, y0 + 40 * (max(rows) + 1) + 40) if rows else self.h
        self.w = max([self.w] + [it[3] + self._width(it) + 20 for it in self.items])

    def render(self, x=0, y=50):
        self.layout()
        name = f" {self.name} 0" if self.name else ""
        out = [f"#N canvas {x} {y} {self.w} {self.h}{name}" + ("" if self.name else f" {self.font}") + ";"]
        for kind, text, extra, bx, by in self.items:
            if kind == "obj":
                out.append(f"#X obj {bx} {by} {esc(text)};")
            elif kind == "msg":
                out.append(f"#X msg {bx} {by} {esc(text)};")
            elif kind == "text":
                out.append(f"#X text {bx} {by} {esc(text)}" + (f", f {extra};" if extra else ";"))
            else:
                out.append(extra.render(60, 110).rstrip("\n"))
                out.append(f"#X restore {bx} {by} pd {text};")
        out += [f"#X connect {a} {o} {b} {i};" for a, o, b, i in self.edges]
        return "\n".join(out) + "\n"


def add(p: Patch, table: str) -> None:
    """Add boxes and connections to ``p`` in the order a table lists them. Rows: boxes ``obj NAME TEXT`` or
    ``msg NAME TEXT`` joined by `` | ``; connections ``wire A:OUTLET -> B[:INLET], ...``; ``#`` comments."""
    for row in table.strip().splitlines():
        row = row.strip()
        if row.startswith("wire "):
            p.wire(*(pair.replace(" -> ", " ") for pair in row[5:].split(", ")))
        elif not row.startswith("#"):
            for box in row.split(" | "):
                kind, name, text = box.split(" ", 2)
                assert kind in ("obj", "msg"), box
                getattr(p, kind)(name, text)
