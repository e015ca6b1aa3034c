"""The example plugin, installed as a real distribution with its entry point, talked to over OSC."""

from __future__ import annotations

import subprocess
import sys

from serve_support import ROOT, Listener, Serve, tone


def test_example_plugin_adds_an_osc_address_and_reacts_to_events(tmp_path):
    site = tmp_path / "site"
    import importlib.util
    import shutil

    src = shutil.copytree(ROOT / "examples" / "plugin", tmp_path / "plugin")  # builds leave the checkout clean

    # offline with the venv's setuptools when it has one; else pip fetches the build backend
    isolation = [] if importlib.util.find_spec("setuptools") is None else ["--no-build-isolation"]
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", *isolation, "--target", str(site), str(src)],
        check=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert list(site.glob("exsampling_example_plugin-*.dist-info/entry_points.txt"))
    cfg = tmp_path / "config.yaml"
    from exsampling_osc.mapping import DEFAULT_CONFIG

    cfg.write_text(DEFAULT_CONFIG.read_text() + "recorder:\n  uploads_per_minute: 0\n")
    serve = Serve(tmp_path / "data", "--config", str(cfg), env={"PYTHONPATH": str(site)})
    dev = Listener()
    try:
        port = serve.ready["osc_port"]
        dev.send(port, "/exsampling/hello", dev.port, "plugin test")
        dev.wait_for("/exsampling/ready", 10)
        dev.send(port, "/exsampling/example/echo", 0, "hello plugin")
        assert dev.wait_for("/exsampling/example/echoed", 10)[0] == ["HELLO PLUGIN"]
        dev.send(port, "/exsampling/example/echo", "wrong", 3)
        assert "must be a number" in dev.wait_for("/exsampling/error", 10)[0][0]
        code, body = serve.upload(tone(tmp_path / "a.wav", 2.0))
        assert code == 201
        sample = dev.wait_for("/exsampling/sample", 30, where=lambda a: a[9] == body["id"])[0]
        seen = dev.wait_for("/exsampling/example/seen", 10)[0]
        assert seen == [sample[1], sample[2]]
        assert "loaded 1 plugin(s)" in serve.log
    finally:
        dev.close()
        serve.stop()
