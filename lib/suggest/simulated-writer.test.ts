import { describe, expect, it } from 'vitest';
import { acceptedUnits, keystrokeSaving, nextUnits, simulateWriter, startOfWord, suggestionPrecision } from './simulated-writer';

describe('simulated writer accounting', () => {
  it('splits the rest of the text into units: rest of the word with its space, then each word with its space', () => {
    expect(nextUnits('od is a test', 10)).toEqual(['od ', 'is ', 'a ', 'test']);
    expect(nextUnits(' is a', 10)).toEqual([' ', 'is ', 'a']);
    expect(nextUnits('x', 1)).toEqual(['x']);
  });

  it('accepts only whole units at the start of the suggestion', () => {
    expect(acceptedUnits('od is ', 'od is a test')).toEqual({ units: 2, length: 6 });
    expect(acceptedUnits('od is', 'od is a test')).toEqual({ units: 1, length: 3 });
    expect(acceptedUnits('odd ', 'od is a test')).toEqual({ units: 0, length: 0 });
    expect(acceptedUnits('a testing ', 'a test')).toEqual({ units: 1, length: 2 });
    expect(acceptedUnits('a test', 'a test')).toEqual({ units: 2, length: 6 });
  });

  it('finds the 6th word', () => {
    expect(startOfWord('one two three four five six seven', 6)).toBe(24);
    expect(startOfWord('one two', 6)).toBe(-1);
  });

  it('counts keystrokes on a hand-made suggestion sequence', async () => {
    const text = 'a b c d e six seven eight';
    // Starts at "six seven eight" (15 characters).
    const seen: string[] = [];
    const answers: Record<string, string> = {
      'a b c d e ': 'six ', // right: accepts "six " (4 chars, 1 keystroke)
      'a b c d e six ': 'eleven ', // wrong: types "s"
      'a b c d e six s': 'even eight', // right: "even " and "eight" (10 chars, 2 keystrokes); done
    };
    const t = await simulateWriter(text, async (typed) => {
      seen.push(typed);
      return answers[typed] ?? '';
    });
    expect(seen).toEqual(Object.keys(answers));
    expect(t).toMatchObject({ chars: 15, acceptedChars: 14, acceptKeystrokes: 3, typedChars: 1, requests: 3, shown: 3, useful: 2, held: 0 });
    expect(keystrokeSaving(t)).toBeCloseTo(11 / 15);
    expect(suggestionPrecision(t)).toBeCloseTo(2 / 3);
  });

  it('with no suggestions types every character and saves nothing', async () => {
    const t = await simulateWriter('one two three four five six seven', async () => '');
    expect(t).toMatchObject({ chars: 9, typedChars: 9, requests: 9, shown: 0, useful: 0 });
    expect(keystrokeSaving(t)).toBe(0);
    expect(suggestionPrecision(t)).toBe(0);
  });

  it('gives the model the context before the text, and never types it', async () => {
    const context = '\\section{Method}\n\nEarlier paragraph.\n\n';
    const text = 'a b c d e six seven';
    const seen: string[] = [];
    const t = await simulateWriter(
      text,
      async (before) => {
        seen.push(before);
        return before === `${context}a b c d e ` ? 'six seven' : '';
      },
      { context },
    );
    // Accepted at once: the context counts as neither typed nor accepted characters.
    expect(seen).toEqual([`${context}a b c d e `]);
    expect(t).toMatchObject({ chars: 9, acceptedChars: 9, acceptKeystrokes: 2, typedChars: 0, requests: 1, useful: 1, held: 0 });
  });

  it('asks for nothing where the extension would show nothing: command names, key braces, comments', async () => {
    const text = 'one two three four five see \\cite{smith} and \\emph{x} % note';
    const asked: string[] = [];
    const t = await simulateWriter(text, async (before) => {
      asked.push(before.slice(text.indexOf('see')));
      return '';
    });
    // Held, by what the text before the caret ends with: "\" … "\cite" (command name), "\cite{" … "\cite{smith"
    // (key braces), "\" … "\emph" (command name), "%" … "% not" (comment): 5 + 6 + 5 + 5 positions.
    const held = ['\\', '\\c', '\\ci', '\\cit', '\\cite', '\\cite{', '\\cite{s', '\\cite{sm', '\\cite{smi', '\\cite{smit', '\\cite{smith'];
    for (const h of held) expect(asked).not.toContain(`see ${h}`);
    expect(asked).toContain('see \\cite{smith}');
    expect(asked).toContain('see \\cite{smith} and \\emph{');
    expect(asked).toContain('see \\cite{smith} and \\emph{x} ');
    expect(asked.some((a) => a.includes('%'))).toBe(false);
    expect(t.held).toBe(5 + 6 + 5 + 5);
    expect(t.requests + t.held).toBe(t.chars);
    expect(t.typedChars).toBe(t.chars);
  });

  it('applies the trigger rules to the context too: a text typed after an open comment line gets nothing', async () => {
    const t = await simulateWriter('one two three four five six', async () => 'six', { context: 'intro % a comment, same line ' });
    expect(t).toMatchObject({ chars: 3, requests: 0, shown: 0, held: 3 });
  });
});

