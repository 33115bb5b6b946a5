"""Score a wirestory run on the independent syndication corpus (indep_corpus.py).

    python benchmarks/indep_score.py --truth CORPUS.truth.json --run OUT_DIR

Prints pairwise precision/recall/F1 over all truth files (a file missing from `articles` is its
own singleton and is listed with its reject reason), precision and recall by kind and by trap,
the predicted groups that mix stories (with a diagnosis), canonical accuracy, and split stories
of the worst-recall kind. Written without reading the project's other scorer.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from deltalake import DeltaTable


def pairs(n: int) -> int:
    return n * (n - 1) // 2


def rel_path(uri: str, truth: dict[str, Any]) -> str | None:
    """Map a source_uri to the truth's relative path (the longest suffix found in the truth)."""
    parts = uri.removeprefix("file://").split("/")
    for k in range(len(parts), 0, -1):
        cand = "/".join(parts[-k:])
        if cand in truth:
            return cand
    return None


def load_run(run: Path, truth: dict[str, Any]) -> tuple[dict[str, str], set[str], dict[str, str]]:
    """path -> predicted group, canonical paths, missing path -> reject reason."""
    arts = DeltaTable(str(run / "articles")).to_pyarrow_table().to_pylist()
    group: dict[str, str] = {}
    canon: set[str] = set()
    for r in arts:
        p = rel_path(r["source_uri"], truth)
        if p is None:
            print(f"warning: {r['source_uri']} is not in the truth", file=sys.stderr)
            continue
        group[p] = r["story_id"]
        if r["is_canonical"]:
            canon.add(p)
    reasons: dict[str, str] = {}
    if (run / "rejects").exists():
        for r in DeltaTable(str(run / "rejects")).to_pyarrow_table().to_pylist():
            p = rel_path(r["source_uri"], truth)
            if p is not None:
                reasons[p] = f"{r['reason']}: {r['detail'][:60]}"
    missing = {p: reasons.get(p, "not in articles or rejects") for p in truth if p not in group}
    for p in missing:
        group[p] = "missing:" + p
    return group, canon, missing


def by_label(
    truth: dict[str, Any], group: dict[str, str], label: str
) -> dict[str, tuple[int, int, int, int]]:
    """Per value of truth[label]: (pred pairs involving it, true ones among them, true pairs
    involving it, found ones among them)."""
    cells: dict[tuple[str, str], list[str]] = defaultdict(list)
    for p, v in truth.items():
        cells[(group[p], v["story"])].append(p)
    by_g: dict[str, list[str]] = defaultdict(list)
    by_s: dict[str, list[str]] = defaultdict(list)
    for (g, s), ps in cells.items():
        by_g[g] += ps
        by_s[s] += ps
    values = sorted({str(v[label]) for v in truth.values()})
    out = {}
    for val in values:

        def inv(ps: list[str], val: str = val) -> int:
            k = sum(str(truth[p][label]) == val for p in ps)
            return pairs(len(ps)) - pairs(len(ps) - k)

        pred = sum(inv(ps) for ps in by_g.values())
        tp = sum(inv(ps) for ps in cells.values())
        true = sum(inv(ps) for ps in by_s.values())
        out[val] = (pred, tp, true, tp)
    return out


