import numpy as np
import onnx
import pytest
from onnx import TensorProto, numpy_helper

from aacomplete.export_onnx import make_merged
from aacomplete.hf_layout import write_model_dir
from aacomplete.quantize_int8 import quantize_model, quantize_per_axis
from quantize import quantize_dir


@pytest.fixture(scope="module")
def quantized(tiny_onnx):
    return quantize_model(tiny_onnx)


def inits(proto):
    return {i.name: numpy_helper.to_array(i) for i in proto.graph.initializer}


def test_per_column_quantization_error_is_within_half_a_step():
    rng = np.random.default_rng(0)
    w = rng.normal(size=(16, 5)).astype(np.float32) * np.array([0.01, 0.1, 1, 10, 0], np.float32)
    q, s = quantize_per_axis(w, axis=1)
    assert q.dtype == np.int8 and s.shape == (5,)
    assert np.abs(q).max() == 127  # full range used by the column maxima
    err = np.abs(q * s - w)
    assert (err <= s / 2 + 1e-7).all()
    assert (q[:, 4] == 0).all()  # all-zero column stays exact


def test_quantized_graph_is_valid_and_int8(quantized, tiny_cfg):
    onnx.checker.check_model(quantized)
    ops = [n.op_type for n in quantized.graph.node]
    n_weights = 4 * tiny_cfg.n_layer + 1  # c_attn, c_proj, c_fc, mlp c_proj per block + LM head
    assert ops.count("MatMulInteger") == n_weights
    assert ops.count("DynamicQuantizeLinear") == n_weights
    int8 = [a for a in inits(quantized).values() if a.dtype == np.int8]
    assert len(int8) == 4 * tiny_cfg.n_layer + 2  # + wte and wpe
    # no float matrix survives: what is left in fp32 is vectors (biases, norms, scales)
    assert all(a.ndim <= 1 for a in inits(quantized).values() if a.dtype == np.float32)


def test_embedding_stored_once_as_int8(quantized, tiny_cfg):
    v, d = tiny_cfg.vocab_size, tiny_cfg.n_embd
    big = [(n, a) for n, a in inits(quantized).items() if a.size == v * d]
    assert len(big) == 1
    name, arr = big[0]
    assert arr.dtype == np.int8 and arr.shape == (v, d)
    users = [n.op_type for n in quantized.graph.node if name in n.input]
    assert sorted(users) == ["Gather", "Transpose"]  # input embedding and LM head share it


def test_dequantized_weights_track_float(quantized, tiny_onnx):
    f, q = inits(tiny_onnx), inits(quantized)
    w = f["model.transformer.h.0.mlp.c_fc.weight"]
    deq = q["model.transformer.h.0.mlp.c_fc.weight_quantized"] * q["model.transformer.h.0.mlp.c_fc.weight_scale"]
    assert np.abs(deq - w).max() <= np.abs(w).max() / 127
    wte = f["model.transformer.wte.weight"]
    deq = q["model.transformer.wte.weight_quantized"] * q["model.transformer.wte.weight_scale"][:, None]
    assert np.abs(deq - wte).max() <= np.abs(wte).max() / 127


def test_quantizer_refuses_graph_without_weights():
    x = onnx.helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])
    g = onnx.helper.make_graph([onnx.helper.make_node("Relu", ["x"], ["y"])], "g", [x],
                               [onnx.helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])])
    with pytest.raises(ValueError, match="no MatMul"):
        quantize_model(onnx.helper.make_model(g))


def test_merged_model_quantizes_and_keeps_branch(tiny_onnx, tiny_cfg):
    q = quantize_model(make_merged(tiny_onnx, tiny_cfg.n_layer))
    assert q.graph.input[-1].name == "use_cache_branch"
    assert [n.op_type for n in q.graph.node].count("If") == 1
    assert [n.op_type for n in q.graph.node].count("MatMulInteger") == 4 * tiny_cfg.n_layer + 1


def test_quantize_dir_writes_both_files_much_smaller(tmp_path, tiny_model, tokenizer_json):
    write_model_dir(tiny_model, tokenizer_json, tmp_path)
    write_model_dir(tiny_model, tokenizer_json, tmp_path, merged=True)
    written = quantize_dir(tmp_path)
    assert [p.name for p in written] == ["model_quantized.onnx", "decoder_model_merged_quantized.onnx"]
    fp32 = (tmp_path / "onnx" / "model.onnx").stat().st_size
    assert written[0].stat().st_size < 0.5 * fp32  # d=32: biases and graph overhead weigh a lot
    weight_bytes = lambda p: sum(a.nbytes for a in inits(onnx.load(str(p))).values())  # noqa: E731
    assert weight_bytes(written[0]) < 0.3 * weight_bytes(tmp_path / "onnx" / "model.onnx")


def test_quantize_dir_explains_missing_model(tmp_path):
    with pytest.raises(FileNotFoundError, match="no model.onnx"):
        quantize_dir(tmp_path)
