"""What our engine reads beyond the transformers.js layout of an exported decoder: the outputs
new_key_values.{i}.key/.value and the input num_logits_to_keep.

export_onnx.export_decoder adds both to every export; add_engine_outputs.py adds them to a file
exported before, in place (weights untouched); make_fixtures.py removes num_logits_to_keep from
one test fixture so the engine's path for older graphs stays tested.
"""
from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from .onnx_graph import drop_unused, new_kv_names, present_names

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
