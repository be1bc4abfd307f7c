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
 *  - Streams use a `runtime.connect` Port per generation from the client to
 *    the background. The Port is bound to the sender's tab+frame, so the
 *    background relays deltas to exactly the right frame without bookkeeping.
 *    The background reaches the engine over one Port that the offscreen
 *    document opens to it (ENGINE_PORT), carrying one logical Port per
 *    generation (EngineLinkMessage, port-mux.ts). A killed service worker
 *    shows up as `onDisconnect` on both sides at once (see ENGINE_PORT), with
 *    KEEPALIVE silence as a fallback.
 *  - One-shot requests (warm, status, trigger) use `runtime.sendMessage` /
 *    `tabs.sendMessage` and reply with a typed response.
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------
// Port names
// ---------------------------------------------------------------------------

/** Content script / popup → background: one Port per generation. */
export const GENERATE_PORT = 'aa:generate';
/**
 * Offscreen document → background: the one link that carries every
 * generation. The offscreen document opens it (on start, and when the
 * background asks with `engine:connect`) and has no runtime.onConnect
 * listener at all. That matters: Chrome delivers a client's GENERATE_PORT to
 * every extension context that listens for connections, and closes it for
 * the client only when all of them are gone; an offscreen listener that
 * merely ignored the Port kept it open after the worker died, so the client
 * never heard the disconnect. With the background as the only receiver, a
 * killed worker disconnects the client's Port and this link at once.
 */
export const ENGINE_PORT = 'aa:engine';

/**
 * Fallback liveness on both generation Ports, for a worker that is gone
 * without its Ports being closed (the disconnect above is what reports a
 * killed worker within 2 s). While a generation is loading or running, the
 * background posts `keepalive` every KEEPALIVE_INTERVAL_MS on the client Port
 * and on the engine job. A receiver that hears nothing (no loading / delta /
 * keepalive) for SILENCE_TIMEOUT_MS treats the other side as gone: the client
 * reports `interrupted`, the engine cancels. The timeout is five intervals, so
 * a worker whose timers run late on a loaded machine is never mistaken for a
 * dead one (awaits do not delay them; the worker does no long synchronous work).
 */
export const KEEPALIVE_INTERVAL_MS = 2_000;
export const SILENCE_TIMEOUT_MS = 10_000;

/**
 * Most generations one tab (or our own pages together) may have queued or
 * running in the engine at once; more are refused with `busy`. The engine
 * runs one generation at a time, so without a cap one page could queue
 * enough work to keep another tab waiting indefinitely.
 */
export const MAX_JOBS_PER_TAB = 3;

/**
 * A running generation that produces nothing for this long is treated as a
 * hung engine: the job fails with `engine-stalled` and the engine is
 * disposed and loaded again. A step of the bundled model takes tens of
 * milliseconds and a full-window prefill well under a second.
 */
export const PROGRESS_TIMEOUT_MS = 15_000;

/** After this many engine failures in a row (hangs, crashes) the offscreen document is re-created. */
export const MAX_ENGINE_FAILURES = 2;

/** Longest prompt we forward; longer prompts keep their tail (the text right before the caret). */
export const MAX_PROMPT_CHARS = 4000;
/** Said when there is no text before the caret; nothing is sent. */
export const EMPTY_PROMPT_MESSAGE = 'Type some text first';
/** Field ids are opaque strings chosen by the content script. */
const FieldId = z.string().min(1).max(200);

export const GENERATION_SOURCES = ['button', 'context-menu', 'command', 'popup', 'overleaf', 'codemirror'] as const;
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
  prompt: z.string().min(1, EMPTY_PROMPT_MESSAGE).max(MAX_PROMPT_CHARS),
  source: z.enum(GENERATION_SOURCES).default('button'),
});
export type GenerateRequest = z.input<typeof GenerateRequest>;

/** True when a client message failed only for want of a prompt: the user's slip (`empty-prompt`), not a `bad-request`. */
export function isEmptyPromptIssue(issue: z.core.$ZodIssue | undefined): boolean {
  return issue?.code === 'too_small' && issue.path.length === 1 && issue.path[0] === 'prompt';
}

/** Client → background on the same port: stop now (disconnecting does the same). */
export const CancelRequest = z.object({ type: z.literal('cancel') });
/** "I am still here": background → client and background → engine while a generation runs. */
export const KeepaliveMessage = z.object({ type: z.literal('keepalive') });

/**
 * Inline suggestion (as you type): the alternative first message on a
 * GENERATE_PORT. The background adds the inline settings and keys the job by
 * tab, so a tab's newest suggestion request supersedes its older ones.
 * A typing pause asks for the ghost text alone; Alt+] / Alt+[ ask again for
 * the same text with `alternatives`, which the engine answers from the cache
 * the first request filled.
 */
