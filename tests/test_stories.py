"""Stories: canonical pick from the group's own content, explain columns, oversized groups."""

from __future__ import annotations

import datetime

import apache_beam as beam
import numpy as np
from apache_beam.testing.util import assert_that, equal_to
from wirestory.transforms.candidates import Match
from wirestory.transforms.canonical import Member, canonical_order, joined_through, rank_members
from wirestory.transforms.records import ExtractedArticle
from wirestory.transforms.signatures import MinHashParams, normalise, shingle_sequence
from wirestory.transforms.stories import STORIES, AssignStories

from tests.conftest import local_pipeline

D = datetime.date
PARAMS = MinHashParams()


def _member(doc_id: str, words: int, published: D | None, text: str = "") -> Member:
    sequence = shingle_sequence(normalise(text), 3).astype("<u4").tobytes() if text else b""
    return Member(doc_id, words, published, None, None, sequence)


def test_canonical_order_words_then_date_then_id() -> None:
    members = [
        _member("c", 100, D(2024, 1, 3)),
        _member("b", 120, None),
        _member("a", 120, D(2024, 1, 5)),
        _member("d", 120, D(2024, 1, 5)),
        _member("e", 120, D(2024, 1, 4)),
    ]
    assert [m.doc_id for m in sorted(members, key=canonical_order)] == ["e", "a", "d", "b", "c"]


def _words(prefix: str, n: int) -> list[str]:
    return [f"{prefix}{i}" for i in range(n)]


def test_canonical_is_the_complete_copy_without_an_outlets_additions() -> None:
    story = _words("w", 300)
    promo = ["sign", "up", "for", "our", "newsletter", "today"] * 2
    edited = list(story)
    for i in range(20, 300, 40):
        edited[i] = "changed"
    texts = {
        "orig": story,
        "padded": story[:150] + promo + story[150:] + _words("own", 30),  # longest
        "trimmed": story[:140],
        "edited": edited,
    }
    members = [_member(k, len(v), None, " ".join(v)) for k, v in texts.items()]
    assert rank_members(members)[0].doc_id == "orig"
    # Without the original, a complete copy still beats the trimmed one.
    assert rank_members([m for m in members if m.doc_id != "orig"])[0].doc_id != "trimmed"


def test_joined_through_follows_verified_matches_from_the_canonical() -> None:
    matches = (
        Match("b", "a", 0.8, 0.9, True),
        Match("c", "b", 0.7, 0.8, True),
        Match("c", "a", 0.4, 0.9, True),
        Match("x", "a", 0.9, 1.0, True),  # x is not in the group
    )
    members = [Member(d, 1, None, None, None, b"", matches) for d in ("a", "b", "c")]
    through = joined_through("a", members)
    assert through == {"b": matches[0], "c": matches[1]}


def _article(doc_id: str, text: str, published: D | None, site: str) -> ExtractedArticle:
    return ExtractedArticle(
        doc_id,
        f"/in/{doc_id}.html",
        f"https://{site}/{doc_id}",
        f"T {doc_id}",
        None,
        published,
        site,
        "en",
        text,
        len(text.split()),
    )


def test_assign_stories_builds_rows_with_explain_columns() -> None:
    full = " ".join(_words("w", 100))
    half = " ".join(_words("w", 50))
    articles = [
        _article("a1", half, D(2024, 5, 2), "one.example"),
        _article("a2", full, D(2024, 5, 1), "two.example"),
        _article("solo", "alone here", None, "three.example"),
    ]
    match = Match("a1", "a2", 48 / 98, 1.0, False)
    with local_pipeline() as p:
        rows = (
            p | "A" >> beam.Create(articles),
            p | "L" >> beam.Create([("a1", "a2"), ("a2", "a2")]),
            p | "M" >> beam.Create([match]),
        ) | AssignStories(PARAMS)
        story_of = rows["articles"] | beam.Map(
            lambda r: (
                r["doc_id"],
                r["story_id"],
                r["is_canonical"],
                r["matched_doc_id"],
                r["match_containment"],
            )
        )
        assert_that(
            story_of,
            equal_to(
                [
                    ("a1", "st_a2", False, "a2", 1.0),
                    ("a2", "st_a2", True, None, None),
                    ("solo", "st_solo", True, None, None),
                ]
            ),
            label="articles",
        )
        stories = rows[STORIES] | beam.Map(
            lambda s: (s["story_id"], s["canonical_doc_id"], s["size"], s["doc_ids"], s["sites"])
        )
        assert_that(
            stories,
            equal_to(
                [
                    ("st_a2", "a2", 2, ["a1", "a2"], ["one.example", "two.example"]),
                    ("st_solo", "solo", 1, ["solo"], ["three.example"]),
                ]
            ),
            label="stories",
        )


