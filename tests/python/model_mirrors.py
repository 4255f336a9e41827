"""Model folders to download from in tests: a real HTTP server on 127.0.0.1 (never another address)
and a folder of links to the real model files."""

from __future__ import annotations

import contextlib
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

from presslens import models

NAMES = list(models.manifest()["models"])


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # keep pytest output clean
        pass


@contextlib.contextmanager
def serve(folder: Path, handler: type[http.server.BaseHTTPRequestHandler] = Quiet) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (an ephemeral port) from a thread; yields the base URL. Handler
    threads are daemons, so a handler that trickles or never ends cannot hold the test up."""

    class Handler(handler):  # type: ignore[valid-type, misc]
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(folder), **kwargs)  # type: ignore[arg-type]

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def mirror(models_dir: Path, target: Path) -> Path:
    """A models folder of symlinks to the real files (cheap to make, then change one file)."""
    for name in NAMES:
        (target / name).mkdir(parents=True)
        for file in (models_dir / name).iterdir():
            (target / name / file.name).symlink_to(file.resolve())
    return target
