"""Installing models: the manifest, verification, the verified download (from a real HTTP server on
127.0.0.1) and the models wheel (installed into a fresh virtual environment)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

import presslens
from model_mirrors import NAMES, Quiet, mirror, serve
from presslens import _native, models
from presslens.cli import main

ROOT = Path(__file__).resolve().parents[2]
SENTENCES = ["Mr. Rubio met Maduro in Caracas on Tuesday.", "The central bank kept rates unchanged.", "Fine."]


# ---------------------------------------------------------------- a real HTTP server


def _nothing_loads(target: Path, name: str) -> None:
    """No folder of model ``name`` that a search would pick up, and no other visible leftovers."""
    assert not (target / name).exists()
    assert all(p.name.startswith(".") or p.name in NAMES for p in target.iterdir()) if target.exists() else True
    with pytest.raises(presslens.ModelNotFoundError):
        _native.locate_model(name, str(target))
    with pytest.raises(presslens.ModelNotFoundError):
        presslens.Pipeline(target, threads=1)


# ---------------------------------------------------------------- manifest


def test_the_embedded_manifest_is_the_repository_file():
    # A stale build would check files against an old manifest.
    assert json.loads(_native.model_manifest()) == json.loads((ROOT / "src" / "data" / "models.json").read_text(encoding="utf-8"))


def test_the_shared_models_verify_against_the_manifest(models_dir: Path):
    checks = models.verify(models_dir)
    assert len(checks) == sum(len(m["files"]) for m in models.manifest()["models"].values()) == 10
    assert all(c.ok for c in checks), [str(c) for c in checks if not c.ok]


def test_manifest_command_regenerates_the_repository_file(models_dir: Path, tmp_path: Path, capsys):
    copy = tmp_path / "models.json"
    shutil.copy(ROOT / "src" / "data" / "models.json", copy)
    data = json.loads(copy.read_text())
    data["models"]["minilm-l6-v2"]["files"]["model.onnx"]["sha256"] = "0" * 64  # stale file facts are recomputed
    copy.write_text(json.dumps(data))
    assert main(["models", "manifest", str(models_dir), "-o", str(copy)]) == 0
    assert copy.read_text(encoding="utf-8") == (ROOT / "src" / "data" / "models.json").read_text(encoding="utf-8")


def test_manifest_of_a_new_model_asks_for_its_descriptive_fields(models_dir: Path, tmp_path: Path, capsys):
    folder = mirror(models_dir, tmp_path / "m")
    (folder / "extra-model").mkdir()
    (folder / "extra-model" / "model.onnx").write_bytes(b"not really a model")
    assert main(["models", "manifest", str(folder)]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert data["models"]["extra-model"]["license"] == models.TO_FILL
    assert data["models"]["extra-model"]["files"]["model.onnx"] == {"size": 18, "sha256": hashlib.sha256(b"not really a model").hexdigest()}
    assert data["models"]["stance-minilm-l6"]["quality"]["test_mt_macro_f1"] == 0.743  # kept
    assert "extra-model is new: fill in" in captured.err


def test_verify_names_the_changed_file_and_exits_1(models_dir: Path, tmp_path: Path, capsys):
    folder = mirror(models_dir, tmp_path / "m")
    config = folder / "stance-minilm-l6" / "config.json"
    raw = bytearray(config.read_bytes())
    config.unlink()
    raw[10] ^= 0x01
    config.write_bytes(bytes(raw))
    (folder / "minilm-l6-v2" / "tokenizer_config.json").unlink()
    assert main(["models", "verify", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "FAIL stance-minilm-l6/config.json (901 bytes): sha256" in out
    assert "FAIL minilm-l6-v2/tokenizer_config.json (350 bytes): missing" in out
    assert "8 of 10 files match the manifest; 2 do not" in out
    assert main(["models", "verify", str(models_dir)]) == 0


# ---------------------------------------------------------------- where models are found


@pytest.fixture()
def package_on_path(models_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An importable ``presslens_models`` package (what the wheel installs), models as symlinks."""
    site = tmp_path / "site"
    package = mirror(models_dir, site / models.PACKAGE)
    (package / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(site))
    yield package
    monkeypatch.undo()
    models.search_roots()  # the core forgets the package again


