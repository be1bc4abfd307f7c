"""blend.py: interpolating two checkpoints of one architecture."""
import pytest
import torch

import blend
from aacomplete.model import GPT, GPTConfig


def _state(seed, n_layer=1):
    torch.manual_seed(seed)
    return GPT(GPTConfig(vocab_size=64, n_positions=16, n_embd=16, n_layer=n_layer, n_head=2)).state_dict()


def test_alpha_one_is_new_zero_is_old_and_half_is_the_mean():
    old, new = _state(1), _state(2)
    for k in new:
        assert torch.equal(blend.blend(old, new, 1.0)[k], new[k].float())
        assert torch.equal(blend.blend(old, new, 0.0)[k], old[k].float())
        assert torch.allclose(blend.blend(old, new, 0.5)[k], (old[k].float() + new[k].float()) / 2)


def test_refuses_checkpoints_of_different_architectures():
    with pytest.raises(SystemExit, match="not the same architecture"):
        blend.blend(_state(1, n_layer=1), _state(2, n_layer=2), 0.5)
