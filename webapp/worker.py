"""The gunicorn worker the site runs on: gunicorn's threaded worker, with the site's security
headers also on the error pages that gunicorn writes itself (a request line too long, header
fields too large, a request it cannot parse), which never reach Flask.

May touch: gunicorn's worker class, and the client socket of such an error response.
"""

from __future__ import annotations

from gunicorn.workers.gthread import ThreadWorker

from readouts.webapp.security import SECURITY_HEADERS

_HEADER_LINES = "".join(f"{name}: {value}\r\n" for name, value in SECURITY_HEADERS.items()).encode("latin-1")
_HEADER_LINES += b"Cache-Control: no-store\r\n"


class _WithHeaders:
    """The client socket, with the security headers written after the status line."""

    def __init__(self, sock) -> None:
        self._sock = sock

    def sendall(self, data: bytes, *args):
        status, newline, rest = data.partition(b"\r\n")
        return self._sock.sendall(status + newline + _HEADER_LINES + rest, *args)

    def __getattr__(self, name: str):
        return getattr(self._sock, name)


class SecureThreadWorker(ThreadWorker):
    def handle_error(self, req, client, addr, exc):
        super().handle_error(req, _WithHeaders(client), addr, exc)
