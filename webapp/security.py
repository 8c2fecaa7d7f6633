"""Security headers on every response, errors included."""

from __future__ import annotations

from flask import Flask, Response, request

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)

# On every response the server sends: Flask's (`_headers`) and gunicorn's own error pages
# (`webapp.worker`).
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}

# How long a response may be reused: results change only when the index does.
_MAX_AGE = {
    "views.static": 86400,
    "static": 86400,
    "views.opensearch": 86400,
    "views.favicon": 86400,
    "views.document": 300,
}


def _headers(response: Response) -> Response:
    if "Cache-Control" not in response.headers or request.endpoint == "static":
        if response.status_code in (200, 304):
            response.headers["Cache-Control"] = f"public, max-age={_MAX_AGE.get(request.endpoint or '', 60)}"
        else:  # errors, 503s above all, must not be kept
            response.headers["Cache-Control"] = "no-store"
    response.vary.add("Accept-Encoding")
    response.headers.update(SECURITY_HEADERS)
    return response


def init_app(app: Flask) -> None:
    app.after_request(_headers)
