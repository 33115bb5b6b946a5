"""`wirestory report DATASET --output report.html`: one self-contained HTML page.

Summary, story-size histogram (inline SVG), the largest stories with their copies and why each
joined, a side-by-side word diff of a copy against its canonical copy, rejects by reason and
sites. Inline CSS and a one-line script only: the page loads nothing from the network.
"""

from __future__ import annotations

import html
import json
import math
import os
from collections import Counter, defaultdict
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from wirestory.pipeline.explain import read_table, word_diff

LARGEST = 10
_BUCKETS = ((1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (6, 10), (11, 20), (21, 50), (51, 100))
_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;
max-width:1180px;color:#1d2430;padding:0 16px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ccd}
table{border-collapse:collapse;width:100%;margin:6px 0}td,th{padding:3px 8px;text-align:left;
border-bottom:1px solid #e4e6ee;vertical-align:top}th{background:#f3f4f8}
.num{text-align:right;font-variant-numeric:tabular-nums}.muted{color:#667}
.cards{display:flex;flex-wrap:wrap;gap:10px}.card{border:1px solid #dde;border-radius:6px;
padding:8px 14px;min-width:120px}.card b{display:block;font-size:20px}
details{border:1px solid #e4e6ee;border-radius:6px;margin:6px 0;padding:4px 10px}
summary{cursor:pointer;font-weight:600}.canon{background:#eef7ee}
.diff{display:grid;grid-template-columns:1fr 1fr;gap:12px}.diff>div{border:1px solid #dde;
border-radius:6px;padding:8px 12px;white-space:pre-wrap}del{background:#ffd7d5;
text-decoration:none}ins{background:#cdf3d1;text-decoration:none}
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _num(value: Any, digits: int = 3) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def load(dataset: str) -> dict[str, Any]:
    """The report's data: article rows (no text), stories, rejects and the manifest."""
    columns = [
        "doc_id",
        "title",
        "sitename",
        "url",
        "story_id",
        "is_canonical",
        "similarity",
        "matched_doc_id",
        "match_jaccard",
        "match_containment",
        "word_count",
    ]
    manifest: dict[str, Any] = {}
    path = os.path.join(dataset, "manifest.json")
    if os.path.isfile(path):
        with open(path, encoding="utf-8") as handle:
            manifest = json.load(handle)
    rejects_path = os.path.join(dataset, "rejects")
    rejects = read_table(dataset, "rejects").to_pylist() if os.path.isdir(rejects_path) else []
    return {
        "articles": read_table(dataset, "articles", columns).to_pylist(),
        "manifest": manifest,
        "rejects": rejects,
    }


def _histogram(sizes: Counter[int]) -> str:
    """Stories by size, as inline SVG bars (log-scaled heights, counts written on them)."""
    top = max(sizes) if sizes else 1
    buckets = [*_BUCKETS, (101, max(101, top))]
    counts = [sum(n for size, n in sizes.items() if lo <= size <= hi) for lo, hi in buckets]
    peak = max(max(counts), 1)
    width, height, bar, top_margin = 760, 190, 60, 18
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 58}" '
        f'role="img" aria-label="Story sizes"><g transform="translate(0 {top_margin})">'
    ]
    for i, ((lo, hi), count) in enumerate(zip(buckets, counts, strict=True)):
        h = 0 if not count else max(2, round(height * math.log1p(count) / math.log1p(peak)))
        x = 10 + i * (bar + 8)
        label = f"{lo}+" if i == len(buckets) - 1 else str(lo) if lo == hi else f"{lo}-{hi}"
        parts.append(
            f'<rect x="{x}" y="{height - h}" width="{bar}" height="{h}" fill="#4a78c2"/>'
            f'<text x="{x + bar / 2}" y="{height - h - 4}" font-size="12" '
            f'text-anchor="middle">{count}</text>'
            f'<text x="{x + bar / 2}" y="{height + 16}" font-size="12" '
            f'text-anchor="middle">{label}</text>'
        )
    parts.append(
        f'<text x="10" y="{height + 36}" font-size="12" fill="#667">articles per story '
        "(bar height: log scale)</text></g></svg>"
    )
    return "".join(parts)


def _summary(data: dict[str, Any], stories: dict[str, list[dict[str, Any]]]) -> str:
    articles = data["articles"]
    multi = sum(len(m) > 1 for m in stories.values())
    cards = [
        ("articles", len(articles)),
        ("stories", len(stories)),
        ("stories with copies", multi),
        ("duplicate articles", len(articles) - len(stories)),
        ("largest story", max((len(m) for m in stories.values()), default=0)),
        ("rejects", len(data["rejects"])),
    ]
    out = ['<div class="cards">']
    out += [
        f'<div class="card"><b>{n}</b><span class="muted">{_e(k)}</span></div>' for k, n in cards
    ]
    out.append("</div>")
    params = data["manifest"].get("parameters", {}).get("minhash")
    if params:
        shown = ", ".join(
            f"{k} {params[k]}"
            for k in ("shingle_size", "threshold", "containment", "num_perm", "max_story_size")
            if k in params
        )
        out.append(f'<p class="muted">Grouping settings: {_e(shown)}.</p>')
    oversized = data["manifest"].get("oversized_stories") or []
    if oversized:
        listed = ", ".join(f"{s['story_id']} ({s['size']})" for s in oversized)
        out.append(f"<p>Stories above the maximum size: {_e(listed)}.</p>")
    return "".join(out)


def _largest(stories: dict[str, list[dict[str, Any]]]) -> str:
    ranked = sorted(stories.items(), key=lambda item: (-len(item[1]), item[0]))[:LARGEST]
    out = []
    for story_id, members in ranked:
        if len(members) < 2:
            break
        members = sorted(members, key=lambda r: (not r["is_canonical"], -(r["similarity"] or 0)))
        title = members[0]["title"] or "(no title)"
        sites = sorted({m["sitename"] for m in members if m["sitename"]})
        out.append(
            f"<details open><summary>{_e(title)} <span class='muted'>({len(members)} copies, "
            f"{len(sites)} sites, {_e(story_id)})</span></summary><table><tr><th>doc_id</th>"
            "<th>site</th><th>title</th><th class='num'>words</th><th class='num'>similarity"
            "</th><th>joined through</th><th class='num'>Jaccard</th><th class='num'>"
            "containment</th></tr>"
        )
        for m in members:
            cls = " class='canon'" if m["is_canonical"] else ""
            through = "canonical copy" if m["is_canonical"] else (m["matched_doc_id"] or "")
            out.append(
                f"<tr{cls}><td>{_e(m['doc_id'])}</td><td>{_e(m['sitename'])}</td>"
                f"<td>{_e(m['title'])}</td><td class='num'>{_e(m['word_count'])}</td>"
                f"<td class='num'>{_num(m['similarity'])}</td><td>{_e(through)}</td>"
                f"<td class='num'>{_num(m['match_jaccard'])}</td>"
                f"<td class='num'>{_num(m['match_containment'])}</td></tr>"
            )
        out.append("</table></details>")
    return "".join(out) or "<p class='muted'>No story has more than one copy.</p>"


def _side_by_side(dataset: str, stories: dict[str, list[dict[str, Any]]]) -> str:
    """The least similar copy of the largest story against its canonical copy."""
    multi = sorted(
        (item for item in stories.items() if len(item[1]) > 1),
        key=lambda item: (-len(item[1]), item[0]),
    )
    if not multi:
        return "<p class='muted'>No story has more than one copy.</p>"
    members = multi[0][1]
    canonical = next(m for m in members if m["is_canonical"])
    copy = min(
        (m for m in members if not m["is_canonical"]),
        key=lambda m: (m["similarity"] or 0, m["doc_id"]),
    )
    texts = read_table(dataset, "articles", ["doc_id", "text"])
    wanted = texts.filter(
        pc.is_in(texts["doc_id"], value_set=pa.array([canonical["doc_id"], copy["doc_id"]]))
    )
    text_of = dict(zip(wanted["doc_id"].to_pylist(), wanted["text"].to_pylist(), strict=True))
    left, right = [], []
    for op, words in word_diff(text_of[canonical["doc_id"]], text_of[copy["doc_id"]], 12):
        if op == "=":
            left.append(_e(words))
            right.append(_e(words))
        elif op == "...":
            left.append(f"<span class='muted'>[{_e(words)}]</span>")
            right.append(f"<span class='muted'>[{_e(words)}]</span>")
        elif op == "-":
            left.append(f"<del>{_e(words)}</del>")
        else:
            right.append(f"<ins>{_e(words)}</ins>")
    head = (
        f"<p>{_e(canonical['title'])}: the canonical copy ({_e(canonical['sitename'])}, "
        f"{_e(canonical['doc_id'])}) against its least similar copy ({_e(copy['sitename'])}, "
        f"{_e(copy['doc_id'])}, similarity {_num(copy['similarity'])}). "
        "<del>Only in the canonical copy</del>, <ins>only in the copy</ins>.</p>"
    )
    return head + f"<div class='diff'><div>{' '.join(left)}</div><div>{' '.join(right)}</div></div>"


def _rejects(rejects: list[dict[str, Any]]) -> str:
    if not rejects:
        return "<p class='muted'>No rejects.</p>"
    reasons = Counter(r["reason"] for r in rejects)
    example = {r["reason"]: r for r in sorted(rejects, key=lambda r: r["source_uri"])}
    rows = "".join(
        f"<tr><td>{_e(reason)}</td><td class='num'>{n}</td>"
        f"<td class='muted'>{_e(example[reason]['detail'][:160])}</td></tr>"
        for reason, n in reasons.most_common()
    )
    return (
        f"<table><tr><th>reason</th><th class='num'>files</th><th>example</th></tr>{rows}</table>"
    )


def _sites(articles: list[dict[str, Any]]) -> str:
    per_site: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in articles:
        per_site[row["sitename"] or "(unknown)"].append(row)
    ranked = sorted(per_site.items(), key=lambda item: (-len(item[1]), item[0]))
    rows = "".join(
        f"<tr><td>{_e(site)}</td><td class='num'>{len(rows)}</td>"
        f"<td class='num'>{len({r['story_id'] for r in rows})}</td>"
        f"<td class='num'>{sum(bool(r['is_canonical']) for r in rows)}</td></tr>"
        for site, rows in ranked
    )
    return (
        "<table><tr><th>site</th><th class='num'>articles</th><th class='num'>stories</th>"
        f"<th class='num'>canonical copies</th></tr>{rows}</table>"
    )


def build_report(dataset: str) -> str:
    """The whole page as one string."""
    data = load(dataset)
    stories: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in data["articles"]:
        stories[row["story_id"]].append(row)
    sizes = Counter(len(members) for members in stories.values())
    sections = [
        ("Summary", _summary(data, stories)),
        ("Story sizes", _histogram(sizes)),
        ("Largest stories", _largest(stories)),
        ("A copy against its canonical copy", _side_by_side(dataset, stories)),
        ("Rejects by reason", _rejects(data["rejects"])),
        ("Sites", _sites(data["articles"])),
    ]
    body = "".join(f"<section><h2>{_e(name)}</h2>{content}</section>" for name, content in sections)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>wirestory report: {_e(os.path.basename(os.path.abspath(dataset)))}</title>"
        f"<style>{_CSS}</style></head><body><h1>wirestory report</h1>"
        f"<p class='muted'>{_e(os.path.abspath(dataset))}</p>{body}"
        "<script>document.documentElement.dataset.ready = 'yes';</script></body></html>"
    )


def write_report(dataset: str, output: str) -> str:
    """Writes the report; returns its path."""
    page = build_report(dataset)
    with open(output, "w", encoding="utf-8") as handle:
        handle.write(page)
    return output
