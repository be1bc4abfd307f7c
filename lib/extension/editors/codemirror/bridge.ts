/**
 * The message bridge between the Overleaf content scripts' two worlds.
 *
 * - The ISOLATED-world script (`entrypoints/overleaf.content.ts`) can use the
 *   extension APIs but cannot see the page's JavaScript objects.
 * - The MAIN-world script (`entrypoints/overleaf-main.content.ts`) can reach
 *   CodeMirror's EditorView but has no extension APIs, and shares its world
 *   with the page.
 * They talk through `window.postMessage`, which the page can both read and
 * forge. Why that is safe (see also docs/architecture/extension.md,
 * "CodeMirror 6 and Overleaf"):
 *
 *  1. Every message is parsed with the zod schemas below (tag, direction,
 *     channel, bounded sizes); anything else is dropped.
 *  2. The channel is a random id the isolated side creates per page. The page
 *     can observe it once it is used, so it is a filter against cross-talk, not
 *     a secret. Security rests on what each side is willing to do:
 *  3. The MAIN side only reads the editor's text before the caret (which the
 *     page has anyway) and shows / inserts text it is sent. A forged "ghost"
 *     message can at most show text the page chose, in the page's own editor,
 *     and accepting it inserts that text into the page's own document: nothing
 *     the page could not do itself.
 *  4. The ISOLATED side never starts a generation because of a message: only a
 *     trusted user action (an `isTrusted` click on its Generate button, or the
 *     browser's keyboard command relayed by the background) does. It accepts a
 *     "context" reply only for the request id it just made, and an "ended"
 *     or "drawn" event only for its current session, on which it merely
 *     cancels the generation or turns its Generate control idle. A
 *     page that races a forged reply can only change the prompt to text of its
 *     own choosing, whose completion then goes back into the page.
 */
import { z } from 'zod';
import { MAX_CANDIDATES } from '../../protocol';

/** Tag on every bridge message, so unrelated postMessage traffic is ignored cheaply. */
export const BRIDGE_TAG = 'abstract-autocomplete/overleaf';
/** Longest context / ghost text carried (prompts are at most MAX_PROMPT_CHARS; completions far shorter). */
export const MAX_BRIDGE_TEXT = 20_000;
/** The trigger rules only need to know what follows the caret on its line. */
export const MAX_LINE_AFTER = 200;

const Channel = z.string().regex(/^[A-Za-z0-9-]{16,64}$/);
const RequestId = z.string().regex(/^[A-Za-z0-9-]{1,64}$/);
const Text = z.string().max(MAX_BRIDGE_TEXT);

const toMain = { tag: z.literal(BRIDGE_TAG), dir: z.literal('to-main'), channel: Channel };
const toIsolated = { tag: z.literal(BRIDGE_TAG), dir: z.literal('to-isolated') };

/** Isolated → MAIN. */
export const ToMainMessage = z.discriminatedUnion('type', [
  /** Binds the MAIN side to this page's channel (first one wins). */
  z.strictObject({ ...toMain, type: z.literal('hello') }),
  /**
   * Asks for the text before the caret; starts a ghost session `id` at the
   * current caret. `inline`: an as-you-type suggestion (no "…" while it is
   * computed; refused as busy while another ghost is shown).
   */
  z.strictObject({ ...toMain, type: z.literal('context-request'), id: RequestId, inline: z.boolean().optional() }),
  /** Inline session `id`: its candidates, the ghost first (the first word while `streaming`). */
  z.strictObject({
    ...toMain,
    type: z.literal('suggestions'),
    id: RequestId,
    candidates: z.array(Text).max(MAX_CANDIDATES),
    streaming: z.boolean(),
  }),
  /** The completion so far (the full text, not a delta); `streaming` false once it is final. */
  z.strictObject({ ...toMain, type: z.literal('ghost'), id: RequestId, text: Text, streaming: z.boolean() }),
  /** Remove the ghost of session `id` (generation failed or was cancelled). */
  z.strictObject({ ...toMain, type: z.literal('dismiss'), id: RequestId }),
]);
export type ToMainMessage = z.infer<typeof ToMainMessage>;

export const EDITOR_MODES = ['native', 'overlay'] as const;
export type EditorMode = (typeof EDITOR_MODES)[number];

