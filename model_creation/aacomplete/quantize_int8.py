"""Int8 weight quantization as a pass over the ONNX graph (no onnxruntime needed).

MatMul with a constant weight B [K, N] becomes onnxruntime's dynamic pattern,
which ORT fuses into its DynamicQuantizeMatMul kernel:

    DynamicQuantizeLinear(A) -> A_q (uint8), A_scale, A_zp
    MatMulInteger(A_q, B_q int8, A_zp) -> int32 -> Cast(float)
    Mul(int32f, Mul(A_scale, B_scale[N]))        per-output-column scales

Embedding tables read by Gather (wte, wpe) are stored once as int8 with one
scale per row; the gathered rows are dequantized. The LM head is
MatMul(x, Transpose(wte)) (see export_onnx.untie_transposed_copies), so it
reuses the same int8 wte: its per-row scales are exactly the head's
per-vocab-column scales. Weights are symmetric (zero point 0).

Every weight that reaches MatMulInteger (the linear layers, and wte through the
LM head) is stored in 7 bits, |q| <= 64, although int8 holds 127. On x86 CPUs
with AVX2 or AVX-512BW but no VNNI, onnxruntime's U8S8 kernel multiplies with
VPMADDUBSW, which adds two u8 x s8 products and saturates the pair at int16:
255 * (127 + 127) = 64,770 does not fit in 32,767, so those CPUs returned
different logits (up to 2.6 apart on the shipped model, measured under QEMU's
Haswell) and different greedy text. 255 * (64 + 64) = 32,640 fits, so every
kernel (VNNI, AVX2, AVX-512BW, ARM, WASM) computes the same exact int32 sums.
This is onnxruntime's own `reduce_range` range. wpe is only gathered and
dequantized, never multiplied in integers, so it keeps the full 127.
"""
from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from .onnx_graph import drop_unused


# Largest |q| of a weight that MatMulInteger reads (see the module docstring), and of one that it doesn't.
MATMUL_QMAX = 64
GATHER_QMAX = 127
# VPMADDUBSW's pair sum must stay an int16 for the largest uint8 activation.
assert 255 * 2 * MATMUL_QMAX <= np.iinfo(np.int16).max


