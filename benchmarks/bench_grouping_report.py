"""The grouping sections of BENCHMARKS.md: quality at the defaults (with the hard kinds and the
easy corpus) and the offline parameter grid."""

from __future__ import annotations

from typing import Any

from benchmarks.bench_report import table


def _quality_rows(size: dict[str, Any], key: str = "quality", label: str = "") -> list[Any]:
    q = size[key]
    pairs, counts = q["pairs"], q["counts"]
    canonical = q["canonical"]
    return [
        f"{size['docs']}{label}",
        pairs["precision"],
        pairs["recall"],
        pairs["f1"],
        pairs["ari"],
        f"{canonical['accuracy']:.3f} / {canonical.get('accuracy_identical', 0):.3f} "
        f"({canonical['stories']})",
        counts["merged_groups"],
        counts["split_stories"],
        counts["missing"],
        f"{q['template_merges']} / {q['template_singletons']}",
    ]


def section_quality(sizes: list[dict[str, Any]], params: dict[str, Any]) -> list[str]:
    done = [s for s in sizes if s.get("quality")]
    if not done:
        return []
    out = [
        "## Grouping quality at the defaults",
        "",
        f"`wirestory run` with threshold {params['threshold']}, containment "
        f"{params['containment']}, shingle size {params['shingle_size']}, num_perm "
        f"{params['num_perm']}, candidate threshold {params.get('candidate_threshold')} "
        f"({params.get('bands')}x{params.get('rows')} bands), min shingles "
        f"{params.get('min_shingles')}. Pairwise scores over all document pairs; canonical "
        "accuracy: share of multi-copy stories whose untouched original is its group's "
        "canonical copy, then the share where it is the original or a copy with identical "
        "tokens (stories counted in brackets). Template merges: template-heavy singletons that "
        "joined any group (must be 0). `(easy)`: the corpus without the hard kinds "
        "(`synd_corpus --easy`, the corpus of the earlier reports).",
        "",
        table(
            [
                "docs",
                "precision",
                "recall",
                "F1",
                "ARI",
                "canonical acc.",
                "merged groups",
                "split stories",
                "missing",
                "template merges",
            ],
            [_quality_rows(s) for s in done]
            + [_quality_rows(s, "quality_easy", " (easy)") for s in done if s.get("quality_easy")],
        ),
        "",
    ]
    for size in done:
        by_kind = size["quality"].get("precision_by_kind", {})
        recall = size["quality"]["by_kind"]
        docs = size["quality"].get("kind_docs", {})
        hard = [k for k in _HARD if k in by_kind or k in recall or docs.get(k)]
        if hard:
            out += [
                f"### The hard kinds ({size['docs']} docs)",
                "",
                "Precision: predicted pairs with a document of that kind that are true pairs "
                "(they must never merge with another story); recall: true pairs with one, "
                "joined. Near-empty documents are singletons: no true pairs, and any predicted "
                "pair would be a merge. `near-empty page`: a near-empty page in an outlet's "
                "template, where the extractor returns the template's chrome (see "
                "benchmarks/SYNDICATION.md). Documents: files of that kind (some are rejected "
                "before grouping, see `missing`).",
                "",
                table(
                    ["kind", "documents", "predicted pairs", "precision", "true pairs", "recall"],
                    [
                        [
                            k,
                            docs.get(k, ""),
                            by_kind.get(k, (0, 0))[0],
                            by_kind[k][1] / by_kind[k][0] if by_kind.get(k, (0,))[0] else 1.0,
                            recall.get(k, (0, 0))[0],
                            recall[k][1] / recall[k][0] if recall.get(k, (0,))[0] else 1.0,
                        ]
                        for k in hard
                    ],
                ),
                "",
            ]
    for size in done:
        kinds = size["quality"]["by_kind"]
        out += [
            f"### Recall by copy kind ({size['docs']} docs)",
            "",
            "True pairs with at least one copy of that kind, and the share joined.",
            "",
            table(
                ["copy kind", "true pairs", "recall"],
                [
                    [k, t, f / t if t else 1.0]
                    for k, (t, f) in sorted(
                        kinds.items(), key=lambda kv: kv[1][1] / max(kv[1][0], 1)
                    )
                ],
            ),
            "",
        ]
        beaten = size["quality"]["canonical"]["beaten_by"]
        if beaten:
            top = ", ".join(f"{k} {n}" for k, n in sorted(beaten.items(), key=lambda kv: -kv[1]))
            out += [f"Copies picked as canonical instead of the original have: {top}.", ""]
    return out


