"""`readouts fetch`: from readout pages, listings and feeds to files in a folder.

A SOURCE that is a readout page (the `follow` pattern) is saved; a feed's entries and a
listing's links that are readout pages are fetched and saved; with `depth`, a listing also
leads to the other listings in its folder (an archive by year). A readout page is saved as the
server sent it, with its address beside it (`page.url`) and the PDFs it links to; only new or
changed pages are written, and a page that fails is reported, kept as it was, and tried again
on the next run.

May touch: the network (`indexer.fetch.http`), the folder and its state (`indexer.fetch.state`).
"""

from __future__ import annotations

import datetime
import hashlib
import re
import urllib.parse
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from readouts.indexer.fetch.http import Client, FetchError, Response, site
from readouts.indexer.fetch.pages import (
    READOUT_PAGES,
    Link,
    english_link,
    feed_links,
    file_name,
    is_feed,
    page_links,
)
from readouts.indexer.fetch.state import State, write_whole

# Where listings and feeds are kept, hidden inside the folder (`readouts index` skips it).
LISTINGS = ".readouts-fetch-listings"


@dataclass(frozen=True)
class FetchOptions:
    follow: str = READOUT_PAGES
    depth: int = 0
    since: datetime.date | None = None
    most: int | None = None  # readout pages fetched at most
    contact: str = ""
    delay: float = 1.0
    english: bool = False  # also the English version a readout page links to


@dataclass
class Report:
    new: list[str] = field(default_factory=list)  # files written for the first time
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    older: int = 0  # listed before --since
    disallowed: list[str] = field(default_factory=list)  # by robots.txt
    failed: list[tuple[str, str]] = field(default_factory=list)  # (address, reason)


class _Run:
    def __init__(self, folder: Path, options: FetchOptions, client: Client, on_progress) -> None:
        self.folder, self.options, self.client, self.on_progress = folder, options, client, on_progress
        self.state = State(folder)
        self.follow = re.compile(options.follow)
        self.report = Report()
        self.readouts = 0

    def is_readout(self, url: str) -> bool:
        return bool(self.follow.search(urllib.parse.urlsplit(url).path))

    def visit(self, sources: list[str]) -> None:
        queue = deque((url, self.options.depth, True) for url in sources)
        seen: set[str] = set()
        while queue:
            url, depth, given = queue.popleft()
            if url in seen:
                continue
            seen.add(url)
            if self.on_progress is not None:
                self.on_progress(len(seen) - 1, len(queue) + 1)
            if not self.client.allowed(url):
                self.report.disallowed.append(url)
            elif self.is_readout(url):
                self.readout(url)
            else:
                queue.extend(self.listing(url, depth, given))

    def readout(self, url: str) -> None:
        if self.options.most is not None and self.readouts >= self.options.most:
            return
        self.readouts += 1
        response = self.save(url)
        if response is None:
            return
        body = response.body if response.status == 200 else self.saved(url)
        if not body:
            return
        # The PDFs it links to (also when it is unchanged: one may have failed before), and its
        # English version if asked for.
        wanted = [link.url for link in page_links(body, response.url) if link.url.lower().endswith(".pdf")]
        if self.options.english and (english := english_link(body, response.url)):
            wanted.append(english)
        for link in wanted:
            if site(link) == site(url) and self.client.allowed(link):
                self.save(link)

    def saved(self, url: str) -> bytes:
        path = self.folder / self.state.of(url).get("file", "")
        return path.read_bytes() if path.is_file() else b""

    def listing(self, url: str, depth: int, given: bool) -> list[tuple[str, int, bool]]:
        """The pages a listing or feed leads to; a SOURCE that is neither is saved as a readout.
        A listing is kept (hidden, in LISTINGS) so that asking for it again is conditional too."""
        known = self.state.of(url)
        if known.get("file"):  # a readout page of another layout, given by name before
            self.readout(url)
            return []
        kept = self.folder / LISTINGS / known["listing"] if known.get("listing") else None
        held = kept is not None and kept.is_file()
        try:
            response = self.client.get(
                url, known.get("etag", "") if held else "", known.get("last_modified", "") if held else ""
            )
        except FetchError as error:
            self.fail(url, str(error))
            return []
        unchanged = response.status == 304 and kept is not None
        if unchanged:
            response = Response(response.url, 200, kept.read_bytes(), known.get("content_type", ""))
        feed = is_feed(response.body, response.content_type)
        links = feed_links(response.body) if feed else page_links(response.body, response.url)
        if given and not feed and not any(self.is_readout(link.url) for link in links):
            self.write(url, response)  # a readout page of another layout, given by name
            return []
        if not unchanged:
            self.keep_listing(url, response)
        return self.following(url, links, depth)

    def keep_listing(self, url: str, response: Response) -> None:
        name = hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]
        (self.folder / LISTINGS).mkdir(exist_ok=True)
        write_whole(self.folder / LISTINGS / name, response.body)
        self.state.record(
            url,
            listing=name,
            etag=response.etag,
            last_modified=response.last_modified,
            content_type=response.content_type,
            fetched=_now(),
            error=None,
        )

    def following(self, url: str, links: list[Link], depth: int) -> list[tuple[str, int, bool]]:
        folder = urllib.parse.urlsplit(url).path.rsplit("/", 1)[0] + "/"
        found = []
        for link in links:
            if site(link.url) != site(url):
                continue
            if self.is_readout(link.url):
                if self.options.since and link.listed and link.listed < self.options.since:
                    self.report.older += 1
                else:
                    found.append((link.url, 0, False))
            elif depth > 0 and urllib.parse.urlsplit(link.url).path.startswith(folder):
                found.append((link.url, depth - 1, False))
        return found

    def save(self, url: str) -> Response | None:
        """Fetch one page or PDF with the validators of its last fetch, and write it if new or changed."""
        known = self.state.of(url)
        on_disk = bool(known.get("file")) and (self.folder / known["file"]).is_file()
        try:
            response = self.client.get(
                url,
                known.get("etag", "") if on_disk else "",
                known.get("last_modified", "") if on_disk else "",
            )
        except FetchError as error:
            self.fail(url, str(error))
            return None
        if response.status == 304:
            self.report.unchanged += 1
            self.state.record(url, fetched=_now(), error=None)
            return response
        self.write(url, response)
        return response

    def write(self, url: str, response: Response) -> None:
        known = self.state.of(url)
        name = known.get("file") or file_name(response.url, self.state.taken())
        path = self.folder / name
        if path.is_file() and path.read_bytes() == response.body:
            self.report.unchanged += 1
        else:
            (self.report.changed if path.is_file() else self.report.new).append(name)
            write_whole(path, response.body)
            if not name.lower().endswith(".pdf"):
                write_whole(path.with_suffix(".url"), (response.url + "\n").encode("utf-8"))
        self.state.record(
            url,
            file=name,
            etag=response.etag,
            last_modified=response.last_modified,
            fetched=_now(),
            error=None,
        )

    def fail(self, url: str, reason: str) -> None:
        self.report.failed.append((url, reason))
        self.state.record(url, error=reason, failed=_now())


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def fetch(
    sources: list[str],
    folder: Path,
    options: FetchOptions,
    client: Client | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Fetch what `sources` lead to into `folder` (made if missing); what happened, in a Report.
    `on_progress(done, to_go)` is called before each page."""
    folder.mkdir(parents=True, exist_ok=True)
    client = client or Client(options.contact, options.delay)
    try:
        run = _Run(folder, options, client, on_progress)
        run.visit(sources)
        return run.report
    finally:
        client.close()
