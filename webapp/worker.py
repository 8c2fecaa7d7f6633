"""The gunicorn worker the site runs on: gunicorn's asyncio worker, which reads every request
in its event loop and hands only whole ones to the Flask app's threads (`a2wsgi`), so that
slow or idle clients cost a socket, not a thread. On top of gunicorn's: the first request's
headers must arrive within HEADER_SECONDS (later ones within its keep-alive time), and the
error responses gunicorn writes itself (a request line too long, header fields too large, a
request it cannot parse, headers too slow) carry the site's security headers.

May touch: gunicorn's asyncio worker and its connections' protocol.
"""

from __future__ import annotations

import os

from gunicorn.asgi.protocol import ASGIProtocol
from gunicorn.workers import gasgi

from readouts.webapp.security import SECURITY_HEADERS

# How long a new connection may take to send its request's headers (READOUTS_HEADER_SECONDS
# overrides it): a client that opened a connection and trickles or sends nothing gets 408 and
# is closed. A browser sends them at once.
HEADER_SECONDS = 10.0


def header_seconds() -> float:
    return float(os.environ.get("READOUTS_HEADER_SECONDS", HEADER_SECONDS))


_EXTRA_HEADERS = (*SECURITY_HEADERS.items(), ("Cache-Control", "no-store"))


class _Connection(ASGIProtocol):
    _header_deadline = None

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._header_deadline = self.worker.loop.call_later(header_seconds(), self._headers_too_slow)

    def _headers_too_slow(self) -> None:
        self._header_deadline = None
        if self._current_request is None and not self._closed:
            self._send_error_response(408, "the request's headers took too long")
            self._close_transport()
            self._request_ready.set()  # wake the connection's task, to see it closed

    def _cancel_header_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _on_headers_complete(self):
        self._cancel_header_deadline()
        return super()._on_headers_complete()

    def connection_lost(self, exc) -> None:
        self._cancel_header_deadline()
        super().connection_lost(exc)

    def _send_error_response(self, status, message, extra_headers=()) -> None:
        super()._send_error_response(status, message, (*extra_headers, *_EXTRA_HEADERS))


class SecureWorker(gasgi.ASGIWorker):
    def init_process(self) -> None:
        # The worker makes each connection's protocol by this module name; in this (forked)
        # worker process it is ours.
        gasgi.ASGIProtocol = _Connection
        super().init_process()
