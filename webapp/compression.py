"""Gzip for pages, API answers and feeds when the client accepts it."""

from __future__ import annotations

import gzip

from flask import Flask, Response, request

MIN_SIZE = 500  # smaller bodies gain nothing
_TYPES = ("text/", "application/json", "application/atom+xml", "application/opensearchdescription+xml")


def _compress(response: Response) -> Response:
    if (
        response.direct_passthrough  # files are streamed as they are
        or response.status_code < 200
        or response.status_code in (204, 304)
        or "Content-Encoding" in response.headers
        or not response.mimetype.startswith(_TYPES)
        or "gzip" not in request.headers.get("Accept-Encoding", "").lower()
    ):
        return response
    body = response.get_data()
    if len(body) < MIN_SIZE:
        return response
    response.set_data(gzip.compress(body, compresslevel=6))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    return response


def init_app(app: Flask) -> None:
    app.after_request(_compress)
