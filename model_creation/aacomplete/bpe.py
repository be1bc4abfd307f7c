"""GPT-2-style byte-level BPE: training, encoding, and a Hugging Face tokenizer.json.

Byte-level means every byte has a token, so any text (LaTeX, Unicode, URLs)
encodes without an unknown token. Pre-tokenization is GPT-2's regex, which
`@huggingface/tokenizers` (JS) applies identically in its ByteLevel
pre-tokenizer; merges are applied by rank exactly as GPT-2's encoder does.
That is what makes Python and JS ids identical (tested on a fixture).
"""
from __future__ import annotations

import heapq
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Callable, Iterable

import regex

GPT2_PATTERN = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
EOT = "<|endoftext|>"
_PAT = regex.compile(GPT2_PATTERN)


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2's reversible byte -> printable-character map (so tokens are valid JSON strings)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs)))


BYTE_ENCODER = bytes_to_unicode()
BYTE_DECODER = {v: k for k, v in BYTE_ENCODER.items()}


def pretokenize(text: str) -> list[str]:
    return _PAT.findall(text)


def to_byte_chars(piece: str) -> str:
    return "".join(BYTE_ENCODER[b] for b in piece.encode("utf-8"))


class ByteLevelBPE:
    """Vocabulary layout: ids 0..255 are the bytes (in GPT-2's printable order),
    then one id per merge in rank order, then `<|endoftext|>` last."""

    def __init__(self, merges: list[tuple[str, str]]):
        self.merges = list(merges)
        self.ranks = {pair: i for i, pair in enumerate(self.merges)}
        byte_tokens = [BYTE_ENCODER[b] for b in range(256)]
        self.vocab: dict[str, int] = {t: i for i, t in enumerate(byte_tokens)}
        for a, b in self.merges:
            self.vocab[a + b] = len(self.vocab)
        self.eot_id = len(self.vocab)
        self.vocab[EOT] = self.eot_id
        self.id_to_token = {i: t for t, i in self.vocab.items()}
        self._cache: dict[str, list[int]] = {}

    @property
    def vocab_size(self) -> int:
        return len(self.vocab)

    # ---- training -------------------------------------------------------
    @classmethod
    def train(
        cls,
        texts: Iterable[str],
        vocab_size: int,
        progress: Callable[[int, int], None] | None = None,
    ) -> "ByteLevelBPE":
        """Greedy BPE on pre-tokenized words; ties broken by the pair's text so it is deterministic."""
        n_merges = vocab_size - 256 - 1
        if n_merges < 0:
            raise ValueError("vocab_size must be at least 257 (256 bytes + <|endoftext|>)")
        word_freq: Counter[str] = Counter()
        for t in texts:
            word_freq.update(to_byte_chars(w) for w in pretokenize(t))
        words = [list(w) for w in word_freq]
        freqs = list(word_freq.values())
        pair_count: defaultdict[tuple[str, str], int] = defaultdict(int)
        pair_where: defaultdict[tuple[str, str], set[int]] = defaultdict(set)
        for wi, sym in enumerate(words):
            f = freqs[wi]
            for p in zip(sym, sym[1:]):
                pair_count[p] += f
                pair_where[p].add(wi)
        heap = [(-c, p) for p, c in pair_count.items()]
        heapq.heapify(heap)
        merges: list[tuple[str, str]] = []
        while len(merges) < n_merges and heap:
            negc, pair = heapq.heappop(heap)
            cur = pair_count.get(pair, 0)
            if cur <= 0:
                continue
            if -negc != cur:  # stale entry: counts changed since it was pushed
                heapq.heappush(heap, (-cur, pair))
                continue
            merges.append(pair)
            a, b = pair
            new = a + b
            changed: dict[tuple[str, str], int] = {}
            for wi in list(pair_where[pair]):
                sym = words[wi]
                f = freqs[wi]
                # remove old pairs of this word
                for p in zip(sym, sym[1:]):
                    pair_count[p] -= f
                    changed[p] = pair_count[p]
                i = 0
                out = []
                while i < len(sym):
                    if i < len(sym) - 1 and sym[i] == a and sym[i + 1] == b:
                        out.append(new)
                        i += 2
                    else:
                        out.append(sym[i])
                        i += 1
                words[wi] = out
                for p in zip(out, out[1:]):
                    pair_count[p] += f
                    pair_where[p].add(wi)
                    changed[p] = pair_count[p]
            pair_count[pair] = 0
            pair_where.pop(pair, None)
            for p, c in changed.items():
                if c > 0:
                    heapq.heappush(heap, (-c, p))
            if progress and len(merges) % 100 == 0:
                progress(len(merges), n_merges)
        return cls(merges)

    # ---- encoding -------------------------------------------------------
    def _bpe(self, word: str) -> list[int]:
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        parts = list(word)
        ranks = self.ranks
        while len(parts) > 1:
            best = None
            best_rank = None
            for i in range(len(parts) - 1):
                r = ranks.get((parts[i], parts[i + 1]))
                if r is not None and (best_rank is None or r < best_rank):
                    best, best_rank = i, r
            if best is None:
                break
            first, second = parts[best], parts[best + 1]
            # merge every occurrence of the best pair, left to right (GPT-2's rule)
            merged = []
            i = 0
            while i < len(parts):
                if i < len(parts) - 1 and parts[i] == first and parts[i + 1] == second:
                    merged.append(first + second)
                    i += 2
                else:
                    merged.append(parts[i])
                    i += 1
            parts = merged
        ids = [self.vocab[p] for p in parts]
        if len(self._cache) < 500_000:
            self._cache[word] = ids
        return ids

    def encode(self, text: str) -> list[int]:
        # Like Hugging Face tokenizers, an added special token written in the text
        # is matched as that token, not spelled out in bytes.
        out: list[int] = []
        for i, segment in enumerate(text.split(EOT)):
            if i:
                out.append(self.eot_id)
            for w in pretokenize(segment):
                out.extend(self._bpe(to_byte_chars(w)))
        return out

    def decode(self, ids: Iterable[int]) -> str:
        parts = []
        for i in ids:
            tok = self.id_to_token[int(i)]
            if tok == EOT:
                parts.append(EOT.encode())
            else:
                parts.append(bytes(BYTE_DECODER[c] for c in tok))
        return b"".join(parts).decode("utf-8", errors="replace")

    # ---- Hugging Face format -------------------------------------------
    def to_hf_json(self) -> dict:
        return {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": [
                {
                    "id": self.eot_id,
                    "content": EOT,
                    "single_word": False,
                    "lstrip": False,
                    "rstrip": False,
                    "normalized": True,
                    "special": True,
                }
            ],
            "normalizer": None,
            "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
            "post_processor": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
            "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
            "model": {
                "type": "BPE",
                "dropout": None,
                "unk_token": None,
                "continuing_subword_prefix": "",
                "end_of_word_suffix": "",
                "fuse_unk": False,
                "byte_fallback": False,
                "ignore_merges": False,
                "vocab": self.vocab,
                "merges": [f"{a} {b}" for a, b in self.merges],
            },
        }

    def save_hf(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_hf_json(), ensure_ascii=False))

    @classmethod
    def load_hf(cls, path: str | Path) -> "ByteLevelBPE":
        d = json.loads(Path(path).read_text())
        raw = d["model"]["merges"]
        merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in raw]
        tok = cls(merges)
        if tok.vocab != {k: v for k, v in d["model"]["vocab"].items()} | {EOT: tok.eot_id}:
            # A foreign GPT-2 tokenizer (e.g. DistilGPT2's) has its own id order: honour it.
            tok.vocab = dict(d["model"]["vocab"])
            for at in d.get("added_tokens", []):
                tok.vocab[at["content"]] = at["id"]
            tok.eot_id = tok.vocab.get(EOT, tok.eot_id)
            tok.id_to_token = {i: t for t, i in tok.vocab.items()}
        return tok
