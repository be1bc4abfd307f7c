/**
 * The one message protocol shared by every context of the extension:
 * content scripts (generic + Overleaf bridge), the popup, the background
 * service worker and the offscreen document that hosts the engine.
 *
 * Every message that crosses a context boundary is parsed with these zod
 * schemas on arrival, so a malformed or foreign message is rejected with a
 * clear reason instead of reaching the engine.
 *
 * Two transports:
 *  - Streams use a `runtime.connect` Port per generation. The Port is bound to
 *    the sender's tab+frame, so the background relays deltas to exactly the
 *    right frame without bookkeeping. A killed service worker shows up as the
 *    Port's `onDisconnect` — or, since Chromium does not always disconnect
 *    Ports of a stopped worker, as KEEPALIVE silence (see below).
 *  - One-shot requests (warm, status, trigger) use `runtime.sendMessage` /
 *    `tabs.sendMessage` and reply with a typed response.
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------
// Port names
// ---------------------------------------------------------------------------

/** Content script / popup → background: one Port per generation. */
export const GENERATE_PORT = 'aa:generate';
/** Background → offscreen document: one Port per generation. */
export const ENGINE_PORT = 'aa:engine';

/**
 * Liveness on both generation Ports. While a generation is loading or
 * running, the background posts `keepalive` every KEEPALIVE_INTERVAL_MS on
 * the client Port and on the engine Port. A receiver that hears nothing
 * (no loading / delta / keepalive) for SILENCE_TIMEOUT_MS treats the other
 * side as gone: the client reports `interrupted`, the engine cancels. This
 * does not rely on Chrome disconnecting the Ports of a stopped worker, which
 * headless Chromium 156 does not do. The timeout is five intervals so a busy
 * worker (settings read, offscreen creation) is never mistaken for a dead one.
 */
export const KEEPALIVE_INTERVAL_MS = 2_000;
export const SILENCE_TIMEOUT_MS = 10_000;

/** Longest prompt we forward; longer prompts keep their tail (the text right before the caret). */
export const MAX_PROMPT_CHARS = 4000;
/** Field ids are opaque strings chosen by the content script. */
const FieldId = z.string().min(1).max(200);

export const GENERATION_SOURCES = ['button', 'context-menu', 'command', 'popup', 'overleaf'] as const;
export type GenerationSource = (typeof GENERATION_SOURCES)[number];

// ---------------------------------------------------------------------------
// Generate stream: client (content script / popup) <-> background
// ---------------------------------------------------------------------------

/** First (and usually only) message the client posts on a GENERATE_PORT. */
export const GenerateRequest = z.object({
  type: z.literal('generate'),
  /** Identifies the field inside the sender's frame; a new request for the same field cancels the old one. */
  fieldId: FieldId,
  /** Text before the caret. The client already trims it to MAX_PROMPT_CHARS. */
  prompt: z.string().min(1, 'Type some text first').max(MAX_PROMPT_CHARS),
  source: z.enum(GENERATION_SOURCES).default('button'),
});
export type GenerateRequest = z.input<typeof GenerateRequest>;

/** Client → background on the same port: stop now (disconnecting does the same). */
export const CancelRequest = z.object({ type: z.literal('cancel') });
/** "I am still here": background → client and background → engine while a generation runs. */
export const KeepaliveMessage = z.object({ type: z.literal('keepalive') });

export const ClientPortMessage = z.discriminatedUnion('type', [GenerateRequest, CancelRequest]);
export type ClientPortMessage = z.input<typeof ClientPortMessage>;

export const STOP_REASONS = ['eos', 'max_tokens', 'sentence_end', 'aborted'] as const;

/** Summary sent when a generation ends normally (or was aborted by a newer request). */
export const GenerationSummary = z.object({
  tokens: z.number().int().nonnegative(),
  stopReason: z.enum(STOP_REASONS),
  /** The full completion; equals the concatenation of all deltas. */
  text: z.string(),
  timeToFirstTokenMs: z.number().nonnegative(),
  totalMs: z.number().nonnegative(),
});
export type GenerationSummary = z.infer<typeof GenerationSummary>;

