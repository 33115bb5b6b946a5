"""Builds a corpus of hostile inputs, with what each one must become."""

from __future__ import annotations

import gzip
import random
from pathlib import Path

from tests.crawl_fixtures import PARAGRAPH, article_html, write_jsonl, write_warc

RUSSIAN = "Московский метрополитен открыл новую станцию на окраине города в понедельник утром."
GERMAN = (
    "Die Brücke über die Süderelbe wird im März für Bauarbeiten gesperrt, teilte die Behörde mit."
)


def build_hostile_corpus(root: Path) -> dict[str, str]:
    """Writes the files; returns {file name: expected reason, or 'article' plus a text marker}."""
    root.mkdir(parents=True, exist_ok=True)
    expect: dict[str, str] = {}

    def put(name: str, data: bytes, outcome: str) -> None:
        (root / name).write_bytes(data)
        expect[name] = outcome

    put("empty.html", b"", "empty")
    put("blank.txt", b" \n\t\n  ", "empty")
    put("random bytes.html", random.Random(1).randbytes(20_000), "not_article|decode_error")
    put("truncated.html.gz", gzip.compress(article_html("Cut").encode())[:60], "decompress_error")
    put("bomb.html.gz", gzip.compress(b"<p>" + b"a" * (200 * 1024 * 1024)), "too_large")
    nested = "<div>" * 50_000 + f"<p>{PARAGRAPH}</p>" + "</div>" * 50_000
    put("nested.html", f"<html><body>{nested}</body></html>".encode(), "any")
    many = "".join(f"<p>Paragraph {i} of a very long page.</p>" for i in range(120_000))
    put("many paragraphs.html", f"<html><body>{many}</body></html>".encode(), "any")
    huge = " ".join(f"word{i % 5000}" for i in range(1_000_000))[: 7 * 1024 * 1024]
    put("huge paragraph.html", f"<html><body><p>{huge}</p></body></html>".encode(), "any")
    put(
        "cyrillic.html",
        article_html(RUSSIAN, "windows-1251", RUSSIAN).encode("cp1251"),
        f"article:{RUSSIAN[:30]}",
    )
    put(
        "utf16.html",
        article_html("UTF-16 page", "utf-16").encode("utf-16"),
        f"article:{PARAGRAPH[:30]}",
    )
    put(
        "latin1 notes.txt",
        f"Brückensperrung\n\n{GERMAN}\n\n{GERMAN}".encode("latin-1"),
        f"article:{GERMAN[:30]}",
    )
    put("café ünïcode.html", article_html("Café story").encode(), f"article:{PARAGRAPH[:30]}")
    xxe = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        f"<html><body><article><p>{PARAGRAPH} &x;</p><p>{PARAGRAPH}</p></article></body></html>"
    )
    put("xxe.html", xxe.encode(), f"article:{PARAGRAPH[:30]}")
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "lol">'
        + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
        + f"]><html><body><p>{PARAGRAPH} &j;</p></body></html>"
    )
    put("laughs.html", laughs.encode(), f"article:{PARAGRAPH[:30]}")
    write_warc(root / "crawl.warc.gz", gzipped=True, corrupt_index=1)
    expect["crawl.warc.gz"] = "container"
    write_jsonl(root / "feed.jsonl", broken_line=3)
    expect["feed.jsonl"] = "container"
    return expect
