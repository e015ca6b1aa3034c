"""The docs check: every shell command written in README.md and docs/*.md runs, and shows what the doc says.

Commands come from fenced ```sh / ```bash / ```shell / ```console blocks (``\\`` continues a line, ``&&`` chains
commands, ``# ...`` is a comment, ``VAR=value cmd`` sets the environment). They run in one scratch folder that
holds the small inputs the docs name (``recordings/``, ``one.wav``, ``bell.wav``, ``my-examples/LABEL/``,
``models/mine`` and ``my-composer``: copies of the shipped models, standing for what the skipped trainings
write, ...), with ``.venv/bin/exsampling`` and bare ``exsampling`` both
meaning this checkout's command line. Each command must match one rule of ``RULES``:

- ``run``: runs to the end and exits 0;
- ``serve``: ``exsampling serve`` runs forever, so it is started (with a scratch ``--data-dir``, free ports and
  ``--no-qr`` added) until its ``EXSAMPLING_READY`` line, then stopped;
- ``help``: too long to run here; the command with ``--help`` added must exit 0 (the script or sub-command
  exists);
- ``skip``: not run, for the reason given.

A command that matches no rule fails the check: a new documented command gets a rule on purpose.

Documented output (the marker convention): in a ```console block, a line starting with ``$ `` is a command and the
lines after it, up to the next ``$ ``, are its output. Each such line must appear, in that order, among the lines
the command prints (stdout and stderr; other lines may come between); ``…`` in an expected line matches any text.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.conftest import tone
from tests.serve_support import Lines, stop_process

REPO = Path(__file__).resolve().parents[1]
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
SHELL_LANGS = ("sh", "bash", "shell", "console")

# (pattern searched in the command as written, action, reason). First match wins; keep the skips few and explicit.
RULES: list[tuple[str, str, str]] = [
    (r"^python3 -m venv ", "skip", "creates the venv: .ci/run does it on a clean machine"),
    (r"\bpip install\b", "skip", "installs the package: .ci/run does it on a clean machine"),
    (r"^python -m pytest", "skip", "the test suite this check is part of"),
    (r"^exsampling devices install", "skip", "writes into this user's Ableton User Library"),
    (r"^exsampling serve .*--cert ", "skip", "needs a real certificate for a real domain"),
    (r"^exsampling serve .*--tunnel ", "skip", "reaches the internet (stand-ins: test_participants_tunnel_serve)"),
    (r"^exsampling serve\b", "serve", ""),
    (r"^exsampling train ", "help", "trains for many minutes; tests/test_training_agreement.py trains small"),
    (r"^exsampling compose train ", "help", "trains for minutes; tests/test_composer_train.py trains small"),
    (r"^exsampling compose render .*--near ", "skip", "needs a library with located samples (test_composer_render)"),
    (
        r"^exsampling slice ",
        "help",
        "needs a recording of knocks; test_analysis_slice_cli.py slices rendered drums",
    ),
    (r"^exsampling compose evaluate ", "help", "needs a trained composer; test_composer_train.py evaluates one"),
    (r"^exsampling compose generate --model my-", "help", "needs the model the line before trains (minutes)"),
    (r"^exsampling kit export ", "help", "needs a library of accepted samples; tests/test_kit_export.py exports one"),
    (r"^exsampling (classify|config init|compose generate|compose render)\b", "run", ""),
    (r"^python bench/", "help", "benchmarks take minutes each"),
    (r"^(pd|aconnect) ", "skip", "needs Pure Data and a MIDI keyboard; tests/test_pd_*.py drive pd"),
]


@dataclass
class Command:
    doc: str
    line: int
    text: str  # as written, comment removed, ``.venv/bin/`` removed
    env: dict[str, str] = field(default_factory=dict)
    expected: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"{self.doc}:{self.line}"


def blocks(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line number of the first line, language, lines) of each fenced shell block of ``path``."""
    out, lines = [], path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        m = re.match(r"^(\s*)```(\w+)\s*$", lines[i])
        if m and m.group(2) in SHELL_LANGS:
            indent, start, body = len(m.group(1)), i + 2, []
            i += 1
            while i < len(lines) and not lines[i].strip().startswith("```"):
                body.append(lines[i][indent:])
                i += 1
            out.append((start, m.group(2), body))
        i += 1
    return out


def _strip_comment(line: str) -> str:
    lexer = shlex.shlex(line, posix=True, punctuation_chars=False)
    lexer.whitespace_split, lexer.commenters = True, "#"
    try:
        list(lexer)  # validates quoting
    except ValueError:
        return line
    hash_at = [m.start() for m in re.finditer(r"(^|\s)#", line)]
    for at in hash_at:  # the first '#' outside quotes starts the comment
        head = line[:at]
        if head.count('"') % 2 == 0 and head.count("'") % 2 == 0:
            return head.rstrip()
    return line.rstrip()


def commands(path: Path) -> list[Command]:
    """The commands of ``path``'s shell blocks, with the output a console block documents for each."""
    doc = str(path.relative_to(REPO))
    found: list[Command] = []
    for start, lang, body in blocks(path):
        joined: list[tuple[int, str]] = []
        for n, raw in enumerate(body):
            if joined and joined[-1][1].endswith("\\"):
                joined[-1] = (joined[-1][0], joined[-1][1][:-1] + " " + raw.strip())
            else:
                joined.append((start + n, raw))
        for n, raw in joined:
            if lang == "console" and not raw.startswith("$ "):
                if found and raw.strip():
                    found[-1].expected.append(raw.rstrip())
                continue
            text = _strip_comment(raw.removeprefix("$ ")).strip()
            for part in filter(None, (p.strip() for p in text.split("&&"))):
                env = {}
                while m := re.match(r"^([A-Z_]+)=(\S+)\s+", part):
                    env[m.group(1)] = m.group(2)
                    part = part[m.end() :]
                found.append(Command(doc, n, re.sub(r"(^|\s)\.venv/bin/", r"\1", part), env))
    return found