def test_oversized_group_is_labelled_without_gathering_and_listed() -> None:
    params = MinHashParams(max_story_size=3)
    text = " ".join(_words("t", 40))
    ids = [f"d{i}" for i in range(5)]
    articles = [_article(d, text, D(2024, 1, 1 + i), "x.example") for i, d in enumerate(ids)]
    matches = [Match(d, "d0", 1.0, 1.0, True) for d in ids[1:]]
    with local_pipeline() as p:
        rows = (
            p | "A" >> beam.Create(articles),
            p | "L" >> beam.Create([(d, "d0") for d in ids]),
            p | "M" >> beam.Create(matches),
        ) | AssignStories(params)
        flags = rows["articles"] | beam.Map(
            lambda r: (r["doc_id"], r["story_id"], r["is_canonical"], r["matched_doc_id"])
        )
        expected = [("d0", "st_d0", True, None)] + [(d, "st_d0", False, "d0") for d in ids[1:]]
        assert_that(flags, equal_to(expected), label="articles")
        stories = rows[STORIES] | beam.Map(lambda s: (s["story_id"], s["size"], s["doc_ids"]))
        assert_that(stories, equal_to([("st_d0", 5, ids)]), label="stories")
        assert_that(rows["oversized"], equal_to([("d0", 5)]), label="oversized")


def _completeness_loops(members: list[Member]) -> list[float]:
    """The plain-loop completeness the vectorised one replaced (the reference)."""
    from collections import Counter, defaultdict

    from wirestory.transforms.canonical import CLEANLINESS

    sets = [np.unique(m.keys()).tolist() for m in members]
    counts: Counter[int] = Counter()
    weight: dict[int, float] = defaultdict(float)
    for keys in sets:
        counts.update(keys)
        for key in keys:
            weight[key] += 1.0 / len(keys)
    scores = []
    for keys in sets:
        if not keys:
            scores.append(float("-inf"))
            continue
        recall = sum(weight[k] for k in keys) - 1.0
        precision = sum(counts[k] - 1 for k in keys) / len(keys)
        scores.append(round(recall + CLEANLINESS * precision, 9))
    return scores


def test_completeness_scores_are_bit_identical_to_the_plain_loops() -> None:
    from wirestory.transforms.canonical import completeness

    rng = np.random.default_rng(4)
    for trial in range(60):
        base = rng.integers(0, 2**32, size=int(rng.integers(1, 900)), dtype=np.uint64)
        members = []
        for i in range(int(rng.integers(2, 12))):
            kept = base[rng.random(len(base)) < rng.uniform(0.3, 1.0)]
            extra = rng.integers(0, 2**32, size=int(rng.integers(0, 80)), dtype=np.uint64)
            keys = np.concatenate([kept, extra]).astype("<u4")
            if trial % 7 == 0 and i == 1:
                keys = keys[:0]  # a member without keys scores -inf
            members.append(Member(f"d{i}", 1, None, None, None, keys.tobytes()))
        assert completeness(members) == _completeness_loops(members)


PROMO = "Sign up for our morning briefing"


def _wire_story() -> list[str]:
    return [" ".join(_words(f"p{n}w", 40)) for n in range(6)]


def test_furniture_lines_count_against_a_copy_and_never_confirm_it() -> None:
    from wirestory.transforms.canonical import line_hash, text_lines

    paragraphs = _wire_story()
    padded = [paragraphs[0], PROMO, *paragraphs[1:], "By Anna Kovacs, Transcontinental Press"]
    texts = {"orig": "\n".join(paragraphs), "padded": "\n".join(padded)}

    def members() -> list[Member]:
        return [
            Member(
                doc_id,
                len(text.split()),
                None,
                None,
                None,
                shingle_sequence(normalise(text), 3).astype("<u4").tobytes(),
                lines=text_lines(text, 3),
            )
            for doc_id, text in texts.items()
        ]

    # A group of two: without evidence from other stories, the longer copy wins.
    assert rank_members(members())[0].doc_id == "padded"
    furniture = {line_hash(normalise(PROMO)), line_hash(normalise(padded[-1]))}
    assert rank_members(members(), furniture)[0].doc_id == "orig"
    # Furniture only one copy holds still counts against it; shared by both, it is a tie of
    # content that fewer furniture shingles decide.
    texts["orig"] = "\n".join([PROMO, *paragraphs])
    assert rank_members(members(), furniture)[0].doc_id == "orig"