def test_resolution_order_and_the_error_list_every_place(package_on_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("PRESSLENS_MODELS", raising=False)
    assert models.locate("minilm-l6-v2") == package_on_path / "minilm-l6-v2"
    sources = [s for _, s in models.search_roots()]
    assert sources == ["the installed presslens-models package", "the user cache"]
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PRESSLENS_MODELS", str(empty))
    assert models.locate("minilm-l6-v2") == package_on_path / "minilm-l6-v2"  # env var lacks it: next place
    with pytest.raises(presslens.ModelNotFoundError) as error:
        models.locate("no-such-model")
    message = str(error.value)
    places = [str(empty / "no-such-model"), str(package_on_path / "no-such-model"), str(tmp_path / "cache" / "presslens" / "models" / "no-such-model")]
    assert all(p in message for p in places), message
    assert [message.index(p) for p in places] == sorted(message.index(p) for p in places)
    assert "presslens models fetch" in message and "PRESSLENS_MODELS_URL" in message


def test_pipeline_finds_the_installed_package_with_nothing_set(package_on_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pipeline):
    monkeypatch.delenv("PRESSLENS_MODELS", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    found = presslens.Pipeline(threads=2)
    assert found.model_dirs == (package_on_path / "minilm-l6-v2", package_on_path / "stance-minilm-l6")
    assert np.array_equal(found.embed(SENTENCES), pipeline.embed(SENTENCES))
    assert main(["models", "list"]) == 0


# ---------------------------------------------------------------- verified download


def test_fetch_from_a_local_server_gives_the_same_embeddings(models_dir: Path, tmp_path: Path, pipeline, capsys):
    target = tmp_path / "fetched"
    with serve(models_dir) as base:
        started = time.perf_counter()
        assert main(["models", "fetch", "--from", base, "--to", str(target)]) == 0
        seconds = time.perf_counter() - started
        log = capsys.readouterr().err
        assert "minilm-l6-v2: 91.3 MB verified into" in log and "stance-minilm-l6: 92.0 MB verified into" in log
        # Present and verified: nothing downloaded again.
        assert models.fetch(base, target, log=print) == target
        assert "already in" in capsys.readouterr().out
    print(f"fetched 183 MB from 127.0.0.1 in {seconds:.1f} s")
    assert sorted(p.name for p in target.iterdir()) == NAMES  # no temporary folders left
    umask = os.umask(0o022)
    os.umask(umask)
    assert all((target / name).stat().st_mode & 0o777 == 0o777 & ~umask for name in NAMES)  # readable like any folder
    assert all(c.ok for c in models.verify(target))
    fetched = presslens.Pipeline(target, threads=2)
    assert np.array_equal(fetched.embed(SENTENCES), pipeline.embed(SENTENCES))
    assert np.array_equal(fetched.target_sentiment(["Rubio"], SENTENCES[:1]), pipeline.target_sentiment(["Rubio"], SENTENCES[:1]))


def test_a_changed_byte_fails_naming_the_file_and_installs_nothing(models_dir: Path, tmp_path: Path):
    damaged = mirror(models_dir, tmp_path / "mirror")
    onnx = damaged / "stance-minilm-l6" / "model.onnx"
    raw = bytearray((models_dir / "stance-minilm-l6" / "model.onnx").read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    onnx.unlink()
    onnx.write_bytes(bytes(raw))
    target = tmp_path / "fetched"
    with serve(damaged) as base, pytest.raises(models.ModelDownloadError) as error:
        models.fetch(base, target)
    message = str(error.value)
    assert f"checksum mismatch for stance-minilm-l6/model.onnx from {base}/stance-minilm-l6/model.onnx" in message
    _nothing_loads(target, "stance-minilm-l6")
    assert [p.name for p in target.iterdir()] == ["minilm-l6-v2"]  # the good model, complete and verified
    assert all(c.ok for c in models.verify(target, ["minilm-l6-v2"]))


class _HangsUpHalfWay(Quiet):
    """Announces the whole model.onnx, sends half of it, then drops the connection."""

    def do_GET(self) -> None:
        if not self.path.endswith("/minilm-l6-v2/model.onnx"):
            return super().do_GET()
        data = Path(self.translate_path(self.path)).read_bytes()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data[: len(data) // 2])
        self.wfile.flush()
        self.connection.shutdown(socket.SHUT_RDWR)
        self.close_connection = True


def test_server_stopping_half_way_fails_and_installs_nothing(models_dir: Path, tmp_path: Path):
    target = tmp_path / "fetched"
    with serve(models_dir, _HangsUpHalfWay) as base, pytest.raises(models.ModelDownloadError) as error:
        models.fetch(base, target)
    message = str(error.value)
    assert f"minilm-l6-v2/model.onnx from {base}/minilm-l6-v2/model.onnx was cut off after" in message
    assert "of 90804360 bytes" in message
    _nothing_loads(target, "minilm-l6-v2")
    assert [p.name for p in target.iterdir()] == []  # the partial folder was removed too


def test_a_failed_refetch_keeps_the_working_folder(models_dir: Path, tmp_path: Path):
    target = mirror(models_dir, tmp_path / "target")
    with serve(models_dir, _HangsUpHalfWay) as base, pytest.raises(models.ModelDownloadError):
        models.fetch(base, target, force=True)
    assert all(c.ok for c in models.verify(target))
    assert sorted(p.name for p in target.iterdir()) == NAMES


def test_404_names_the_file_and_the_layout(models_dir: Path, tmp_path: Path, capsys):
    with serve(tmp_path / "nothing-here") as base:
        assert main(["models", "fetch", "--from", base + "/mirror", "--to", str(tmp_path / "t")]) == 2
    err = capsys.readouterr().err
    assert f"cannot download minilm-l6-v2/config.json from {base}/mirror/minilm-l6-v2/config.json: HTTP 404" in err
    assert "<base>/<model>/<file>" in err
    _nothing_loads(tmp_path / "t", "minilm-l6-v2")


def test_unreachable_port_and_silent_host_are_clear_errors(tmp_path: Path):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(
        models.ModelDownloadError,
        match=rf"cannot download minilm-l6-v2/config.json from http://127.0.0.1:{port}/minilm-l6-v2/config.json: cannot reach 127.0.0.1:{port} \(.*refused",
    ):
        models.fetch(f"http://127.0.0.1:{port}", tmp_path / "t")
    with socket.socket() as silent:  # accepts connections (the kernel does) but never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        started = time.perf_counter()
        with pytest.raises(models.ModelDownloadError, match=r"did not answer within 0.5 s"):
            models.fetch(url, tmp_path / "t", timeout=0.5)
        assert time.perf_counter() - started < 5
    _nothing_loads(tmp_path / "t", "minilm-l6-v2")


def test_no_url_says_how_to_set_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("PRESSLENS_MODELS_URL", raising=False)
    with pytest.raises(presslens.ModelError, match=r"set \$PRESSLENS_MODELS_URL .*<base>/<model>/<file>"):
        models.fetch(to=tmp_path)
    with pytest.raises(presslens.ModelError, match="must be an http"):
        models.fetch("ftp://example.invalid/models", to=tmp_path)


def test_fetch_defaults_to_the_url_setting_and_the_user_cache(models_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("PRESSLENS_MODELS_URL", models_dir.resolve().as_uri())  # file:// mirrors work too
    cache = tmp_path / "cache" / "presslens" / "models"
    assert models.fetch(names=["minilm-l6-v2"]) == cache
    assert all(c.ok for c in models.verify(cache, ["minilm-l6-v2"]))


# ---------------------------------------------------------------- the models wheel


def _dependency_dir(target: Path) -> Path:
    """presslens's runtime dependencies (numpy, onnxruntime and theirs) from this environment, as
    symlinks in one folder: the fresh environment sees them through a .pth file, so the test needs no
    network, while presslens and the models are installed into it by pip from the wheels."""
    from importlib.metadata import distribution

    from packaging.requirements import Requirement

    target.mkdir()
    seen: set[str] = set()
    todo = [Requirement(r) for r in distribution("presslens").requires or []]
    while todo:
        requirement = todo.pop()
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        name = requirement.name.lower().replace("_", "-")
        if name in seen:
            continue
        seen.add(name)
        dist = distribution(requirement.name)
        todo += [Requirement(r) for r in dist.requires or []]
        base = Path(str(dist.locate_file("")))
        for top in {Path(str(f)).parts[0] for f in dist.files or [] if not str(f).startswith("..")}:
            if not (target / top).exists() and (base / top).exists():
                (target / top).symlink_to(base / top)
    return target


def _presslens_wheel(out: Path) -> Path:
    """A wheel of this presslens: $PRESSLENS_WHEEL if set, else `maturin build --release`, which reuses
    the target/ folder `make develop` already compiled (CI pays only for packaging)."""
    given = os.environ.get("PRESSLENS_WHEEL")
    if given:
        return Path(given)
    maturin = Path(sys.executable).parent / "maturin"
    if not maturin.is_file():
        pytest.fail("no presslens wheel: set PRESSLENS_WHEEL or install maturin beside this Python (make develop does)")
    subprocess.run([str(maturin), "build", "--release", "--quiet", "--out", str(out), "-i", sys.executable], cwd=ROOT, check=True, capture_output=True)
    return next(out.glob("presslens-*.whl"))


@pytest.mark.slow
def test_models_wheel_installs_and_loads_with_nothing_set(models_dir: Path, tmp_path: Path, pipeline):
    wheels = tmp_path / "wheels"
    started = time.perf_counter()
    assert main(["models", "package", str(models_dir), "--out", str(wheels)]) == 0
    build_seconds = time.perf_counter() - started
    data = models.manifest()
    wheel = wheels / f"presslens_models-{data['release']}-py3-none-any.whl"

    # Valid by the wheel spec: every member in RECORD with its sha256 and size, and the metadata.
    with zipfile.ZipFile(wheel) as archive:
        assert archive.testzip() is None
        dist_info = f"presslens_models-{data['release']}.dist-info"
        record = archive.read(f"{dist_info}/RECORD").decode().splitlines()
        listed = {line.rsplit(",", 2)[0]: line.rsplit(",", 2)[1:] for line in record}
        assert set(listed) == set(archive.namelist())
        for member, (digest, size) in listed.items():
            if member.endswith("RECORD"):
                assert digest == size == ""
                continue
            payload = archive.read(member)
            assert digest == "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(payload).digest()).rstrip(b"=").decode() and int(size) == len(payload)
        metadata = archive.read(f"{dist_info}/METADATA").decode()
        assert f"Version: {data['release']}\n" in metadata and f"Requires-Dist: presslens{data['presslens']}\n" in metadata
        assert "Tag: py3-none-any" in archive.read(f"{dist_info}/WHEEL").decode()

    started = time.perf_counter()
    presslens_wheel = _presslens_wheel(wheels)
    print(f"presslens wheel in {time.perf_counter() - started:.1f} s")
    venv = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], check=True, capture_output=True, text=True
    ).stdout.strip()
    (Path(purelib) / "presslens_deps.pth").write_text(str(_dependency_dir(tmp_path / "deps")) + "\n")
    started = time.perf_counter()
    # Only the models package is asked for: pip must find presslens through its Requires-Dist.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-index",
            "--find-links",
            str(wheels),
            "--find-links",
            str(presslens_wheel.parent),
            "presslens-models",
        ],
        check=True,
    )
    install_seconds = time.perf_counter() - started
    print(f"models wheel {wheel.stat().st_size / 1e6:.1f} MB, built in {build_seconds:.1f} s, installed (with presslens) in {install_seconds:.1f} s")

    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRESSLENS_", "PYTHON", "VIRTUAL_ENV"))}
    env.update(HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"))
    script = f"import json, presslens; p = presslens.Pipeline(threads=2); print(json.dumps({{'dirs': [str(d) for d in p.model_dirs], 'file': presslens.__file__, 'emb': p.embed({SENTENCES!r}).tolist()}}))"
    run = subprocess.run([str(python), "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["file"].startswith(purelib)  # the installed presslens, not this checkout
    assert result["dirs"] == [f"{purelib}/presslens_models/{name}" for name in NAMES]
    assert np.array_equal(np.asarray(result["emb"], dtype=np.float32), pipeline.embed(SENTENCES))
    listing = subprocess.run([str(venv / "bin" / "presslens"), "models", "list"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert listing.returncode == 0, listing.stdout + listing.stderr
    assert listing.stdout.count(f"(from the installed presslens-models package {data['release']}), verified") == 2, listing.stdout
