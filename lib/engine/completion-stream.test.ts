import { describe, expect, it } from 'vitest';
import { CompletionStream } from './completion-stream';
import { loadFixtureTokenizer } from '../../tests/engine/fixtures';

const tk = loadFixtureTokenizer();

function stream(text: string, opts: { skip?: number; stop?: boolean } = {}) {
  const deltas: string[] = [];
  const s = new CompletionStream(opts.skip ?? 0, opts.stop ?? false, (d) => deltas.push(d));
  let stopped = false;
  for (const id of tk.encode(text)) {
    if (s.push(tk.table.bytesOf(id))) {
      stopped = true;
      break;
    }
    // No delta may ever show a replacement character for a split character.
    expect(deltas.join('')).not.toContain('\uFFFD');
  }
  return { deltas, final: s.finish(), stopped };
}

describe('streaming deltas', () => {
  it.each(['Naïve Bayes in Zürich 🙂 costs 3.14', ' leading space and  double space', '日本語のテキスト', 'line one\nline two'])(
    'concatenate exactly to the text for %j',
    (text) => {
      const { deltas, final } = stream(text);
      expect(final).toBe(text);
      expect(deltas.join('')).toBe(text);
    },
  );

  it('holds a multi-byte character until its last byte arrives', () => {
    const ids = tk.encode('🙂');
    expect(ids.length).toBeGreaterThan(1); // the tiny tokenizer splits the emoji's four bytes
    const deltas: string[] = [];
    const s = new CompletionStream(0, false, (d) => deltas.push(d));
    ids.slice(0, -1).forEach((id) => s.push(tk.table.bytesOf(id)));
    expect(deltas).toEqual([]);
    s.push(tk.table.bytesOf(ids[ids.length - 1]));
    expect(deltas).toEqual(['🙂']);
  });

  it('drops an unfinished character at the end instead of showing U+FFFD', () => {
    const ids = tk.encode('a🙂');
    const s = new CompletionStream(0, false);
    ids.slice(0, -1).forEach((id) => s.push(tk.table.bytesOf(id)));
    expect(s.finish()).toBe('a');
  });

  it('hides the bytes token healing backed off', () => {
    const { deltas, final } = stream(' method to solve', { skip: ' meth'.length });
    expect(final).toBe('od to solve');
    expect(deltas.join('')).toBe('od to solve');
  });
});

describe('stopping at a sentence end', () => {
  it('cuts after the sentence mark once a space follows', () => {
    const { final, deltas, stopped } = stream('We win. Then more.', { stop: true });
    expect(stopped).toBe(true);
    expect(final).toBe('We win.');
    expect(deltas.join('')).toBe('We win.');
  });

  it('does not stop at e.g. or a decimal number', () => {
    const { final, stopped } = stream('costs 3.5 units, e.g. more. Next', { stop: true });
    expect(stopped).toBe(true);
    expect(final).toBe('costs 3.5 units, e.g. more.');
  });

  it('stops before a newline', () => {
    const { final } = stream('first line\nsecond', { stop: true });
    expect(final).toBe('first line');
  });

  it('shows a held-back final mark when the completion ends there', () => {
    const { final, deltas, stopped } = stream('It ends here.', { stop: true });
    expect(stopped).toBe(false);
    expect(final).toBe('It ends here.');
    expect(deltas.join('')).toBe('It ends here.');
  });
});
