"""A web server on this machine for as long as a ``with`` block lasts: for the site's browser check and for
the data tests, which download the real files from it (a mirror, a file cut short, a wrong address).

Example:
    >>> with serve(Path(".")) as url:  # doctest: +SKIP
    ...     urllib.request.urlopen(url + "/README.md").status
    200
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the files of a folder without logging every request to the terminal."""

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serve(root: Path, handler_class: type[http.server.SimpleHTTPRequestHandler] = QuietHandler) -> Iterator[str]:
    """Serve ``root`` on 127.0.0.1 (a free port) for the duration of the block; yield its base URL (no final slash)."""
    handler = functools.partial(handler_class, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
