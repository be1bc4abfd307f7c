import json

import numpy as np
import onnx
import pytest
import torch
from onnx import TensorProto, helper, numpy_helper, shape_inference

from aacomplete.engine_outputs import LOGITS_TO_KEEP, add_logits_to_keep_input, add_new_kv_outputs, remove_logits_to_keep_input
from aacomplete.export_onnx import OnnxDecoder, load_checkpoint, make_merged, mask_to_bias
from aacomplete.onnx_graph import new_kv_names, past_names, present_names
from aacomplete.hf_layout import write_model_dir
from aacomplete.model import causal_bias


def dims(vi):
    return [d.dim_param or d.dim_value for d in vi.type.tensor_type.shape.dim]


def concrete(proto, batch, seq, past):
    """Copy with concrete dims (inputs, annotated values), so shape inference computes the output shapes."""
    m = onnx.ModelProto()
    m.CopyFrom(proto)
    values = {"batch_size": batch, "sequence_length": seq, "past_sequence_length": past, "total_sequence_length": past + seq}
    for i in [*m.graph.input, *m.graph.value_info]:
        for d in i.type.tensor_type.shape.dim:
            if d.dim_param in values:
                v = values[d.dim_param]
                d.Clear()
                d.dim_value = v
    for o in m.graph.output:
        o.type.tensor_type.ClearField("shape")
    inferred = shape_inference.infer_shapes(m, strict_mode=True, data_prop=True)
    return {o.name: dims(o) for o in inferred.graph.output}


