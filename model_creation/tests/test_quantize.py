import numpy as np
import onnx
import pytest
from onnx import TensorProto, numpy_helper

from aacomplete.export_onnx import make_merged
from aacomplete.hf_layout import write_model_dir
from aacomplete.quantize_int8 import GATHER_QMAX, MATMUL_QMAX, quantize_model, quantize_per_axis
from quantize import main as quantize_main, quantize_dir


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
    assert (np.abs(q).max(axis=0)[:4] == MATMUL_QMAX).all()  # each column's maximum reaches the range
    err = np.abs(q * s - w)
    assert (err <= s / 2 + 1e-7).all()
    assert (q[:, 4] == 0).all()  # all-zero column stays exact


def test_quantized_graph_is_valid_and_int8(quantized, tiny_cfg):
    onnx.checker.check_model(quantized)
    ops = [n.op_type for n in quantized.graph.node]
    # c_attn, c_proj, c_fc, mlp c_proj per block + the LM head, once
    n_weights = 4 * tiny_cfg.n_layer + 1
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
    assert np.abs(deq - w).max() <= np.abs(w).max() / (2 * MATMUL_QMAX) * 1.0001
    wte = f["model.transformer.wte.weight"]
    deq = q["model.transformer.wte.weight_quantized"] * q["model.transformer.wte.weight_scale"][:, None]
    assert np.abs(deq - wte).max() <= np.abs(wte).max() / (2 * MATMUL_QMAX) * 1.0001


def vpmaddubsw_matmul(a: np.ndarray, w: np.ndarray) -> np.ndarray:
    """a (uint8, [M, K]) @ w (int8, [K, N]) as x86 AVX2 without VNNI computes it (onnxruntime's
    U8S8 kernel): VPMADDUBSW adds the products of adjacent k pairs and saturates that sum at int16,
    then VPMADDWD/VPADDD accumulate in int32 exactly."""
    a, w = a.astype(np.int64), w.astype(np.int64)
    if a.shape[1] % 2:
        a, w = np.pad(a, ((0, 0), (0, 1))), np.pad(w, ((0, 1), (0, 0)))
    pairs = a[:, 0::2, None] * w[None, 0::2, :] + a[:, 1::2, None] * w[None, 1::2, :]  # [M, K/2, N]
    return np.clip(pairs, -32768, 32767).sum(axis=1)


def matmul_integer_weights(proto) -> dict[str, np.ndarray]:
    """The int8 matrices that MatMulInteger reads, as [K, N] (wte through its Transpose)."""
    arrays = inits(proto)
    transposed = {n.output[0]: arrays[n.input[0]].T for n in proto.graph.node if n.op_type == "Transpose" and n.input[0] in arrays}
    return {n.input[1]: arrays.get(n.input[1], transposed.get(n.input[1])) for n in proto.graph.node if n.op_type == "MatMulInteger"}


def test_no_matmul_weight_can_saturate_avx2_pair_sums(quantized, tiny_cfg):
    weights = matmul_integer_weights(quantized)
    assert len(weights) == 4 * tiny_cfg.n_layer + 1 and all(w is not None and w.dtype == np.int8 for w in weights.values())
    for name, w in weights.items():
        assert np.abs(w).max() <= MATMUL_QMAX, name
        # the worst uint8 activation for a pair is 255 on both: 255 * (|w0| + |w1|)
        k = w.shape[0] - w.shape[0] % 2
        worst = 255 * (np.abs(w[0:k:2].astype(np.int32)) + np.abs(w[1:k:2].astype(np.int32)))
        assert worst.max() <= np.iinfo(np.int16).max, name


def test_saturating_kernel_equals_exact_sums_only_with_reduced_range():
    """What the range buys: on adversarial activations the AVX2 arithmetic equals the exact
    integer product for 7-bit weights, and does not for full-range int8."""
    rng = np.random.default_rng(1)
    w = rng.normal(size=(64, 16)).astype(np.float32)
    a = np.where(rng.random((8, 64)) < 0.5, 255, 250).astype(np.uint8)  # large activations, as after GELU/LayerNorm outliers
    exact = lambda q: a.astype(np.int64) @ q.astype(np.int64)  # noqa: E731
    reduced, _ = quantize_per_axis(w, axis=1)
    assert (vpmaddubsw_matmul(a, reduced) == exact(reduced)).all()
    full, _ = quantize_per_axis(w, axis=1, qmax=127)
    assert (vpmaddubsw_matmul(a, full) != exact(full)).any()


def test_position_table_keeps_the_full_range(quantized):
    """wpe is only gathered and dequantized in float, so it needs no reduced range."""
    wpe = inits(quantized)["model.transformer.wpe.weight_quantized"]
    assert np.abs(wpe).max() == GATHER_QMAX


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


def test_full_range_copy_is_the_earlier_int8_beside_the_json_files(tmp_path, tiny_model, tokenizer_json):
    write_model_dir(tiny_model, tokenizer_json, tmp_path / "m")
    quantize_main(["--model-dir", str(tmp_path / "m"), "--full-range-to", str(tmp_path / "full")])
    shipped = matmul_integer_weights(onnx.load(str(tmp_path / "m" / "onnx" / "model_quantized.onnx")))
    full = matmul_integer_weights(onnx.load(str(tmp_path / "full" / "onnx" / "model_quantized.onnx")))
    assert max(np.abs(w).max() for w in shipped.values()) == MATMUL_QMAX
    assert max(np.abs(w).max() for w in full.values()) == GATHER_QMAX
    assert sorted(p.name for p in (tmp_path / "full").glob("*.json")) == sorted(p.name for p in (tmp_path / "m").glob("*.json"))