_HARD = ("shared passage", "brief", "brief host", "near-empty", "near-empty page", "CJK",
         "CJK edits")  # fmt: skip


def _is_run(row: dict[str, Any], params: dict[str, Any]) -> bool:
    keys = ("shingle_size", "threshold", "containment")
    return all(row[k] == params[k] for k in keys)


def _grid_row(g: dict[str, Any], params: dict[str, Any]) -> list[Any]:
    return [
        f"{g['shingle_size']}{'*' if _is_run(g, params) else ''}",
        f"{g['threshold']:g}",
        f"{g['containment']:g}",
        g["banding"],
        g["candidates"],
        f"{g['true_proposed']:.3f}",
        f"{g['true_kept']:.3f}",
        g["precision"],
        g["recall"],
        g["f1"],
        g["ari"],
        f"{g['canonical']:.3f} / {g.get('canonical_identical', 0):.3f}",
        g.get("hard_precision", 1.0),
        g["template_merges"],
    ]


_GRID_HEADERS = ["shingle", "threshold", "containment", "bands x rows", "candidates",
                 "true pairs proposed", "true pairs kept", "precision", "recall", "F1", "ARI",
                 "canonical acc. / identical", "hard kinds precision (min)",
                 "template merges"]  # fmt: skip


def _kind_comparison(run: dict[str, Any], best: dict[str, Any]) -> str:
    """Recall per copy kind at the run's settings and at the best grid point."""
    rows = []
    for kind, (total, found) in sorted(run["by_kind"].items(), key=lambda kv: kv[1][1] / kv[1][0]):
        best_total, best_found = best["by_kind"].get(kind, (total, found))
        rows.append([kind, total, found / total, best_found / best_total])
    name = (
        f"best: shingle {best['shingle_size']}, threshold {best['threshold']:g}, "
        f"containment {best['containment']:g}"
    )
    return table(["copy kind", "true pairs", "run's settings", name], rows)


def section_grid(sizes: list[dict[str, Any]], params: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for size in sizes:
        if not size.get("grid"):
            continue
        same = "yes" if size["grid_reproduces"] else "NO (the grid does not match the pipeline)"
        out += [
            f"## Parameter grid, offline ({size['docs']} docs)",
            "",
            "The run's extracted texts regrouped in plain Python with the pipeline's own "
            "functions (benchmarks/dedup_offline.py). At the run's settings it reproduces the "
            f"run's groups and canonical picks exactly: {same}. The run's settings are marked *. "
            "True pairs proposed: share of the true pairs that met in an LSH bucket; kept: share "
            "that also passed verification (recall also counts pairs joined through a third copy). "
            "Banding is fixed by the candidate threshold, so it is the same on every row of a "
            "shingle size. Hard kinds precision: the lowest precision among shared passage, "
            "brief, brief host, near-empty, near-empty page and CJK.",
            "",
            table(_GRID_HEADERS, [_grid_row(g, params) for g in size["grid"]]),
            "",
        ]
        run = next((g for g in size["grid"] if _is_run(g, params)), None)
        best = max(size["grid"], key=lambda g: (g["f1"], g["shingle_size"], g["threshold"]))
        if run is not None:
            out += [
                "Recall by copy kind at the run's settings and at the grid's best F1:",
                "",
                _kind_comparison(run, best),
                "",
            ]
    return out
