import json

import numpy as np
import pytest
import torch

from aacomplete.export_onnx import model_from_state
from aacomplete.hf_checkpoint import load_hf_gpt2, read_safetensors, write_safetensors


def hf_config(cfg):
    d = cfg.to_hf()
    d["activation_function"] = "gelu_new"
    return d


def logits(model, ids):
    with torch.no_grad():
        return model(torch.tensor([ids]))[0]


def test_safetensors_roundtrip_and_bf16(tmp_path):
    a = np.arange(6, dtype=np.float32).reshape(2, 3) / 7
    h = np.array([1.5, -2.25], np.float16)
    write_safetensors(tmp_path / "t.safetensors", {"a": a, "h": h})
    back = read_safetensors(tmp_path / "t.safetensors")
    np.testing.assert_array_equal(back["a"], a)
    np.testing.assert_array_equal(back["h"], h)
    # bf16 by hand: header + the high halves of float32 values
    vals = np.array([1.0, -3.5, 0.15625], np.float32)
    body = (vals.view(np.uint32) >> 16).astype("<u2").tobytes()
    header = json.dumps({"b": {"dtype": "BF16", "shape": [3], "data_offsets": [0, len(body)]}}).encode()
    (tmp_path / "b.safetensors").write_bytes(len(header).to_bytes(8, "little") + header + body)
    np.testing.assert_array_equal(read_safetensors(tmp_path / "b.safetensors")["b"], vals)


def test_loads_safetensors_without_prefix(tmp_path, tiny_model, tiny_cfg, tokenizer_json):
    # GPT2Model-style: no "transformer." prefix, plus the causal-mask buffers HF keeps.
    raw = {k.removeprefix("transformer."): v.numpy() for k, v in tiny_model.state_dict().items()}
    for i in range(tiny_cfg.n_layer):
        raw[f"h.{i}.attn.bias"] = np.tril(np.ones((1, 1, 64, 64), np.uint8)).astype(np.bool_)
    write_safetensors(tmp_path / "model.safetensors", raw)
    (tmp_path / "config.json").write_text(json.dumps(hf_config(tiny_cfg)))
    (tmp_path / "tokenizer.json").write_bytes(tokenizer_json.read_bytes())
    cfg, state, tok = load_hf_gpt2(tmp_path)
    assert (cfg.n_layer, cfg.n_embd, cfg.vocab_size) == (2, 32, 300)
    assert tok == tmp_path / "tokenizer.json"
    model = model_from_state(cfg, state)
    ids = [1, 50, 7, 299, 3]
    torch.testing.assert_close(logits(model, ids), logits(tiny_model, ids), atol=0, rtol=0)


def test_loads_pytorch_bin_with_lm_head(tmp_path, tiny_model, tiny_cfg):
    raw = dict(tiny_model.state_dict())
    raw["lm_head.weight"] = raw["transformer.wte.weight"].clone()
    raw["transformer.h.0.attn.masked_bias"] = torch.tensor(-1e4)
    torch.save({k: v.half() if v.is_floating_point() else v for k, v in raw.items()}, tmp_path / "pytorch_model.bin")
    (tmp_path / "config.json").write_text(json.dumps(hf_config(tiny_cfg)))
    cfg, state, tok = load_hf_gpt2(tmp_path)
    assert tok is None
    assert all(v.dtype == torch.float32 for v in state.values())
    model = model_from_state(cfg, state)
    ids = [4, 8, 15, 16, 23, 42]
    torch.testing.assert_close(logits(model, ids), logits(tiny_model.half().float(), ids), atol=1e-5, rtol=0)


def test_untied_head_is_refused(tmp_path, tiny_model, tiny_cfg):
    raw = {k: v.numpy() for k, v in tiny_model.state_dict().items()}
    raw["lm_head.weight"] = raw["transformer.wte.weight"] + 1
    write_safetensors(tmp_path / "model.safetensors", raw)
    (tmp_path / "config.json").write_text(json.dumps(hf_config(tiny_cfg)))
    with pytest.raises(ValueError, match="untied"):
        load_hf_gpt2(tmp_path)


def test_clear_errors_for_missing_files_and_wrong_model(tmp_path, tiny_cfg):
    with pytest.raises(FileNotFoundError, match="config.json"):
        load_hf_gpt2(tmp_path)
    (tmp_path / "config.json").write_text(json.dumps(hf_config(tiny_cfg)))
    with pytest.raises(FileNotFoundError, match="model.safetensors"):
        load_hf_gpt2(tmp_path)
    (tmp_path / "config.json").write_text(json.dumps({**hf_config(tiny_cfg), "model_type": "llama"}))
    with pytest.raises(ValueError, match="not gpt2"):
        load_hf_gpt2(tmp_path)
