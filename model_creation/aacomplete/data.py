"""Corpus reading, normalisation and the deterministic train/validation split."""
from __future__ import annotations

import glob
import gzip
import hashlib
import json
import os
import re
import unicodedata
from pathlib import Path
from typing import Iterator

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
_WS = re.compile(r"\s+")


def normalise(text: str) -> str:
    """NFC, whitespace runs -> one space, trimmed. LaTeX is kept as written."""
    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()


def title_key(title: str) -> str:
    return _WS.sub(" ", title.lower()).strip()


def is_validation(title: str, percent: float = 1.0) -> bool:
    """Split by a hash of the normalised title, so a paper that appears twice stays on one side."""
    h = int(hashlib.sha1(title_key(title).encode("utf-8")).hexdigest()[:8], 16)
    return (h % 10_000) < percent * 100


def read_corpus(data_dir: str | os.PathLike) -> Iterator[dict]:
    files = sorted(glob.glob(os.path.join(data_dir, "*.jsonl.gz")))
    if not files:
        raise FileNotFoundError(f"no *.jsonl.gz files in {data_dir} (pass --data-dir)")
    for path in files:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                rec = json.loads(line)
                abstract = normalise(rec.get("abstract") or "")
                title = normalise(rec.get("title") or "")
                if len(abstract) < 200:  # stubs and "N/A" placeholders teach nothing
                    continue
                yield {"title": title, "abstract": abstract, "source": rec.get("source") or Path(path).name.split(".")[0]}
