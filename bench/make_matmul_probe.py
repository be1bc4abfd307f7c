#!/usr/bin/env python3
"""Writes the int8 MatMul microbenchmark model: X[M,K] fp32 → DynamicQuantizeLinear →
MatMulInteger with an int8 W[K,N] → × scales, the pattern quantize.py emits and
onnxruntime fuses into DynamicQuantizeMatMul. M is dynamic (1 = decode, 256 = prefill).

  /usr/bin/python3 bench/make_matmul_probe.py OUT.onnx K N
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out, k, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(0)
w = rng.integers(-127, 128, size=(k, n), dtype=np.int8)
scale = (rng.random(n).astype(np.float32) + 0.5) * 1e-3
nodes = [
    helper.make_node("DynamicQuantizeLinear", ["x"], ["xq", "xs", "xz"]),
    helper.make_node("MatMulInteger", ["xq", "w", "xz", "wz"], ["acc"]),
    helper.make_node("Cast", ["acc"], ["accf"], to=TensorProto.FLOAT),
    helper.make_node("Mul", ["xs", "scale"], ["s"]),
    helper.make_node("Mul", ["accf", "s"], ["y"]),
]
graph = helper.make_graph(
    nodes,
    "int8_matmul",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["M", k])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["M", n])],
    [numpy_helper.from_array(w, "w"), numpy_helper.from_array(np.zeros(n, np.int8), "wz"), numpy_helper.from_array(scale, "scale")],
)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, out)