export const ERROR_CODES = [
  'bad-request', // the message did not parse
  'forbidden', // sender is not our extension
  'empty-prompt',
  'engine-failed', // model failed to load or run
  'interrupted', // the worker / offscreen document went away mid-generation
  'superseded', // a newer request for the same field replaced this one
  'extension-reloaded', // this content script belongs to an old copy of the extension
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Background → client on a GENERATE_PORT. */
export const ServerPortMessage = z.discriminatedUnion('type', [
  /** The engine is loading the model (first use or after an idle unload). */
  z.object({ type: z.literal('loading') }),
  /** A piece of generated text, in order. */
  z.object({ type: z.literal('delta'), text: z.string() }),
  z.object({ type: z.literal('done'), result: GenerationSummary }),
  z.object({ type: z.literal('error'), code: z.enum(ERROR_CODES), message: z.string() }),
  /** Sent by the background every KEEPALIVE_INTERVAL_MS while the generation is alive; carries nothing. */
  KeepaliveMessage,
]);
export type ServerPortMessage = z.infer<typeof ServerPortMessage>;

/** Shown when a Port disconnects (or falls silent) without a done/error: MV3 stopped the service worker. */
export const INTERRUPTED_MESSAGE = 'Generation interrupted: the extension restarted. Click Generate to try again.';
export const EMPTY_PROMPT_MESSAGE = 'Type some text first';
export const EXTENSION_RELOADED_MESSAGE = 'The extension was updated or reloaded. Reload this page to use it again.';

// ---------------------------------------------------------------------------
// Engine stream: background <-> offscreen document
// ---------------------------------------------------------------------------

/**
 * Background → offscreen, first message on an ENGINE_PORT. `options` is
 * validated by the offscreen document with the engine's own sampling schema
 * (lib/engine/sampling-options.ts), so it is only shape-checked here.
 */
export const EngineGenerateRequest = z.object({
  type: z.literal('engine:generate'),
  /** tab:frame:fieldId — the unit of "one generation at a time". */
  fieldKey: z.string().min(1).max(400),
  prompt: z.string().min(1).max(MAX_PROMPT_CHARS),
  options: z.record(z.string(), z.unknown()),
  /** Minutes of inactivity before the model is unloaded (0 = never). */
  idleUnloadMinutes: z.number().nonnegative(),
  /** Test builds only: release events every N ms so e2e tests can stop a running stream (offscreen/paced-sink.ts). */
  testPaceMs: z.number().int().min(0).max(1000).optional(),
});
export type EngineGenerateRequest = z.infer<typeof EngineGenerateRequest>;

export const EnginePortClientMessage = z.discriminatedUnion('type', [EngineGenerateRequest, CancelRequest, KeepaliveMessage]);
export type EnginePortClientMessage = z.infer<typeof EnginePortClientMessage>;
/** Offscreen → background on an ENGINE_PORT: same shapes the background relays to the client. */
export const EnginePortServerMessage = ServerPortMessage;

// ---------------------------------------------------------------------------
// One-shot messages (runtime.sendMessage / tabs.sendMessage)
// ---------------------------------------------------------------------------

export const ENGINE_STATES = ['unloaded', 'loading', 'ready', 'error'] as const;
export type EngineState = (typeof ENGINE_STATES)[number];

export const EngineStatus = z.object({
  state: z.enum(ENGINE_STATES),
  /** Present once loaded. */
  name: z.string().optional(),
  modelBytes: z.number().optional(),
  threads: z.number().optional(),
  crossOriginIsolated: z.boolean().optional(),
  error: z.string().optional(),
});
export type EngineStatus = z.infer<typeof EngineStatus>;

/** Anything → background. */
export const BackgroundRequest = z.discriminatedUnion('type', [
  /** Load the model now so the first Generate is fast (field focus, popup open). */
  z.object({ type: z.literal('warm') }),
  z.object({ type: z.literal('status') }),
]);
export type BackgroundRequest = z.infer<typeof BackgroundRequest>;

/** Background → offscreen. `target` keeps the popup/other pages from acting on them. */
export const OffscreenRequest = z.discriminatedUnion('type', [
  z.object({ type: z.literal('engine:warm'), target: z.literal('offscreen'), idleUnloadMinutes: z.number().nonnegative() }),
  z.object({ type: z.literal('engine:status'), target: z.literal('offscreen') }),
]);
export type OffscreenRequest = z.infer<typeof OffscreenRequest>;

/**
 * Background → content script in one frame: generate at the caret of the
 * focused field (keyboard command), or of the field that was right-clicked
 * (context menu).
 */
export const ContentRequest = z.discriminatedUnion('type', [
  z.object({ type: z.literal('trigger-generate'), source: z.enum(['context-menu', 'command']) }),
  /** Asks whether the generic content script is already in this frame. */
  z.object({ type: z.literal('ping') }),
]);
export type ContentRequest = z.infer<typeof ContentRequest>;

/** Replies to ContentRequest. */
export const ContentResponse = z.object({ ok: z.boolean(), message: z.string().optional() });
export type ContentResponse = z.infer<typeof ContentResponse>;

/** Parse helper: returns the data or a one-line reason, never throws. */
export function parseMessage<T extends z.ZodType>(
  schema: T,
  value: unknown,
): { ok: true; data: z.infer<T> } | { ok: false; error: string } {
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, data: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  return { ok: false, error: `${where}${issue?.message ?? 'invalid message'}` };
}
