"""Export a GPT checkpoint to ONNX in the layout transformers.js / our engine expect.

Graph contract (all axes dynamic, past may be 0 on the first call):
  inputs   input_ids int64 [batch, seq], attention_mask int64 [batch, past+seq],
           position_ids int64 [batch, seq],
           past_key_values.{i}.key / .value float32 [batch, n_head, past, head_dim],
           num_logits_to_keep int64 [] (logits for the last that-many positions; 0: all)
           (+ use_cache_branch bool [1] in the merged variant)
  outputs  logits float32 [batch, min(num_logits_to_keep or seq, seq), vocab], present.{i}.key / .value
           float32 [batch, n_head, past+seq, head_dim],
           new_key_values.{i}.key / .value float32 [batch, n_head, seq, head_dim]
           (only this call's positions: what `present` appends to the past)
"""
from __future__ import annotations

import inspect
import io
from pathlib import Path

import numpy as np
import onnx
import torch
import torch.nn as nn
from onnx import TensorProto, helper, numpy_helper

from .engine_outputs import add_logits_to_keep_input, add_new_kv_outputs
from .model import GPT, GPTConfig
from .onnx_graph import past_names, present_names

OPSET = 17  # highest torch 1.13 can emit; LayerNormalization is native from 17, ORT-web 1.30 runs it.


def mask_to_bias(attention_mask: torch.Tensor, seq_len: int) -> torch.Tensor:
    """Additive attention bias [batch, 1, seq, past+seq] from a 0/1 padding mask.

    A key is visible when it is not padding and not in the future of the query.
    Masked entries get one finfo.min (never two summed: that overflows to -inf
    and a fully masked padding row would then softmax to NaN).
    """
    total = attention_mask.shape[1]
    q_pos = torch.arange(seq_len, device=attention_mask.device) + (total - seq_len)
    k_pos = torch.arange(total, device=attention_mask.device)
    causal = k_pos.unsqueeze(0) <= q_pos.unsqueeze(1)  # [seq, total]
    keep = causal.unsqueeze(0) & (attention_mask > 0).unsqueeze(1)  # [batch, seq, total]
    return ((1.0 - keep.to(torch.float32)) * torch.finfo(torch.float32).min).unsqueeze(1)


class OnnxDecoder(nn.Module):
    """Flat-signature wrapper: ONNX export needs positional tensors, not nested tuples."""

    def __init__(self, model: GPT):
        super().__init__()
        self.model = model
        self.n_layer = model.cfg.n_layer

    def forward(self, input_ids, attention_mask, position_ids, *past_flat):
        past = [(past_flat[2 * i], past_flat[2 * i + 1]) for i in range(self.n_layer)]
        bias = mask_to_bias(attention_mask, input_ids.shape[1])
        logits, presents = self.model(input_ids, position_ids=position_ids, attn_bias=bias, past=past)
        flat = [t for kv in presents for t in kv]
        return (logits, *flat)


def load_checkpoint(path: str | Path) -> GPT:
    """Our training checkpoint, any float dtype: a directory with checkpoint.json + shards
    (aacomplete.checkpoint) or one torch.save file {"config": asdict(GPTConfig), "model": state_dict}."""
    if Path(path).is_dir():
        from .checkpoint import load_checkpoint as load_sharded

        if not (Path(path) / "checkpoint.json").exists():
            raise ValueError(f"{path}: directory without checkpoint.json (expected a training checkpoint)")
        cfg, state = load_sharded(Path(path))
        return model_from_state(cfg, state)
    ckpt = torch.load(str(path), map_location="cpu")
    if not isinstance(ckpt, dict) or "config" not in ckpt or "model" not in ckpt:
        raise ValueError(f"{path}: expected a dict with 'config' and 'model' keys (torch.save of training state)")
    cfg = GPTConfig(**ckpt["config"])
    state = {k.removeprefix("_orig_mod."): v.float() for k, v in ckpt["model"].items()}  # torch.compile prefix
    return model_from_state(cfg, state)


def model_from_state(cfg: GPTConfig, state: dict) -> GPT:
    model = GPT(cfg)
    missing, unexpected = model.load_state_dict({k: v.float() for k, v in state.items()}, strict=False)
    if missing or unexpected:
        raise ValueError(f"checkpoint does not match GPTConfig: missing={missing} unexpected={unexpected}")
    return model.float().eval()


def _export_kwargs() -> dict:
    # torch >= 2.5 defaults to the dynamo exporter in some versions; the graph
    # surgery below assumes the TorchScript exporter's output.
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        return {"dynamo": False}
    return {}


