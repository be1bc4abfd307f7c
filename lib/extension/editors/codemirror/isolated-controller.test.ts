// @vitest-environment happy-dom
/**
 * The ISOLATED side of the codemirror kinds against a stand-in generation
 * client and a stand-in MAIN side (the window messages it would send): the
 * Generate control reads busy from the request until the final text is drawn,
 * the ghost it sends is LaTeX-safe in a LaTeX editor and as written elsewhere,
 * and messages for any other session change nothing. The MAIN side itself is
 * main-controller.test.ts; both worlds together, e2e/overleaf.test.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GenerationHandlers } from '../../generation-client';
import { BRIDGE_TAG, toIsolatedMessage, type ToIsolatedBody, type ToMainMessage } from './bridge';
import { IsolatedController } from './isolated-controller';
import { GENERATE_BUTTON_ATTR } from './ui';

const generation = vi.hoisted(() => ({ handlers: null as GenerationHandlers | null, prompt: '', cancelled: 0 }));

vi.mock('../../generation-client', () => ({
  startGeneration: (request: { prompt: string }, handlers: GenerationHandlers) => {
    generation.handlers = handlers;
    generation.prompt = request.prompt;
    return {
      cancel: () => void generation.cancelled++,
      active: true,
    };
  },
  startSuggestion: () => ({ cancel: () => undefined, active: true }),
  warmEngine: async () => undefined,
  doneMessage: (result: { text: string }) => (result.text ? 'Done.' : 'The model had nothing to add here.'),
}));
vi.mock('../../inline-settings-store', () => ({
  loadInlineSettings: () => new Promise(() => undefined),
  watchInlineSettings: () => undefined,
}));

afterEach(() => {
  document.body.innerHTML = '';
  Object.assign(generation, { handlers: null, prompt: '', cancelled: 0 });
});

const summary = (text: string) => ({ text, tokens: 3, stopReason: 'max_tokens' as const, timeToFirstTokenMs: 1, totalMs: 2 });

function setup(kind: 'codemirror' | 'overleaf', language?: string) {
  document.body.innerHTML = '<div class="cm-editor"><div class="cm-content" contenteditable="true"></div></div>';
  const content = document.querySelector<HTMLElement>('.cm-content')!;
  if (language) content.setAttribute('data-language', language);
  const sent: ToMainMessage[] = [];
  const listeners: Array<(e: { source: unknown; data: unknown }) => void> = [];
  const win = {
    document,
    location: { origin: 'https://www.overleaf.com' },
    postMessage: (message: ToMainMessage) => sent.push(message),
    addEventListener: (type: string, fn: (e: { source: unknown; data: unknown }) => void) => type === 'message' && listeners.push(fn),
  } as unknown as Window;
  const controller = new IsolatedController(win, { kind, fieldId: 'editor', source: 'button', basicModeNotice: 'basic' });
  controller.start();
  /** A message from the MAIN side (or from a page that forges one: the same window, the same channel). */
  const reply = (body: ToIsolatedBody) => {
    const data = toIsolatedMessage(sent[0]!.channel, body);
    for (const fn of listeners) fn({ source: win, data });
  };
  const busy = () => document.querySelector(`[${GENERATE_BUTTON_ATTR}]`)!.getAttribute('aria-busy');
  const ghosts = () => sent.filter((m) => m.type === 'ghost');
  /** Clicks Generate (a trusted click calls this) and answers its context request with `text`; returns the session id. */
  const generate = (text: string) => {
    controller.generate(content.parentElement);
    const request = sent.at(-1)!;
    expect(request).toMatchObject({ tag: BRIDGE_TAG, type: 'context-request' });
    const id = (request as { id: string }).id;
    reply({ type: 'context', id, ok: true, text, mode: 'overlay' });
    return id;
  };
  return { controller, sent, reply, busy, ghosts, generate };
}

describe('IsolatedController, Generate', () => {
  it('the control is busy from the request on, and idle only once the MAIN side reports the final text drawn', () => {
    const { controller, sent, reply, busy, ghosts } = setup('codemirror');
    expect(busy()).toBe('false');
    controller.generate(document.querySelector<HTMLElement>('.cm-editor'));
    expect(busy(), 'busy before any reply').toBe('true');
    const { id } = sent.at(-1) as { id: string };
    reply({ type: 'context', id, ok: true, text: 'We propose', mode: 'overlay' });
    expect(generation.prompt).toBe('We propose');
    generation.handlers!.onDelta!(' a');
    generation.handlers!.onDelta!(' method');
    expect(ghosts().at(-1)).toMatchObject({ id, text: ' a method', streaming: true });
    generation.handlers!.onDone!(summary(' a method'));
    expect(ghosts().at(-1)).toMatchObject({ id, text: ' a method', streaming: false });
    expect(busy(), 'the last words are not on screen yet').toBe('true');
    reply({ type: 'drawn', id });
    expect(busy()).toBe('false');
  });

  it('a "drawn" for another session, or one that comes while a run is still going, leaves the control busy', () => {
    const { reply, busy, generate } = setup('codemirror');
    const first = generate('We propose');
    generation.handlers!.onDone!(summary(' a method'));
    const second = generate('We propose');
    reply({ type: 'drawn', id: first });
    expect(busy(), 'the first session is over: its message is refused').toBe('true');
    reply({ type: 'drawn', id: second });
    expect(busy(), 'the second run has not finished').toBe('true');
    generation.handlers!.onDone!(summary(' an approach'));
    reply({ type: 'drawn', id: second });
    expect(busy()).toBe('false');
  });

  it('an empty completion: the MAIN side ends the session instead, and the control turns idle', () => {
    const { reply, busy, ghosts, generate } = setup('codemirror');
    const id = generate('We propose');
    generation.handlers!.onDone!(summary(''));
    expect(ghosts().at(-1)).toMatchObject({ id, text: '', streaming: false });
    expect(busy()).toBe('true');
    reply({ type: 'ended', id, reason: 'dismissed' });
    expect(busy()).toBe('false');
  });

  it('in a LaTeX editor the ghost is LaTeX-safe while it streams and when it is final; elsewhere it is as written', () => {
    const latex = setup('overleaf');
    const id = latex.generate('Accuracy improves by');
    for (const delta of [' 10%', ' over R&D', ' in $x']) generation.handlers!.onDelta!(delta);
    generation.handlers!.onDone!(summary(' 10% over R&D in $x'));
    expect(latex.ghosts().map((m) => [m.id, (m as { text: string }).text])).toEqual([
      [id, ' 10\\%'],
      [id, ' 10\\% over R\\&D'],
      [id, ' 10\\% over R\\&D in '],
      [id, ' 10\\% over R\\&D in '],
    ]);

    const plain = setup('codemirror', 'markdown');
    plain.generate('Accuracy improves by');
    generation.handlers!.onDelta!(' 10% over R&D');
    generation.handlers!.onDone!(summary(' 10% over R&D'));
    expect(plain.ghosts().at(-1)).toMatchObject({ text: ' 10% over R&D', streaming: false });
  });
});
