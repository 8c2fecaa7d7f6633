"""One polite HTTP client: robots.txt honoured (`protego`, with its Crawl-delay), one request at
a time and at least `delay` seconds apart per host, a User-Agent that names readouts and a
contact, conditional requests, 429/503 retried after Retry-After or a growing back-off,
redirects followed within the site only, timeouts, a size limit, http and https only.

May touch: the network, through httpx.
"""

from __future__ import annotations

import email.utils
import importlib.metadata
import os
import time
import urllib.parse
from dataclasses import dataclass, field

import httpx
from protego import Protego

# What one response may weigh: a readout page is tens of kilobytes, a PDF a few megabytes.
MAX_BYTES = 20_000_000
READ_SECONDS = 30.0  # READOUTS_FETCH_TIMEOUT overrides it
CONNECT_SECONDS = 10.0
ATTEMPTS = 4  # for 429, 503 and dropped connections
MAX_WAIT = 300.0  # the longest Retry-After honoured; a longer one fails the page for this run
MAX_REDIRECTS = 5


class FetchError(Exception):
    """A page that could not be fetched; the message says why."""


@dataclass
class Response:
    url: str  # after redirects
    status: int  # 200, or 304 when unchanged
    body: bytes = b""
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""


def user_agent(contact: str) -> str:
    version = importlib.metadata.version("readouts")
    return f"readouts/{version} (+{contact or 'no contact given'})"


def site(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


@dataclass
class Client:
    """Requests to any number of sites, each paced and checked against its robots.txt."""

    contact: str = ""
    delay: float = 1.0
    sleep: object = time.sleep
    _robots: dict[str, Protego | None] = field(default_factory=dict)
    _last: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.agent = user_agent(self.contact)
        self.http = httpx.Client(
            headers={"User-Agent": self.agent},
            timeout=httpx.Timeout(
                float(os.environ.get("READOUTS_FETCH_TIMEOUT", READ_SECONDS)), connect=CONNECT_SECONDS
            ),
            follow_redirects=False,
            trust_env=False,
        )

    def close(self) -> None:
        self.http.close()

    def allowed(self, url: str) -> bool:
        robots = self._robots_of(site(url))
        return robots is None or robots.can_fetch(url, self.agent)

    def get(self, url: str, etag: str = "", last_modified: str = "") -> Response:
        """The page at `url` (304 when the validators still hold), within its site."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        start = site(url)
        for _ in range(MAX_REDIRECTS + 1):
            response = self._request(url, headers)
            if response.status_code not in (301, 302, 303, 307, 308):
                return self._response(url, response)
            target = urllib.parse.urljoin(url, response.headers.get("Location", ""))
            if site(target) != start:
                raise FetchError(f"redirected off the site to {target}, which is not followed")
            if not self.allowed(target):
                raise FetchError(f"redirected to {target}, which robots.txt disallows")
            url = target
        raise FetchError(f"more than {MAX_REDIRECTS} redirects")

    def _response(self, url: str, response: httpx.Response) -> Response:
        if response.status_code == 304:
            return Response(url, 304)
        if response.status_code != 200:
            raise FetchError(f"the server answered {response.status_code}")
        return Response(
            url,
            200,
            response.content,
            response.headers.get("Content-Type", ""),
            response.headers.get("ETag", ""),
            response.headers.get("Last-Modified", ""),
        )

    def _request(self, url: str, headers: dict) -> httpx.Response:
        """One request, paced; retried on 429, 503 and dropped connections."""
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise FetchError("only http and https addresses are fetched")
        for attempt in range(ATTEMPTS):
            self._pace(site(url))
            try:
                response = self._bounded(url, headers)
            except httpx.TransportError as error:
                if attempt == ATTEMPTS - 1:
                    raise FetchError(f"no answer ({type(error).__name__}: {error})") from None
                self.sleep(self.delay * 2**attempt)
                continue
            if response.status_code not in (429, 503) or attempt == ATTEMPTS - 1:
                return response
            wait = _retry_after(response.headers.get("Retry-After", ""), self.delay * 2 ** (attempt + 1))
            if wait > MAX_WAIT:
                raise FetchError(f"the server asked to wait {wait:.0f} s (Retry-After); try again later")
            self.sleep(wait)
        raise AssertionError("unreachable")

    def _bounded(self, url: str, headers: dict) -> httpx.Response:
        with self.http.stream("GET", url, headers=headers) as response:
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_BYTES:
                    raise FetchError(f"the response is larger than {MAX_BYTES // 1_000_000} MB")
            response._content = bytes(body)  # what .content returns, read within the limit
            return response

    def _pace(self, host: str) -> None:
        robots = self._robots_of(host)
        self._wait_turn(host, max(self.delay, float((robots and robots.crawl_delay(self.agent)) or 0.0)))

    def _wait_turn(self, host: str, delay: float) -> None:
        """Sleep until `delay` seconds have passed since the last request to `host`."""
        last = self._last.get(host)
        if last is not None:
            self.sleep(max(0.0, last + delay - time.monotonic()))
        self._last[host] = time.monotonic()

    def _robots_of(self, host: str) -> Protego | None:
        """The site's robots.txt, read once per run; none (or unreadable, 4xx) allows all."""
        if host not in self._robots:
            self._robots[host] = None  # while it is being read
            self._wait_turn(host, self.delay)
            try:
                response = self.http.get(host + "/robots.txt")
            except httpx.TransportError:
                return None
            if response.status_code == 200:
                self._robots[host] = Protego.parse(response.text)
            elif response.status_code >= 500:
                # A site that cannot say what it allows is not crawled (as Google does).
                self._robots[host] = Protego.parse("User-agent: *\nDisallow: /")
        return self._robots[host]


def _retry_after(value: str, default: float) -> float:
    value = value.strip()
    if value.isdigit():
        return float(value)
    if value:
        try:
            when = email.utils.parsedate_to_datetime(value)
            return max(0.0, when.timestamp() - time.time())
        except (TypeError, ValueError):
            pass
    return default