def fmt(n: int, d: int) -> str:
    return f"{n / d:.4f}" if d else "  n/a "


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--truth", type=Path, required=True)
    ap.add_argument("--run", type=Path, required=True)
    ap.add_argument("--examples", type=int, default=5, help="examples per diagnosis")
    a = ap.parse_args(argv)
    truth: dict[str, Any] = json.loads(a.truth.read_text(encoding="utf-8"))
    group, canon, missing = load_run(a.run, truth)

    by_g: dict[str, list[str]] = defaultdict(list)
    by_s: dict[str, list[str]] = defaultdict(list)
    for p in sorted(truth):
        by_g[group[p]].append(p)
        by_s[truth[p]["story"]].append(p)
    pred = sum(pairs(len(ps)) for ps in by_g.values())
    true = sum(pairs(len(ps)) for ps in by_s.values())
    tp = sum(pairs(n) for n in Counter((group[p], truth[p]["story"]) for p in truth).values())
    prec, rec = (tp / pred if pred else 1.0), (tp / true if true else 1.0)
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    print(f"files {len(truth)}  stories {len(by_s)}  predicted groups {len(by_g)}")
    print(f"pairs: predicted {pred}  true {true}  correct {tp}")
    print(f"PRECISION {prec:.4f}  RECALL {rec:.4f}  F1 {f1:.4f}")

    print(f"\nmissing from articles: {len(missing)}")
    for p, why in sorted(missing.items())[: a.examples * 4]:
        print(f"  {p} [{truth[p]['kind']}] {why}")
    for label in ("kind", "trap"):
        print(f"\nby {label}: files, precision (pred pairs involving it), recall")
        n_files = Counter(str(v[label]) for v in truth.values())
        for val, (pp, ptp, tt, ttp) in by_label(truth, group, label).items():
            print(f"  {val:12s} {n_files[val]:6d}  P {fmt(ptp, pp)} ({pp - ptp} wrong of {pp})"
                  f"  R {fmt(ttp, tt)} ({tt - ttp} missed of {tt})")  # fmt: skip

    mixed = {g: ps for g, ps in by_g.items() if len({truth[p]["story"] for p in ps}) > 1}
    print(f"\nmixed predicted groups: {len(mixed)}")
    for g, ps in sorted(mixed.items(), key=lambda x: -len(x[1]))[: a.examples * 4]:
        stories = Counter(truth[p]["story"] for p in ps)
        print(f"  group {g} ({len(ps)} files, stories {dict(stories)})")
        for p in ps[:12]:
            v = truth[p]
            print(f"    {v['story']} {v['kind']:10s} trap={v['trap']} canon={p in canon} {p}")

    # Canonical accuracy over stories with 2+ files present in articles.
    strict = lenient = n = 0
    wrong: Counter[str] = Counter()
    examples: list[str] = []
    for s, ps in sorted(by_s.items()):
        present = [p for p in ps if p not in missing]
        if len(present) < 2:
            continue
        groups = Counter(group[p] for p in present)
        orig = next((p for p in present if truth[p]["original"]), None)
        best = max(groups, key=lambda g: (groups[g], orig is not None and group[orig] == g, g))
        chosen = [p for p in by_g[best] if p in canon]
        n += 1
        c = chosen[0] if chosen else None
        ok_s = c is not None and truth[c]["story"] == s and truth[c]["original"]
        ok_l = ok_s or (c is not None and truth[c]["story"] == s
                        and truth[c]["identical_tokens_to_original"])  # fmt: skip
        strict += ok_s
        lenient += ok_l
        if not ok_l:
            kind = truth[c]["kind"] if c else "none"
            wrong[kind] += 1
            if len(examples) < a.examples * 2:
                examples.append(f"  story {s}: canonical {c} [{kind}], original {orig}")
    print(f"\ncanonical over {n} stories with 2+ files present: strict (the original) "
          f"{fmt(strict, n)}  original-or-identical-tokens {fmt(lenient, n)}")  # fmt: skip
    print(f"  wrong canonical by its kind: {dict(wrong.most_common())}")
    print("\n".join(examples))

    kinds = by_label(truth, group, "kind")
    worst = min((k for k in kinds if kinds[k][2]), key=lambda k: kinds[k][3] / kinds[k][2])
    print(f"\nworst-recall kind: {worst}; split stories with a file of that kind:")
    shown = 0
    for s, ps in sorted(by_s.items()):
        if len({group[p] for p in ps}) < 2 or not any(truth[p]["kind"] == worst for p in ps):
            continue
        print(f"  story {s}:")
        for p in ps:
            print(f"    {truth[p]['kind']:10s} group={group[p][:24]} {p}")
        shown += 1
        if shown >= a.examples:
            break
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
