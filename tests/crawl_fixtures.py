"""Builds WARC and JSON Lines test files with warcio and json (no downloaded crawls)."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

PARAGRAPH = (
    "The river authority said on Monday that the new flood barrier had passed its first full "
    "test, holding back water levels two metres above normal for six hours without leaks."
)


def article_html(title: str, charset: str = "utf-8", body: str = PARAGRAPH) -> str:
    """A small but real article page."""
    paragraphs = "".join(f"<p>{body} ({title}, part {i}).</p>" for i in range(4))
    return (
        f'<html lang="en"><head><meta charset="{charset}"><title>{title}</title></head>'
        f"<body><article><h1>{title}</h1>{paragraphs}</article></body></html>"
    )


def _response(writer: WARCWriter, url: str, body: bytes, status: str, ctype: str):
    http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
    return writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http)


def write_warc(path: Path, gzipped: bool = True, corrupt_index: int | None = None) -> list[int]:
    """Writes a WARC with 4 HTML responses (one in windows-1251), a 404, an image, a request
    and a warcinfo record; returns the offsets of the HTML responses. Optionally damages one."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzipped)
    writer.write_record(writer.create_warcinfo_record("crawl.warc", {"software": "tests"}))
    offsets = []
    for i in range(4):
        offsets.append(buffer.tell())
        if i == 2:
            html = article_html("Новости реки", "windows-1251").encode("cp1251")
            ctype = "text/html; charset=windows-1251"
        else:
            html, ctype = article_html(f"Barrier story {i}").encode(), "text/html; charset=utf-8"
        writer.write_record(_response(writer, f"https://news.example/{i}", html, "200 OK", ctype))
        if i == 0:
            missing = _response(writer, "https://news.example/x", b"gone", "404 Not Found", ctype)
            writer.write_record(missing)
            image = _response(
                writer, "https://news.example/a.png", b"\x89PNG", "200 OK", "image/png"
            )
            writer.write_record(image)
            request = writer.create_warc_record(
                "https://news.example/0", "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")
            )
            writer.write_record(request)
    data = bytearray(buffer.getvalue())
    if corrupt_index is not None:
        start = offsets[corrupt_index] + 20
        data[start : start + 40] = b"\x00" * 40
    path.write_bytes(bytes(data))
    return offsets


def write_jsonl(path: Path, broken_line: int | None = 3) -> int:
    """Writes a JSON Lines file of html/text records (one line broken); returns the line count."""
    rows = [
        {"id": "a", "url": "https://j.example/a", "html": article_html("Json page A")},
        {
            "id": "b",
            "title": "Plain record B",
            "text": PARAGRAPH + "\nSecond paragraph here.",
            "published": "2024-10-24T10:00:00Z",
        },
        {"id": "c", "html": article_html("Json page C")},
        {"id": "d", "text": "   "},
        {"id": "e", "body": "no html or text"},
    ]
    lines = [json.dumps(row, ensure_ascii=False) for row in rows]
    if broken_line is not None:
        lines[broken_line - 1] = lines[broken_line - 1][:-10]
    data = ("\n".join(lines) + "\n").encode()
    path.write_bytes(gzip.compress(data, mtime=0) if path.suffix == ".gz" else data)
    return len(lines)


def write_arc(path: Path, titles: list[str]) -> None:
    """Writes an ARC (version 1) file of HTML responses, gzipped per record for .arc.gz."""
    body = b"1 0 Tests\nURL IP-address Archive-date Content-type Archive-length\n"
    records = [b"filedesc://crawl.arc 0.0.0.0 20240101000000 text/plain %d\n" % len(body) + body]
    for i, title in enumerate(titles):
        http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        payload = http + article_html(title).encode()
        head = b"https://arc.example/%d 1.2.3.4 20240101000000 text/html %d\n" % (i, len(payload))
        records.append(head + payload)
    members = [record + b"\n" for record in records]
    if path.suffix == ".gz":
        members = [gzip.compress(member, mtime=0) for member in members]
    path.write_bytes(b"".join(members))


def write_odd_warc(path: Path) -> None:
    """A WARC with an HTML resource record, a PDF resource record and a record with no type."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=path.suffix == ".gz")
    for url, body, ctype in (
        ("file:///page.html", article_html("Resource page").encode(), "text/html"),
        ("file:///doc.pdf", b"%PDF-1.4", "application/pdf"),
    ):
        writer.write_record(
            writer.create_warc_record(
                url, "resource", payload=io.BytesIO(body), warc_content_type=ctype
            )
        )
    untyped = writer.create_warc_record("urn:x", "metadata", payload=io.BytesIO(b"a: b\r\n"))
    untyped.rec_headers.remove_header("WARC-Type")
    writer.write_record(untyped)
    path.write_bytes(buffer.getvalue())


def bomb_record() -> bytes:
    """One gzipped WARC response record whose 5 MB body of spaces compresses to ~5 KB."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    body = b"<p>" + b" " * 5_000_000
    writer.write_record(_response(writer, "https://news.example/bomb", body, "200 OK", "text/html"))
    return buffer.getvalue()
