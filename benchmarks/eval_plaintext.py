"""Plain-text cleaner eval: benchmark article bodies with injected boilerplate, through the cleaner.

Each ground-truth articleBody of the article-extraction-benchmark becomes a scraped-looking text
file: a headline (from the URL slug or the first words), the paragraphs, and several boilerplate
lines of the kinds found in ../shared/seeds (newsletter promos, follow prompts, photo credits and
captions, casino ads, navigation, "More from ...", copyright notices, separators, agency credits,
datelines), each drawn in varied form from a seeded RNG and put at the top, middle or bottom.
transforms.plaintext.clean_plain_text then runs on every file, and each line is scored: removed
(dropped, or taken as date/byline metadata) or kept (in the text, or as the title).
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
DEFAULT_BENCHMARK = PROJECT.parent / "shared" / "data" / "article-extraction-benchmark"
CONTENT, HEADLINE = "content", "headline"

# Vocabulary the templates draw from, one list per placeholder family.
_OUTLETS = [
    ("The Straits Times", "ST"),
    ("The Guardian", "Guardian"),
    ("The Korea Herald", "KH"),
    ("Daily Mirror", "Mirror"),
    ("Sydney Morning Herald", "SMH"),
    ("Taipei Times", "TT"),
    ("Irish Examiner", "Examiner"),
]
_WORDS = {
    "agency": ["AFP", "REUTERS", "AP", "EPA", "BLOOMBERG", "XINHUA", "YONHAP", "KYODO", "ANADOLU"],
    "agency_name": ["Agence France-Presse", "Reuters", "The Associated Press", "Bloomberg L.P."],
    "source": ["KCNA", "KNS", "SPUTNIK", "POOL", "EPA-EFE", "TASS", "ANSA", "PA", "YONHAP"],
    "topic": ["Asia", "World", "Business", "Sport", "Politics", "Climate", "Tech", "Health"],
    "platform": ["Facebook", "X", "Instagram", "WhatsApp", "LinkedIn", "Telegram", "Threads"],
    "first": ["Nicholas", "Maria", "Jeon", "Alexander", "Sarah", "Kenji", "Fatima", "Luis"],
    "last": ["Shearman", "Nemenov", "Heon-kyun", "Kim", "Lopez", "Tanaka", "Haddad", "Novak"],
    "cur": ["€", "$", "£", "₹", "A$", "C$", "¥"],
    "city": ["Seoul", "Kazan", "Pyongyang", "Brussels", "Kyiv", "Tokyo", "Geneva", "Jakarta"],
    "who": [
        "Russian President Vladimir Putin",
        "North Korean leader Kim Jong Un",
        "Protesters",
        "Rescue workers",
        "Foreign ministers",
        "Supporters of the opposition party",
        "Firefighters",
    ],
    "doing": ["at a state reception", "at a news conference", "during a summit", "at a rally"],
    "day": ["morning", "weekday", "Friday"],
    "often": ["daily", "weekly", "free", "Friday"],
    "nav": [
        "Marketplace",
        "Post navigation",
        "Previous article",
        "Next story",
        "Trending now",
        "Most read",
        "Back to top",
        "Skip to content",
        "Related stories",
        "You may also like",
        "Top stories",
        "Menu",
    ],
    "sep": ["_", "*", "—", "-", "=", "~"],
}
_CAPTION = "{who} {doing} in {city}"
_CREDITS = (
    "PHOTO: {agency}",
    "PHOTO: {ABBR} FILE",
    "Photo: {first} {last}/{Agency}",
    "(Photo by {first} {last}/{agency} via Getty Images)",
    "Image: {agency}",
    "Picture: {first} {last}",
)
_COPY = "All reproduction and representation rights reserved. © ({t.year}) {agency_name}"
_AP = "This material may not be published, broadcast, rewritten or redistributed."

# kind -> (positions it may take, templates); a template with a newline yields several lines.
KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "newsletter": (
        ("top", "middle", "bottom"),
        (
            "Sign up now: Get {abbr}'s newsletters delivered to your inbox",
            "Sign up for {outlet}'s {topic} newsletter",
            "Subscribe to our {topic} newsletter",
            "Get the {abbr} {topic} Briefing newsletter delivered to your inbox every {day}",
            "Sign up to our free {topic} briefing",
            "Want more {topic} news? Sign up for our {often} newsletter",
        ),
    ),
    "follow_share": (
        ("top", "bottom"),
        (
            "Follow topic:",
            "Follow topic: {topic}",
            "Follow us on {platform}",
            "Follow {outlet} on {platform} for the latest {topic} news",
            "Follow @{abbr_lower}{topic_lower} for updates",
            "Share this article on {platform}",
            "Share this story",
            "Click to share on {platform} (Opens in new window)",
        ),
    ),
    "photo_credit": (("top", "middle"), _CREDITS),
    "caption+credit": (
        ("top", "middle"),
        tuple(f"{_CAPTION}{end}\n{credit}" for credit in _CREDITS for end in (" on {md}.", ".")),
    ),
    "caption_copyright": (
        ("top", "middle"),
        (
            _CAPTION + ", {md}, {t.year} © {agency} – {first} {LAST}",
            _CAPTION + " © {source}",
            _CAPTION + " © {agency}/File",
        ),
    ),
    "ad": (
        ("middle", "bottom"),
        (
            "{pct}% Deposit Bonus up to {cur}{amount}",
            "{pct}% First Deposit Bonus up to {cur}{amount}",
            "Claim your {pct}% bonus up to {cur}{amount} today",
            "Welcome Bonus: {pct}% up to {cur}{amount} + {spins} Free Spins",
            "Advertisement",
            "ADVERTISEMENT",
            "Sponsored content",
            "Story continues below advertisement",
        ),
    ),
    "nav": (("bottom",), ("{nav}",)),
    "more_from": (
        ("bottom",),
        (
            "More from International news",
            "More from {topic}",
            "More on {topic_lower}",
            "More in {topic} news",
            "More stories from {outlet}",
            "Read more: {topic} live updates",
        ),
    ),
    "copyright": (
        ("bottom",),
        (
            _COPY,
            "© {t.year} {outlet}. All rights reserved.",
            "Copyright © {t.year} {outlet}",
            "Copyright {t.year} {agency_name}. All rights reserved. " + _AP,
            "(c) Copyright {agency_name} {t.year}. Click For Restrictions",
        ),
    ),
    "separator": (("middle", "bottom"), ("{rule}", "{sep} {sep} {sep}")),
    "agency_credit": (
        ("top", "middle"),
        (
            "STR/{source} VIA KNS/{agency}",
            "{LAST}/{agency}",
            "{agency} VIA GETTY IMAGES",
            "{FIRST} {LAST}/{agency} VIA GETTY IMAGES",
            "{agency}/FILE PHOTO",
            "{source}/{agency}",
        ),
    ),
    "dateline": (
        ("top", "bottom"),
        (
            "Published {hour}:{t:%M} {ampm} {t:%A}, {md}, {t.year}",
            "Updated: {t:%b} {t.day}, {t.year}, {hour}:{t:%M} {AMPM} ET",
            "Posted on {md}, {t.year}",
            "Published {t.day} {t:%B} {t.year}",
            "Last updated {t.day} {t:%b} {t.year}",
            "First published on {t:%A} {t.day} {t:%B} {t.year}",
        ),
    ),
}


def _fields(rng: random.Random) -> dict[str, Any]:
    """One random value for every template placeholder (dates are real, weekdays match)."""
    fields: dict[str, Any] = {key: rng.choice(words) for key, words in _WORDS.items()}
    fields["outlet"], fields["abbr"] = rng.choice(_OUTLETS)
    t = datetime.datetime(2019, 1, 1) + datetime.timedelta(minutes=rng.randrange(3_000_000))
    fields.update(
        t=t,
        md=f"{t:%B} {t.day}",
        hour=t.hour % 12 or 12,
        ampm=f"{t:%p}".lower(),
        AMPM=f"{t:%p}",
        pct=rng.choice([100, 150, 180, 200, 250, 300]),
        amount=f"{rng.choice([500, 1000, 3000, 5000, 20000]):,}",
        spins=rng.choice([50, 100, 200]),
        rule=fields["sep"] * rng.randint(3, 12),
    )
    for key in ("agency", "abbr", "first", "last", "topic"):
        value = fields[key]
        fields.update({key.upper(): value.upper(), key.title(): value.title()})
        fields[f"{key}_lower"] = value.lower()
    return fields


def boilerplate(kind: str, rng: random.Random) -> list[str]:
    """A random instance of one boilerplate kind: one line, or a caption and its credit."""
    template = rng.choice(KINDS[kind][1])
    return template.format(**_fields(rng)).split("\n")


def _clean_line(line: str) -> str:
    """Strip a line the way the cleaner does (whitespace, zero-width spaces, BOMs)."""
    return line.strip().strip("\u200b\ufeff").strip()


def headline_for(url: str, paragraphs: list[str]) -> str:
    """Synthetic headline: the URL slug's words when it has four or more, else the first words."""
    segments = [re.sub(r"\.(html?|php|ece)$", "", s) for s in url.split("?")[0].split("/")[3:]]
    words = max(
        ([w for w in re.split(r"[-_]+", s) if w.isalpha()] for s in segments), key=len, default=[]
    )
    if len(words) < 4:
        words = re.findall(r"[\w'’-]+", paragraphs[0] if paragraphs else "")[:8]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def build_article(
    url: str, body: str, rng: random.Random, per_article: tuple[int, int] = (3, 6)
) -> list[tuple[str, str]]:
    """(line, label) pairs: headline, paragraphs and injected boilerplate labelled by kind."""
    paragraphs = [p for p in map(_clean_line, body.splitlines()) if p]
    slots: list[list[tuple[str, str]]] = [[] for _ in range(len(paragraphs) + 1)]
    taken = set(paragraphs)
    for _ in range(rng.randint(*per_article)):
        kind = rng.choice(sorted(KINDS))
        lines = boilerplate(kind, rng)
        if taken & set(lines):
            continue  # never inject a line equal to a paragraph: labels must be unambiguous
        where = rng.choice(KINDS[kind][0])
        if where == "top" or len(paragraphs) < 2:
            slot = 0 if where != "bottom" else len(paragraphs)
        else:
            slot = len(paragraphs) if where == "bottom" else rng.randint(1, len(paragraphs) - 1)
        slots[slot].extend((line, kind) for line in lines)
    article = [(headline_for(url, paragraphs), HEADLINE), *slots[0]]
    for paragraph, slot in zip(paragraphs, slots[1:], strict=True):
        article += [(paragraph, CONTENT), *slot]
    return article


