// @vitest-environment happy-dom
/**
 * The MAIN-world controller's inline sessions on a real CodeMirror 6
 * EditorView (happy-dom; e2e covers layout and both CodeMirror layouts in
 * Chromium): what it answers, when it shows a result, typing through,
 * cycling, and that a result for changed text is never shown.
 */
import { history } from '@codemirror/commands';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { afterEach, describe, expect, it } from 'vitest';
import { codemirrorAccess } from './access';
import { toMainMessage, type ToIsolatedMessage, type ToMainBody } from './bridge';
import { MainController } from './main-controller';

const CHANNEL = 'c'.repeat(32);
const views: EditorView[] = [];
afterEach(() => {
  for (const v of views.splice(0)) v.destroy();
  document.body.innerHTML = '';
});

const frame = () => new Promise((r) => setTimeout(r, 40));

function setup(doc: string, caret = doc.length) {
  const view = new EditorView({ parent: document.body, state: EditorState.create({ doc, selection: { anchor: caret }, extensions: [history()] }) });
  views.push(view);
  view.focus();
  const sent: ToIsolatedMessage[] = [];
  // Each test its own window stand-in, so an earlier test's controller hears none of this one's keys.
  const keys = new EventTarget();
  const win = { document, requestAnimationFrame: (fn: FrameRequestCallback) => window.requestAnimationFrame(fn), addEventListener: keys.addEventListener.bind(keys) } as unknown as Window;
  const controller = new MainController(win, (m) => sent.push(m), codemirrorAccess);
  const press = (init: KeyboardEventInit) => {
    const event = new KeyboardEvent('keydown', { cancelable: true, ...init });
    keys.dispatchEvent(event);
    return event;
  };
  const send = (body: ToMainBody) => controller.handle(toMainMessage(CHANNEL, body));
  send({ type: 'hello' } as ToMainBody);
  const ghost = () => document.querySelector('.aa-ghost-text')?.textContent ?? null;
  const typeAt = (text: string) => {
    const head = view.state.selection.main.head;
    view.dispatch({ changes: { from: head, insert: text }, selection: { anchor: head + text.length }, userEvent: 'input.type' });
  };
  return { view, sent, send, ghost, typeAt, press };
}

describe('MainController, inline sessions', () => {
  it('answers with the text, the rest of the line and the selection state, and shows nothing until a result', () => {
    const { sent, send, ghost } = setup('We propose\nnext line', 10);
    send({ type: 'context-request', id: 'a1', inline: true });
    expect(sent.at(-1)).toMatchObject({ type: 'context', id: 'a1', ok: true, text: 'We propose', after: '', selection: false });
    expect(ghost(), 'no "…" placeholder for a suggestion').toBeNull();
  });

  it('typing what the ghost shows consumes it; Alt+] cycles; a different character ends it', async () => {
    const { sent, send, ghost, typeAt, press } = setup('We propose');
    send({ type: 'context-request', id: 'a2', inline: true });
    send({ type: 'suggestions', id: 'a2', candidates: [' a novel method ', ' an approach '], streaming: false });
    expect(ghost()).toBe(' a novel method ');
    typeAt(' a');
    await frame();
    expect(ghost()).toBe(' novel method ');
    press({ key: ']', code: 'BracketRight', altKey: true });
    expect(ghost()).toBe('n approach ');
    typeAt('x');
    await frame();
    expect(ghost()).toBeNull();
    expect(sent.at(-1)).toMatchObject({ type: 'ended', id: 'a2', reason: 'dismissed' });
  });

  it('Alt+] over the ghost alone keeps it shown, and cycles once the alternatives arrive', () => {
    const { send, ghost, press } = setup('We propose');
    send({ type: 'context-request', id: 'a9', inline: true });
    send({ type: 'suggestions', id: 'a9', candidates: [' a novel method '], streaming: false });
    expect(press({ key: ']', code: 'BracketRight', altKey: true }).defaultPrevented).toBe(true);
    expect(ghost()).toBe(' a novel method ');
    send({ type: 'suggestions', id: 'a9', candidates: [' a novel method ', ' an approach '], streaming: false });
    expect(ghost()).toBe(' an approach ');
  });

  it('a key typed before the watcher caught up with the previous one still types through', () => {
    const { send, ghost, typeAt, press } = setup('We propose');
    send({ type: 'context-request', id: 'a8', inline: true });
    send({ type: 'suggestions', id: 'a8', candidates: [' a novel method '], streaming: false });
    typeAt(' ');
    // No frame in between: the keydown of the next character comes first.
    expect(press({ key: 'a' }).defaultPrevented).toBe(false);
    expect(ghost()).toBe('a novel method ');
  });

  it('a result for text that changed since the request is never shown', () => {
    const { sent, send, ghost, typeAt } = setup('We propose');
    send({ type: 'context-request', id: 'a3', inline: true });
    typeAt(' a');
    send({ type: 'suggestions', id: 'a3', candidates: [' novel method '], streaming: false });
    expect(ghost()).toBeNull();
    expect(sent.at(-1)).toMatchObject({ type: 'ended', id: 'a3', reason: 'dismissed' });
  });

  it('a shown ghost is not replaced: a new inline request is answered busy', () => {
    const { sent, send, ghost } = setup('We propose');
    send({ type: 'context-request', id: 'a4', inline: true });
    send({ type: 'suggestions', id: 'a4', candidates: [' a method '], streaming: false });
    send({ type: 'context-request', id: 'a5', inline: true });
    expect(sent.at(-1)).toMatchObject({ type: 'context', id: 'a5', busy: true });
    expect(ghost()).toBe(' a method ');
  });

  it('Tab inserts the shown candidate in one transaction and ends as accepted', () => {
    const { view, sent, send, press } = setup('We propose');
    send({ type: 'context-request', id: 'a6', inline: true });
    send({ type: 'suggestions', id: 'a6', candidates: [' a method '], streaming: false });
    const tab = press({ key: 'Tab' });
    expect(tab.defaultPrevented).toBe(true);
    expect(view.state.doc.toString()).toBe('We propose a method ');
    expect(sent.at(-1)).toMatchObject({ type: 'ended', id: 'a6', reason: 'accepted' });
  });

  it('no key is taken while nothing is shown', () => {
    const { send, press } = setup('We propose');
    send({ type: 'context-request', id: 'a7', inline: true });
    const tab = press({ key: 'Tab' });
    expect(tab.defaultPrevented).toBe(false);
  });
});

