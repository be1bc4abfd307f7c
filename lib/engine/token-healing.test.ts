import { describe, expect, it } from 'vitest';
import { planTokenHealing, HealingConstraint } from './token-healing';
import { bytesOfIds } from './token-bytes';
import { loadFixtureTokenizer } from '../../tests/engine/fixtures';

const tk = loadFixtureTokenizer();
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('planTokenHealing', () => {
  it('backs off a half-typed word back to its leading space', () => {
    const plan = planTokenHealing(tk.encode('We propose a meth'), tk.table);
    expect(text(plan.removed)).toBe(' meth');
    expect(text(bytesOfIds(tk.table, plan.contextIds))).toBe('We propose a');
  });

  it('backs off a trailing space alone', () => {
    const plan = planTokenHealing(tk.encode('We propose a method to '), tk.table);
    expect(text(plan.removed)).toBe(' ');
    expect(text(bytesOfIds(tk.table, plan.contextIds))).toBe('We propose a method to');
  });

  it('backs off at most maxTokens tokens', () => {
    const ids = tk.encode('We propose supercalifragilistic');
    const plan = planTokenHealing(ids, tk.table, 2);
    expect(plan.contextIds).toEqual(ids.slice(0, -2));
  });

  it('does not back off past punctuation into the previous word', () => {
    const plan = planTokenHealing(tk.encode('results.'), tk.table);
    expect(text(plan.removed)).toBe('.');
  });
});

describe('HealingConstraint', () => {
  it('allows tokens that start with the removed bytes or are a prefix of them, until they are reproduced', () => {
    const removed = new TextEncoder().encode(' meth');
    const c = new HealingConstraint(tk.table, removed, new Int32Array(tk.table.vocabSize));
    const pool = c.allowed();
    const allowed = Array.from(pool.ids.subarray(0, pool.size), (id) => text(tk.table.bytesOf(id)));
    expect(allowed.length).toBeGreaterThan(0);
    for (const s of allowed) expect(s.startsWith(' meth') || ' meth'.startsWith(s)).toBe(true);
    // Every such token in the vocabulary is offered.
    let expected = 0;
    for (let id = 0; id < tk.table.vocabSize; id++) {
      const s = text(tk.table.bytesOf(id));
      if (s.length > 0 && (s.startsWith(' meth') || ' meth'.startsWith(s))) expected++;
    }
    expect(pool.size).toBe(expected);

    const space = tk.encode(' ')[0];
    c.advance(space);
    expect(c.active).toBe(true);
    const next = c.allowed();
    for (const id of next.ids.subarray(0, next.size)) {
      const s = text(tk.table.bytesOf(id));
      expect(s.startsWith('meth') || 'meth'.startsWith(s)).toBe(true);
    }
  });

  it('is done once the removed bytes are covered', () => {
    const c = new HealingConstraint(tk.table, new TextEncoder().encode(' '), new Int32Array(tk.table.vocabSize));
    expect(c.active).toBe(true);
    c.advance(tk.encode(' the')[0]);
    expect(c.active).toBe(false);
  });
});
