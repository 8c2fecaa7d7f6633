"""Results as the command line prints them: totals, suggestions, facets, then the hits or the
readouts, query words bold and underlined on a terminal.

May touch: click's output, and search/ for the results and their links.
"""

from __future__ import annotations

import html
import re

import click

from readouts.indexer.engines.base import COUNTED_PER_READOUT
from readouts.indexer.search.citation import UNTITLED
from readouts.indexer.search.export import hit_url
from readouts.indexer.search.results import Results


def print_results(results: Results, text: str, terminal: bool) -> None:
    render = _terminal if terminal else _plain
    _print_summary(results, text)
    if results.group == "readout":
        _print_readouts(results, text, render)
    else:
        _print_hits(results, text, render)


def _plain(markup: str) -> str:
    return html.unescape(re.sub(r"</?mark>", "", markup))


def _terminal(markup: str) -> str:
    return _plain(markup.replace("<mark>", "\x1b[1;4m").replace("</mark>", "\x1b[0m"))


def _print_summary(results, text: str) -> None:
    """The totals, the suggestions, the other forms searched and the facets."""
    click.echo(
        f"{results.total} paragraph{'s' if results.total != 1 else ''} match{'es' if results.total == 1 else ''} {text}"
    )
    for suggestion in results.suggestions:
        click.echo(
            f"did you mean {suggestion.query}? ({suggestion.count} paragraph"
            f"{'s' if suggestion.count != 1 else ''}; {suggestion.word} → {suggestion.instead})"
        )
    for word, forms in results.also_searched:
        click.echo(
            f"also searched for {word}: {', '.join(forms)} (quote the word to search it only as typed)"
        )
    if results.facets is not None:
        for name in ("year", "country", "kind", "side", "lang"):
            values = getattr(results.facets, name)
            click.echo(f"{name}: " + (", ".join(f"{facet.value} {facet.count}" for facet in values) or "-"))


def _print_readouts(results, text: str, render) -> None:
    if results.total_readouts is None:
        click.echo(f"in many readouts (not counted past {COUNTED_PER_READOUT:,} paragraphs)")
    else:
        click.echo(f"in {results.total_readouts} readout{'s' if results.total_readouts != 1 else ''}")
    first = (results.page - 1) * results.per_page
    for number, readout in enumerate(results.readouts, first + 1):
        date = readout.date.isoformat() if readout.date else "----------"
        click.echo(
            f"\n{number:>3}. {date}  {readout.title or UNTITLED}  ({readout.matched} paragraph{'s' if readout.matched != 1 else ''})"
        )
        for hit in readout.hits:
            click.echo(f"     {hit.section}  {' › '.join(hit.headings)}".rstrip())
            click.echo(f"       {render(str(hit.snippet))}")
            click.echo(f"       {hit_url(hit, text)}")
        if readout.more:
            click.echo(f"     … {readout.more} more: --doc {readout.doc_id} --group paragraph")


def _print_hits(results, text: str, render) -> None:
    first = (results.page - 1) * results.per_page
    for number, hit in enumerate(results.hits, first + 1):
        date = hit.date.isoformat() if hit.date else "----------"
        headings = " › ".join(hit.headings)
        click.echo(f"\n{number:>3}. {date}  {hit.title or UNTITLED}  {hit.section}  {headings}")
        if hit.speaker:
            click.echo(f"     発言：{hit.speaker}" + (f"（{hit.side}）" if hit.side else ""))
        click.echo(f"     {render(str(hit.snippet))}")
        click.echo(f"     {hit_url(hit, text)}  score {hit.score:.1f}")
