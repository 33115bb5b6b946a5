"""An independent syndication corpus: real article texts (WCXB dev ground truth, read at run time)
republished by fictional outlets, with a truth file of which files are copies of one story.

Written from the issue's description alone, without reading the project's other generator
(synd_*.py) or the grouping code, so that a score on it says how the grouping generalises.

    python benchmarks/indep_corpus.py --docs 10000 --seed 1 --output /tmp/corpus
    -> /tmp/corpus/<outlet>/<yyyy>/<mm>/<slug>-<hex>.html[.gz] | .txt[.gz]
    -> /tmp/corpus.truth.json: {relative path: {story, kind, original,
       identical_tokens_to_original, trap, outlet}}

Kinds: original, exact, light_edit, abridged, inserted, dateline, combo (abridged to 40-55%,
5-8% edited, an own paragraph inserted), mixed (two of light_edit/abridged/inserted/dateline),
near_empty. Traps (stories that share text but must stay apart): shared_para (a background
paragraph or quote reused verbatim in 2-5 stories), brief / brief_long (a 2-3 paragraph brief that
carries one paragraph of a longer story), near_empty. WCXB has no Japanese, Chinese or Thai
articles, so there are no non-space-separated stories.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import indep_render as R  # type: ignore[import-not-found]
else:
    from . import indep_render as R

DEFAULT_GT = Path(__file__).resolve().parents[1] / ".." / "shared/data/wcxb-dev/ground-truth"
AGENCIES = ["Reuters", "AP", "AFP", "Bloomberg", "Wire Service"]
CITIES = ["LONDON", "NEW YORK", "WASHINGTON", "PARIS", "BERLIN", "TOKYO", "SYDNEY", "TORONTO",
          "NAIROBI", "MUMBAI", "SAN FRANCISCO", "CHICAGO", "MADRID", "SEOUL"]  # fmt: skip
SPELLING = {
    "color": "colour", "center": "centre", "organize": "organise", "organization": "organisation",
    "program": "programme", "analyze": "analyse", "favorite": "favourite", "labor": "labour",
    "defense": "defence", "traveled": "travelled", "percent": "per cent", "behavior": "behaviour",
    "recognize": "recognise", "realize": "realise", "neighbor": "neighbour", "license": "licence",
}  # fmt: skip
SPELLING.update({v: k for k, v in list(SPELLING.items())})
FILLERS = ["also", "now", "still", "reportedly", "however", "new", "major", "local", "recent"]
NEAR_EMPTY = ["• • •", "...", "—", "* * *", "Developing story", "More to follow.", "Photo gallery",
              "Live updates", "Click here to read more", "Watch:"]  # fmt: skip
WORD = re.compile(r"\w+")


@dataclass
class Unit:
    title: str
    paras: list[str]


@dataclass
class Story:
    sid: str
    title: str
    body: list[str]
    author: str
    when: datetime
    city: str | None
    agency: str | None
    credit: str | None
    trap: str | None
    n_copies: int
    outlet: int


def _split_long(p: str, rng: random.Random) -> list[str]:
    """Real news paragraphs are short: split one of 130+ words at sentence ends."""
    if len(p.split()) < 130:
        return [p]
    sents = re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", p)
    out: list[str] = []
    cur: list[str] = []
    target = rng.randint(45, 100)
    for s in sents:
        cur.append(s)
        if sum(len(x.split()) for x in cur) >= target:
            out.append(" ".join(cur))
            cur, target = [], rng.randint(45, 100)
    if cur:
        out.append(" ".join(cur))
    return out


def _shingles(paras: list[str]) -> set[str]:
    toks = WORD.findall(" ".join(paras).lower())
    return {" ".join(toks[i : i + 6]) for i in range(max(1, len(toks) - 5))}


def load_units(gt_dir: Path, rng: random.Random) -> list[Unit]:
    """Cut every WCXB article of 120+ words into stories of 150-700 words and 3+ paragraphs; drop
    paragraphs found in two articles and units that overlap an earlier unit by 20%+."""
    arts: list[tuple[str, list[str]]] = []
    for f in sorted(gt_dir.glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        if d.get("_internal", {}).get("page_type", {}).get("primary") != "article":
            continue
        gt = d.get("ground_truth", {})
        text = gt.get("main_content") or ""
        if len(text.split()) < 120:
            continue
        raw = [p.strip() for p in re.split(r"\n+", text) if p.strip()]
        paras = [q for p in raw for q in _split_long(p, rng)]
        arts.append(((gt.get("title") or "").strip(), paras))
    seen: dict[str, int] = {}
    for _, paras in arts:
        for p in {" ".join(p.lower().split()) for p in paras}:
            seen[p] = seen.get(p, 0) + 1
    units: list[Unit] = []
    for title, paras in arts:
        paras = [p for p in paras if seen[" ".join(p.lower().split())] == 1]
        i, first = 0, True
        while i < len(paras):
            target, chunk = rng.randint(150, 700), []
            while i < len(paras) and sum(len(p.split()) for p in chunk) < target:
                chunk.append(paras[i])
                i += 1
            rest = sum(len(p.split()) for p in paras[i:])
            if rest < 150:
                chunk += paras[i:]
                i = len(paras)
            if sum(len(p.split()) for p in chunk) < 120 or len(chunk) < 3:
                continue
            t, first = (title if first else ""), False
            if len(t.split()) < 3:
                t = " ".join(chunk[0].split()[:10]).rstrip(".,;:") + "..."
            units.append(Unit(t, chunk))
    index: dict[str, int] = {}
    kept: list[Unit] = []
    for u in units:
        sh = _shingles(u.paras)
        hits: dict[int, int] = {}
        for h in sh:
            if h in index:
                hits[index[h]] = hits.get(index[h], 0) + 1
        if any(n >= 0.2 * len(sh) for n in hits.values()):
            continue
        for h in sh:
            index.setdefault(h, len(kept))
        kept.append(u)
    rng.shuffle(kept)
    return kept


def compose(s: Story, dateline: str = "full", credit: bool = True) -> list[str]:
    """The story as the wire sent it: dateline on the first paragraph, credit line at the end."""
    body = list(s.body)
    if s.city and dateline != "none":
        lead = {
            "full": f"{s.city} ({s.agency}) - ",
            "city": f"{s.city} - ",
            "agency": f"({s.agency}) - ",
            "dash": f"{s.city.title()} — ",
        }[dateline]
        body[0] = lead + body[0]
    if s.credit and credit:
        body.append(s.credit)
    return body


def edit_words(rng: random.Random, paras: list[str], rate: float) -> list[str]:
    """Substitute, delete or insert ~rate of the words; spelling variants; changed numbers."""
    words = [p.split() for p in paras]
    pos = [(i, j) for i, ws in enumerate(words) for j in range(len(ws))]
    pool = [w for ws in words for w in ws if w.isalpha() and len(w) > 3] or FILLERS
    k = max(1, round(rate * len(pos)))
    numbers = [ij for ij in pos if any(c.isdigit() for c in words[ij[0]][ij[1]])]
    spell = [ij for ij in pos if words[ij[0]][ij[1]].lower().strip(".,;:") in SPELLING]
    picks = sorted(rng.sample(pos, min(k, len(pos))), reverse=True)
    if numbers and rng.random() < 0.6:
        picks = sorted({*picks[1:], rng.choice(numbers)}, reverse=True)
    if spell and rng.random() < 0.6:
        picks = sorted({*picks[1:], rng.choice(spell)}, reverse=True)
    for i, j in picks:
        w = words[i][j]
        core = w.lower().strip(".,;:")
        if core in SPELLING:
            words[i][j] = w.lower().replace(core, SPELLING[core])
        elif any(c.isdigit() for c in w):
            words[i][j] = re.sub(r"\d+", lambda m: str(int(m.group()) + rng.randint(1, 9)), w)
        else:
            op = rng.random()
            if op < 0.45:
                words[i][j] = rng.choice(pool)
            elif op < 0.7 and len(words[i]) > 1:
                del words[i][j]
            else:
                words[i].insert(j, rng.choice(FILLERS))
    return [" ".join(ws) for ws in words if ws]


def insert_own(
    rng: random.Random, paras: list[str], outlet: R.Outlet, title: str, n: int
) -> list[str]:
    out = list(paras)
    for _ in range(n):
        own = R.own_paragraph(rng, outlet, title)
        if rng.random() < 0.5 and len(out) > 2:
            out.insert(rng.randint(1, len(out) - 1), own)
        else:
            out.append(own)
    return out


def abridge(rng: random.Random, paras: list[str], lo: float, hi: float) -> list[str]:
    keep = max(1, round(len(paras) * rng.uniform(lo, hi)))
    return paras[: min(keep, len(paras) - 1)] if len(paras) > 1 else paras


def make_copy(rng: random.Random, s: Story, outlet: R.Outlet, kind: str) -> list[str]:
    if kind == "combo":
        paras = abridge(rng, compose(s, rng.choice(["full", "city"]), credit=False), 0.4, 0.55)
        paras = edit_words(rng, paras, rng.uniform(0.05, 0.08))
        return insert_own(rng, paras, outlet, s.title, 1)
    parts = [kind] if kind != "mixed" else rng.sample(
        ["light_edit", "abridged", "inserted", "dateline"], 2)  # fmt: skip
    dl, credit = "full", True
    if "dateline" in parts:
        dl = rng.choice(["city", "agency", "none", "dash"]) if s.city else "full"
        credit = rng.random() < 0.3 if s.credit else True
    paras = compose(s, dl, credit)
    if "abridged" in parts:
        paras = abridge(rng, paras, 0.4, 0.9)
    if "light_edit" in parts:
        paras = edit_words(rng, paras, rng.uniform(0.01, 0.08))
    if "inserted" in parts:
        paras = insert_own(rng, paras, outlet, s.title, rng.randint(1, 3))
    return paras


COPY_KINDS = ["exact", "light_edit", "abridged", "inserted", "dateline", "combo", "mixed"]
COPY_WEIGHTS = [18, 20, 15, 14, 10, 12, 11]


class Writer:
    def __init__(self, root: Path, rng: random.Random, titles: list[str]) -> None:
        self.root, self.rng, self.titles = root, rng, titles
        self.outlets = R.outlets()
        self.truth: dict[str, dict[str, object]] = {}

    def write(self, outlet_i: int, title: str, paras: list[str], author: str, when: datetime,
              info: dict[str, object]) -> None:  # fmt: skip
        rng, o = self.rng, self.outlets[outlet_i]
        slug = "-".join(WORD.findall(title.lower())[:6]) or "story"
        rel = f"{o.slug}/{when:%Y/%m}/{slug}-{rng.getrandbits(32):08x}"
        url = f"https://www.{o.slug}.example/{rel.split('/', 1)[1]}"
        if o.fmt == "html":
            related = rng.sample(self.titles, min(8, len(self.titles)))
            text, ext = R.render_html(rng, o, title, paras, author, when, url, related), ".html"
        else:
            text, ext = R.render_txt(o, title, paras, author, when, url), ".txt"
        data = text.encode("utf-8")
        if rng.random() < 0.15:
            data, ext = gzip.compress(data, mtime=0), ext + ".gz"
        path = self.root / (rel + ext)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.truth[rel + ext] = {**info, "outlet": o.slug}


def _tokens(paras: list[str]) -> list[str]:
    return WORD.findall(" ".join(paras).lower())


def build_stories(
    rng: random.Random, units: list[Unit], budget: int
) -> tuple[list[Story], list[Unit]]:
    """Stories (with copy counts) until the budget of files is spent; briefs and shared paragraphs
    take text from units kept aside, so no two stories share text by accident."""
    n_out = len(R.outlets())
    # Stories take units from the front; briefs, shared paragraphs and titles from the back.
    units = list(units)
    stories: list[Story] = []
    total = 0
    start = datetime(2025, 1, 6, 6, 0)

    def new_story(title: str, body: list[str], trap: str | None, n_copies: int) -> Story:
        city = rng.choice(CITIES) if rng.random() < 0.7 else None
        credit = None
        if rng.random() < 0.5:
            credit = f"(Reporting by {rng.choice(R.PEOPLE)}; Editing by {rng.choice(R.PEOPLE)})"
        when = start + timedelta(minutes=rng.randint(0, 60 * 24 * 300))
        sid, author = f"s{len(stories):05d}", rng.choice(R.PEOPLE)
        agency, outlet = rng.choice(AGENCIES), rng.randrange(n_out)
        return Story(sid, title, body, author, when, city, agency, credit, trap, n_copies, outlet)

    ui = 0
    while total < budget and ui < len(units):
        u = units[ui]
        ui += 1
        n = rng.choices(range(8), weights=[10, 16, 16, 14, 12, 12, 10, 10])[0]
        s = new_story(u.title, list(u.paras), None, n)
        stories.append(s)
        total += n + 1
        long_paras = [p for p in s.body[1:] if len(p.split()) >= 25]
        if rng.random() < 0.03 and len(s.body) >= 5 and long_paras and ui < len(units):
            # A brief: 1-2 paragraphs of its own (15+ words each) and one of the long story.
            r = units.pop()
            own = [p for p in r.paras if len(p.split()) >= 15][: rng.randint(1, 2)]
            if own:
                s.trap = "brief_long"
                body = [*own, rng.choice(long_paras)]
                stories.append(new_story(r.title, body, "brief", rng.randint(0, 3)))
                total += stories[-1].n_copies + 1
    if total < budget:
        print(f"warning: ran out of base texts at {total} files", file=sys.stderr)
    # Shared background paragraphs / quotes: one per group of 2-5 plain stories.
    plain = [s for s in stories if s.trap is None]
    rng.shuffle(plain)
    for _g in range(max(1, len(stories) // 70)):
        if ui >= len(units) or len(plain) < 5:
            break
        r = units.pop()
        para = rng.choice([p for p in r.paras if len(p.split()) >= 25] or r.paras)
        sent = re.split(r"(?<=[.!?])\s+", para)[0].rstrip(".")
        if rng.random() < 0.5 and len(sent.split()) >= 12:
            para = f'"{sent}," said {rng.choice(R.PEOPLE)}, a spokesperson, in a statement.'
        for s in [plain.pop() for _ in range(rng.randint(2, 5))]:
            s.trap = "shared_para"
            s.body.insert(rng.randint(1, len(s.body)), para)
    return stories, units[ui:]


def generate(gt_dir: Path, out: Path, docs: int, seed: int) -> dict[str, dict[str, object]]:
    rng = random.Random(seed)
    units = load_units(gt_dir, rng)
    n_empty = max(5, docs // 100)
    stories, spare_units = build_stories(rng, units, docs - n_empty)
    w = Writer(out, rng, [s.title for s in stories])
    html_outlets = [i for i, o in enumerate(w.outlets) if o.fmt == "html"]
    for s in stories:
        orig = compose(s)
        orig_toks = _tokens(orig)
        base = {"story": s.sid, "trap": s.trap}
        w.write(s.outlet, s.title, orig, s.author, s.when,
                {**base, "kind": "original", "original": True,
                 "identical_tokens_to_original": True})  # fmt: skip
        others = [i for i in range(len(w.outlets)) if i != s.outlet]
        for oi in rng.sample(others, s.n_copies):
            if s.trap == "brief":
                kind = rng.choice(["exact", "light_edit", "dateline"])
            else:
                kind = rng.choices(COPY_KINDS, weights=COPY_WEIGHTS)[0]
            paras = make_copy(rng, s, w.outlets[oi], kind)
            when = s.when + timedelta(minutes=rng.randint(20, 60 * 72))
            w.write(oi, s.title, paras, s.author, when,
                    {**base, "kind": kind, "original": False,
                     "identical_tokens_to_original": _tokens(paras) == orig_toks})  # fmt: skip
    spare = [u.title for u in spare_units]
    for k in range(n_empty):
        text = rng.choice(spare) if spare and rng.random() < 0.3 else rng.choice(NEAR_EMPTY)
        title_only = text in spare
        oi = rng.choice(html_outlets) if rng.random() < 0.7 else rng.randrange(len(w.outlets))
        when = datetime(2025, 1, 6) + timedelta(minutes=rng.randint(0, 60 * 24 * 300))
        w.write(oi, text if title_only else "", [] if title_only else [text], "", when,
                {"story": f"e{k:05d}", "trap": "near_empty", "kind": "near_empty",
                 "original": True, "identical_tokens_to_original": True})  # fmt: skip
    return w.truth


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--output", type=Path, required=True)
    ap.add_argument("--ground-truth", type=Path, default=DEFAULT_GT, help="WCXB ground-truth dir")
    a = ap.parse_args(argv)
    if a.output.exists() and any(a.output.iterdir()):
        ap.error(f"{a.output} exists and is not empty")
    truth = generate(a.ground_truth.resolve(), a.output, a.docs, a.seed)
    truth_path = a.output.with_name(a.output.name + ".truth.json")
    truth_path.write_text(json.dumps(truth, indent=0, sort_keys=True), encoding="utf-8")
    stories = {v["story"] for v in truth.values()}
    print(f"{len(truth)} files, {len(stories)} stories -> {a.output}, {truth_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
