"""numba's cache shared between processes through private copies published whole (compiled_cache.py).

Every check runs in fresh interpreter processes with their own cache folder (``XDG_CACHE_HOME``), as two
``exsampling`` commands on one machine would."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

KERNEL = textwrap.dedent(
    """
    from numba import float64, guvectorize

    @guvectorize([(float64[:], float64[:])], "(n)->(n)", cache=True, nopython=True)
    def doubled(x, out):
        for i in range(x.shape[0]):
            out[i] = 2 * x[i]
    """
)


def run(cache_home: Path, code: str, *, cwd: Path | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env.update(XDG_CACHE_HOME=str(cache_home), PYTHONPATH=os.pathsep.join([str(ROOT), str(cwd or ROOT)]))
    script = "from exsampling_osc.compiled_cache import configure_numba_cache\nconfigure_numba_cache()\n" + code
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=cwd or ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_process_writes_only_its_private_copy_until_it_publishes(tmp_path):
    out = run(
        tmp_path,
        textwrap.dedent(
            """
            import os
            from pathlib import Path
            from exsampling_osc.compiled_cache import publish_numba_cache, shared_cache_dir
            private = Path(os.environ["NUMBA_CACHE_DIR"])
            assert private.parent == shared_cache_dir().parent and private != shared_cache_dir()
            (private / "kernel.nbi").write_text("one")
            assert not (shared_cache_dir() / "kernel.nbi").exists()
            print(publish_numba_cache(), publish_numba_cache())  # the second: nothing new since
            print((shared_cache_dir() / "kernel.nbi").read_text())
            """
        ),
    )
    assert out.split() == ["True", "False", "one"]
    shared = tmp_path / "exsampling-osc" / "numba-shared"
    leftovers = sorted(p.name for p in shared.parent.iterdir())
    assert leftovers == ["numba-shared", "numba-shared.lock"], leftovers  # the private copy went at exit
    # the next process starts from the published files
    seeded = run(
        tmp_path, "import os, pathlib; print((pathlib.Path(os.environ['NUMBA_CACHE_DIR']) / 'kernel.nbi').read_text())"
    )
    assert seeded.strip() == "one"


def test_two_processes_never_leave_a_mixture_of_their_files(tmp_path):
    """Both seeded from the same shared cache, both compile something; the shared cache ends as exactly one
    process's set (the last to publish), never the union that crashed numba."""
    code = textwrap.dedent(
        """
        import os, sys, time
        from pathlib import Path
        from exsampling_osc.compiled_cache import publish_numba_cache
        private = Path(os.environ["NUMBA_CACHE_DIR"])
        name, go, wait = sys.argv[1:4]
        (private / f"{name}.nbc").write_text(name)
        (private / "shared.nbi").write_text(name)
        Path(go).touch()
        while not Path(wait).exists():
            time.sleep(0.02)
        publish_numba_cache() if name == "a" else (time.sleep(0.5), publish_numba_cache())
        """
    )
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env.update(XDG_CACHE_HOME=str(tmp_path), PYTHONPATH=str(ROOT))
    script = "from exsampling_osc.compiled_cache import configure_numba_cache\nconfigure_numba_cache()\n" + code
    a_ready, b_ready = tmp_path / "a.ready", tmp_path / "b.ready"
    procs = [
        subprocess.Popen([sys.executable, "-c", script, me, str(mine), str(other)], env=env, cwd=ROOT)
        for me, mine, other in (("a", a_ready, b_ready), ("b", b_ready, a_ready))
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    assert files(tmp_path / "exsampling-osc" / "numba-shared") == {"b.nbc": b"b", "shared.nbi": b"b"}


def test_a_real_gufunc_compiles_once_then_loads_from_the_shared_cache(tmp_path):
    (tmp_path / "kernel.py").write_text(KERNEL)
    call = "import numpy as np, kernel\nprint(kernel.doubled(np.arange(3.0)).tolist())\n"
    assert run(tmp_path, call, cwd=tmp_path).strip() == "[0.0, 2.0, 4.0]"
    shared = tmp_path / "exsampling-osc" / "numba-shared"
    first = files(shared)
    assert any(n.endswith(".nbi") and "doubled" in n for n in first), sorted(first)
    assert any(n.startswith("guf-") or "/guf-" in n for n in first), sorted(first)  # the gufunc's own pair
    assert run(tmp_path, call, cwd=tmp_path).strip() == "[0.0, 2.0, 4.0]"
    assert files(shared) == first  # the second process compiled nothing, so published nothing


def test_leftovers_of_dead_processes_and_the_old_in_place_cache_are_swept(tmp_path):
    root = tmp_path / "exsampling-osc"
    for name in ("numba", "numba-999999999-abc", f"numba-{os.getpid()}-live", "numba-shared.old-999999999"):
        (root / name).mkdir(parents=True)
        (root / name / "x.nbc").write_text("x")
    run(tmp_path, "")
    left = sorted(p.name for p in root.iterdir() if not p.name.endswith(".lock"))
    assert left == [f"numba-{os.getpid()}-live"], left


def test_a_cache_folder_chosen_by_the_caller_is_left_alone(tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path), "NUMBA_CACHE_DIR": str(tmp_path / "mine")}
    code = "\n".join(
        ["from exsampling_osc.compiled_cache import configure_numba_cache", "configure_numba_cache()", "import os"]
        + ["print(os.environ['NUMBA_CACHE_DIR'])"]
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == str(tmp_path / "mine")
    assert not (tmp_path / "exsampling-osc").exists()
