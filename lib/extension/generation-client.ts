/**
 * Content-side client for generations (used by the generic content script,
 * the Overleaf bridge and the popup's "try it" box).
 *
 * One `runtime.connect` Port per generation: deltas stream back on it, and if
 * it disconnects before `done`/`error` the service worker was killed (MV3) or
 * the extension was reloaded; the caller gets a clear error and can simply
 * call `startGeneration` again (the next message restarts the worker).
 * Chromium does not always disconnect the Port of a stopped worker, so
 * SILENCE_TIMEOUT_MS without any message (the background sends `keepalive`
 * every KEEPALIVE_INTERVAL_MS) counts as the same interruption.
 */
import { browser } from 'wxt/browser';
import {
  EMPTY_PROMPT_MESSAGE,
  EXTENSION_RELOADED_MESSAGE,
  GENERATE_PORT,
  INTERRUPTED_MESSAGE,
  MAX_PROMPT_CHARS,
  SILENCE_TIMEOUT_MS,
  ServerPortMessage,
  parseMessage,
  type BackgroundRequest,
  type Candidate,
  type ClientPortMessage,
  type EngineStatus,
  type ErrorCode,
  type GenerationSource,
  type GenerationSummary,
} from './protocol';
import { promptTail } from '../suggest/prompt-cut';
import { silenceWatchdog, type SilenceWatchdog } from './keepalive';

export interface GenerationError {
  code: ErrorCode;
  message: string;
}

export interface GenerationHandlers {
  /** A piece of text to insert, in order. */
  onDelta?: (text: string) => void;
  /** The model is being loaded first (first use or after idle unload). */
  onLoading?: () => void;
  onDone?: (result: GenerationSummary) => void;
  onError?: (error: GenerationError) => void;
}

export interface GenerationHandle {
  /** Stops the generation; no handler is called afterwards. Idempotent. */
  cancel(): void;
  /** True until done, error or cancel. */
  readonly active: boolean;
}

export interface StartGenerationRequest {
  /** Stable id of the field inside this frame. */
  fieldId: string;
  /** Text before the caret; promptTail (prompt-cut.ts) cuts what is sent. */
  prompt: string;
  source?: GenerationSource;
}

export function startGeneration(request: StartGenerationRequest, handlers: GenerationHandlers): GenerationHandle {
  const prompt = promptTail(request.prompt);
  return openStream(prompt, { type: 'generate', fieldId: request.fieldId, prompt, source: request.source ?? 'button' }, handlers.onError, (msg, finish) => {
    switch (msg.type) {
      case 'loading':
        handlers.onLoading?.();
        break;
      case 'delta':
        handlers.onDelta?.(msg.text);
        break;
      case 'done':
        finish();
        handlers.onDone?.(msg.result);
        break;
    }
  });
}

export interface SuggestionHandlers {
  /** The ghost text so far (the first word as soon as it is decided). */
  onGhost?: (text: string) => void;
  /** The final candidates, the ghost first; [] = show nothing. */
  onDone?: (candidates: Candidate[]) => void;
  onError?: (error: GenerationError) => void;
}

/**
 * Asks for an inline suggestion for the text before the caret; cancel() as
 * soon as the text changes. `alternatives`: the ghost and the candidates to
 * cycle to (asked on Alt+] / Alt+[ for the text of a ghost already shown).
 * `textAfterCaret` goes to model servers with infill; the bundled model ignores it.
 */
export function startSuggestion(textBeforeCaret: string, handlers: SuggestionHandlers, alternatives = false, textAfterCaret?: string): GenerationHandle {
  const text = promptTail(textBeforeCaret);
  // Text after the caret, for model servers that fill in (its start is what matters).
  const after = textAfterCaret ? textAfterCaret.slice(0, MAX_PROMPT_CHARS) : undefined;
  return openStream(text, { type: 'suggest', text, ...(alternatives && { alternatives }), ...(after && { after }) }, handlers.onError, (msg, finish) => {
    if (msg.type === 'ghost') handlers.onGhost?.(msg.text);
    if (msg.type === 'suggested') {
      finish();
      handlers.onDone?.(msg.candidates);
    }
  });
}