ALL = [c for d in DOCS for c in commands(d)]


def rule(cmd: Command) -> tuple[str, str]:
    for pattern, action, reason in RULES:
        if re.search(pattern, cmd.text):
            return action, reason
    raise AssertionError(f"{cmd.where}: `{cmd.text}` matches no rule of RULES: add one (run, serve, help or skip)")


def argv(text: str) -> list[str]:
    words = shlex.split(text)
    if words[0] == "exsampling":
        return [sys.executable, "-m", "exsampling_osc", *words[1:]]
    if words[0] == "python":
        return [sys.executable, *words[1:]]
    return words


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    """A folder with the small inputs the docs' commands name."""
    root = tmp_path_factory.mktemp("docs")
    for name, freq in (("one.wav", 440), ("bell.wav", 660), ("knock.wav", 110), ("rain.wav", 220)):
        sf.write(root / name, tone(freq, 2.0, harmonics=3), 22050)
    for sub, names in (("recordings", ("a.wav", "b.wav")), ("tonight", ("c.wav",))):
        (root / sub).mkdir()
        for k, name in enumerate(names):
            sf.write(root / sub / name, tone(300 + 90 * k, 1.5), 22050)
    rng = np.random.default_rng(0)
    for label in ("whistle", "hiss"):
        (root / "my-examples" / label).mkdir(parents=True)
        for k in range(2):
            y = tone(900 + 50 * k, 1.0) if label == "whistle" else rng.uniform(-0.3, 0.3, 22050).astype(np.float32)
            sf.write(root / "my-examples" / label / f"{k}.wav", y, 22050)
    shutil.copytree(REPO / "models" / "esc50", root / "models" / "mine")  # stand for the models the skipped
    shutil.copytree(REPO / "models" / "composer", root / "my-composer", ignore=shutil.ignore_patterns("examples"))
    (root / "my-sounds" / "beep").mkdir(parents=True)
    (root / "my-midi").mkdir()
    os.symlink(REPO / "patches", root / "patches")
    os.symlink(REPO / "bench", root / "bench")
    return root


def matches(expected: list[str], printed: list[str]) -> str | None:
    """None when each expected line appears in order among ``printed`` (``…`` matches anything); else the first
    expected line that does not."""
    at = 0
    for want in expected:
        pattern = re.compile(".*".join(re.escape(p) for p in want.strip().split("…")) + r"\Z")
        while at < len(printed) and not pattern.match(printed[at].strip()):
            at += 1
        if at == len(printed):
            return want
        at += 1
    return None


def run_serve(cmd: Command, cwd: Path, n: int) -> list[str]:
    extra = ["--data-dir", str(cwd / f"serve-data-{n}"), "--http-port", "0", "--osc-port", "0", "--no-qr"]
    extra += ["--host", "127.0.0.1"]
    proc = subprocess.Popen(
        [*argv(cmd.text), *extra],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **cmd.env},
    )
    out = Lines(proc.stdout)
    try:
        ready = out.wait_for(lambda s: s.startswith("EXSAMPLING_READY "), 90)
        assert ready, f"{cmd.where}: `{cmd.text}` did not get ready:\n" + "\n".join(out.lines[-30:])
        time.sleep(0.3)
    finally:
        stop_process(proc)
    return list(out.lines)


@pytest.mark.parametrize("cmd", ALL, ids=[f"{c.where}:{c.text[:40]}" for c in ALL])
def test_documented_command(cmd: Command, scratch: Path):
    action, reason = rule(cmd)
    if action == "skip":
        assert not cmd.expected, f"{cmd.where}: a skipped command cannot document output"
        pytest.skip(reason)
    if action == "serve":
        printed = run_serve(cmd, scratch, ALL.index(cmd))
    else:
        words = argv(cmd.text) + (["--help"] if action == "help" else [])
        done = subprocess.run(
            words, cwd=scratch, capture_output=True, text=True, timeout=300, env={**os.environ, **cmd.env}
        )
        assert done.returncode == 0, f"{cmd.where}: `{cmd.text}` exited {done.returncode}:\n{done.stderr[-2000:]}"
        printed = (done.stdout + done.stderr).splitlines()
    missing = matches(cmd.expected, printed)
    assert missing is None, f"{cmd.where}: `{cmd.text}` did not print\n  {missing}\nbut:\n" + "\n".join(printed[:40])


def test_the_check_finds_commands_and_outputs():
    """The extraction itself: a doc without commands would make every test above vacuous."""
    texts = [c.text for c in ALL]
    assert any(t.startswith("exsampling classify --json one.wav") for t in texts)
    assert any(c.env == {"EXSAMPLING_MODEL": "models/mine"} for c in ALL)
    assert any(c.expected for c in ALL), "no documented output is compared"
    assert not any("#" in t for t in texts), [t for t in texts if "#" in t]
    assert matches(["a …", "c"], ["a b", "x", "c"]) is None and matches(["c", "a …"], ["a b", "c"]) == "a …"
