"""Models a user can install: the manifest, checking a folder against it, the models wheel, and a
verified download.

The manifest (``src/data/models.json`` in the repository, embedded in the native module) is the one
place that says which models presslens knows and what their files must be: each file's size and
sha256, plus licence, provenance, training data and measured quality. Everything here checks files
against it.

Where models are searched when ``Pipeline(models=...)`` is not given, in order (the core decides,
see ``src/models.rs``): ``$PRESSLENS_MODELS``, the installed ``presslens-models`` package, the user
cache (``$XDG_CACHE_HOME/presslens/models`` or ``~/.cache/presslens/models``).

    >>> import presslens.models
    >>> presslens.models.fetch()          # from $PRESSLENS_MODELS_URL into the user cache
    >>> presslens.models.fetch("https://mirror.example/presslens-models", to="models/")
"""

from __future__ import annotations

import base64
import contextlib
import copy
import hashlib
import http.client
import importlib
import importlib.util
import json
import os
import shutil
import socket
import stat
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Union

from . import _native
from .exceptions import ModelError

PathLike = Union[str, "os.PathLike[str]"]

URL_ENV_VAR = "PRESSLENS_MODELS_URL"
PACKAGE = "presslens_models"  # the import name of the models wheel
DISTRIBUTION = "presslens-models"
CHUNK = 1 << 20
# Fields of a manifest entry that describe a model rather than its files: `models manifest` keeps
# them when it regenerates the file list, and asks for them for a model it has not seen before.
DESCRIPTIVE = ("version", "task", "license", "source", "training_data", "quality")
TO_FILL = "FILL IN"
# A download slower than this, averaged over each `timeout` seconds, is given up: a server that
# trickles a byte a second would otherwise never hit the per-read timeout.
MIN_BYTES_PER_SECOND = 1024
# Files verified at load, by path and stat stamp (size, mtime, ctime, inode), in the user cache.
VERIFIED_FILE = "verified.json"

__all__ = [
    "FileCheck",
    "ModelDownloadError",
    "build_manifest",
    "build_wheel",
    "fetch",
    "locate",
    "manifest",
    "search_roots",
    "verify",
]


class ModelDownloadError(ModelError, OSError):
    """A download failed: unreachable host, HTTP error, timeout, a connection lost half way, or a file
    that does not match the manifest. The message names the file and its URL; nothing was installed."""


# ---------------------------------------------------------------- manifest and search


@lru_cache(maxsize=1)
def _manifest() -> dict[str, Any]:
    return json.loads(_native.model_manifest())


def manifest() -> dict[str, Any]:
    """The manifest of the models this presslens knows (a copy: change it freely)."""
    return copy.deepcopy(_manifest())


def package_root() -> Path | None:
    """The models folder of the installed ``presslens-models`` package, found without importing it."""
    importlib.invalidate_caches()  # a wheel pip-installed after startup (a notebook cell) is seen too
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def search_roots() -> list[tuple[Path, str]]:
    """Folders searched for a model when no ``models`` folder is given, in order, with where each came
    from. Also tells the core where the installed models package is, so call it before a search."""
    root = package_root()
    return [(Path(folder), source) for folder, source in _native.model_roots(None if root is None else str(root))]


def locate(name: str, models: PathLike | None = None) -> Path:
    """The folder model ``name`` loads from (the same search as :class:`~presslens.Pipeline`), or
    :class:`~presslens.ModelNotFoundError` listing every place tried."""
    search_roots()
    return Path(_native.locate_model(name, None if models is None else os.fspath(models)))


def user_cache() -> Path:
    for folder, source in search_roots():
        if source == "the user cache":
            return folder
    raise ModelError("there is no user cache folder: neither $XDG_CACHE_HOME nor $HOME is set. Pass a target folder (--to DIR).")


def _names(names: Iterable[str] | None) -> list[str]:
    known = _manifest()["models"]
    if names is None:
        return list(known)
    names = list(names)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ModelError(f"unknown model(s) {', '.join(unknown)}; the manifest knows {', '.join(known)}")
    return names


