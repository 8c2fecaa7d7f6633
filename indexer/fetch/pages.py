"""What a fetched page leads to: the readout pages a listing or a feed links to (with the date
each is listed under, where it says), the PDFs a readout links to, and the file a page is saved as.

May touch: nothing; pure functions of a page's bytes and address.
"""

from __future__ import annotations

import datetime
import re
import urllib.parse
from dataclasses import dataclass

import feedparser
import lxml.html
from lxml import etree

from readouts.indexer.parse.documents import DocumentError, decode_html, html_to_text
from readouts.indexer.parse.header import parse_date

# The Ministry's readout pages: /mofaj/…/page4_004113.html, …/pageit_000001_01698.html,
# …/pressit_000001_01415.html (`--follow` replaces it).
READOUT_PAGES = r"/mofaj/(?:[^?#]+/)?(?:page[0-9a-z]*_[0-9_]+|pressit_[0-9_]+)\.html?$"


@dataclass(frozen=True)
class Link:
    url: str
    listed: datetime.date | None = None  # the date the listing or feed gives it


def is_feed(body: bytes, content_type: str) -> bool:
    head = body[:512].lstrip().lower()
    return any(kind in content_type for kind in ("rss", "atom", "rdf")) or (
        head.startswith(b"<?xml")
        and (b"<rss" in body[:2048] or b"<feed" in body[:2048] or b"<rdf" in body[:2048])
    )


def feed_links(body: bytes) -> list[Link]:
    """The entries of an RSS 1.0/RDF, RSS 2.0 or Atom feed, with their dates."""
    links = []
    for entry in feedparser.parse(body).entries:
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        if entry.get("link"):
            links.append(Link(entry.link, datetime.date(*when[:3]) if when else None))
    return links


def page_links(body: bytes, url: str) -> list[Link]:
    """Every link of a web page, absolute, with the date of the `<dt>` it is listed under, if any."""
    try:
        root = lxml.html.fromstring(decode_html(body))
    except (etree.ParserError, ValueError):
        return []
    links: list[Link] = []
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        links.append(Link(urllib.parse.urldefrag(urllib.parse.urljoin(url, href))[0], _listed(anchor)))
    return links


def _listed(anchor) -> datetime.date | None:
    """The date of a press-release index: `<dt>令和7年4月16日</dt><dd><a …>`."""
    for parent in anchor.iterancestors():
        if parent.tag == "dd":
            previous = parent.getprevious()
            while previous is not None and previous.tag != "dt":
                previous = previous.getprevious()
            return parse_date(previous.text_content()) if previous is not None else None
        if parent.tag in ("dl", "body"):
            return None
    return None


def english_link(body: bytes, url: str) -> str:
    """The address of the English version a readout page links to (英語版 (English)), or ""."""
    try:
        href = html_to_text(body).english_href
    except DocumentError:
        return ""
    return urllib.parse.urljoin(url, href) if href else ""


def file_name(url: str, taken: set[str]) -> str:
    """The name a page is saved under: its own (page4_004113.html), with its folder in front when
    another page of that name is saved already."""
    path = urllib.parse.urlsplit(url).path
    parts = [part for part in path.split("/") if part]
    name = parts[-1] if parts else "index.html"
    if not re.search(r"\.(html?|pdf)$", name, re.I):
        name += ".html"
    name = re.sub(r"[^A-Za-z0-9._-]", "_", name)
    if name not in taken:
        return name
    folders = "-".join(re.sub(r"[^A-Za-z0-9._-]", "_", part) for part in parts[:-1])
    return f"{folders}-{name}" if folders else f"x-{name}"
