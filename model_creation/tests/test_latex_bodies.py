"""Paper-body preparation: unwrapping keeps LaTeX's meaningful breaks, the split is by repository."""
import json

from aacomplete.latex_bodies import cap_text, is_validation_repo, paragraphs, prose_breaks_per_kword, unwrap, wrapped_fraction


def test_unwrap_joins_hard_wrapped_prose_into_one_line():
    src = "We propose a method\nthat learns quickly\n  and generalises.\n\nSecond paragraph\nhere."
    assert unwrap(src) == "We propose a method that learns quickly and generalises.\n\nSecond paragraph here."


def test_unwrap_keeps_structural_lines_and_display_math():
    src = (
        "\\section{Method}\nOur model\nis small.\n\\begin{align}\na &= b \\\\\nc &= d\n\\end{align}\n"
        "Then we\nconclude.\n\\begin{itemize}\n\\item one\nline\n\\item two\n\\end{itemize}"
    )
    out = unwrap(src).split("\n")
    assert out[0] == "\\section{Method}"
    assert out[1] == "Our model is small."
    assert out[2:6] == ["\\begin{align}", "a &= b \\\\", "c &= d", "\\end{align}"]
    assert out[6] == "Then we conclude."
    # an item's wrapped text joins its item line, the next item starts a line
    assert out[7:] == ["\\begin{itemize}", "\\item one line", "\\item two", "\\end{itemize}"]


def test_unwrap_keeps_forced_line_breaks_and_collapses_blank_runs():
    assert unwrap("first line \\\\\nsecond\n\n\n\nthird") == "first line \\\\\nsecond\n\nthird"


def test_wrapped_fraction_drops_after_unwrapping():
    wrapped = "a b c\nd e f\ng h i\n\nj k\nl m\nn o"
    assert wrapped_fraction([wrapped]) == 1.0
    assert wrapped_fraction([unwrap(wrapped)]) == 0.0


def test_prose_breaks_count_only_prose_paragraphs():
    wrapped = "one two three four\nfive six seven eight\n\n\\begin{align}\na\nb\n\\end{align}"
    assert prose_breaks_per_kword([wrapped]) == 1000 * 1 / 8
    assert prose_breaks_per_kword([unwrap(wrapped)]) == 0


def test_cap_cuts_long_text_at_a_paragraph_boundary():
    text = "\n\n".join(["x" * 90] * 20)
    capped = cap_text(text, 500)
    assert len(capped) <= 500 and capped.endswith("x") and not capped.endswith("\n")
    assert cap_text("short", 500) == "short"
    assert paragraphs(capped) == ["x" * 90] * len(paragraphs(capped))


def test_repository_split_is_deterministic_case_insensitive_and_about_ten_percent():
    assert is_validation_repo("Owner/Paper") == is_validation_repo("owner/paper ")
    repos = [f"user{i}/paper{i}" for i in range(4000)]
    share = sum(map(is_validation_repo, repos)) / len(repos)
    assert 0.08 < share < 0.12


def test_card_section_reads_before_and_after_from_the_pipeline_files(tmp_path):
    from aacomplete.card_bodies import bodies_section

    stats = {"repos": {"train": 9, "valid": 1}, "cap": 150000, "wrapped_paragraph_share_raw": 0.35,
             "wrapped_paragraph_share_unwrapped": 0.1, "body_chars": {"train_uncapped": 2e6, "train_capped": 1.5e6, "valid": 1e5},
             "abstracts": {"train": 100, "train_chars": 6e5, "valid": 40}, "train": {"tokens": 600000}}
    (tmp_path / "stats.json").write_text(json.dumps(stats))
    stage = tmp_path / "stage"
    stage.mkdir()
    assert bodies_section(stage, tmp_path / "stats.json", {}) == []  # not a paper-body export: no section
    for name, bpb, n in [("bodies_before", 1.37, 150), ("bodies_int8", 1.18, 150), ("abstracts_before", 0.85, 300), ("int8", 0.86, 300)]:
        (stage / f"eval_{name}.txt").write_text(f"abstracts: {n}\ntokens: 10\nbytes: 40\nbits_per_byte: {bpb}\n")
    summary = {"tokens_seen": 3e6, "seconds": 3000, "device": "cpu",
               "history": [{"step": 100, "valid_loss": 3.0, "valid_bpb": 1.8, "valid_abs_bpb": 0.85},
                           {"step": 200, "valid_loss": 2.5, "valid_bpb": 1.6, "valid_abs_bpb": 0.86}]}
    text = "\n".join(bodies_section(stage, tmp_path / "stats.json", summary))
    assert "| 150 body paragraphs from 1 held-out repositories" in text and "| 1.3700 | **1.1800** |" in text
    assert "the LaTeX of 10 papers" in text and "9 repositories train, 1 held out" in text
    assert "| the first 300 validation abstracts | 0.8500 | **0.8600** |" in text
    assert "1.8 bits per byte at step 100 -> 1.6 at step 200" in text and "35% of prose paragraphs" in text
