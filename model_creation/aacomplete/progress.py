"""A dependency-free progress bar: rate, ETA and any extra fields (loss, tokens/s)."""
from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, total: int, desc: str, unit: str = "it", every: float | None = None):
        self.total, self.desc, self.unit = total, desc, unit
        self.n = 0
        self.start = time.time()
        self._last = 0.0
        self.tty = sys.stderr.isatty()
        # a log file gets a line every 10 s, a terminal a redraw twice a second
        self.every = every if every is not None else (0.5 if self.tty else 10.0)

    def update(self, n: int = 1, **fields) -> None:
        self.n += n
        now = time.time()
        if now - self._last < self.every and self.n < self.total:
            return
        self._last = now
        el = max(now - self.start, 1e-9)
        rate = self.n / el
        eta = max(0.0, (self.total - self.n) / rate) if rate > 0 else float("inf")
        frac = min(1.0, self.n / max(self.total, 1))
        bar = "#" * int(frac * 24) + "-" * (24 - int(frac * 24))
        extra = " ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in fields.items())
        line = f"{self.desc} [{bar}] {self.n}/{self.total} {rate:,.0f} {self.unit}/s ETA {fmt_time(eta)} {extra}"
        sys.stderr.write(("\r" + line) if self.tty else (line + "\n"))
        sys.stderr.flush()

    def close(self) -> None:
        if self.tty:
            sys.stderr.write("\n")
        sys.stderr.write(f"{self.desc}: done in {fmt_time(time.time() - self.start)}\n")


def fmt_time(s: float) -> str:
    if s == float("inf"):
        return "?"
    s = int(s)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"