def export_decoder(model: GPT, opset: int = OPSET) -> onnx.ModelProto:
    """Trace the model with a non-empty past (so Concat stays in the graph) and all axes dynamic."""
    cfg = model.cfg
    model = model.float().eval()
    n_layer, n_head, head_dim = cfg.n_layer, cfg.n_head, cfg.n_embd // cfg.n_head
    b, t, p = 2, 3, 2
    ids = torch.randint(0, cfg.vocab_size, (b, t))
    mask = torch.ones(b, p + t, dtype=torch.int64)
    pos = torch.arange(p, p + t).unsqueeze(0).repeat(b, 1)
    past = [torch.zeros(b, n_head, p, head_dim) for _ in range(2 * n_layer)]
    inputs = ["input_ids", "attention_mask", "position_ids", *past_names(n_layer)]
    outputs = ["logits", *present_names(n_layer)]
    axes = {
        "input_ids": {0: "batch_size", 1: "sequence_length"},
        "attention_mask": {0: "batch_size", 1: "total_sequence_length"},
        "position_ids": {0: "batch_size", 1: "sequence_length"},
        "logits": {0: "batch_size", 1: "sequence_length"},
    }
    for n in past_names(n_layer):
        axes[n] = {0: "batch_size", 2: "past_sequence_length"}
    for n in present_names(n_layer):
        axes[n] = {0: "batch_size", 2: "total_sequence_length"}
    buf = io.BytesIO()
    with torch.no_grad():
        torch.onnx.export(
            OnnxDecoder(model), (ids, mask, pos, *past), buf,
            input_names=inputs, output_names=outputs, dynamic_axes=axes,
            opset_version=opset, do_constant_folding=True, keep_initializers_as_inputs=False,
            **_export_kwargs(),
        )
    proto = onnx.load_from_string(buf.getvalue())
    untie_transposed_copies(proto)
    add_new_kv_outputs(proto, n_layer)
    add_logits_to_keep_input(proto)
    onnx.checker.check_model(proto)
    return proto


def untie_transposed_copies(proto: onnx.ModelProto) -> int:
    """Replace initializers that are transposes of another initializer by a Transpose node.

    Constant folding turns the tied LM head `wte.weight.t()` into a second
    [n_embd, vocab] initializer, doubling the embedding in the file. ORT folds
    the Transpose back at session start, so only the file shrinks.
    Returns how many copies were removed.
    """
    g = proto.graph
    arrays = {i.name: numpy_helper.to_array(i) for i in g.initializer if len(i.dims) == 2}
    by_shape: dict[tuple, list[str]] = {}
    for name, a in arrays.items():
        by_shape.setdefault(a.shape, []).append(name)
    drop: dict[str, str] = {}
    # Drop the exporter-generated copy ("onnx::MatMul_123"), keep the named parameter
    # (wte [vocab, n_embd]) so Gather reads it directly and the quantizer sees the embedding.
    order = sorted(arrays, key=lambda n: not n.startswith(("onnx::", "/")))
    for name in order:
        a = arrays[name]
        if a.shape[0] == a.shape[1]:
            continue  # square weights (attn c_proj) are never the folded head; skip costly compares
        for other in by_shape.get(a.shape[::-1], []):
            if other not in drop and name not in drop.values() and np.array_equal(a, arrays[other].T):
                drop[name] = other
                break
    if not drop:
        return 0
    keep = [i for i in g.initializer if i.name not in drop]
    del g.initializer[:]
    g.initializer.extend(keep)
    new_nodes = [helper.make_node("Transpose", [src], [name], name=f"untie_{name}", perm=[1, 0]) for name, src in drop.items()]
    nodes = new_nodes + list(g.node)
    del g.node[:]
    g.node.extend(nodes)
    return len(drop)


def make_merged(proto: onnx.ModelProto, n_layer: int) -> onnx.ModelProto:
    """Optimum's merged-decoder interface on top of the single decoder graph.

    Adds `use_cache_branch` bool [1]. An If node picks the past tensors: the
    caller's past when true, an empty (length-0) slice of them when false, so
    the no-cache call ignores whatever past it is fed. Only the If is added; the
    weights and compute nodes stay single, unlike Optimum's two-subgraph merge,
    which costs nothing here because the graph already handles past = 0.
    """
    merged = onnx.ModelProto()
    merged.CopyFrom(proto)
    g = merged.graph
    names = past_names(n_layer)
    gated = {n: f"{n}__selected" for n in names}
    for node in g.node:
        for i, x in enumerate(node.input):
            if x in gated:
                node.input[i] = gated[x]

    def branch(name: str, empty: bool) -> onnx.GraphProto:
        nodes, outs = [], []
        if empty:
            nodes += [
                helper.make_node("Constant", [], ["zero"], value=numpy_helper.from_array(np.array([0], np.int64))),
                helper.make_node("Constant", [], ["axis2"], value=numpy_helper.from_array(np.array([2], np.int64))),
            ]
        for n in names:
            out = f"{n}__{name}"
            if empty:
                nodes.append(helper.make_node("Slice", [n, "zero", "zero", "axis2"], [out]))
            else:
                nodes.append(helper.make_node("Identity", [n], [out]))
            outs.append(helper.make_tensor_value_info(out, TensorProto.FLOAT, None))
        return helper.make_graph(nodes, name, [], outs)

    flag = helper.make_tensor_value_info("use_cache_branch", TensorProto.BOOL, [1])
    g.input.append(flag)
    if_node = helper.make_node(
        "If", ["use_cache_branch"], [gated[n] for n in names], name="optimum::if",
        then_branch=branch("with_past", empty=False), else_branch=branch("no_past", empty=True),
    )
    nodes = [if_node] + list(g.node)
    del g.node[:]
    g.node.extend(nodes)
    onnx.checker.check_model(merged)
    return merged