# ---------------------------------------------------------------- verifying


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class FileCheck:
    """One file of one model checked against the manifest. ``problem`` is None when it matches."""

    model: str
    file: str
    path: Path
    size: int
    problem: str | None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def __str__(self) -> str:
        status = "ok  " if self.ok else "FAIL"
        size = "" if self.file == "*" else f" ({self.size / 1e6:.1f} MB)" if self.size >= 100_000 else f" ({self.size} bytes)"
        return f"{status} {self.model}/{self.file}{size}{'' if self.ok else ': ' + str(self.problem)}"


def check_model(name: str, folder: Path) -> list[FileCheck]:
    """Each file the manifest lists for model ``name``, checked in ``folder`` (size, then sha256)."""
    checks = []
    for file, want in _manifest()["models"][name]["files"].items():
        path = folder / file
        if not path.is_file():
            checks.append(FileCheck(name, file, path, want["size"], f"missing ({path})"))
            continue
        size = path.stat().st_size
        if size != want["size"]:
            checks.append(FileCheck(name, file, path, want["size"], f"{size} bytes, the manifest says {want['size']} ({path})"))
            continue
        got = file_sha256(path)
        problem = None if got == want["sha256"] else f"sha256 {got}, the manifest says {want['sha256']} ({path})"
        checks.append(FileCheck(name, file, path, size, problem))
    return checks


def _stamp(path: Path) -> list[int]:
    """What changes when a file is written or replaced: size, mtime, ctime (which no one can set
    back) and inode."""
    info = path.stat()
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev]


def _verified_path() -> Path | None:
    root = _native.cache_dir()
    return None if root is None else Path(root) / VERIFIED_FILE


def _read_verified() -> dict[str, Any]:
    path = _verified_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path is not None else {}
    except (OSError, ValueError):
        return {}  # no cache yet, or an unreadable one: everything is hashed again
    return data if isinstance(data, dict) else {}


def _write_verified(data: dict[str, Any]) -> None:
    """Replace the cache file atomically; a cache that cannot be written only costs hashing again."""
    path = _verified_path()
    if path is None:
        return
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{VERIFIED_FILE}.", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle)
            os.replace(temp, path)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temp)


def verify_at_load(models: Iterable[tuple[str, PathLike]]) -> None:
    """Refuse a model file that has the manifest's size but not its sha256: a file damaged in place
    (a weight changed) loads and silently moves every result. Each (model name, folder) the manifest
    knows is checked; a file is hashed only when its stat stamp differs from the one recorded when
    it last verified (the user cache's ``verified.json``), so an unchanged folder costs one stat per
    file. A file of another size is another model (a quantised or retrained copy) and is left
    alone, as are models the manifest does not know."""
    known = _manifest()["models"]
    verified = _read_verified()
    before = dict(verified)
    for name, folder in models:
        for file, want in known.get(name, {}).get("files", {}).items():
            path = Path(folder) / file
            try:
                stamp = _stamp(path)
            except OSError:
                continue  # the core loaded the model, so an absent file is one it does not need
            key = os.path.realpath(path)
            if stamp[0] != want["size"] or verified.get(key) == {"stamp": stamp, "sha256": want["sha256"]}:
                continue
            got = file_sha256(path)
            if got != want["sha256"]:
                raise ModelError(
                    f"{name}/{file} in {folder} has the manifest's size but sha256 {got}, not {want['sha256']}: the file was "
                    "damaged or changed after it was installed. Download the model again (`presslens models fetch --force`); "
                    "for a model changed on purpose, regenerate the manifest (`presslens models manifest`) and rebuild."
                )
            verified[key] = {"stamp": stamp, "sha256": got}
    if verified != before:
        _write_verified(verified)


def verify(models: PathLike | None = None, names: Iterable[str] | None = None) -> list[FileCheck]:
    """Check model folders against the manifest: under ``models`` if given, else each model where
    :class:`~presslens.Pipeline` would load it from. A model that is not found gives one failed
    check saying where it was looked for."""
    checks: list[FileCheck] = []
    for name in _names(names):
        if models is not None:
            checks += check_model(name, Path(models) / name)
            continue
        try:
            folder = locate(name)
        except ModelError as e:
            checks.append(FileCheck(name, "*", Path(name), 0, str(e)))
            continue
        checks += check_model(name, folder)
    return checks


