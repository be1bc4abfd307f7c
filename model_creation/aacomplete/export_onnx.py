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

from .model import GPT, GPTConfig
from .onnx_graph import drop_unused

OPSET = 17  # highest torch 1.13 can emit; LayerNormalization is native from 17, ORT-web 1.30 runs it.


def past_names(n_layer: int) -> list[str]:
    return [f"past_key_values.{i}.{kv}" for i in range(n_layer) for kv in ("key", "value")]


def present_names(n_layer: int) -> list[str]:
    return [f"present.{i}.{kv}" for i in range(n_layer) for kv in ("key", "value")]


def new_kv_names(n_layer: int) -> list[str]:
    return [f"new_key_values.{i}.{kv}" for i in range(n_layer) for kv in ("key", "value")]


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


LOGITS_TO_KEEP = "num_logits_to_keep"


def add_logits_to_keep_input(proto: onnx.ModelProto) -> int:
    """Add the input `num_logits_to_keep` (int64 scalar): the LM head runs on the last
    that-many positions only, and `logits` is [batch, min(kept, seq), vocab]; 0 keeps all.

    onnxruntime runs every node of the graph whatever outputs are fetched, so the LM head
    (d x V multiply-accumulates per row: 16 % of a row's work on the shipped model) ran on
    every prompt row although a prefill reads only the last. The head's input, the final
    LayerNorm's output, now goes through Slice(starts = -kept) first: kept = 0 slices from
    0 (everything), kept >= seq clamps to everything. transformers.js feeds this input by
    name when the graph has it (0 for a forward pass, 1 while generating), with the same
    meaning. Also removes `last_logits`, the earlier way to read the last row only (a
    second LM head, which onnxruntime computed on every run besides the full one).
    Returns 1 when added, 0 when already there.
    """
    g = proto.graph
    if any(i.name == LOGITS_TO_KEEP for i in g.input):
        return 0
    if any(o.name == "last_logits" for o in g.output):
        kept_outputs = [o for o in g.output if o.name != "last_logits"]
        del g.output[:]
        g.output.extend(kept_outputs)
        drop_unused(g)
    hidden = _final_hidden_state(g)
    made = {n: node for node in g.node for n in node.output}
    head = _lm_head(g, hidden)
    kept = f"{hidden}__kept"
    consts = [
        ("logits_to_keep__axis0", np.array([0], np.int64)),
        ("logits_to_keep__end", np.array([np.iinfo(np.int64).max], np.int64)),
        ("logits_to_keep__axis1", np.array([1], np.int64)),
    ]
    slicing = [helper.make_node("Constant", [], [n], value=numpy_helper.from_array(v, n)) for n, v in consts]
    slicing += [
        helper.make_node("Neg", [LOGITS_TO_KEEP], ["logits_to_keep__neg"], name="logits_to_keep__neg"),
        helper.make_node("Unsqueeze", ["logits_to_keep__neg", "logits_to_keep__axis0"], ["logits_to_keep__start"],
                         name="logits_to_keep__start"),
        helper.make_node("Slice", [hidden, "logits_to_keep__start", "logits_to_keep__end", "logits_to_keep__axis1"], [kept],
                         name="logits_to_keep__slice"),
    ]
    for node in head:
        for k, i in enumerate(node.input):
            if i == hidden:
                node.input[k] = kept
    # Right after the LayerNorm, so the node list stays in topological order.
    nodes = list(g.node)
    at = nodes.index(made[hidden]) + 1
    del g.node[:]
    g.node.extend(nodes[:at] + slicing + nodes[at:])
    g.input.append(helper.make_tensor_value_info(LOGITS_TO_KEEP, TensorProto.INT64, []))
    # Shape inference cannot see through a Slice by an input's value; naming the kept rows keeps logits' rank known.
    g.value_info.append(helper.make_tensor_value_info(kept, TensorProto.FLOAT, ["batch_size", "logits_length", None]))
    logits = next(o for o in g.output if o.name == "logits")
    rows = logits.type.tensor_type.shape.dim[1]
    rows.Clear()
    rows.dim_param = "logits_length"
    return 1


