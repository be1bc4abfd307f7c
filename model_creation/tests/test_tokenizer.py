import json
from pathlib import Path

from aacomplete.bpe import EOT, ByteLevelBPE

FIXTURE = Path(__file__).parent / "fixtures" / "tokenizer_texts.json"
CORPUS = [
    "We propose a method to learn graph neural networks with $\\mathcal{O}(n)$ memory.",
    "In this paper, we study the problem of learning from noisy labels.",
    "We propose a novel method for training deep networks; code at https://github.com/x/y.",
] * 20


def test_roundtrip_every_fixture_text(tmp_path):
    tok = ByteLevelBPE.train(CORPUS, 400)
    for text in json.loads(FIXTURE.read_text()):
        assert tok.decode(tok.encode(text)) == text


def test_merges_compress_and_vocab_layout(tmp_path):
    tok = ByteLevelBPE.train(CORPUS, 300)
    assert tok.vocab_size == 300
    assert tok.eot_id == 299 and tok.id_to_token[299] == EOT
    text = CORPUS[0]
    assert len(tok.encode(text)) < len(text.encode("utf-8")) / 2  # merges actually apply
    # bytes are ids 0..255, so unseen characters still encode
    assert tok.decode(tok.encode("Ω≈ç")) == "Ω≈ç"


def test_hf_json_reloads_identically(tmp_path):
    tok = ByteLevelBPE.train(CORPUS, 400)
    path = tmp_path / "tokenizer.json"
    tok.save_hf(path)
    again = ByteLevelBPE.load_hf(path)
    d = json.loads(path.read_text())
    assert d["model"]["type"] == "BPE" and d["pre_tokenizer"]["type"] == "ByteLevel"
    for text in json.loads(FIXTURE.read_text()):
        assert again.encode(text) == tok.encode(text)


def test_special_token_in_text_is_one_id():
    tok = ByteLevelBPE.train(CORPUS, 300)
    ids = tok.encode(f"a{EOT}b")
    assert ids.count(tok.eot_id) == 1
