"""Page types: undated, unsigned pages that show code are documentation."""

from __future__ import annotations

from wirestory.transforms.metadata import page_metadata, parse_tree
from wirestory.transforms.pagetype import ARTICLE, page_signals, page_type

PROSE = (
    "<p>" + "Configure the client before the first request; it retries on failure. " * 6 + "</p>"
)
CODE = "<pre><code>client = Client(retries=3)</code></pre>"


def _type(head: str, body: str) -> str:
    tree = parse_tree(f"<html><head>{head}</head><body><h1>Retries</h1>{body}</body></html>")
    assert tree is not None
    meta = page_metadata(tree)
    return page_type(meta, page_signals(tree), 120)


def test_undated_unsigned_page_with_code_is_documentation() -> None:
    assert _type("", PROSE + CODE + PROSE) == "documentation"
    # Even marked up as an article: documentation sites use TechArticle too.
    ld = '<script type="application/ld+json">{"@type": "TechArticle"}</script>'
    assert _type(ld, PROSE + CODE) == "documentation"


def test_a_dated_or_signed_page_with_code_stays_an_article() -> None:
    dated = '<meta property="article:published_time" content="2024-03-14">'
    assert _type(dated, PROSE + CODE) == ARTICLE
    assert _type("", f"<p>By Ada Lovelace</p>{PROSE * 3}{CODE}") == ARTICLE
    assert _type("", f"<p>Published March 3, 2025</p>{PROSE * 3}{CODE}") == ARTICLE
    assert _type("", PROSE + PROSE) == ARTICLE


def test_a_signed_link_dense_page_is_not_a_listing() -> None:
    # A municipal story under a long menu outside <nav>: most words are links, but it is signed.
    menu = "".join(f'<a href="/s{i}">Secretaria municipal numero {i}</a> ' for i in range(60))
    story = "<p>" + "A equipe registrou o arrombamento de dois veiculos na terça. " * 20 + "</p>"
    body = f"<div>{menu}</div>{story}"
    assert _type("", body) == "listing"
    assert _type('<meta name="author" content="Clarissa Borba">', body) == ARTICLE