def remove_logits_to_keep_input(proto: onnx.ModelProto) -> int:
    """Undo add_logits_to_keep_input: the layout of exports made before it (and of other
    exporters' GPT-2 files), whose logits are always every row. make_fixtures.py writes the
    merged test fixture this way, so the engine's path for such graphs stays tested.
    Returns 1 when removed, 0 when the graph had no such input."""
    g = proto.graph
    if not any(i.name == LOGITS_TO_KEEP for i in g.input):
        return 0
    sliced = next(n for n in g.node if n.name == "logits_to_keep__slice")
    for node in g.node:
        for k, i in enumerate(node.input):
            if i == sliced.output[0]:
                node.input[k] = sliced.input[0]
    for field, keep in ((g.input, lambda v: v.name != LOGITS_TO_KEEP), (g.value_info, lambda v: v.name != sliced.output[0])):
        kept = [v for v in field if keep(v)]
        del field[:]
        field.extend(kept)
    drop_unused(g)
    rows = next(o for o in g.output if o.name == "logits").type.tensor_type.shape.dim[1]
    rows.Clear()
    rows.dim_param = "sequence_length"
    return 1


def _final_hidden_state(g: onnx.GraphProto) -> str:
    """The output of the LayerNormalization that the LM head reads, walking back from logits."""
    made = {n: node for node in g.node for n in node.output}
    initializers = {i.name for i in g.initializer}
    frontier, seen = ["logits"], set()
    while frontier:
        node = made.get(frontier.pop())
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if node.op_type == "LayerNormalization":
            return node.output[0]
        frontier += [i for i in node.input if i and i not in initializers]
    raise ValueError("no LayerNormalization before logits: cannot find the LM head")


def _lm_head(g: onnx.GraphProto, hidden: str) -> list[onnx.NodeProto]:
    """The nodes that depend on `hidden` and that logits depends on (fp32 or int8 alike)."""
    made = {n: node for node in g.node for n in node.output}
    users: dict[str, list[onnx.NodeProto]] = {}
    for node in g.node:
        for i in node.input:
            users.setdefault(i, []).append(node)
    after, stack = set(), [hidden]
    while stack:
        for node in users.get(stack.pop(), []):
            if id(node) not in after:
                after.add(id(node))
                stack += list(node.output)
    before, stack = set(), ["logits"]
    while stack:
        node = made.get(stack.pop())
        if node is not None and id(node) not in before:
            before.add(id(node))
            stack += [i for i in node.input if i]
    return [n for n in g.node if id(n) in after and id(n) in before]


def add_new_kv_outputs(proto: onnx.ModelProto, n_layer: int) -> int:
    """Expose each present's appended half (the second input of its Concat) as new_key_values.{i}.*.

    A caller that keeps its own cache fetches these instead of the presents: onnxruntime-web
    copies every fetched output out of WASM into a fresh array, so fetching the presents
    allocates the whole cache again on every decoded token (garbage that made the extension
    process peak at ~300 MB), while these are one position per token. Graph outputs only:
    no node or weight changes, so the presents stay as they were for transformers.js.
    Returns how many outputs were added (0 when they are already there).
    """
    g = proto.graph
    have = {o.name for o in g.output}
    made = {n: node for node in g.node for n in node.output}
    added = 0
    for present, new in zip(present_names(n_layer), new_kv_names(n_layer)):
        if new in have:
            continue
        node = made.get(present)
        if node is None or node.op_type != "Concat" or len(node.input) != 2:
            raise ValueError(f"{present} is not made by a two-input Concat (past, new); cannot expose {new}")
        g.node.append(helper.make_node("Identity", [node.input[1]], [new], name=f"{new}__identity"))
        # The present's type with its length axis renamed: [batch, n_head, seq, head_dim].
        out = next(o for o in g.output if o.name == present)
        info = onnx.ValueInfoProto()
        info.CopyFrom(out)
        info.name = new
        length = info.type.tensor_type.shape.dim[2]
        length.Clear()
        length.dim_param = "sequence_length"
        g.output.append(info)
        added += 1
    return added


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
