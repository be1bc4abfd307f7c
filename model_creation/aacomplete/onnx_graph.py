"""The exported graph's value names, and small graph edits shared by the export passes and the quantizer."""
from __future__ import annotations

import onnx


def past_names(n_layer: int) -> list[str]:
    return [f"past_key_values.{i}.{kv}" for i in range(n_layer) for kv in ("key", "value")]


def present_names(n_layer: int) -> list[str]:
    return [f"present.{i}.{kv}" for i in range(n_layer) for kv in ("key", "value")]


def new_kv_names(n_layer: int) -> list[str]:
    return [f"new_key_values.{i}.{kv}" for i in range(n_layer) for kv in ("key", "value")]


def used_names(graph: onnx.GraphProto) -> set[str]:
    """Every value name that a node (subgraphs included) or a graph output reads."""
    used = {o.name for o in graph.output}
    for node in graph.node:
        used.update(node.input)
        for attr in node.attribute:  # If/Loop bodies may read outer-scope names
            for sub in [attr.g] if attr.type == onnx.AttributeProto.GRAPH else list(attr.graphs):
                used |= used_names(sub)
    return used


def drop_unused(graph: onnx.GraphProto) -> None:
    """Removes nodes whose outputs nothing reads (repeatedly: a dropped node can orphan its
    producer), then initializers nothing reads."""
    used = used_names(graph)
    changed = True
    while changed:
        keep_nodes = [n for n in graph.node if any(o in used for o in n.output)]
        changed = len(keep_nodes) != len(graph.node)
        del graph.node[:]
        graph.node.extend(keep_nodes)
        used = used_names(graph)
    keep = [i for i in graph.initializer if i.name in used]
    del graph.initializer[:]
    graph.initializer.extend(keep)
