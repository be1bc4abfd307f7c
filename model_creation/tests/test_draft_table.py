"""The n-gram draft table: counting, the binary format, the reference drafter, and the CLI on a tiny model."""
from __future__ import annotations

import json

import numpy as np
import pytest

from aacomplete.checkpoint import save_checkpoint
from aacomplete.draft_table import count_ngrams, draft, prune_redundant, read_table, write_table
import make_draft_table


def test_count_ngrams_keeps_confident_frequent_contexts():
    seqs = [np.array([1, 2, 3, 1, 2, 3, 1, 2, 4]), np.array([1, 2, 3, 9])]
    t = count_ngrams(seqs, 2, 16, min_count=2, min_prob=0.5)
    table = {int(k): (int(n), int(p)) for k, n, p in zip(t.keys, t.next, t.prob)}
    # (1,2) -> 3 three times, 4 once: p = 0.75. (2,3) -> 1 twice, 9 once: p = 2/3. (3,1) -> 2 twice: p = 1.
    assert table == {1 * 16 + 2: (3, round(0.75 * 255)), 2 * 16 + 3: (1, round(2 / 3 * 255)), 3 * 16 + 1: (2, 255)}
    assert list(t.keys) == sorted(t.keys)
    # No n-gram spans two sequences: (4, 1) never occurs.
    t1 = count_ngrams(seqs, 1, 16, min_count=1, min_prob=0.0)
    assert 4 not in set(int(k) for k in t1.keys)
    # A higher bar drops the (2,3) context.
    strict = count_ngrams(seqs, 2, 16, min_count=2, min_prob=0.7)
    assert 2 * 16 + 3 not in set(int(k) for k in strict.keys)


def test_order_four_keys_with_the_real_vocabulary_stay_exact():
    v = 8192
    seqs = [np.array([8191, 8190, 8189, 8188, 7, 8191, 8190, 8189, 8188, 7])]
    t = count_ngrams(seqs, 4, v, min_count=2, min_prob=0.5)
    key = ((8191 * v + 8190) * v + 8189) * v + 8188
    assert key < 2**53 and float(key) == key
    assert [int(k) for k in t.keys] == [key] and list(t.next) == [7]
    with pytest.raises(ValueError, match="float64"):
        count_ngrams(seqs, 5, v, 1, 0.0)


def test_write_read_round_trip_and_reference_drafts(tmp_path):
    seqs = [np.array([5, 6, 7, 8, 9] * 4), np.array([5, 6, 1, 2])]
    tables = [count_ngrams(seqs, o, 32, min_count=2, min_prob=0.3) for o in (1, 2, 3)]
    path = tmp_path / "draft-ngrams.bin"
    size = write_table(path, tables, 32, chain_min=0.25)
    assert size == path.stat().st_size and size % 8 == 0
    back, vocab, chain_min = read_table(path)
    assert vocab == 32 and chain_min == pytest.approx(0.25)
    for a, b in zip(tables, back):
        assert a.order == b.order
        np.testing.assert_array_equal(a.keys, b.keys)
        np.testing.assert_array_equal(a.next, b.next)
        np.testing.assert_array_equal(a.prob, b.prob)
    # After 5 6 the table says 7 (p 4/5 at order 2), then 8, 9, 5 … until max_len.
    assert draft(back, 32, chain_min, [5, 6], 6) == [7, 8, 9, 5, 6, 7]
    assert draft(back, 32, chain_min, [5, 6], 2) == [7, 8]
    # Unknown context: nothing.
    assert draft(back, 32, chain_min, [30, 31], 6) == []
    # A high chain bar stops after the first less-than-certain step.
    assert draft(back, 32, 0.9, [5, 6], 6) == []
    with pytest.raises(ValueError, match="not a draft table"):
        (tmp_path / "bad.bin").write_bytes(b"nope" + bytes(40))
        read_table(tmp_path / "bad.bin")


def test_cli_builds_a_table_from_a_tiny_model_and_replays_validation(tmp_path, tiny_model, tiny_cfg, tokenizer_json):
    ckpt = tmp_path / "ckpt"
    save_checkpoint(ckpt, tiny_cfg, tiny_model)
    rows = [{"abstract": f"We study model number {i} and show that it works well on the data we have. " * 3} for i in range(40)]
    for name in ("train.jsonl", "valid.jsonl"):
        (tmp_path / name).write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    out = tmp_path / "model"
    args = [
        "--checkpoint", str(ckpt), "--tokenizer", str(tokenizer_json), "--train", str(tmp_path / "train.jsonl"),
        "--valid", str(tmp_path / "valid.jsonl"), "--out", str(out), "--prompts", "24", "--valid-prompts", "8", "--batch", "8", "--new-tokens", "16",
    ]
    make_draft_table.main(args)
    stats = json.loads((out / "draft_stats.json").read_text())
    table = (out / "draft-ngrams.bin").read_bytes()
    # --keep-table (ship.sh KEEP_DRAFT=1) leaves the table as it is and replays the same validation prefixes.
    (out / "draft_stats.json").unlink()
    make_draft_table.main(args + ["--keep-table"])
    assert (out / "draft-ngrams.bin").read_bytes() == table
    assert json.loads((out / "draft_stats.json").read_text()) == {**stats, "table_kept": True}
    assert stats["table_kept"] is False
    tables, vocab, _ = read_table(out / "draft-ngrams.bin")
    assert vocab == tiny_cfg.vocab_size
    assert stats["entries"] == {str(t.order): len(t.keys) for t in tables}
    assert sum(len(t.keys) for t in tables) > 0
    replay = stats["replay"]
    assert replay["none"]["forward_runs"] == replay["none"]["decode_tokens"] == stats["valid_prefixes"] * 15
    # Drafting never needs more runs than decoding one token at a time.
    assert replay["prompt_lookup_then_table"]["forward_runs"] <= replay["none"]["forward_runs"]
    assert replay["prompt_lookup_then_table"]["accepted"] <= replay["prompt_lookup_then_table"]["drafted"]


def test_prune_redundant_drops_only_entries_a_shorter_context_drafts_alike(tmp_path):
    # (1,2)->3 and (2)->3 agree with close probabilities; (4,2)->5 disagrees with (2)->3.
    seqs = [np.array([1, 2, 3] * 3), np.array([4, 2, 5, 4, 2, 5]), np.array([7, 2, 3, 7, 2, 3, 8, 2, 3])]
    tables = [count_ngrams(seqs, o, 16, min_count=2, min_prob=0.2) for o in (1, 2)]
    pruned = prune_redundant(tables, 16, tolerance=255)
    before = {int(k) for k in tables[1].keys}
    after = {int(k) for k in pruned[1].keys}
    assert 4 * 16 + 2 in after  # disagrees with the shorter context: kept
    assert 1 * 16 + 2 in before and 1 * 16 + 2 not in after  # agrees: dropped
    np.testing.assert_array_equal(pruned[0].keys, tables[0].keys)  # order 1 has nothing shorter
    # With no tolerance, a probability difference keeps the entry.
    strict = prune_redundant(tables, 16, tolerance=0)
    assert 1 * 16 + 2 in {int(k) for k in strict[1].keys}
    # The pruned table drafts the same tokens after the pruned context.
    assert draft(pruned, 16, 0.0, [1, 2], 3) == draft(tables, 16, 0.0, [1, 2], 3) == [3, 1, 2]
