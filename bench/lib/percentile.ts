/** The q-quantile (0..1) of `xs` by nearest rank, 0 for none; `xs` is not reordered. */
export function percentile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.min(s.length - 1, Math.floor(q * s.length))];
}