def build_corpus(
    truth: dict[str, dict[str, str]], seed: int, per_article: tuple[int, int] = (3, 6)
) -> dict[str, list[tuple[str, str]]]:
    """Labelled articles for every ground-truth page, reproducible for a seed."""
    rng = random.Random(seed)
    return {
        pid: build_article(entry.get("url", ""), entry.get("articleBody") or "", rng, per_article)
        for pid, entry in sorted(truth.items())
    }


def score_article(article: list[tuple[str, str]], clean: Callable[[str], Any]) -> list[str]:
    """Clean the joined article; for each line say "kept", "title" or "removed"."""
    result = clean("\n\n".join(line for line, _ in article))
    kept = Counter(result.text.split("\n\n") if result.text else [])
    outcomes, title_left = [], result.title is not None
    for line, _ in article:
        if kept[line] > 0:
            kept[line] -= 1
            outcomes.append("kept")
        elif title_left and line == result.title:
            title_left = False
            outcomes.append("title")
        else:
            outcomes.append("removed")
    return outcomes


def _ratio(part: int, whole: int) -> float:
    """part / whole, 0 for an empty whole."""
    return part / whole if whole else 0.0


def _context(article: list[tuple[str, str]], outcomes: list[str], index: int) -> str:
    """Where a wrongly removed line sits: "tail" (all below removed), "before <kind>" or "body"."""
    if all(outcome == "removed" for outcome in outcomes[index + 1 :]):
        return "tail"
    after = article[index + 1][1]
    return f"before {after}" if after not in (CONTENT, HEADLINE) else "body"