export const SuggestRequest = z.object({
  type: z.literal('suggest'),
  /** Text before the caret, already trimmed to MAX_PROMPT_CHARS. */
  text: z.string().min(1, 'Type some text first').max(MAX_PROMPT_CHARS),
  /** True: the ghost and the alternatives for cycling (the inline settings' `candidates`); absent: the ghost only. */
  alternatives: z.boolean().optional(),
  /** Text after the caret, for model servers with infill (the bundled model ignores it). */
  after: z.string().max(MAX_PROMPT_CHARS).optional(),
});
export type SuggestRequest = z.input<typeof SuggestRequest>;

export const ClientPortMessage = z.discriminatedUnion('type', [GenerateRequest, SuggestRequest, CancelRequest]);
export type ClientPortMessage = z.input<typeof ClientPortMessage>;

export const STOP_REASONS = ['eos', 'max_tokens', 'sentence_end', 'aborted'] as const;

/** A setting the loaded model could not honour, and what was used instead (lib/engine fitToModel). */
export const SettingAdjustment = z.object({
  setting: z.enum(['topK', 'maxNewTokens']),
  requested: z.number(),
  used: z.number(),
  message: z.string().max(300),
});
export type SettingAdjustment = z.infer<typeof SettingAdjustment>;

/** Summary sent when a generation ends normally (or was aborted by a newer request). */
export const GenerationSummary = z.object({
  tokens: z.number().int().nonnegative(),
  stopReason: z.enum(STOP_REASONS),
  /** The full completion; equals the concatenation of all deltas. */
  text: z.string(),
  timeToFirstTokenMs: z.number().nonnegative(),
  totalMs: z.number().nonnegative(),
  /** Settings clamped to the model for this generation; absent when none were. */
  adjustments: z.array(SettingAdjustment).max(4).optional(),
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
  'busy', // this tab already has MAX_JOBS_PER_TAB generations waiting
  'engine-stalled', // the engine made no progress for PROGRESS_TIMEOUT_MS and is being restarted
  'server-failed', // the configured model server failed; the message says why and what to do, the tab falls back to the bundled model
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Most candidates one suggestion carries, and the longest candidate text. */
export const MAX_CANDIDATES = 5;
const MAX_CANDIDATE_CHARS = 1000;
export const Candidate = z.object({ text: z.string().max(MAX_CANDIDATE_CHARS), confidence: z.number().min(0).max(1) });
export type Candidate = z.infer<typeof Candidate>;

/** Background → client on a GENERATE_PORT. */
export const ServerPortMessage = z.discriminatedUnion('type', [
  /** Inline suggestion: the ghost text so far (its first word as soon as it is decided). */
  z.object({ type: z.literal('ghost'), text: z.string().max(MAX_CANDIDATE_CHARS) }),
  /** Inline suggestion, final: the ghost first, then the alternatives; [] = show nothing. Ends the Port. */
  z.object({ type: z.literal('suggested'), candidates: z.array(Candidate).max(MAX_CANDIDATES) }),
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
export const EXTENSION_RELOADED_MESSAGE = 'The extension was updated or reloaded. Reload this page to use it again.';
export const BUSY_MESSAGE = `This tab already has ${MAX_JOBS_PER_TAB} generations waiting. Wait for one to finish, then try again.`;
export const STALLED_MESSAGE = 'The model stopped responding and is being restarted. Click Generate to try again.';

// ---------------------------------------------------------------------------
// Engine stream: background <-> offscreen document
// ---------------------------------------------------------------------------

/**
 * Test builds only: the engine writes this text instead of the model's (a
 * Generate run in small pieces, a suggestion as its one candidate), so e2e
 * tests can check what the extension does with a given output whatever the
 * model (offscreen/test-faults.ts). The background sets it from storage.session.
 */
const TestOutput = z.string().min(1).max(2000).optional();

/**
 * Background → offscreen, first message on an ENGINE_PORT. `options` is
 * validated by the offscreen document with the engine's own sampling schema
 * (lib/engine/sampling-options.ts), so it is only shape-checked here.
 */
export const EngineGenerateRequest = z.object({
  type: z.literal('engine:generate'),
  /** tab:frame:fieldId — the unit of "one generation at a time". */
  fieldKey: z.string().min(1).max(400),
  /** `tab<id>`, or `page` for our own pages — the unit of MAX_JOBS_PER_TAB. */
  owner: z.string().min(1).max(100),
  /** The page's origin (opaque origins: their document) — whose prefix cache the engine may reuse. */
  cacheKey: z.string().min(1).max(600),
  prompt: z.string().min(1).max(MAX_PROMPT_CHARS),
  options: z.record(z.string(), z.unknown()),
  /** Minutes of inactivity before the model is unloaded (0 = never). */
  idleUnloadMinutes: z.number().nonnegative(),
  /** Test builds only: release events every N ms so e2e tests can stop a running stream (offscreen/paced-sink.ts). */
  testPaceMs: z.number().int().min(0).max(1000).optional(),
  /**
   * Test builds only: make this generation's engine hang (never answer),
   * crash (throw) or run slowly, to exercise the progress timeout, the engine
   * restart and the per-tab cap (offscreen/test-faults.ts). The background sets it from storage.session,
   * which content scripts cannot write.
   */
  testFault: z.enum(['hang', 'crash', 'slow']).optional(),
  testOutput: TestOutput,
});
export type EngineGenerateRequest = z.infer<typeof EngineGenerateRequest>;

/**
 * Background → offscreen, first message of an inline-suggestion job.
 * `settings` is validated by the offscreen document with the inline
 * settings' own schema (lib/suggest/inline-settings.ts).
 */
export const EngineSuggestRequest = z.object({
  type: z.literal('engine:suggest'),
  /** `tab<id>:suggest`: one suggestion at a time per tab, the newest wins. */
  fieldKey: z.string().min(1).max(400),
  owner: z.string().min(1).max(100),
  cacheKey: z.string().min(1).max(600),
  text: z.string().min(1).max(MAX_PROMPT_CHARS),
  settings: z.record(z.string(), z.unknown()),
  /** Candidates wanted: 1 = the ghost only (a typing pause); more when the user asks to cycle. */
  count: z.number().int().min(1).max(MAX_CANDIDATES),
  idleUnloadMinutes: z.number().nonnegative(),
  testOutput: TestOutput,
});
export type EngineSuggestRequest = z.infer<typeof EngineSuggestRequest>;

export const EnginePortClientMessage = z.discriminatedUnion('type', [EngineGenerateRequest, EngineSuggestRequest, CancelRequest, KeepaliveMessage]);
export type EnginePortClientMessage = z.infer<typeof EnginePortClientMessage>;
/** Offscreen → background on an engine job: same shapes the background relays to the client. */
export const EnginePortServerMessage = ServerPortMessage;

/**
 * Frames on the ENGINE_PORT link. Each generation is a logical Port (a job)
 * that the background opens; its messages are the Engine* messages above,
 * parsed by the job's own handler. `restart-document` goes the other way:
 * the offscreen document asks to be replaced after MAX_ENGINE_FAILURES.
 */
const JobId = z.string().min(1).max(64);
export const EngineLinkMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('job-open'), job: JobId }),
  z.object({ type: z.literal('job'), job: JobId, message: z.unknown() }),
  z.object({ type: z.literal('job-closed'), job: JobId }),
  z.object({ type: z.literal('restart-document'), reason: z.string().max(500) }),
]);
export type EngineLinkMessage = z.infer<typeof EngineLinkMessage>;

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
  /** Present once loaded: what the settings may ask of this model (lib/engine modelLimits). */
  limits: z.object({ topK: z.number(), maxNewTokens: z.number(), contextLength: z.number() }).optional(),
});
export type EngineStatus = z.infer<typeof EngineStatus>;

