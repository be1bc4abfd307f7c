import { describe, expect, it } from 'vitest';
import { bytesOfIds } from './token-bytes';
import { loadFixtureTokenizer } from '../../tests/engine/fixtures';

const tk = loadFixtureTokenizer();

describe('token byte table', () => {
  it.each(['We propose a method to', 'Naïve Bayes in Zürich 🙂 costs 3.14', '  two spaces\nand a newline'])(
    'the bytes of the tokens of %j are its UTF-8 bytes',
    (text) => {
      expect(bytesOfIds(tk.table, tk.encode(text))).toEqual(new TextEncoder().encode(text));
    },
  );

  it('gives special tokens no bytes and flags them', () => {
    expect(tk.table.bytesOf(tk.eos)).toHaveLength(0);
    expect(tk.table.isSpecial(tk.eos)).toBe(true);
  });

  it('indexes tokens by first byte', () => {
    const space = tk.table.idsStartingWith(0x20);
    expect(space.length).toBeGreaterThan(0);
    for (const id of space) expect(tk.table.bytesOf(id)[0]).toBe(0x20);
  });
});