/** MAIN → isolated. */
export const ToIsolatedMessage = z.discriminatedUnion('type', [
  /** The MAIN script started (or was late): the isolated side re-sends hello. */
  z.strictObject({ ...toIsolated, type: z.literal('main-ready') }),
  z.strictObject({
    ...toIsolated,
    channel: Channel,
    type: z.literal('context'),
    id: RequestId,
    /** False when no EditorView could be reached: the isolated side falls back to basic mode. */
    ok: z.boolean(),
    text: Text,
    mode: z.enum(EDITOR_MODES).optional(),
    /** Inline requests: the rest of the caret's line (bounded), whether text is selected, whether a ghost is already shown. */
    after: z.string().max(MAX_LINE_AFTER).optional(),
    selection: z.boolean().optional(),
    busy: z.boolean().optional(),
  }),
  /**
   * Generate session `id`'s final completion is on screen. Until then the
   * Generate control stays busy: the last words travel after the run's end.
   */
  z.strictObject({ ...toIsolated, channel: Channel, type: z.literal('drawn'), id: RequestId }),
  /** The ghost of session `id` is gone: accepted in full, dismissed, or the caret moved. */
  z.strictObject({
    ...toIsolated,
    channel: Channel,
    type: z.literal('ended'),
    id: RequestId,
    reason: z.enum(['accepted', 'dismissed']),
  }),
]);
export type ToIsolatedMessage = z.infer<typeof ToIsolatedMessage>;

/** Distributive Omit, so each union member keeps its own fields. */
type WithoutEnvelope<T> = T extends unknown ? Omit<T, 'tag' | 'dir' | 'channel'> : never;
export type ToMainBody = WithoutEnvelope<ToMainMessage>;
export type ToIsolatedBody = WithoutEnvelope<ToIsolatedMessage>;

/** Parses a `message` event's data; null for anything that is not a valid bridge message to MAIN. */
export function parseToMain(data: unknown): ToMainMessage | null {
  const parsed = ToMainMessage.safeParse(data);
  return parsed.success ? parsed.data : null;
}

/** Parses a `message` event's data; null for anything that is not a valid bridge message to the isolated side. */
export function parseToIsolated(data: unknown): ToIsolatedMessage | null {
  const parsed = ToIsolatedMessage.safeParse(data);
  return parsed.success ? parsed.data : null;
}

export function toMainMessage(channel: string, body: ToMainBody): ToMainMessage {
  return { tag: BRIDGE_TAG, dir: 'to-main', channel, ...body } as ToMainMessage;
}

export function toIsolatedMessage(channel: string | null, body: ToIsolatedBody): ToIsolatedMessage {
  const envelope = body.type === 'main-ready' ? {} : { channel };
  return { tag: BRIDGE_TAG, dir: 'to-isolated', ...envelope, ...body } as ToIsolatedMessage;
}

/**
 * 128 random bits as hex. Not `crypto.randomUUID()`: it exists only in secure
 * contexts, and an enabled http:// site (a lab's own Jupyter server) is not one.
 */
function randomHex(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A fresh random channel id for this page (isolated side). */
export function newChannel(): string {
  return randomHex();
}

/** A fresh id for one context request / ghost session (isolated side). */
export function newRequestId(): string {
  return randomHex();
}

/**
 * Isolated-side gate: which incoming messages to act on. Keeps the one
 * outstanding context request and the one live session; anything else
 * (wrong channel, stale or unknown id, duplicate reply) is refused.
 */
export class IsolatedGate {
  private pendingContextId: string | null = null;
  private liveSessionId: string | null = null;

  constructor(readonly channel: string) {}

  /** Records a context request we are about to send. */
  expectContext(id: string): void {
    this.pendingContextId = id;
    this.liveSessionId = id;
  }

  /** The session (if any) whose ghost is on screen or streaming. */
  get live(): string | null {
    return this.liveSessionId;
  }

  endSession(id: string): void {
    if (this.liveSessionId === id) this.liveSessionId = null;
    if (this.pendingContextId === id) this.pendingContextId = null;
  }

  /**
   * Returns the message if it should be acted on, else null. A context reply
   * is accepted once, only for the request we made.
   */
  admit(data: unknown): ToIsolatedMessage | null {
    const msg = parseToIsolated(data);
    if (!msg) return null;
    if (msg.type === 'main-ready') return msg;
    if (msg.channel !== this.channel) return null;
    if (msg.type === 'context') {
      if (msg.id !== this.pendingContextId) return null;
      this.pendingContextId = null;
      return msg;
    }
    return msg.id === this.liveSessionId ? msg : null;
  }
}
