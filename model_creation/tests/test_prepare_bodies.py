"""prepare_bodies.py: the abstract sample is drawn in one pass and spreads over every source."""
import gzip
import json
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

from aacomplete.data import is_validation
from prepare_bodies import sample_abstracts

HERE = Path(__file__).resolve().parents[1]
SOURCES = ["arxiv", "neurips", "acl", "cvpr"]


def corpus(per_source=500):
    """The corpus as read_corpus yields it: one source after another, abstracts of varied length."""
    rng = random.Random(0)
    return [{"title": f"{s} paper {i}", "abstract": f"{s} {i} " + "x" * rng.randrange(200, 1200), "source": s}
            for s in SOURCES for i in range(per_source)]


def longest(recs):
    return max(len(r["abstract"]) for r in recs)


def test_the_sample_reaches_the_budget_by_at_most_one_abstract_and_reads_the_corpus_once():
    recs = corpus()
    train_total = sum(len(r["abstract"]) for r in recs if not is_validation(r["title"]))
    want = train_total / 4
    out = sample_abstracts(iter(recs), want, n_valid=5, seed=7)  # an iterator: a second pass would see nothing
    assert want <= out["train_chars"] == sum(map(len, out["train"])) < want + longest(recs)
    assert out["train_seen"] == sum(not is_validation(r["title"]) for r in recs)


def test_every_source_gets_its_share_although_the_corpus_comes_source_by_source():
    recs = corpus()
    out = sample_abstracts(recs, sum(len(r["abstract"]) for r in recs) / 4, n_valid=5, seed=7)
    source = {r["abstract"]: r["source"] for r in recs}
    per_source = Counter(source[text] for text in out["train"])
    # 4 x 500 abstracts, a quarter of the characters taken: about 125 from each source, not all from the first
    assert all(80 <= per_source[s] <= 170 for s in SOURCES), per_source


def test_the_sample_does_not_depend_on_the_corpus_order_but_on_the_seed():
    recs = corpus()
    want = sum(len(r["abstract"]) for r in recs) / 4
    shuffled = recs[:]
    random.Random(1).shuffle(shuffled)
    a, b = sample_abstracts(recs, want, 5, seed=7), sample_abstracts(shuffled, want, 5, seed=7)
    assert a == b
    assert sample_abstracts(recs, want, 5, seed=8)["train"] != a["train"]


def test_validation_abstracts_are_the_first_in_hash_order_and_never_in_training():
    recs = corpus()
    valid_titles = [r["title"] for r in recs if is_validation(r["title"])]
    assert len(valid_titles) > 8
    few = sample_abstracts(recs, 10_000, n_valid=8, seed=7)
    assert len(few["valid"]) == 8
    # asking for more adds to the same ones
    more = sample_abstracts(recs, 10_000, n_valid=len(valid_titles), seed=7)
    assert more["valid"][:8] == few["valid"]
    assert sorted(more["valid"]) == sorted(r["abstract"] for r in recs if is_validation(r["title"]))
    assert not set(more["valid"]) & set(more["train"])


def test_prepare_bodies_never_puts_a_repository_on_both_sides(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    papers = [{"repo": f"u/r{i}", "commit": "x", "date": "2025", "files": ["a.tex"],
               "text": f"Paper {i} says\nsomething wrapped.\n\n\\section{{Intro}}\nMore text {i}."} for i in range(60)]
    with gzip.open(data / "latex_papers.jsonl.gz", "wt") as f:
        f.write("\n".join(json.dumps(p) for p in papers))
    abstracts = [{"title": f"T{i}", "abstract": f"We study problem {i}. " * 20, "source": "s"} for i in range(200)]
    with gzip.open(data / "abs.jsonl.gz", "wt") as f:
        f.write("\n".join(json.dumps(a) for a in abstracts))
    work = tmp_path / "work"
    subprocess.run([sys.executable, str(HERE / "prepare_bodies.py"), "--data-dir", str(data), "--work", str(work),
                    "--tokenizer", str(HERE / "checkpoints" / "abstract-gpt" / "tokenizer.json"), "--procs", "1",
                    "--abstract-share", "0.5"], check=True, capture_output=True)
    sides = {s: [json.loads(l) for l in (work / "bodies" / f"{s}.jsonl").read_text().splitlines()] for s in ("train", "valid")}
    train_repos, valid_repos = {r["repo"] for r in sides["train"]}, {r["repo"] for r in sides["valid"]}
    assert train_repos and valid_repos and not (train_repos & valid_repos)
    assert len(train_repos) + len(valid_repos) == 60
    assert "says something wrapped." in sides["train"][0]["text"]
    stats = json.loads((work / "stats.json").read_text())
    assert stats["train"]["tokens"] == (work / "data" / "train.bin").stat().st_size // 2
    # half of the mix is abstracts: at least as many characters as the capped bodies, by at most one abstract more
    body, abstract = stats["body_chars"]["train_capped"], stats["abstracts"]["train_chars"]
    assert body <= abstract < body + len(abstracts[-1]["abstract"]) + 5
    assert stats["abstracts"]["train_seen"] == sum(not is_validation(a["title"]) for a in abstracts)
