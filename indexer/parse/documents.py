"""Saved web pages and PDFs as readout text.

HTML is read with lxml: Ministry pages are regular, so rather than a general
article extractor (trafilatura, readability) the main content is found the way
those do it in one step (the page's `<main>`/`#main`/`article`, else the block
holding the most sentences), and its headings, paragraphs and list items are
written out one per line, in order, below the category (the breadcrumb's last
item), the title (`<h1>`) and the date. The result goes through the same
parser as text copied from a browser. The page's own URL (`<link
rel=canonical>`, `og:url`) becomes the readout's source.

PDFs are read with pdfminer.six, which decodes the Japanese CID fonts the
Ministry's PDFs use; its text is hard-wrapped like the bundled seed and parsed
on the PDF path.

May touch: lxml and pdfminer (in a bounded child, `indexer.parse.limits`), and the bytes it is given.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import lxml.html
from lxml import etree

from readouts.indexer.messages import say

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# Shift_JIS pages use Microsoft's extensions (①, ～): decode them as CP932.
_CHARSET_ALIASES = {
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
}
_SKIP = {
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "button",
    "svg",
}
_SKIP_CLASSES = re.compile(
    r"breadcrumb|topicpath|pankuzu|globalnav|gnav|sidebar|side-nav|footer|header|pagetop|share|sns"
)
_BLOCKS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "dt", "dd", "tr", "caption", "blockquote", "pre"}
_SENTENCE_ENDS = ("。", "」", ")", "）", ":", "：")
_NUMBERED = re.compile(r"^(?:[0-9０-９]{1,2}[\s.．　]|[(（][0-9０-９ア-ン]{1,2}[)）]|[-・•①-⑳])")
_CONTAINERS = {"div", "section", "article", "main", "ul", "ol", "dl", "table", "tbody", "thead", "td", "th"}


class DocumentError(ValueError):
    """The file cannot be turned into text; the message says why."""


@dataclass(frozen=True, slots=True)
class PageText:
    text: str  # lines: category, title, date, then the body
    source_url: str
    english_href: str = ""  # its link to the English version (英語版 (English)), as written
    declared_language: str = ""  # its <html lang>


def decode_html(data: bytes) -> str:
    """Bytes of a saved page as text, honouring its `<meta charset>`."""
    declared = _META_CHARSET.search(data[:4096])
    encodings = []
    if declared:
        name = declared.group(1).decode("ascii").lower()
        encodings.append(_CHARSET_ALIASES.get(name, name))
    encodings += ["utf-8-sig", "cp932"]
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise DocumentError(say("page_encoding"))


def _text(element) -> str:
    return re.sub(r"\s+", " ", element.text_content()).strip()


def _skipped(element) -> bool:
    if not isinstance(element.tag, str) or element.tag in _SKIP:
        return True
    if element.get("aria-hidden") == "true" or element.get("role") in {"navigation", "banner", "contentinfo"}:
        return True
    return bool(_SKIP_CLASSES.search(f"{element.get('class', '')} {element.get('id', '')}".lower()))


def _main(root):
    for path in ("//main", "//*[@id='main']", "//*[@id='maincontents']", "//*[@id='contents']", "//article"):
        found = root.xpath(path)
        if found:
            return found[0]
    # Readability's idea in one step: the container with the most sentence text, its
    # paragraphs' text summed from the leaves up in one pass (a page of nested <div>s
    # around many <p>s costs its size, not its size times its depth).
    best, best_score = root.find("body") if root.find("body") is not None else root, 0
    below: dict = {}  # element → the sentence text of the <p>s inside it
    for element in reversed(list(root.iter())):
        total = 0
        for child in element:
            total += below.pop(child, 0)
            if child.tag == "p" and "。" in (text := _text(child)):
                total += len(text)
        below[element] = total
        if element.tag in ("div", "section", "td") and total and total >= best_score:
            best, best_score = element, total
    return best


def _lines(element, out: list[str]) -> None:
    """Block elements in document order, one line each; images and figures dropped."""
    for child in element:
        if _skipped(child) or child.tag in {"figure", "figcaption", "img", "picture"}:
            continue
        if child.tag == "br":
            continue
        nested = any(isinstance(c.tag, str) and (c.tag in _BLOCKS or c.tag in _CONTAINERS) for c in child)
        if child.tag in _BLOCKS and not (child.tag in {"li", "blockquote"} and nested):
            if child.tag == "tr":
                text = " | ".join(_text(cell) for cell in child if isinstance(cell.tag, str))
            else:
                text = _block_text(child)
            if text:
                prefix = "- " if child.tag == "li" and child.getparent().tag == "ul" else ""
                out.extend(prefix + line for line in text.split("\n") if line.strip())
        else:
            if child.tag in {"li", "blockquote"}:
                own = (child.text or "").strip()
                if own:
                    out.append(own)
            _lines(child, out)
        if child.tail and child.tail.strip() and element.tag not in _BLOCKS:
            out.append(child.tail.strip())


def _block_text(element) -> str:
    """A block's text with `<br>` as line breaks and figures left out."""
    copy = lxml.html.fromstring(etree.tostring(element, encoding="unicode"))
    for drop in copy.xpath(".//img|.//figure|.//script|.//style"):
        drop.drop_tree()
    for br in copy.xpath(".//br"):
        br.tail = "\n" + (br.tail or "")
    lines: list[str] = []
    for line in copy.text_content().split("\n"):
        line = re.sub(r"[ \t\r\f\v]+", " ", line).strip()
        if not line:
            continue
        # A <br> inside a sentence only wraps it; after a sentence or before a number it breaks it.
        if lines and not lines[-1].endswith(_SENTENCE_ENDS) and not _NUMBERED.match(line):
            lines[-1] += line
        else:
            lines.append(line)
    return "\n".join(lines)