def run_wrapper(model, ids, mask, pos, past=None):
    cfg = model.cfg
    if past is None:
        past = [torch.zeros(ids.shape[0], cfg.n_head, 0, cfg.n_embd // cfg.n_head) for _ in range(2 * cfg.n_layer)]
    with torch.no_grad():
        out = OnnxDecoder(model)(ids, mask, pos, *past)
    return out[0], list(out[1:])


def test_mask_bias_equals_causal_bias_without_padding():
    mask = torch.ones(1, 7, dtype=torch.int64)
    assert torch.equal(mask_to_bias(mask, 3), causal_bias(3, 7, "cpu", torch.float32))


def test_wrapper_cache_matches_full_pass(tiny_model):
    ids = torch.tensor([[5, 17, 42, 7, 99, 3]])
    full, _ = run_wrapper(tiny_model, ids, torch.ones_like(ids), torch.arange(6)[None])
    first, past = run_wrapper(tiny_model, ids[:, :4], torch.ones(1, 4, dtype=torch.int64), torch.arange(4)[None])
    step, _ = run_wrapper(tiny_model, ids[:, 4:], torch.ones(1, 6, dtype=torch.int64), torch.arange(4, 6)[None], past)
    torch.testing.assert_close(first, full[:, :4], atol=1e-5, rtol=0)
    torch.testing.assert_close(step, full[:, 4:], atol=1e-5, rtol=0)


def test_attention_mask_makes_left_padding_harmless(tiny_model):
    ids = torch.tensor([[5, 17, 42, 7]])
    ref, _ = run_wrapper(tiny_model, ids, torch.ones_like(ids), torch.arange(4)[None])
    padded = torch.tensor([[123, 200, 5, 17, 42, 7]])  # pad ids are arbitrary: the mask must hide them
    mask = torch.tensor([[0, 0, 1, 1, 1, 1]])
    pos = torch.tensor([[0, 0, 0, 1, 2, 3]])
    out, _ = run_wrapper(tiny_model, padded, mask, pos)
    torch.testing.assert_close(out[:, 2:], ref, atol=1e-5, rtol=0)
    unmasked, _ = run_wrapper(tiny_model, padded, torch.ones_like(mask), pos)
    assert (unmasked[:, 2:] - ref).abs().max() > 1e-3  # the mask, not luck, did it
    assert torch.isfinite(out).all()  # fully masked padding rows must not give NaN


def test_graph_interface(tiny_onnx, tiny_cfg):
    g = tiny_onnx.graph
    n = tiny_cfg.n_layer
    assert [i.name for i in g.input] == ["input_ids", "attention_mask", "position_ids", *past_names(n), LOGITS_TO_KEEP]
    assert [o.name for o in g.output] == ["logits", *present_names(n), *new_kv_names(n)]
    types = {i.name: i.type.tensor_type.elem_type for i in [*g.input, *g.output]}
    assert all(types[k] == TensorProto.INT64 for k in ("input_ids", "attention_mask", "position_ids", LOGITS_TO_KEEP))
    assert all(types[k] == TensorProto.FLOAT for k in [*past_names(n), *present_names(n), *new_kv_names(n), "logits"])
    hd = tiny_cfg.n_embd // tiny_cfg.n_head
    ins = {i.name: dims(i) for i in g.input}
    assert ins["input_ids"] == ["batch_size", "sequence_length"]
    assert ins["attention_mask"] == ["batch_size", "total_sequence_length"]
    assert ins["past_key_values.0.key"] == ["batch_size", tiny_cfg.n_head, "past_sequence_length", hd]
    assert ins[LOGITS_TO_KEEP] == []  # a scalar, as transformers.js feeds it
    outs = {o.name: dims(o) for o in g.output}
    assert outs["logits"] == ["batch_size", "logits_length", tiny_cfg.vocab_size]
    assert outs["present.1.value"] == ["batch_size", tiny_cfg.n_head, "total_sequence_length", hd]
    assert outs["new_key_values.1.value"] == ["batch_size", tiny_cfg.n_head, "sequence_length", hd]
    assert 14 <= tiny_onnx.opset_import[0].version <= 17


def test_new_kv_outputs_are_the_appended_half_of_each_present(tiny_onnx, tiny_cfg):
    g = tiny_onnx.graph
    made = {o: n for n in g.node for o in n.output}
    for present, new in zip(present_names(tiny_cfg.n_layer), new_kv_names(tiny_cfg.n_layer)):
        concat, identity = made[present], made[new]
        assert concat.op_type == "Concat" and identity.op_type == "Identity"
        assert identity.input[0] == concat.input[1]
    # Idempotent: a model that has them is left alone.
    assert add_new_kv_outputs(tiny_onnx, tiny_cfg.n_layer) == 0


def test_the_lm_head_runs_once_on_the_kept_rows_of_the_final_layernorm(tiny_onnx):
    g = tiny_onnx.graph
    made = {o: n for n in g.node for o in n.output}
    head = made["logits"]
    assert head.op_type == "MatMul"
    assert [n for n in g.node if head.input[1] in n.input] == [head]  # one head, not a second one for the last row
    sliced = made[head.input[0]]
    assert sliced.op_type == "Slice" and made[sliced.input[0]].op_type == "LayerNormalization"
    # starts = -num_logits_to_keep on the sequence axis, to the end: 0 keeps every row.
    start = made[sliced.input[1]]
    assert start.op_type == "Unsqueeze" and made[start.input[0]].op_type == "Neg"
    assert made[start.input[0]].input[0] == LOGITS_TO_KEEP
    const = lambda name: numpy_helper.to_array(made[name].attribute[0].t).tolist()  # noqa: E731
    assert const(sliced.input[2]) == [np.iinfo(np.int64).max] and const(sliced.input[3]) == [1]
    assert add_logits_to_keep_input(tiny_onnx) == 0


def test_add_engine_outputs_upgrades_an_export_with_last_logits_in_place(tmp_path, tiny_model, tokenizer_json, tiny_cfg):
    """An export of the previous layout: no num_logits_to_keep, and a second LM head on the last
    row as the output last_logits. The script leaves one head, behind the Slice, and no last_logits."""
    from add_engine_outputs import main as add_main

    path = write_model_dir(tiny_model, tokenizer_json, tmp_path)
    fresh = onnx.load(str(path))
    old = onnx.load(str(path))
    assert remove_logits_to_keep_input(old) == 1 and remove_logits_to_keep_input(old) == 0
    assert [n for n in old.graph.node if n.name.startswith("logits_to_keep__")] == []
    g = old.graph
    made = {o: n for n in g.node for o in n.output}
    head = made["logits"]
    last_row = [
        helper.make_node("Constant", [], ["old_start"], value=numpy_helper.from_array(np.array([-1], np.int64))),
        helper.make_node("Constant", [], ["old_end"], value=numpy_helper.from_array(np.array([2**62], np.int64))),
        helper.make_node("Constant", [], ["old_axis"], value=numpy_helper.from_array(np.array([1], np.int64))),
        helper.make_node("Slice", [head.input[0], "old_start", "old_end", "old_axis"], ["hidden__last"]),
        helper.make_node("MatMul", ["hidden__last", head.input[1]], ["last_logits"]),
    ]
    g.node.extend(last_row)
    g.output.append(helper.make_tensor_value_info("last_logits", TensorProto.FLOAT, ["batch_size", 1, tiny_cfg.vocab_size]))
    onnx.checker.check_model(old)
    onnx.save(old, str(path))

    add_main([str(path)])
    upgraded = onnx.load(str(path))
    assert [i.name for i in upgraded.graph.input] == [i.name for i in fresh.graph.input]
    assert [o.name for o in upgraded.graph.output] == [o.name for o in fresh.graph.output]
    ops = lambda p: sorted(n.op_type for n in p.graph.node)  # noqa: E731
    assert ops(upgraded) == ops(fresh)  # the second head and its Slice are gone
    add_main([str(path)])  # a second run changes nothing
    assert onnx.load(str(path)).SerializeToString() == upgraded.SerializeToString()


def test_new_kv_outputs_refuse_a_graph_without_the_concat(tiny_onnx, tiny_cfg):
    m = onnx.ModelProto()
    m.CopyFrom(tiny_onnx)
    out = [o for o in m.graph.output if not o.name.startswith("new_key_values.")]
    del m.graph.output[:]
    m.graph.output.extend(out)
    for node in m.graph.node:
        if node.output[0] == "present.0.key":
            node.op_type = "Identity"
            del node.input[1:]
            del node.attribute[:]
    with pytest.raises(ValueError, match="present.0.key"):
        add_new_kv_outputs(m, tiny_cfg.n_layer)


@pytest.mark.parametrize("past", [0, 5])
def test_output_shapes_with_and_without_past(tiny_onnx, tiny_cfg, past):
    shapes = concrete(tiny_onnx, batch=2, seq=3, past=past)
    hd = tiny_cfg.n_embd // tiny_cfg.n_head
    # How many rows depends on num_logits_to_keep's value (onnx_fixtures.test.ts runs it).
    assert shapes["logits"] == [2, "logits_length", tiny_cfg.vocab_size]
    for name in present_names(tiny_cfg.n_layer):
        assert shapes[name] == [2, tiny_cfg.n_head, past + 3, hd]
    for name in new_kv_names(tiny_cfg.n_layer):
        assert shapes[name] == [2, tiny_cfg.n_head, 3, hd]


def test_tied_embedding_stored_once(tiny_onnx, tiny_cfg):
    v, d = tiny_cfg.vocab_size, tiny_cfg.n_embd
    shapes = [tuple(i.dims) for i in tiny_onnx.graph.initializer]
    assert shapes.count((v, d)) == 1 and (d, v) not in shapes
    wte = [i for i in tiny_onnx.graph.initializer if tuple(i.dims) == (v, d)][0]
    # the LM head reads it through a Transpose node
    assert any(n.op_type == "Transpose" and n.input[0] == wte.name for n in tiny_onnx.graph.node)


def test_merged_adds_only_the_branch_flag(tiny_onnx, tiny_cfg):
    merged = make_merged(tiny_onnx, tiny_cfg.n_layer)
    g = merged.graph
    assert [i.name for i in g.input] == [i.name for i in tiny_onnx.graph.input] + ["use_cache_branch"]
    flag = g.input[-1]
    assert flag.type.tensor_type.elem_type == TensorProto.BOOL and dims(flag) == [1]
    assert [o.name for o in g.output] == [o.name for o in tiny_onnx.graph.output]
    assert [n.op_type for n in g.node].count("If") == 1
    assert len(g.initializer) == len(tiny_onnx.graph.initializer)  # weights not duplicated
    # every use of a past input now goes through the If
    direct = {x for n in g.node if n.op_type != "If" for x in n.input}
    assert not direct & set(past_names(tiny_cfg.n_layer))


def test_write_model_dir_layout(tmp_path, tiny_model, tokenizer_json):
    path = write_model_dir(tiny_model, tokenizer_json, tmp_path, merged=False)
    assert path == tmp_path / "onnx" / "model.onnx"
    onnx.checker.check_model(onnx.load(str(path)))
    cfg = json.loads((tmp_path / "config.json").read_text())
    assert cfg["model_type"] == "gpt2" and cfg["n_layer"] == 2 and cfg["vocab_size"] == 300
    assert cfg["eos_token_id"] == cfg["bos_token_id"] == 299  # <|endoftext|> is the tokenizer's last id
    tc = json.loads((tmp_path / "tokenizer_config.json").read_text())
    assert tc["eos_token"] == tc["bos_token"] == tc["unk_token"] == "<|endoftext|>"
    assert tc["model_max_length"] == 64
    gen = json.loads((tmp_path / "generation_config.json").read_text())
    assert gen["eos_token_id"] == 299
    assert (tmp_path / "tokenizer.json").read_bytes() == tokenizer_json.read_bytes()
    merged = write_model_dir(tiny_model, tokenizer_json, tmp_path, merged=True)
    assert merged.name == "decoder_model_merged.onnx" and merged.exists()


def test_export_rejects_tokenizer_bigger_than_model(tmp_path, tiny_model):
    tok = tmp_path / "tokenizer.json"
    tok.write_text(json.dumps({"added_tokens": [{"id": 5000, "content": "<|endoftext|>"}], "model": {"vocab": {}}}))
    with pytest.raises(ValueError, match="outside the model's vocab_size"):
        write_model_dir(tiny_model, tok, tmp_path / "out")


def test_load_checkpoint_casts_bf16(tmp_path, tiny_model, tiny_cfg):
    from dataclasses import asdict
    state = {k: v.to(torch.bfloat16) for k, v in tiny_model.state_dict().items()}
    torch.save({"config": asdict(tiny_cfg), "model": state}, tmp_path / "ckpt.pt")
    loaded = load_checkpoint(tmp_path / "ckpt.pt")
    w = loaded.transformer.wte.weight
    assert w.dtype == torch.float32
    torch.testing.assert_close(w, tiny_model.transformer.wte.weight.bfloat16().float())


def test_load_checkpoint_explains_wrong_format(tmp_path):
    torch.save({"weights": {}}, tmp_path / "bad.pt")
    with pytest.raises(ValueError, match="'config' and 'model'"):
        load_checkpoint(tmp_path / "bad.pt")


def test_load_checkpoint_reads_sharded_training_dir(tmp_path, tiny_model, tiny_cfg):
    from aacomplete.checkpoint import save_checkpoint
    save_checkpoint(tmp_path / "ckpt", tiny_cfg, tiny_model)
    loaded = load_checkpoint(tmp_path / "ckpt")
    assert loaded.cfg == tiny_cfg
    torch.testing.assert_close(loaded.transformer.h[1].mlp.c_fc.weight,
                               tiny_model.transformer.h[1].mlp.c_fc.weight.bfloat16().float())
