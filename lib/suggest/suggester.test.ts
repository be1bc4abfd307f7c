import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine, type Engine } from '../engine/index';
import { TINY, readReference } from '../../tests/engine/fixtures';
import { parseInlineSettings } from './inline-settings';
import { suggest } from './suggester';

const prompts: string[] = readReference().prompts.map((p: any) => p.text);
const firstWord = (s: string) => s.trimStart().split(/\s/, 1)[0];

describe('suggest (tiny fixture model)', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await loadEngine(TINY, { prefillChunk: 32 });
  });
  afterAll(async () => {
    await engine?.dispose();
  });

  it('gives up to `count` candidates, distinct in their first word, each whole words at or above the cut', async () => {
    const settings = parseInlineSettings({ minConfidence: 0.05, maxWords: 3 });
    let some = 0;
    for (const p of prompts) {
      for (const text of [p, `${p} `, p.slice(0, -2)]) {
        const got = await suggest(engine, text, { settings, count: 3 });
        expect(got.length).toBeLessThanOrEqual(3);
        expect(new Set(got.map((s) => firstWord(s.text))).size).toBe(got.length);
        if (got.length > 0) {
          some++;
          expect(got[0].confidence).toBeGreaterThanOrEqual(0.05);
          for (const s of got) {
            expect(s.text).toMatch(/\S/);
            expect(s.text.trim().split(/\s+/).length).toBeLessThanOrEqual(3 + 1);
          }
        }
      }
    }
    expect(some).toBeGreaterThan(0);
  });

  it('a stricter cut shows a prefix of the looser ghost, and nothing rather than an unlikely first word', async () => {
    for (const p of prompts) {
      let prev: string | null = null;
      for (const minConfidence of [0.05, 0.2, 0.5, 0.95]) {
        const [ghost] = await suggest(engine, p, { settings: parseInlineSettings({ minConfidence, maxWords: 4 }), count: 1 });
        const text = ghost?.text ?? '';
        if (ghost) expect(ghost.confidence).toBeGreaterThanOrEqual(minConfidence);
        if (prev !== null) expect(prev.startsWith(text)).toBe(true);
        prev = text;
      }
    }
  });

  it('streams the ghost word by word, ending with the returned text; nothing for an empty or aborted request', async () => {
    const settings = parseInlineSettings({ minConfidence: 0.05, maxWords: 4 });
    for (const p of prompts) {
      const updates: string[] = [];
      const [ghost] = await suggest(engine, p, { settings, count: 3, onUpdate: (g) => updates.push(g) });
      expect(updates.at(-1) ?? '').toBe(ghost?.text ?? '');
      for (let i = 1; i < updates.length; i++) expect(updates[i].startsWith(updates[i - 1])).toBe(true);
    }
    expect(await suggest(engine, '   ')).toEqual([]);
    const ctrl = new AbortController();
    ctrl.abort();
    expect(await suggest(engine, prompts[0], { settings, signal: ctrl.signal })).toEqual([]);
  });
});
