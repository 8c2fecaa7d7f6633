"""The one place where an error becomes an HTML page or a JSON body."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from readouts.indexer.index.store import IndexDamaged, IndexMissing, IndexProblem
from readouts.indexer.search.library import SearchTimeout
from readouts.indexer.search.request import BadParameter
from readouts.webapp.library import Overloaded

log = logging.getLogger(__name__)

MESSAGES = {
    400: "リクエストが正しくありません。",
    404: "お探しのページは見つかりませんでした。",
    405: "このメソッドは使えません（GET と HEAD のみ）。",
    413: "リクエストが大きすぎます。",
    500: "サーバーでエラーが発生しました。",
    503: "ただいま検索できません。",
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, detail: str, message: str | None = None, headers: dict | None = None):
    if wants_json():
        return jsonify({"error": detail}), status, headers or {}
    message = message or MESSAGES.get(status, MESSAGES[500])
    page = render_template("error.html", status=status, message=message, detail=detail)
    return page, status, headers or {}


def _http_error(error: HTTPException):
    status = error.code or 500
    detail = error.description if status != 500 else MESSAGES[500]
    if not wants_json() and detail == type(error).description:
        detail = ""  # Werkzeug's own English text: the Japanese message says it
    headers = {"Allow": ", ".join(error.valid_methods)} if status == 405 and error.valid_methods else None
    return error_response(status, detail, headers=headers)


def _index_problem(error: IndexProblem):
    # The full message (with the server's paths) is for the operator's log only.
    log.error("index unavailable: %s", error)
    if isinstance(error, IndexDamaged):
        detail, message = (
            "the index is damaged: run `readouts index --rebuild`",
            "検索索引が壊れています。管理者が readouts index --rebuild で作り直す必要があります。",
        )
    elif isinstance(error, IndexMissing):
        detail, message = "there is no index yet: run `readouts index`", "検索索引がまだありません。"
    else:
        detail, message = "the index cannot be opened; the server log says why", "検索索引を開けません。"
    return error_response(503, detail, message, {"Retry-After": "60"})


def _bad_parameter(error: BadParameter):
    # A parameter a view could not use: its message names the parameter and the fix.
    return error_response(400, str(error))


def _timeout(error: SearchTimeout):
    log.warning("search stopped after %s s: %s", error.seconds, request.full_path[:300])
    message = (
        f"この検索は {error.seconds:g} 秒を超えたため中断しました。"
        "語を減らすか、1 文字の語や除外語を避けて検索してください。"
    )
    return error_response(503, str(error), message, {"Retry-After": "10"})


def _overloaded(error: Overloaded):
    return error_response(
        503,
        "the site is busy; try again in a few seconds",
        "ただいま混み合っています。数秒後にもう一度お試しください。",
        {"Retry-After": "2"},
    )


def _unexpected(error: Exception):
    # Logged for the operator; the user sees a plain page, never a traceback.
    log.exception("unhandled error on %s", request.path)
    return error_response(500, MESSAGES[500])


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(IndexProblem, _index_problem)
    app.register_error_handler(BadParameter, _bad_parameter)
    app.register_error_handler(SearchTimeout, _timeout)
    app.register_error_handler(Overloaded, _overloaded)
    app.register_error_handler(InternalServerError, _unexpected)
    app.register_error_handler(Exception, _unexpected)
