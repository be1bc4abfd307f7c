"""choose_blend.py: which saved step and blend ships."""
import json

import choose_blend


def _row(step, alpha, bodies, abstracts):
    return {"step": step, "alpha": alpha, "bodies_bpb": bodies, "abs_bpb": abstracts}


BASE = {"bodies_bpb": 1.37, "abs_bpb": 0.85}


def test_best_on_bodies_among_those_within_the_abstract_bar():
    rows = [_row("s1", 1.0, 1.18, 0.90), _row("s1", 0.7, 1.22, 0.861), _row("s2", 0.8, 1.21, 0.858)]
    best = choose_blend.choose(rows, "bodies", "abs", BASE, slack=0.012)
    assert (best["step"], best["alpha"], best["within_slack"]) == ("s2", 0.8, True)


def test_where_none_is_within_the_bar_the_least_harm_to_abstracts_is_taken_and_marked():
    rows = [_row("s1", 1.0, 1.18, 0.95), _row("s1", 0.4, 1.30, 0.87)]
    best = choose_blend.choose(rows, "bodies", "abs", BASE, slack=0.012)
    assert (best["alpha"], best["within_slack"]) == (0.4, False)


def _save_step(run, step, valid_bpb, valid_abs_bpb):
    d = run / "steps" / f"{step:06d}"
    d.mkdir(parents=True)
    hist = [{"step": step, "valid_bpb": valid_bpb, "valid_abs_bpb": valid_abs_bpb}]
    (d / "checkpoint.json").write_text(json.dumps({"config": {}, "shards": [], "meta": {"history": hist}}))
    return d


def test_candidates_are_a_runs_best_steps_on_bodies_whose_abstract_windows_stayed_under_the_bar(tmp_path):
    run = tmp_path / "run-a"
    _save_step(run, 50, 1.40, 0.86)
    best = _save_step(run, 100, 1.30, 0.88)
    _save_step(run, 150, 1.25, 0.95)  # best on bodies, but abstracts went too far
    second = _save_step(run, 200, 1.33, 0.87)
    got = choose_blend.candidates(run, top=2, abs_bar=0.90)
    assert [p for p, _ in got] == [best, second]