describe('MainController, Generate sessions: the "…" placeholder never outlives its request', () => {
  const streaming = () => document.querySelector<HTMLElement>('[data-abstract-autocomplete="ghost"]')?.dataset.streaming;

  it('shows "…" until the first words, then the text; the final text is reported drawn', () => {
    const { sent, send, ghost } = setup('We propose');
    send({ type: 'context-request', id: 'g1' });
    expect(sent.at(-1)).toMatchObject({ type: 'context', id: 'g1', ok: true, text: 'We propose' });
    expect(ghost()).toBe('…');
    send({ type: 'ghost', id: 'g1', text: ' a', streaming: true });
    expect(ghost()).toBe(' a');
    expect(sent.some((m) => m.type === 'drawn')).toBe(false);
    send({ type: 'ghost', id: 'g1', text: ' a method', streaming: false });
    expect(ghost()).toBe(' a method');
    expect(streaming()).toBe('false');
    expect(sent.at(-1)).toMatchObject({ type: 'drawn', id: 'g1' });
  });

  it('an empty completion removes the placeholder and ends the session; nothing is reported drawn', () => {
    const { sent, send, ghost } = setup('We propose');
    send({ type: 'context-request', id: 'g2' });
    send({ type: 'ghost', id: 'g2', text: '', streaming: false });
    expect(ghost()).toBeNull();
    expect(sent.at(-1)).toMatchObject({ type: 'ended', id: 'g2', reason: 'dismissed' });
    expect(sent.some((m) => m.type === 'drawn')).toBe(false);
  });

  it('a cancelled run (dismiss) removes the placeholder', () => {
    const { send, ghost } = setup('We propose');
    send({ type: 'context-request', id: 'g3' });
    expect(ghost()).toBe('…');
    send({ type: 'dismiss', id: 'g3' });
    expect(ghost()).toBeNull();
  });

  it('a caret move while the placeholder shows removes it and ends the session', async () => {
    const { view, sent, send, ghost } = setup('We propose');
    send({ type: 'context-request', id: 'g4' });
    view.dispatch({ selection: { anchor: 2 } });
    await frame();
    expect(ghost()).toBeNull();
    expect(sent.at(-1)).toMatchObject({ type: 'ended', id: 'g4', reason: 'dismissed' });
  });

  it('an inline request never takes over a Generate session, and neither kind draws into the other', () => {
    const { sent, send, ghost } = setup('We propose');
    send({ type: 'context-request', id: 'g5' });
    send({ type: 'context-request', id: 'i5', inline: true });
    expect(sent.at(-1)).toMatchObject({ type: 'context', id: 'i5', busy: true });
    expect(ghost()).toBe('…');
    // Inline candidates addressed to the Generate session are not drawn into its ghost.
    send({ type: 'suggestions', id: 'g5', candidates: [' an inline guess '], streaming: false });
    expect(ghost()).toBe('…');
    send({ type: 'ghost', id: 'g5', text: ' a method', streaming: false });
    expect(ghost()).toBe(' a method');
    send({ type: 'context-request', id: 'i6', inline: true });
    expect(sent.at(-1)).toMatchObject({ type: 'context', id: 'i6', busy: true });
  });

  it('a Generate over a shown suggestion ends the suggestion first (reported), then shows its own placeholder', () => {
    const { sent, send, ghost } = setup('We propose');
    send({ type: 'context-request', id: 'i7', inline: true });
    send({ type: 'suggestions', id: 'i7', candidates: [' a novel method '], streaming: false });
    expect(ghost()).toBe(' a novel method ');
    send({ type: 'context-request', id: 'g7' });
    expect(sent.map((m) => m.type === 'ended' && m.id)).toContain('i7');
    expect(ghost()).toBe('…');
    // The suggestion's session is over: its late results are not drawn into the Generate's ghost.
    send({ type: 'suggestions', id: 'i7', candidates: [' a late suggestion '], streaming: false });
    send({ type: 'ghost', id: 'i7', text: ' a late suggestion ', streaming: false });
    expect(ghost()).toBe('…');
    expect(document.querySelectorAll('.aa-ghost-text')).toHaveLength(1);
  });
});
