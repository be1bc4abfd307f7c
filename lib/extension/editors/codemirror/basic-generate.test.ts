// @vitest-environment happy-dom
/**
 * Basic-mode generation against a stand-in generation client: the completion
 * goes in only where it was asked for, and a selection or caret change while
 * it runs cancels it with a message instead. happy-dom has no execCommand, so
 * the test defines one that inserts at the selection as a browser would.
 * Trusted typing cannot be made in happy-dom; e2e/overleaf.test.ts covers it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GenerationHandlers } from '../../generation-client';
import { basicModeGenerate } from './basic-generate';

const generation = vi.hoisted(() => ({
  handlers: null as GenerationHandlers | null,
  prompt: '',
  active: false,
  cancelled: 0,
}));

vi.mock('../../generation-client', () => ({
  startGeneration: (request: { prompt: string }, handlers: GenerationHandlers) => {
    generation.handlers = handlers;
    generation.prompt = request.prompt;
    generation.active = true;
    return {
      cancel() {
        if (!generation.active) return;
        generation.active = false;
        generation.cancelled++;
      },
      get active() {
        return generation.active;
      },
    };
  },
}));

const done = (text: string) => {
  generation.active = false;
  generation.handlers!.onDone!({ text, tokens: 3, stopReason: 'max_tokens', timeToFirstTokenMs: 1, totalMs: 2 });
};
const selectionChanged = () => document.dispatchEvent(new Event('selectionchange'));

let content: HTMLElement;
let line: Text;
let finished: Array<string | undefined>;

beforeEach(() => {
  Object.assign(generation, { handlers: null, prompt: '', active: false, cancelled: 0 });
  finished = [];
  content = document.createElement('div');
  content.className = 'cm-content';
  content.contentEditable = 'true';
  content.innerHTML = '<div class="cm-line">We propose a method to</div>';
  line = content.firstChild!.firstChild as Text;
  document.body.append(content);
  content.focus();
  document.getSelection()!.setBaseAndExtent(line, line.length, line, line.length);
  (document as { execCommand?: unknown }).execCommand = (_: string, __: boolean, text: string) => {
    const range = document.getSelection()!.getRangeAt(0);
    range.deleteContents();
    range.insertNode(document.createTextNode(text));
    return true;
  };
});
afterEach(() => {
  document.body.innerHTML = '';
  delete (document as { execCommand?: unknown }).execCommand;
});

const run = () => basicModeGenerate(content, 'overleaf-editor', 'overleaf', { onFinished: (m) => finished.push(m) });

describe('basicModeGenerate', () => {
  it('inserts the finished completion at the unchanged caret', () => {
    run();
    expect(generation.prompt).toBe('We propose a method to');
    selectionChanged(); // e.g. the editor redrawing: same caret, same text
    done(' learn');
    expect(content.textContent).toBe('We propose a method to learn');
    expect(finished).toEqual([undefined]);
  });

  it('a selection made meanwhile cancels the generation, is left as it is, and says why', () => {
    run();
    document.getSelection()!.setBaseAndExtent(line, 3, line, 10);
    selectionChanged();
    expect(generation.cancelled).toBe(1);
    expect(finished).toHaveLength(1);
    expect(finished[0]).toMatch(/selected text.*not inserted/);
    expect(content.textContent).toBe('We propose a method to');
    expect(document.getSelection()!.toString()).toBe('propose');
  });

  it('refuses at the end if the selection changed without a selectionchange being seen', () => {
    run();
    document.getSelection()!.setBaseAndExtent(line, 3, line, 10);
    done(' learn');
    expect(content.textContent).toBe('We propose a method to');
    expect(finished[0]).toMatch(/not inserted/);
  });

  it('refuses a caret that moved, even with nothing selected', () => {
    run();
    document.getSelection()!.setBaseAndExtent(line, 2, line, 2);
    done(' learn');
    expect(content.textContent).toBe('We propose a method to');
    expect(finished[0]).toMatch(/caret.*not inserted/);
  });

  it('refuses when the text before the caret changed (e.g. a collaborator edit)', () => {
    run();
    line.insertData(0, 'Here ');
    document.getSelection()!.setBaseAndExtent(line, line.length, line, line.length);
    done(' learn');
    expect(content.textContent).toBe('Here We propose a method to');
    expect(finished[0]).toMatch(/not inserted/);
  });

  it('an empty completion inserts nothing and says so', () => {
    run();
    done('');
    expect(content.textContent).toBe('We propose a method to');
    expect(finished[0]).toMatch(/nothing to add/);
  });

  it('in a LaTeX editor the completion goes in LaTeX-safe: escaped, and cut back out of open math', () => {
    basicModeGenerate(content, 'overleaf-editor', 'overleaf', { latex: true, onFinished: (m) => finished.push(m) });
    for (const piece of [' improve', ' by 10%', ' in $\\math', 'rm']) generation.handlers!.onDelta!(piece);
    done(' improve by 10% in $\\mathrm');
    expect(content.textContent).toBe('We propose a method to improve by 10\\% in ');
    expect(finished).toEqual([undefined]);
  });

  it('in a LaTeX editor a completion with nothing safe in it inserts nothing and says so', () => {
    basicModeGenerate(content, 'overleaf-editor', 'overleaf', { latex: true, onFinished: (m) => finished.push(m) });
    done('$x_');
    expect(content.textContent).toBe('We propose a method to');
    expect(finished[0]).toMatch(/nothing to add/);
  });

  it('after cancel (or the end) it stops watching the selection', () => {
    const handle = run();
    handle.cancel();
    document.getSelection()!.setBaseAndExtent(line, 3, line, 10);
    selectionChanged();
    expect(generation.cancelled).toBe(1);
    expect(finished).toEqual([]);
  });
});
