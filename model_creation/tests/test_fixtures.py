import json

import torch

from aacomplete.bpe import ByteLevelBPE
from aacomplete.reference_data import greedy, prompt_reference
import make_fixtures


def constant_logits_model(model):
    """Copy whose logits are all equal (ln_f scale and shift 0): argmax is always id 0."""
    import copy
    m = copy.deepcopy(model)
    with torch.no_grad():
        m.transformer.ln_f.weight.zero_()
        m.transformer.ln_f.bias.zero_()
    return m


def test_greedy_stops_before_eos(tiny_model):
    m = constant_logits_model(tiny_model)
    assert greedy(m, [5, 6], 4, eos_id=0) == {"ids": [], "stop_reason": "eos", "min_margin": 0.0}
    g = greedy(m, [5, 6], 4, eos_id=299)
    assert g["ids"] == [0, 0, 0, 0] and g["stop_reason"] == "max_tokens"


def test_greedy_matches_stepwise_argmax(tiny_model):
    g = greedy(tiny_model, [1, 2, 3], 3, eos_id=-1)
    seq = [1, 2, 3]
    for _ in range(3):
        with torch.no_grad():
            seq.append(int(tiny_model(torch.tensor([seq]))[0][0, -1].argmax()))
    assert g["ids"] == seq[3:] and g["min_margin"] > 0


def test_prompt_reference_fields(tiny_model, tokenizer_json):
    tok = ByteLevelBPE.load_hf(tokenizer_json)
    r = prompt_reference(tiny_model, tok, "We propose", 2, tok.eot_id, full_logits=True)
    assert r["input_ids"] == tok.encode("We propose")
    assert len(r["logits"]) == len(r["input_ids"]) and len(r["last_logits"]) == 300
    assert r["logits"][-1] == r["last_logits"]
    assert r["top_k"]["ids"][0] == max(range(300), key=lambda i: r["last_logits"][i])
    assert r["greedy"]["text"] == tok.decode(r["greedy"]["ids"])


def test_reference_from_checkpoint(tmp_path, tiny_model, tiny_cfg, tokenizer_json):
    from aacomplete.checkpoint import save_checkpoint
    save_checkpoint(tmp_path / "ckpt", tiny_cfg, tiny_model)
    out = tmp_path / "reference.json"
    make_fixtures.write_from_checkpoint(str(tmp_path / "ckpt"), str(tokenizer_json), out, max_new=3)
    doc = json.loads(out.read_text())
    assert doc["eos_token_id"] == 299 and doc["greedy_max_new_tokens"] == 3
    assert [p["text"] for p in doc["prompts"]] == make_fixtures.REAL_PROMPTS
    assert all("last_logits" not in p and len(p["top_k"]["ids"]) == 20 for p in doc["prompts"])


def test_committed_fixture_matches_its_generator():
    """The committed reference.json is what make_fixtures.py produces now (same prompts, tokenizer)."""
    ref = json.loads((make_fixtures.ROOT / "tests/fixtures/tiny-gpt2/reference.json").read_text())
    assert [p["text"] for p in ref["prompts"]] == make_fixtures.TINY_PROMPTS
    tok = ByteLevelBPE.load_hf(make_fixtures.ROOT / "tests/fixtures/tiny-gpt2/tokenizer.json")
    assert all(p["input_ids"] == tok.encode(p["text"]) for p in ref["prompts"])
    assert all(p["greedy"]["min_margin"] >= make_fixtures.MIN_MARGIN for p in ref["prompts"])


def test_committed_fixture_graphs_have_the_layouts_make_fixtures_writes():
    """tiny-gpt2: num_logits_to_keep (a fresh export); tiny-gpt2-merged: without it (older exports)."""
    import onnx
    from aacomplete.engine_outputs import LOGITS_TO_KEEP
    root = make_fixtures.ROOT / "tests/fixtures"
    for file, has in [("tiny-gpt2/onnx/model.onnx", True), ("tiny-gpt2/onnx/model_quantized.onnx", True),
                      ("tiny-gpt2-merged/onnx/decoder_model_merged.onnx", False)]:
        g = onnx.load(str(root / file)).graph
        assert (LOGITS_TO_KEEP in [i.name for i in g.input]) == has, file
        assert "last_logits" not in [o.name for o in g.output], file
