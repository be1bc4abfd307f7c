"""model_card.py writes the card from the files the pipeline left, and says what the last run was."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def bpb_file(path: Path, bpb: float, n: int = 300) -> None:
    path.write_text(f"abstracts: {n}\ntokens: 1000\nbytes: 4966\nbits_per_byte: {bpb}\n")


def pipeline_files(tmp: Path) -> dict:
    stage, ckpt, data = tmp / "stage", tmp / "ckpt", tmp / "data"
    for d in (stage / "onnx", ckpt, data):
        d.mkdir(parents=True)
    (stage / "config.json").write_text(json.dumps({"n_layer": 7, "n_embd": 512, "n_head": 8, "n_positions": 512, "vocab_size": 8192}))
    sample = {"prompt": "We propose", "greedy": " a method.", "sampled": " a model\nthat works."}
    (stage / "eval_torch.json").write_text(json.dumps({"params": 26_524_160, "torch": {"texts": 300, "bytes": 300_000, "bits_per_byte": 0.8681},
                                                       "samples": [sample]}))
    for name, bpb in [("fp32", 0.8681), ("int8", 0.8686), ("int8_native", 0.8685), ("fullrange", 0.8685), ("fullrange_native", 0.8685)]:
        bpb_file(stage / f"eval_{name}.txt", bpb)
    (stage / "tokenizer_parity.json").write_text(json.dumps({"checked": 2481, "mismatches": 0}) + "\n")
    (stage / "onnx" / "model_quantized.onnx").write_bytes(b"\0" * 2000)
    (stage / "onnx" / "model.onnx").write_bytes(b"\0" * 8000)
    runs = ["Run 1: from scratch, 273M tokens.", "Run 2: resumed, 140M tokens."]
    (ckpt / "checkpoint.json").write_text(json.dumps({"meta": {"runs": runs}}))
    (ckpt / "train_summary.json").write_text(json.dumps({
        "tokens_seen": 2_801_664, "seconds": 3174.6, "device": "the 2-core CPU", "best_valid_loss": 3.007,
        "history": [{"step": 100, "valid_loss": 3.3397, "valid_bpb": 1.4316}, {"step": 200, "valid_loss": 3.007, "valid_bpb": 1.29}]}))
    (data / "stats.json").write_text(json.dumps({"abstracts": {"train": 243_878, "valid": 2}, "bytes": {"train": 290e6, "valid": 3e6}}))
    (data / "valid.jsonl").write_text('{"abstract": "a"}\n{"abstract": "b"}\n')
    return {"stage": stage, "ckpt": ckpt, "data": data}


def write_card(f: dict, mix_stats: Path) -> str:
    out = f["stage"] / "README.md"
    subprocess.run([sys.executable, str(ROOT / "model_card.py"), "--stage", str(f["stage"]), "--checkpoint", str(f["ckpt"]),
                    "--data-stats", str(f["data"] / "stats.json"), "--out", str(out), "--mix-stats", str(mix_stats)],
                   check=True, capture_output=True)
    return out.read_text()


def test_the_card_states_the_measured_numbers_and_the_last_run_as_the_last_run(tmp_path):
    f = pipeline_files(tmp_path)
    card = write_card(f, tmp_path / "no-mix-stats.json")
    assert "through the engine (`npm run eval`): 0.8686 bits per byte.**" in card
    assert "trained from scratch on machine-learning paper abstracts, shipped int8-quantized" in card
    assert "## Paper bodies" not in card
    # train_summary.json describes the last run only; the runs before it are listed as the checkpoint says
    assert "- Last run: 2.8M tokens in 52.9 minutes on the 2-core CPU." in card
    assert "- Run 1: from scratch, 273M tokens." in card
    assert "went from 3.3397 (step 100) to 3.0070 nats/token at best" in card
    assert "| the same weights as full-range int8 (how releases before the 7-bit weights were quantized; not shipped), " \
           "through the engine | 0.8685 |" in card
    assert "  - sampled: We propose a model that works." in card  # a line break would end the list item
    assert "4.966 bytes per token on the first 300 validation abstracts" in card


def test_a_kept_draft_table_is_called_the_previous_models(tmp_path):
    f = pipeline_files(tmp_path)
    replay = {k: {"forward_runs": 80, "decode_tokens": 100, "drafted": 10, "acceptance": 0.4}
              for k in ("none", "prompt_lookup", "prompt_lookup_then_table")}
    stats = {"bytes": 2.34e6, "train_prefixes": 12000, "generated_tokens": 1.42e6, "entries": {"1": 10, "2": 5},
             "min_count": 2, "min_prob": 0.2, "valid_prefixes": 256, "replay": replay}
    (f["stage"] / "draft_stats.json").write_text(json.dumps(stats))
    assert "the next token this model most often chose" in write_card(f, tmp_path / "none.json")
    (f["stage"] / "draft_stats.json").write_text(json.dumps({**stats, "table_kept": True}))
    card = write_card(f, tmp_path / "none.json")
    assert "the next token the model shipped before this one most often chose" in card
    assert "Kept from that model (`KEEP_DRAFT=1`)" in card


def test_a_paper_body_export_gets_its_section_and_says_so_up_front(tmp_path):
    f = pipeline_files(tmp_path)
    for name, bpb in [("bodies_before", 1.37), ("bodies_int8", 1.2973), ("abstracts_before", 0.8516)]:
        bpb_file(f["stage"] / f"eval_{name}.txt", bpb, n=212)
    mix = tmp_path / "mix_stats.json"
    mix.write_text(json.dumps({
        "repos": {"train": 254, "valid": 22}, "cap": 150_000, "wrapped_paragraph_share_raw": 0.35, "wrapped_paragraph_share_unwrapped": 0.1,
        "body_chars": {"train_uncapped": 18.9e6, "train_capped": 16.1e6, "valid": 1e6},
        "abstracts": {"train": 9018, "train_chars": 10.7e6, "valid": 400}, "train": {"tokens": 7.21e6}}))
    card = write_card(f, mix)
    assert "trained from scratch on machine-learning paper abstracts, then trained further on the LaTeX of paper bodies, " \
           "shipped int8-quantized" in card
    assert card.index("## Results") < card.index("## Paper bodies (continued training)") < card.index("## Samples")
    assert "| 212 body paragraphs from 22 held-out repositories" in card and "| 1.3700 | **1.2973** |" in card
    assert "the LaTeX of 276 papers" in card