def quantize_per_axis(w: np.ndarray, axis: int, qmax: int = MATMUL_QMAX) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric int8 in [-qmax, qmax] with one scale per slice along `axis` (kept); returns (q, scale)."""
    reduce = tuple(i for i in range(w.ndim) if i != axis)
    amax = np.abs(w).max(axis=reduce)
    scale = (amax / qmax).astype(np.float32)
    scale[scale == 0] = 1.0  # all-zero slice: any scale reproduces it; avoids 0/0
    shape = [1] * w.ndim
    shape[axis] = -1
    q = np.clip(np.rint(w / scale.reshape(shape)), -qmax, qmax).astype(np.int8)
    return q, scale


class _Builder:
    def __init__(self, graph: onnx.GraphProto):
        self.g = graph
        self.inits = {i.name: i for i in graph.initializer}
        self.new_inits: list[onnx.TensorProto] = []
        self.n = 0

    def name(self, base: str) -> str:
        self.n += 1
        return f"{base}__q{self.n}"

    def add_init(self, name: str, arr: np.ndarray) -> str:
        self.new_inits.append(numpy_helper.from_array(arr, name))
        return name

    def float_matrix(self, name: str) -> np.ndarray | None:
        init = self.inits.get(name)
        if init is None or init.data_type != TensorProto.FLOAT or len(init.dims) != 2:
            return None
        return numpy_helper.to_array(init)


def quantize_model(model: onnx.ModelProto, matmul_qmax: int = MATMUL_QMAX) -> onnx.ModelProto:
    """matmul_qmax=127 gives the full-range int8 of earlier releases, kept to measure what 7 bits cost."""
    out = onnx.ModelProto()
    out.CopyFrom(model)
    g = out.graph
    b = _Builder(g)
    axes_last = b.add_init("quant_axes_last", np.array([-1], np.int64))

    # 1. Embeddings: float matrices that some Gather reads as its table; those also
    # transposed (wte, the LM head's weight) feed MatMulInteger and need the 7-bit range.
    transposed_inputs = {n.input[0] for n in g.node if n.op_type == "Transpose"}
    emb: dict[str, tuple[str, str]] = {}  # float name -> (int8 name, per-row scale name)
    for node in g.node:
        if node.op_type == "Gather" and node.input[0] not in emb:
            w = b.float_matrix(node.input[0])
            if w is not None:
                qmax = matmul_qmax if node.input[0] in transposed_inputs else GATHER_QMAX
                q, s = quantize_per_axis(w, axis=0, qmax=qmax)
                emb[node.input[0]] = (b.add_init(node.input[0] + "_quantized", q), b.add_init(node.input[0] + "_scale", s))

    # Transpose(embedding) -> its int8 twin; the head's column scales are the table's row scales.
    transposed: dict[str, tuple[str, str]] = {}
    for node in g.node:
        if node.op_type == "Transpose" and node.input[0] in emb and list(node.attribute[0].ints) == [1, 0]:
            transposed[node.output[0]] = emb[node.input[0]]

    new_nodes: list[onnx.NodeProto] = []
    dq_cache: dict[str, tuple[str, str, str]] = {}
    stats = {"matmul": 0, "gather": 0}
    for node in g.node:
        if node.op_type == "Gather" and node.input[0] in emb:
            qname, sname = emb[node.input[0]]
            ids, y = node.input[1], node.output[0]
            rows, rows_f, sc, sc_u = (b.name(y) for _ in range(4))
            axis = [helper.make_attribute("axis", a.i) for a in node.attribute if a.name == "axis"]
            gq = helper.make_node("Gather", [qname, ids], [rows], name=b.name("gather_q"))
            gs = helper.make_node("Gather", [sname, ids], [sc], name=b.name("gather_scale"))
            gq.attribute.extend(axis)
            gs.attribute.extend(axis)
            new_nodes += [
                gq, gs,
                helper.make_node("Cast", [rows], [rows_f], to=TensorProto.FLOAT, name=b.name("cast")),
                helper.make_node("Unsqueeze", [sc, axes_last], [sc_u], name=b.name("unsqueeze")),
                helper.make_node("Mul", [rows_f, sc_u], [y], name=b.name("dequant")),
            ]
            stats["gather"] += 1
            continue
        if node.op_type == "Transpose" and node.output[0] in transposed:
            qname, _ = transposed[node.output[0]]
            t = helper.make_node("Transpose", [qname], [node.output[0] + "_quantized"], perm=[1, 0], name=b.name("transpose_q"))
            new_nodes.append(t)
            continue
        if node.op_type == "MatMul":
            wname = node.input[1]
            if wname in transposed:
                bq, bs = wname + "_quantized", transposed[wname][1]  # output of the int8 Transpose above
            else:
                w = b.float_matrix(wname)
                if w is None:
                    new_nodes.append(node)  # activation x activation (attention): stays float
                    continue
                q, s = quantize_per_axis(w, axis=1, qmax=matmul_qmax)
                bq, bs = b.add_init(wname + "_quantized", q), b.add_init(wname + "_scale", s)
            a, y = node.input[0], node.output[0]
            if a not in dq_cache:
                dq_cache[a] = (b.name(a + "_q"), b.name(a + "_scale"), b.name(a + "_zp"))
                new_nodes.append(helper.make_node("DynamicQuantizeLinear", [a], list(dq_cache[a]), name=b.name("dql")))
            aq, ascale, azp = dq_cache[a]
            acc, acc_f, scale = b.name(y + "_i32"), b.name(y + "_f"), b.name(y + "_scale")
            new_nodes += [
                helper.make_node("MatMulInteger", [aq, bq, azp], [acc], name=b.name("matmul_int")),
                helper.make_node("Mul", [ascale, bs], [scale], name=b.name("scale")),
                helper.make_node("Cast", [acc], [acc_f], to=TensorProto.FLOAT, name=b.name("cast")),
                helper.make_node("Mul", [acc_f, scale], [y], name=b.name("rescale")),
            ]
            stats["matmul"] += 1
            continue
        new_nodes.append(node)

    del g.node[:]
    g.node.extend(new_nodes)
    g.initializer.extend(b.new_inits)
    drop_unused(g)  # what the rewrite orphaned: the float weights, the float transpose of wte
    if stats["matmul"] == 0:
        raise ValueError("no MatMul with a constant weight found: is this an exported GPT graph?")
    onnx.checker.check_model(out)
    return out
