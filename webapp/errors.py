"""The one place where an error becomes an HTML page or a JSON body."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from indexer.store import IndexProblem

log = logging.getLogger(__name__)

MESSAGES = {
    400: "リクエストが正しくありません。",
    404: "お探しのページは見つかりませんでした。",
    405: "このメソッドは使えません（GET と HEAD のみ）。",
    413: "リクエストが大きすぎます。",
    500: "サーバーでエラーが発生しました。",
    503: "検索索引を開けません。",
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, detail: str):
    if wants_json():
        return jsonify({"error": detail}), status
    message = MESSAGES.get(status, MESSAGES[500])
    return render_template("error.html", status=status, message=message, detail=detail), status


def _http_error(error: HTTPException):
    status = error.code or 500
    detail = error.description if status != 500 else MESSAGES[500]
    response = error_response(status, detail)
    if status == 405 and error.valid_methods:
        body, code = response
        return body, code, {"Allow": ", ".join(error.valid_methods)}
    return response


def _index_problem(error: IndexProblem):
    log.error("index unavailable: %s", error)
    return error_response(503, str(error))


def _unexpected(error: Exception):
    # Logged for the operator; the user sees a plain page, never a traceback.
    log.exception("unhandled error on %s", request.path)
    return error_response(500, MESSAGES[500])


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(IndexProblem, _index_problem)
    app.register_error_handler(InternalServerError, _unexpected)
    app.register_error_handler(Exception, _unexpected)
