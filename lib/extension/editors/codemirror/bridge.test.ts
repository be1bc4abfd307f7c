import { afterEach, describe, expect, it, vi } from 'vitest';
import { BRIDGE_TAG, IsolatedGate, MAX_BRIDGE_TEXT, newChannel, newRequestId, parseToMain, toIsolatedMessage, toMainMessage } from './bridge';

const channel = newChannel();
const other = newChannel();

describe('channel and request ids', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('need no secure context: an http:// page has getRandomValues but no randomUUID', () => {
    const { getRandomValues } = globalThis.crypto;
    vi.stubGlobal('crypto', { getRandomValues: getRandomValues.bind(globalThis.crypto) });
    const ch = newChannel();
    const id = newRequestId();
    const msg = toMainMessage(ch, { type: 'context-request', id });
    expect(parseToMain(structuredClone(msg))).toEqual(msg);
    expect(newChannel()).not.toBe(ch);
  });
});

describe('messages to MAIN', () => {
  it('round-trips what the isolated side builds', () => {
    const msg = toMainMessage(channel, { type: 'ghost', id: 'r1', text: ' method', streaming: true });
    expect(parseToMain(structuredClone(msg))).toEqual(msg);
  });

  it('rejects foreign, malformed and oversized messages', () => {
    const good = toMainMessage(channel, { type: 'ghost', id: 'r1', text: 'x', streaming: false });
    const bad: unknown[] = [
      null,
      'hello',
      { ...good, tag: 'someone-else' },
      { ...good, dir: 'to-isolated' },
      { ...good, type: 'insert' },
      { ...good, text: 42 },
      { ...good, text: 'x'.repeat(MAX_BRIDGE_TEXT + 1) },
      { ...good, channel: 'short' },
      { ...good, id: '<img src=x>' },
      { ...good, extra: 'field' },
    ];
    for (const value of bad) expect(parseToMain(value)).toBeNull();
  });
});

describe('IsolatedGate', () => {
  const reply = (over: Record<string, unknown> = {}) => ({
    ...toIsolatedMessage(channel, { type: 'context', id: 'r1', ok: true, text: 'We propose', mode: 'overlay' }),
    ...over,
  });

  it('accepts a context reply only for the request it made, once', () => {
    const gate = new IsolatedGate(channel);
    expect(gate.admit(reply())).toBeNull(); // nothing requested yet
    gate.expectContext('r1');
    expect(gate.admit(reply({ id: 'r2' }))).toBeNull(); // unknown id
    expect(gate.admit(reply({ channel: other }))).toBeNull(); // other channel
    expect(gate.admit(reply())?.type).toBe('context');
    expect(gate.admit(reply())).toBeNull(); // a second (forged) reply is ignored
  });

  it('accepts "ended" only for the live session', () => {
    const gate = new IsolatedGate(channel);
    const ended = (id: string) => toIsolatedMessage(channel, { type: 'ended', id, reason: 'dismissed' });
    expect(gate.admit(ended('r1'))).toBeNull();
    gate.expectContext('r1');
    expect(gate.admit(ended('r0'))).toBeNull();
    expect(gate.admit(ended('r1'))?.type).toBe('ended');
    gate.endSession('r1');
    expect(gate.admit(ended('r1'))).toBeNull();
  });

  it('rejects messages the MAIN side would act on (wrong direction)', () => {
    const gate = new IsolatedGate(channel);
    gate.expectContext('r1');
    expect(gate.admit(toMainMessage(channel, { type: 'ghost', id: 'r1', text: 'x', streaming: false }))).toBeNull();
    expect(gate.admit({ tag: BRIDGE_TAG, dir: 'to-isolated', type: 'generate', channel, id: 'r1' })).toBeNull();
  });

  it('lets main-ready through without a channel (it carries no data)', () => {
    const gate = new IsolatedGate(channel);
    expect(gate.admit(toIsolatedMessage(null, { type: 'main-ready' }))?.type).toBe('main-ready');
  });
});