def evaluate(
    corpus: dict[str, list[tuple[str, str]]], clean: Callable[[str], Any]
) -> dict[str, Any]:
    """Confusion counts of boilerplate removal, per kind, and the lines it got wrong."""
    kinds: dict[str, Counter[str]] = {k: Counter() for k in sorted(KINDS)}
    wrong, missed, headline, contexts = Counter(), Counter(), Counter(), Counter()
    tp = fn = fp = tn = 0
    for article in corpus.values():
        outcomes = score_article(article, clean)
        for i, ((line, label), outcome) in enumerate(zip(article, outcomes, strict=True)):
            removed = outcome == "removed"
            if label == HEADLINE:
                headline[outcome] += 1
            elif label == CONTENT:
                fp, tn = fp + removed, tn + (not removed)
                if removed:
                    context = _context(article, outcomes, i)
                    contexts[context] += 1
                    wrong[(line[:90], context)] += 1
            else:
                tp, fn = tp + removed, fn + (not removed)
                kinds[label]["removed" if removed else "missed"] += 1
                if not removed:
                    missed[(line[:90], label)] += 1
    return {
        "articles": len(corpus),
        "content_lines": fp + tn,
        "boilerplate_lines": tp + fn,
        "true_positives": tp,
        "missed_boilerplate": fn,
        "false_removals": fp,
        "kept_content": tn,
        "precision": _ratio(tp, tp + fp),
        "recall": _ratio(tp, tp + fn),
        "false_removal_rate": _ratio(fp, fp + tn),
        "headline": dict(headline),
        "kinds": {k: dict(c) for k, c in kinds.items()},
        "false_removals_by_context": dict(contexts.most_common()),
        "top_false_removals": [[t, where, n] for (t, where), n in wrong.most_common(20)],
        "top_missed": [[t, kind, n] for (t, kind), n in missed.most_common(20)],
    }