def check_manifest(data: object, origin: str) -> dict[str, Any]:
    """``data`` if it has a manifest's shape (a JSON object whose ``models`` maps each model name to
    an object), else a :class:`ModelError` naming ``origin``."""
    entries = data.get("models", {}) if isinstance(data, dict) else None
    if not isinstance(entries, dict) or not all(isinstance(e, dict) for e in entries.values()):
        raise ModelError(f'{origin} is not a models manifest (a JSON object whose "models" maps each model to an object); write to another file')
    return data  # type: ignore[return-value]


def build_manifest(folder: PathLike, previous: dict[str, Any] | None = None) -> tuple[dict[str, Any], list[str]]:
    """A manifest for the model folders in ``folder``: file sizes and sha256 measured, the descriptive
    fields kept from ``previous`` (default: this presslens's manifest). Returns it with notes on what
    a person must still do (fill in a new model's fields; models of ``previous`` that were dropped)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ModelError(f"{folder} is not a folder")
    if previous is not None:
        check_manifest(previous, "the previous manifest")
    previous = copy.deepcopy(previous if previous is not None else _manifest())
    result = {k: v for k, v in previous.items() if k != "models"}
    result["models"] = {}
    notes = []
    for model_dir in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".") and (p / "model.onnx").is_file()):
        entry = previous.get("models", {}).get(model_dir.name)
        if entry is None:
            entry = {field: TO_FILL for field in DESCRIPTIVE}
            notes.append(f"{model_dir.name} is new: fill in {', '.join(DESCRIPTIVE)}")
        files = sorted(p for p in model_dir.iterdir() if p.is_file() and not p.name.startswith("."))
        entry["files"] = {p.name: {"size": p.stat().st_size, "sha256": file_sha256(p)} for p in files}
        result["models"][model_dir.name] = entry
    if not result["models"]:
        raise ModelError(f"{folder} holds no model folders (a subfolder with model.onnx)")
    dropped = sorted(set(previous.get("models", {})) - set(result["models"]))
    if dropped:
        notes.append(f"not in {folder}, dropped from the manifest: {', '.join(dropped)}")
    return result, notes


def manifest_text(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------- the models wheel


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def _wheel_metadata(data: dict[str, Any]) -> str:
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {DISTRIBUTION}",
        f"Version: {data['release']}",
        "Summary: The ONNX models of presslens (" + ", ".join(f"{n} {m['version']}" for n, m in data["models"].items()) + ")",
        "License: " + " AND ".join(sorted({m["license"] for m in data["models"].values()})),
        "Requires-Python: >=3.10",
        # The models are checked against the manifest of the presslens versions they were made for.
        f"Requires-Dist: presslens{data['presslens']}",
        "Description-Content-Type: text/markdown",
        "",
        f"# {DISTRIBUTION} {data['release']}",
        "",
        "Model files for presslens; once installed, `presslens.Pipeline()` finds them with nothing set.",
        "",
    ]
    for name, model in data["models"].items():
        lines += [
            f"## {name} {model['version']}",
            "",
            f"- task: {model.get('task', '')}",
            f"- licence: {model['license']}",
            f"- source: {model['source']}",
            f"- training data: {model['training_data']}",
            f"- quality: {json.dumps(model['quality']) if not isinstance(model['quality'], str) else model['quality']}",
            "",
        ]
    return "\n".join(lines)


def _zip_info(arcname: str) -> zipfile.ZipInfo:
    # A fixed timestamp makes the same files give the same wheel, byte for byte.
    info = zipfile.ZipInfo(arcname, date_time=(1980, 1, 1, 0, 0, 0))
    info.external_attr = 0o644 << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    # Level 1: the float weights shrink to 140 MB instead of 137 MB at the default level 6, for a
    # quarter of the CPU time (4.4 s against 19.4 s for both model.onnx files, measured with zlib).
    # Python 3.13 renamed the attribute that ZipFile.open(..., "w") reads.
    setattr(info, "compress_level" if hasattr(zipfile.ZipInfo, "compress_level") else "_compresslevel", 1)
    return info


def build_wheel(source: PathLike | None = None, out: PathLike = ".") -> Path:
    """Build ``presslens_models-<release>-py3-none-any.whl`` in ``out`` from the model folders under
    ``source`` (default: each model where :class:`~presslens.Pipeline` finds it). Every file is checked
    against the manifest first, so the wheel never ships files that would not verify. The archive is
    reproducible (fixed timestamps, sorted entries)."""
    data = _manifest()
    folders = {name: (Path(source) / name if source is not None else locate(name)) for name in data["models"]}
    bad = [c for name, folder in folders.items() for c in check_model(name, folder) if not c.ok]
    if bad:
        raise ModelError("not packaging files that do not match the manifest: " + "; ".join(f"{c.model}/{c.file}: {c.problem}" for c in bad))
    version = data["release"]
    dist_info = f"{PACKAGE}-{version}.dist-info"
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    wheel = out / f"{PACKAGE}-{version}-py3-none-any.whl"
    init = (
        f'"""Model files for presslens {data["presslens"]} (generated by `presslens models package`).\n\n'
        "presslens finds this folder by itself; nothing here needs importing.\n"
        '"""\n\n'
        "from pathlib import Path\n\n"
        f"__version__ = {version!r}\n"
        "ROOT = Path(__file__).parent  # holds one folder per model\n"
    )
    # A fresh file of our own (O_EXCL), renamed over the wheel at the end: in a shared folder a
    # fixed name such as "<wheel>.partial" may already be a link someone planted to a file of ours.
    fd, partial = tempfile.mkstemp(prefix=f".{wheel.name}.", suffix=".partial", dir=out)
    try:
        with os.fdopen(fd, "w+b") as handle:
            _write_wheel(handle, data, folders, init, dist_info)
        os.chmod(partial, 0o666 & ~_umask())  # mkstemp's 0600 would hide the wheel from other users
        os.replace(partial, wheel)  # replaces a link at the wheel's name, never writes through it
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise
    return wheel