/** Anything → background. */
export const BackgroundRequest = z.discriminatedUnion('type', [
  /** Load the model now so the first Generate is fast (field focus, popup open). */
  z.object({ type: z.literal('warm') }),
  z.object({ type: z.literal('status') }),
  /**
   * Popup only (refused from content scripts): list the configured server's
   * models and, when one is picked, time a one-token completion with it.
   */
  z.object({ type: z.literal('server:test') }),
]);
export type BackgroundRequest = z.infer<typeof BackgroundRequest>;

/** Reply to `server:test`. Errors carry the backend's kind ('no-permission' when the host was not granted) and a message a person can act on. */
export const ServerTestResult = z.object({
  ok: z.boolean(),
  /** The server's models (empty when it could not be listed). */
  models: z.array(z.object({ name: z.string(), details: z.string().optional() })).max(2000),
  /** Present when a completion was timed: the model that answered and the round trip. */
  model: z.string().optional(),
  latencyMs: z.number().nonnegative().optional(),
  serverVersion: z.string().optional(),
  /** The origin that receives text. */
  origin: z.string().optional(),
  error: z.object({ kind: z.string(), message: z.string() }).optional(),
});
export type ServerTestResult = z.infer<typeof ServerTestResult>;

/** Background → offscreen. `target` keeps the popup/other pages from acting on them. */
export const OffscreenRequest = z.discriminatedUnion('type', [
  z.object({ type: z.literal('engine:warm'), target: z.literal('offscreen'), idleUnloadMinutes: z.number().nonnegative() }),
  z.object({ type: z.literal('engine:status'), target: z.literal('offscreen') }),
  /** Open the ENGINE_PORT link now (the worker restarted, or the link dropped). */
  z.object({ type: z.literal('engine:connect'), target: z.literal('offscreen') }),
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
): { ok: true; data: z.infer<T> } | { ok: false; error: string; issue?: z.core.$ZodIssue } {
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, data: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  return { ok: false, error: `${where}${issue?.message ?? 'invalid message'}`, issue };
}
