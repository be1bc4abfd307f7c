"""Load an existing Hugging Face GPT-2 checkpoint into our GPT's parameter names.

Reads config.json plus model.safetensors (parsed by hand: 8-byte header length,
JSON header, raw little-endian tensors; no safetensors package on Debian) or
pytorch_model.bin.
"""
from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import torch

from .model import GPTConfig

# safetensors dtype tag -> (numpy dtype read from the file, conversion to float32 or None)
_DTYPES = {
    "F64": np.float64, "F32": np.float32, "F16": np.float16, "BF16": np.uint16,
    "I64": np.int64, "I32": np.int32, "I16": np.int16, "I8": np.int8, "U8": np.uint8, "BOOL": np.bool_,
}
_BUFFERS = (".attn.bias", ".attn.masked_bias")  # causal-mask buffers, not weights


def read_safetensors(path: str | Path) -> dict[str, np.ndarray]:
    data = Path(path).read_bytes()
    if len(data) < 8:
        raise ValueError(f"{path}: too short to be a safetensors file")
    (n,) = struct.unpack("<Q", data[:8])
    if 8 + n > len(data):
        raise ValueError(f"{path}: header length {n} runs past the end of the file")
    header = json.loads(data[8 : 8 + n])
    body = memoryview(data)[8 + n :]
    out: dict[str, np.ndarray] = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        tag = info["dtype"]
        if tag not in _DTYPES:
            raise ValueError(f"{path}: tensor {name} has unsupported dtype {tag}")
        start, end = info["data_offsets"]
        arr = np.frombuffer(body[start:end], dtype=np.dtype(_DTYPES[tag]).newbyteorder("<")).reshape(info["shape"])
        if tag == "BF16":
            # bf16 is the top half of a float32: widen by shifting into the high 16 bits.
            arr = (arr.astype(np.uint32) << 16).view(np.float32)
        out[name] = arr
    return out


def write_safetensors(path: str | Path, tensors: dict[str, np.ndarray]) -> None:
    """Minimal writer (used by tests and to hand checkpoints to HF tools)."""
    tags = {np.dtype(v).str.lstrip("<>|="): k for k, v in _DTYPES.items() if k != "BF16"}
    header, chunks, off = {}, [], 0
    for name, a in tensors.items():
        a = np.ascontiguousarray(a)
        b = a.astype(a.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": tags[a.dtype.str.lstrip("<>|=")], "shape": list(a.shape), "data_offsets": [off, off + len(b)]}
        chunks.append(b)
        off += len(b)
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)  # the format pads the header to 8-byte alignment
    Path(path).write_bytes(struct.pack("<Q", len(h)) + h + b"".join(chunks))


def map_hf_keys(raw: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """HF names -> ours: add the `transformer.` prefix (GPT2Model saves without it),
    drop mask buffers, and fold lm_head into the tied wte (refusing untied heads)."""
    state: dict[str, torch.Tensor] = {}
    lm_head = None
    for k, v in raw.items():
        if k.endswith(_BUFFERS):
            continue
        if k == "lm_head.weight":
            lm_head = v
            continue
        key = k if k.startswith("transformer.") else "transformer." + k
        state[key] = v.float()
    if "transformer.wte.weight" not in state:
        raise ValueError("checkpoint has no wte.weight: not a GPT-2 checkpoint?")
    if lm_head is not None and not torch.allclose(lm_head.float(), state["transformer.wte.weight"]):
        raise ValueError("lm_head.weight differs from wte.weight: untied heads are not supported by GPT")
    return state


def load_hf_gpt2(directory: str | Path) -> tuple[GPTConfig, dict[str, torch.Tensor], Path | None]:
    """-> (config, state_dict with our names in float32, tokenizer.json path or None)."""
    d = Path(directory)
    cfg_path = d / "config.json"
    if not cfg_path.exists():
        raise FileNotFoundError(f"{d}: no config.json (expected a Hugging Face GPT-2 directory)")
    hf = json.loads(cfg_path.read_text())
    if hf.get("model_type", "gpt2") != "gpt2":
        raise ValueError(f"{cfg_path}: model_type {hf.get('model_type')!r} is not gpt2")
    act = hf.get("activation_function", "gelu_new")
    if act not in ("gelu_new", "gelu_pytorch_tanh"):
        raise ValueError(f"{cfg_path}: activation {act!r} unsupported (GPT uses tanh-approximate GELU)")
    if hf.get("n_inner") not in (None, 4 * hf["n_embd"]):
        raise ValueError(f"{cfg_path}: n_inner {hf['n_inner']} != 4*n_embd is unsupported")
    cfg = GPTConfig.from_hf(hf)

    if (d / "model.safetensors").exists():
        raw = {k: torch.from_numpy(np.array(v)) for k, v in read_safetensors(d / "model.safetensors").items()}
    elif (d / "pytorch_model.bin").exists():
        raw = torch.load(str(d / "pytorch_model.bin"), map_location="cpu")
    else:
        raise FileNotFoundError(f"{d}: neither model.safetensors nor pytorch_model.bin")
    state = map_hf_keys(raw)
    tok = d / "tokenizer.json"
    return cfg, state, tok if tok.exists() else None