def test_assign_stories_learns_furniture_from_lines_other_stories_repeat() -> None:
    paragraphs = _wire_story()
    orig = "\n".join(paragraphs)
    padded = "\n".join([paragraphs[0], PROMO, *paragraphs[1:], "Follow us on Facebook and X"])
    articles = [
        _article("orig", orig, D(2024, 5, 1), "one.example"),
        _article("padded", padded, D(2024, 5, 1), "two.example"),
    ]
    labels = [("orig", "orig"), ("padded", "orig")]
    # 24 other stories, each its own, carry the outlets' lines: at least the 20 stories
    # (canonical.FURNITURE_MIN_STORIES) and 2% of the 25 that make a line furniture.
    for n in range(24):
        text = "\n".join([" ".join(_words(f"s{n}w", 60)), PROMO, "Follow us on Facebook and X"])
        articles.append(_article(f"s{n:02d}", text, D(2024, 5, 2), "two.example"))
        labels.append((f"s{n:02d}", f"s{n:02d}"))
    match = Match("orig", "padded", 0.9, 1.0, True)
    with local_pipeline() as p:
        rows = (
            p | "A" >> beam.Create(articles),
            p | "L" >> beam.Create(labels),
            p | "M" >> beam.Create([match]),
        ) | AssignStories(PARAMS)
        canonical = (
            rows["articles"]
            | beam.Filter(lambda r: r["story_id"] == "st_orig")
            | beam.Map(lambda r: (r["doc_id"], r["is_canonical"]))
        )
        assert_that(canonical, equal_to([("orig", True), ("padded", False)]))


def test_a_near_tie_goes_to_the_more_complete_copy(monkeypatch: object) -> None:
    import wirestory.transforms.canonical as canonical

    body = " ".join(_words("w", 300))
    texts = {
        "orig": f"PARIS (Transcontinental Press) - {body}",
        "copy1": f"PARIS - {body}",
        "copy2": f"PARIS - {body}",
    }
    members = [_member(k, len(v.split()), None, v) for k, v in texts.items()]
    # The two short datelines confirm each other; the wire's own is held by one copy alone,
    # a few shingles in 300: a near tie, which the copy with more words wins.
    assert rank_members(members)[0].doc_id == "orig"
    monkeypatch.setattr(canonical, "NEAR_TIE", 0.0)  # type: ignore[attr-defined]
    assert rank_members(members)[0].doc_id == "copy1"


def test_link_lines_are_keyed_by_their_label_and_become_furniture() -> None:
    from wirestory.transforms.canonical import text_lines

    def keys(text: str) -> set[int]:
        return {key for key, _ in text_lines(text, 3)}

    # Two outlets' link lines to different stories share one key: counted across stories,
    # the label becomes furniture like "Sign up for our morning briefing" does.
    first = keys("RELATED: Storm closes schools across the county")
    assert first == keys("RELATED: Central bank holds rates for a third month")
    assert first != keys("READ MORE: Central bank holds rates for a third month")
    # A long line opening with a name and a colon is a quote: keyed by its words.
    quote = "Smith: " + " ".join(_words("q", 30))
    assert keys(quote) != keys("Smith: " + " ".join(_words("r", 30)))

    paragraphs = _wire_story()
    linked = [*paragraphs[:3], "RELATED: Storm closes schools across the county", *paragraphs[3:]]
    texts = {"orig": "\n".join(paragraphs), "linked": "\n".join(linked)}
    members = [_member(k, len(v.split()), None, v) for k, v in texts.items()]
    members = [Member(**{**m.__dict__, "lines": text_lines(texts[m.doc_id], 3)}) for m in members]
    assert rank_members(members)[0].doc_id == "linked"  # no evidence: the longer copy
    assert rank_members(members, first)[0].doc_id == "orig"


def test_furniture_lines_travel_in_packs_and_count_distinct_stories() -> None:
    # Before: one shuffle element per (line, story) and a distinct, a count and a join by line.
    import random

    from apache_beam.transforms.window import GlobalWindow
    from wirestory.transforms.canonical import furniture_floor
    from wirestory.transforms.stories import PackLinesFn, _furniture_of

    rng = random.Random(3)
    common = [rng.getrandbits(63) for _ in range(6)]
    members = []
    for n in range(300):
        own = [rng.getrandbits(63) for _ in range(4)]
        held = own + rng.sample(common, rng.randint(0, 3))
        lines = tuple((h, b"") for h in sorted(held))
        # Every story has two copies: a line counts once per story, wherever the copies land.
        members += [
            (f"s{n:03d}", Member(f"d{n}{c}", 1, None, None, None, b"", lines=lines)) for c in "ab"
        ]
    window = GlobalWindow()
    packs = []
    for bundle in (members[::2], members[1::2]):
        fn = PackLinesFn()
        fn.start_bundle()
        packs += [out for item in bundle for out in fn.process(item, window)]
        packs += [wv.value for wv in fn.finish_bundle()]
    holders = {}
    for label, member in members:
        for line, _ in member.lines:
            holders.setdefault(line, set()).add(label)
    assert len(packs) < sum(len(labels) for labels in holders.values())
    by_shard: dict[int, list] = {}
    for shard, pack in packs:
        by_shard.setdefault(shard, []).append(pack)
    found = {out for item in by_shard.items() for out in _furniture_of(item, 300)}
    floor = furniture_floor(300)
    expected = {(lab, line) for line, labs in holders.items() if len(labs) >= floor for lab in labs}
    assert found == expected and {line for _, line in found} <= set(common) and found