def _breadcrumb(root) -> str:
    for path in (
        "//*[contains(@class,'breadcrumb')]",
        "//*[contains(@class,'topicpath')]",
        "//*[contains(@id,'breadcrumb')]",
        "//nav[contains(@aria-label,'パンくず')]",
    ):
        for crumbs in root.xpath(path):
            items = [_text(item) for item in crumbs.xpath(".//li|.//a") if _text(item)]
            items = [item for item in dict.fromkeys(items) if item not in {"トップページ", "ホーム", "Home"}]
            if items:
                return items[-1]
    return ""


def _canonical(root) -> str:
    for value in root.xpath("//link[@rel='canonical']/@href") + root.xpath(
        "//meta[@property='og:url']/@content"
    ):
        value = value.strip()
        if re.match(r"https?://[^\s<>\"']+$", value):
            return value
    return ""


def _english(root) -> str:
    """The href of the page's link to its English version: 英語版 (English), English, 英文."""
    for anchor in root.iter("a"):
        text = re.sub(r"\s+", "", anchor.text_content())
        if re.fullmatch(r"(英語版)?[(（]?English[)）]?|英語版|英文", text) and anchor.get("href"):
            return anchor.get("href").strip()
    return ""


def html_to_text(data: bytes) -> PageText:
    """A saved Ministry page as readout text: category, title, date, body; and its URL."""
    source = decode_html(data)
    source = re.sub(r"^\s*<\?xml[^>]*\?>", "", source)
    try:
        root = lxml.html.fromstring(source)
    except (etree.ParserError, ValueError) as error:
        raise DocumentError(say("not_html", error=error)) from None
    main = _main(root)
    body: list[str] = []
    _lines(main, body)
    title = ""
    headings = main.xpath(".//h1") or root.xpath("//h1")
    if headings:
        title = _text(headings[0])
    elif root.find(".//title") is not None:
        title = re.split(r"\s*[|｜]\s*", _text(root.find(".//title")))[0]
    if title and title in body:
        body.remove(title)
    category = _breadcrumb(root)
    if category == title:
        category = ""
    lines = [line for line in (category, title) if line] + body
    return PageText("\n".join(lines), _canonical(root), _english(root), root.get("lang") or "")


def pdf_to_text(data: bytes) -> str:
    """The text of a PDF, page after page."""
    from pdfminer.high_level import extract_text
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        return extract_text(io.BytesIO(data))
    except MemoryError:
        raise  # past the memory bound (`indexer.parse.limits`): said as such, not as damage
    except (PDFSyntaxError, ValueError, TypeError, KeyError, AttributeError, IndexError) as error:
        raise DocumentError(say("pdf_damaged", error=f"{type(error).__name__}: {error}")) from None
    except Exception as error:  # pdfminer raises many private types for damaged files
        raise DocumentError(say("pdf_damaged", error=type(error).__name__)) from None
