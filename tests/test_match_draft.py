"""Telling which draft an attached copy was made from."""

from __future__ import annotations

import random
import time

from redraft.analysis.match_draft import best_draft, similarity

# Stock phrases shared by every text of the kind, so that unrelated texts still overlap a bit.
STOCK = ["the committee shall", "in accordance with", "the secretariat", "member states", "where appropriate",
         "terms of reference", "the council", "on an annual basis", "shall be", "of the"]


def make_text(seed: int, words: int = 6000) -> str:
    rng = random.Random(seed)
    vocab = [f"w{seed}x{i}" for i in range(2500)]
    out: list[str] = []
    while len(out) < words:
        out += rng.choice(STOCK).split() if rng.random() < 0.3 else [rng.choice(vocab)]
        if rng.random() < 0.06:
            out[-1] += "."
    return " ".join(out)


def edit(text: str, seed: int, every: int = 12, inserted: int = 0) -> str:
    """A reviewer's copy: one word in `every` replaced, plus `inserted` new sentences."""
    rng = random.Random(seed)
    words = text.split()
    for i in range(0, len(words), every):
        if rng.random() < 0.8:
            words[i] = f"edit{rng.randrange(10**6)}"
    for _ in range(inserted):
        at = rng.randrange(len(words))
        words[at:at] = [f"new{rng.randrange(10**6)}" for _ in range(15)]
    return " ".join(words)


def test_identical_and_empty():
    text = make_text(1, 500)
    assert similarity(text, text) == 1.0
    assert similarity("", text) == 0.0
    assert similarity("Please see attached.", text) == 0.0


def test_heavily_edited_copy_matches_its_draft():
    draft = make_text(1)
    copy = edit(draft, 2, every=8, inserted=40)  # ~10% of words changed, 600 words added
    key, score = best_draft(copy, {"tor": draft})
    assert key == "tor" and score > 0.6


def test_copy_with_a_passage_cut_matches():
    draft = make_text(1)
    words = draft.split()
    copy = " ".join(words[: len(words) // 3])  # the reviewer kept only the first third
    assert best_draft(copy, {"tor": draft}) == ("tor", 1.0)


def test_unrelated_text_matches_nothing():
    key, score = best_draft(make_text(7), {"tor": make_text(1), "budget": make_text(3)})
    assert key is None and score < 0.2


def test_chooses_the_right_one_of_two_versions():
    v1 = make_text(1)
    v2 = edit(v1, 5, every=15, inserted=20)  # the secretariat's revised draft
    from_v1 = edit(v1, 11, every=10)
    from_v2 = edit(v2, 12, every=10)
    drafts = {"v1": v1, "v2": v2}
    assert best_draft(from_v1, drafts)[0] == "v1"
    assert best_draft(from_v2, drafts)[0] == "v2"
    # whatever order the drafts come in
    assert best_draft(from_v1, {"v2": v2, "v1": v1})[0] == "v1"


def test_fast_on_fifty_pages():
    drafts = {f"d{i}": make_text(i, 25_000) for i in range(3)}
    copy = edit(drafts["d1"], 9)
    start = time.perf_counter()
    key, _score = best_draft(copy, drafts)
    assert key == "d1"
    assert time.perf_counter() - start < 2.0