def print_report(report: dict[str, Any], seed: int) -> None:
    """Human-readable tables of the eval."""
    r = report
    print(f"plain-text cleaner eval: {r['articles']} articles, seed {seed}")
    print(
        f"  boilerplate lines {r['boilerplate_lines']:>6}   removed {r['true_positives']:>6}"
        f"   missed {r['missed_boilerplate']:>6}"
    )
    print(
        f"  content lines     {r['content_lines']:>6}   kept    {r['kept_content']:>6}"
        f"   FALSE REMOVALS {r['false_removals']} ({r['false_removal_rate']:.2%})"
    )
    print(f"  removal precision {r['precision']:.4f}   recall {r['recall']:.4f}")
    print(f"  headlines: {r['headline']}")
    print(f"\n  {'kind':<20}{'injected':>9}{'removed':>9}{'missed':>8}{'recall':>8}")
    for kind, c in r["kinds"].items():
        n = c.get("removed", 0) + c.get("missed", 0)
        rate = f"{c.get('removed', 0) / n:.3f}" if n else "-"
        print(f"  {kind:<20}{n:>9}{c.get('removed', 0):>9}{c.get('missed', 0):>8}{rate:>8}")
    print(f"\n  false removals by context: {r['false_removals_by_context']}")
    if "false_removals_without_injection" in r:
        print(
            f"  false removals of the same texts with nothing injected: "
            f"{r['false_removals_without_injection']}"
        )
    print("  most frequent wrongly removed content lines (count, context):")
    for text, after, n in r["top_false_removals"]:
        print(f"  {n:>4}  [{after}]  {text}")
    print("\n  most frequent missed boilerplate lines (count, kind):")
    for text, kind, n in r["top_missed"]:
        print(f"  {n:>4}  [{kind}]  {text}")


def main(argv: list[str] | None = None) -> int:
    """Build the corpus, clean it, print the report; 2 if the benchmark is missing."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--benchmark", type=Path, default=DEFAULT_BENCHMARK, help="Data dir.")
    parser.add_argument("--seed", type=int, default=13, help="Boilerplate generator seed.")
    parser.add_argument("--json", type=Path, help="Also write the numbers to this file.")
    args = parser.parse_args(argv)
    truth_file = args.benchmark / "ground-truth.json"
    if not truth_file.is_file():
        print(f"eval_plaintext: no {truth_file}", file=sys.stderr)
        return 2
    from wirestory.transforms.plaintext import clean_plain_text

    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    report = evaluate(build_corpus(truth, args.seed), clean_plain_text)
    bare = evaluate(build_corpus(truth, args.seed, per_article=(0, 0)), clean_plain_text)
    report["false_removals_without_injection"] = bare["false_removals"]
    print_report(report, args.seed)
    if args.json:
        args.json.write_text(json.dumps({"seed": args.seed, **report}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