def _write_wheel(handle: Any, data: dict[str, Any], folders: dict[str, Path], init: str, dist_info: str) -> None:
    """The archive of :func:`build_wheel`, written to the open file ``handle``."""
    record: list[str] = []
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def add(arcname: str, payload: bytes | Path) -> None:
            info = _zip_info(arcname)
            if isinstance(payload, bytes):
                archive.writestr(info, payload)
                record.append(f"{arcname},{_record_hash(payload)},{len(payload)}")
                return
            digest, size = hashlib.sha256(), 0
            with open(payload, "rb") as src, archive.open(info, "w") as dst:
                while chunk := src.read(CHUNK):
                    digest.update(chunk)
                    dst.write(chunk)
                    size += len(chunk)
            encoded = base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()
            record.append(f"{arcname},sha256={encoded},{size}")

        add(f"{PACKAGE}/__init__.py", init.encode())
        add(f"{PACKAGE}/models.json", manifest_text(data).encode())
        for name, folder in folders.items():
            for file in sorted(data["models"][name]["files"]):
                add(f"{PACKAGE}/{name}/{file}", folder / file)
        add(f"{dist_info}/METADATA", _wheel_metadata(data).encode())
        add(f"{dist_info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: presslens models package\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        add(f"{dist_info}/top_level.txt", f"{PACKAGE}\n".encode())
        record.append(f"{dist_info}/RECORD,,")
        archive.writestr(_zip_info(f"{dist_info}/RECORD"), "\n".join(record) + "\n")


# ---------------------------------------------------------------- downloading


def _base_url(base_url: str | None) -> str:
    base = base_url or os.environ.get(URL_ENV_VAR)
    if not base:
        raise ModelError(
            f"no download location: set ${URL_ENV_VAR} (or pass --from URL / base_url=) to a folder of model files "
            "laid out as <base>/<model>/<file>, e.g. your organisation's mirror or object store. presslens has no default host."
        )
    scheme = urllib.parse.urlsplit(base).scheme
    if scheme not in ("http", "https", "file"):
        raise ModelError(f"download location {_shown(base)!r} must be an http://, https:// or file:// URL")
    return base


def _file_url(base: str, model: str, file: str) -> tuple[str, str | None]:
    """The URL of ``<base>/<model>/<file>``, a query of the base kept after the path
    (``https://host/models?token=...``), and credentials in the base (``https://user:pass@host/``)
    taken out as the value of an Authorization header (Basic), or None."""
    parts = urllib.parse.urlsplit(base)
    path = f"{parts.path.rstrip('/')}/{urllib.parse.quote(model)}/{urllib.parse.quote(file)}"
    url = urllib.parse.urlunsplit((parts.scheme, _host(parts), path, parts.query, ""))
    if parts.username is None:
        return url, None
    pair = f"{urllib.parse.unquote(parts.username)}:{urllib.parse.unquote(parts.password or '')}"
    return url, "Basic " + base64.b64encode(pair.encode()).decode()


def _host(parts: urllib.parse.SplitResult) -> str:
    """host[:port] of a URL, without any user name or password."""
    return parts.netloc.rpartition("@")[2]


def _shown(url: str) -> str:
    """``url`` as messages may print it: no password, and query values (tokens, signatures) hidden."""
    parts = urllib.parse.urlsplit(url)
    user = "" if parts.username is None else f"{parts.username}:***@" if parts.password is not None else f"{parts.username}@"
    query = "&".join(f"{key}=***" for key, _ in urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
    return urllib.parse.urlunsplit((parts.scheme, user + _host(parts), parts.path, query, parts.fragment))


class _RedirectRefused(Exception):
    """A redirect to a scheme presslens does not download from (raised inside urllib's handler)."""


class _HttpRedirectsOnly(urllib.request.HTTPRedirectHandler):
    """urllib follows redirects to ftp:// too; its failure there would be blamed on the mirror."""

    def redirect_request(self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> urllib.request.Request | None:
        if urllib.parse.urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise _RedirectRefused(f"the mirror redirects to {_shown(newurl)}, which presslens does not follow (only http and https)")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_HttpRedirectsOnly)


def _progress(total: int, name: str, show: bool | None) -> Any:
    if show is None:
        show = sys.stderr.isatty()
    if not show:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm(total=total, desc=name, unit="B", unit_scale=True, unit_divisor=1024, leave=True)


def _check_local_file(url: str, where: str) -> None:
    """A file:// mirror's file must be a regular file: opening a FIFO waits for a writer forever."""
    local = Path(urllib.request.url2pathname(urllib.parse.urlsplit(url).path))
    try:
        mode = local.stat().st_mode
    except OSError as e:
        raise ModelDownloadError(f"cannot download {where}: {e.strerror or e}") from None
    if not stat.S_ISREG(mode):
        raise ModelDownloadError(f"cannot download {where}: {local} is not a regular file (a FIFO, device or folder); a mirror holds plain files")


def _open(url: str, auth: str | None, where: str, timeout: float) -> Any:
    """The response for ``url``, or :class:`ModelDownloadError` saying what went wrong and where."""
    parts = urllib.parse.urlsplit(url)
    host = _host(parts) or "the local file system"
    if parts.scheme == "file":
        _check_local_file(url, where)
    request = urllib.request.Request(url, headers={"User-Agent": "presslens"})
    if auth is not None:
        request.add_unredirected_header("Authorization", auth)  # never sent on to another host
    try:
        return _OPENER.open(request, timeout=timeout)
    except _RedirectRefused as e:
        raise ModelDownloadError(f"cannot download {where}: {e}") from None
    except urllib.error.HTTPError as e:
        hint = " (the mirror has no such file; files must be laid out as <base>/<model>/<file>)" if e.code == 404 else ""
        raise ModelDownloadError(f"cannot download {where}: HTTP {e.code} {e.reason}{hint}") from None
    except urllib.error.URLError as e:
        if isinstance(e.reason, (TimeoutError, socket.timeout)):
            raise ModelDownloadError(f"cannot download {where}: {host} did not answer within {timeout:g} s") from None
        if parts.scheme == "file":
            raise ModelDownloadError(f"cannot download {where}: {e.reason}") from None
        raise ModelDownloadError(f"cannot download {where}: cannot reach {host} ({e.reason})") from None
    except TimeoutError:
        raise ModelDownloadError(f"cannot download {where}: {host} did not answer within {timeout:g} s") from None
    except (OSError, http.client.HTTPException, ValueError) as e:
        raise ModelDownloadError(f"cannot download {where}: {e}") from None


def _announced_size(response: Any, where: str) -> int | None:
    """The Content-Length the server sent, parsed strictly (ASCII digits: ``int()`` would take
    "²" or "١٢" and fail or misread), or None without one."""
    value = response.headers.get("Content-Length") if hasattr(response, "headers") else None
    if value is None:
        return None
    value = value.strip()
    if not (value.isascii() and value.isdigit() and len(value) <= 18):
        raise ModelDownloadError(f"cannot use {where}: the server sent an invalid Content-Length {value!r}")
    return int(value)


def _download(model: str, file: str, url: str, auth: str | None, dest: Path, want: dict[str, Any], timeout: float, advance: Callable[[int], None]) -> None:
    """Stream one file to ``dest``, hashing as it arrives; raise :class:`ModelDownloadError` naming the
    file and URL (credentials and query values hidden) on any failure."""
    where = f"{model}/{file} from {_shown(url)}"
    expected = want["size"]
    digest, received = hashlib.sha256(), 0
    with _open(url, auth, where, timeout) as response, open(dest, "wb") as out:
        announced = _announced_size(response, where)
        if announced is not None and announced != expected:
            raise ModelDownloadError(f"cannot use {where}: the server has {announced} bytes, the manifest says {expected} (a different version of the file?)")
        read = getattr(response, "read1", response.read)  # read1: whatever has arrived, so the rate is checked as it comes
        window_start, window_bytes = time.monotonic(), 0
        try:
            while chunk := read(min(CHUNK, expected + 1 - received)):  # one byte more than the manifest tells a longer file
                received += len(chunk)
                if received > expected:
                    raise ModelDownloadError(
                        f"cannot use {where}: the server sends more than the {expected} bytes the manifest says (a different version of the file?)"
                    )
                digest.update(chunk)
                out.write(chunk)
                advance(len(chunk))
                window_bytes += len(chunk)
                elapsed = time.monotonic() - window_start
                if elapsed >= timeout:
                    if window_bytes < MIN_BYTES_PER_SECOND * elapsed:
                        raise ModelDownloadError(
                            f"download of {where} is too slow: {window_bytes} bytes in {elapsed:.0f} s (under {MIN_BYTES_PER_SECOND} bytes/s) after {received} of {expected} bytes"
                        )
                    window_start, window_bytes = time.monotonic(), 0
        except ModelDownloadError:
            raise
        except TimeoutError:
            raise ModelDownloadError(f"download of {where} stalled: no data for {timeout:g} s after {received} of {expected} bytes") from None
        except http.client.IncompleteRead:
            raise ModelDownloadError(f"download of {where} was cut off after {received} of {expected} bytes (the connection closed)") from None
        except (OSError, http.client.HTTPException) as e:
            raise ModelDownloadError(f"download of {where} failed after {received} of {expected} bytes: {e}") from None
    if received != expected:
        raise ModelDownloadError(f"download of {where} was cut off after {received} of {expected} bytes (the connection closed)")
    got = digest.hexdigest()
    if got != want["sha256"]:
        raise ModelDownloadError(
            f"checksum mismatch for {where}: sha256 {got}, the manifest says {want['sha256']}; the file is corrupt or not the one this presslens expects"
        )


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _clear_stale(target: Path, name: str) -> None:
    # Folders left by a killed download never load (hidden names); drop those over a day old.
    for stale in target.glob(f".{name}.partial-*"):
        try:
            if time.time() - stale.stat().st_mtime > 86400:
                shutil.rmtree(stale, ignore_errors=True)
        except OSError:
            pass


def fetch(
    base_url: str | None = None,
    to: PathLike | None = None,
    *,
    names: Iterable[str] | None = None,
    force: bool = False,
    timeout: float = 30.0,
    progress: bool | None = None,
    log: Callable[[str], None] | None = None,
) -> Path:
    """Download every model in the manifest from ``<base_url>/<model>/<file>`` into ``to`` and return
    ``to``.

    ``base_url`` defaults to ``$PRESSLENS_MODELS_URL`` (http, https or file URLs; a user name and
    password in it are sent as HTTP Basic authentication, a query such as ``?token=...`` is kept after
    each file's path, and messages hide both); ``to`` to the user cache, where :class:`~presslens.Pipeline` looks last. Each file is streamed to a hidden
    temporary folder and sha256-checked; a model is moved into place only when all its files verify,
    so a failed or interrupted download never leaves a folder that loads. A model already present and
    verified is skipped unless ``force``. ``timeout``: seconds to wait for a connection or for more
    data; a file arriving slower than 1 KB/s over any ``timeout`` seconds is given up too. Redirects
    are followed to http and https only. ``progress``: a tqdm bar (default: when stderr is a terminal and tqdm is installed).
    Errors: :class:`ModelDownloadError` naming the file and URL.
    """
    base = _base_url(base_url)
    target = Path(to) if to is not None else user_cache()
    say = log or (lambda _message: None)
    target.mkdir(parents=True, exist_ok=True)
    data = _manifest()
    for name in _names(names):
        final = target / name
        files = data["models"][name]["files"]
        if not force and final.is_dir() and all(c.ok for c in check_model(name, final)):
            say(f"{name}: already in {final}, verified")
            continue
        _clear_stale(target, name)
        partial = Path(tempfile.mkdtemp(prefix=f".{name}.partial-", dir=target))
        partial.chmod(0o777 & ~_umask())  # mkdtemp's 0700 would hide a shared models folder from other users
        bar = _progress(sum(f["size"] for f in files.values()), name, progress)
        started = time.perf_counter()
        try:
            for file, want in files.items():
                url, auth = _file_url(base, name, file)
                _download(name, file, url, auth, partial / file, want, timeout, bar.update if bar is not None else lambda _n: None)
            if final.exists():
                # Swap, so a working folder is replaced only by a verified one.
                old = Path(tempfile.mkdtemp(prefix=f".{name}.old-", dir=target))
                final.rename(old / name)
                partial.rename(final)
                shutil.rmtree(old, ignore_errors=True)
            else:
                partial.rename(final)
        finally:
            if bar is not None:
                bar.close()
            shutil.rmtree(partial, ignore_errors=True)  # gone already after a successful rename
        say(f"{name}: {sum(f['size'] for f in files.values()) / 1e6:.1f} MB verified into {final} in {time.perf_counter() - started:.1f} s")
    return target


# ---------------------------------------------------------------- listing


@dataclass(frozen=True)
class ModelStatus:
    name: str
    version: str
    folder: Path | None
    source: str
    checks: tuple[FileCheck, ...]

    @property
    def verified(self) -> bool:
        return self.folder is not None and all(c.ok for c in self.checks)


def status(models: PathLike | None = None, verify_files: bool = True) -> list[ModelStatus]:
    """Each model in the manifest: where it is found (and by which rule), its version, and its checks."""
    roots = search_roots()
    result = []
    for name, entry in _manifest()["models"].items():
        try:
            folder = locate(name, models)
        except ModelError as e:
            result.append(ModelStatus(name, entry["version"], None, str(e), ()))
            continue
        source = "the `models` argument" if models is not None else next((s for root, s in roots if root.resolve() == folder.parent.resolve()), "?")
        if source.startswith("the installed"):
            source += f" {_package_version()}"
        checks = tuple(check_model(name, folder)) if verify_files else ()
        result.append(ModelStatus(name, entry["version"], folder, source, checks))
    return result


def _package_version() -> str:
    try:
        from importlib.metadata import version

        return version(DISTRIBUTION)
    except Exception:  # metadata missing: the folder is still usable
        return "(version unknown)"