/**
 * One Port for one request: the shared part of generations and suggestions
 * (parsing, keepalive silence, disconnect = interrupted, errors). `onMessage`
 * gets every other valid message and calls `finish` on its final one.
 */
function openStream(
  text: string,
  first: ClientPortMessage,
  onError: ((error: GenerationError) => void) | undefined,
  onMessage: (msg: ServerPortMessage, finish: () => void) => void,
): GenerationHandle {
  let active = true;
  let port: chrome.runtime.Port | undefined;
  let watchdog: SilenceWatchdog | undefined;

  const finish = (): void => {
    active = false;
    watchdog?.stop();
    try {
      port?.disconnect();
    } catch {
      // Already gone.
    }
  };
  const fail = (error: GenerationError): void => {
    if (!active) return;
    finish();
    onError?.(error);
  };

  if (text.trim().length === 0) {
    // Report asynchronously so callers can rely on the handle existing first.
    queueMicrotask(() => fail({ code: 'empty-prompt', message: EMPTY_PROMPT_MESSAGE }));
    return handleFor();
  }

  try {
    port = browser.runtime.connect({ name: GENERATE_PORT }) as unknown as chrome.runtime.Port;
  } catch {
    // "Extension context invalidated": this content script outlived its extension.
    queueMicrotask(() => fail({ code: 'extension-reloaded', message: EXTENSION_RELOADED_MESSAGE }));
    return handleFor();
  }

  port.onMessage.addListener((raw: unknown) => {
    if (!active) return;
    const parsed = parseMessage(ServerPortMessage, raw);
    if (!parsed.ok) return fail({ code: 'bad-request', message: `Unexpected reply: ${parsed.error}` });
    watchdog?.poke();
    const msg = parsed.data;
    if (msg.type === 'error') return fail({ code: msg.code, message: msg.message });
    if (msg.type !== 'keepalive') onMessage(msg, finish);
  });
  port.onDisconnect.addListener(() => {
    // Reading lastError keeps Chrome from logging "Unchecked runtime.lastError".
    void chrome.runtime?.lastError;
    fail({ code: 'interrupted', message: INTERRUPTED_MESSAGE });
  });
  // Armed before posting: a worker that dies before answering at all is caught too.
  watchdog = silenceWatchdog(SILENCE_TIMEOUT_MS, () =>
    fail({ code: 'interrupted', message: INTERRUPTED_MESSAGE }),
  );
  try {
    port.postMessage(first);
  } catch {
    // The Port closed at once (extension context gone): same as a disconnect.
    queueMicrotask(() => fail({ code: 'interrupted', message: INTERRUPTED_MESSAGE }));
  }

  return handleFor();

  function handleFor(): GenerationHandle {
    return {
      cancel() {
        if (!active) return;
        try {
          port?.postMessage({ type: 'cancel' });
        } catch {
          // Port already closed.
        }
        finish();
      },
      get active() {
        return active;
      },
    };
  }
}

async function ask<T>(message: BackgroundRequest): Promise<T | undefined> {
  try {
    return (await browser.runtime.sendMessage(message)) as T;
  } catch {
    // Worker restarting or extension reloaded: warming/status are best effort.
    return undefined;
  }
}

/** Starts loading the model in the background; best effort, never throws. */
export function warmEngine(): Promise<void> {
  return ask<unknown>({ type: 'warm' }).then(() => undefined);
}

/** Current engine status, or undefined if the extension cannot be reached. */
export function getEngineStatus(): Promise<EngineStatus | undefined> {
  return ask<EngineStatus>({ type: 'status' });
}

/**
 * The line to show when a generation finished: the token count, then what the
 * engine had to change because the loaded model could not honour a setting
 * (e.g. top-k above its vocabulary), so the user knows why and what to fix.
 */
export function doneMessage(result: GenerationSummary): string {
  const base = result.text.length === 0 ? 'The model had nothing to add here.' : `Done (${result.tokens} tokens).`;
  const notes = (result.adjustments ?? []).map((a) => a.message);
  return notes.length === 0 ? base : `${base} Note: ${notes.join(' ')} Change it in the extension's settings.`;
}
