/**
 * Creates the offscreen document that hosts the engine, or reuses the one
 * that exists (it survives service-worker restarts). Two requests arriving at
 * once share one creation; a creation racing one from a previous worker
 * instance ("Only a single offscreen document may be created") counts as
 * success.
 */

export const OFFSCREEN_PATH = 'offscreen.html';

let creating: Promise<void> | undefined;

async function hasOffscreenDocument(url: string): Promise<boolean> {
  const contexts = await chrome.runtime.getContexts({
    contextTypes: ['OFFSCREEN_DOCUMENT' as chrome.runtime.ContextType],
    documentUrls: [url],
  });
  return contexts.length > 0;
}

export async function ensureOffscreenDocument(): Promise<void> {
  const url = chrome.runtime.getURL(`/${OFFSCREEN_PATH}`);
  if (await hasOffscreenDocument(url)) return;
  creating ??= chrome.offscreen
    .createDocument({
      url: OFFSCREEN_PATH,
      reasons: ['WORKERS' as chrome.offscreen.Reason],
      justification: 'Runs the autocomplete language model (onnxruntime-web WASM threads) locally.',
    })
    .catch((error: Error) => {
      if (!/single offscreen document/i.test(error.message)) throw error;
    })
    .finally(() => {
      creating = undefined;
    });
  await creating;
}

/**
 * Waits until the document answers: `getContexts` lists it (and
 * createDocument may resolve) before its module script has registered its
 * listeners, and a Port opened then would just disconnect.
 */
async function ensureOffscreenReady(): Promise<void> {
  await ensureOffscreenDocument();
  for (let attempt = 0; attempt < 100; attempt++) {
    const reply: unknown = await chrome.runtime.sendMessage({ type: 'engine:status', target: 'offscreen' }).catch(() => undefined);
    if (reply && typeof reply === 'object') return;
    await new Promise((r) => setTimeout(r, 50));
    await ensureOffscreenDocument();
  }
  throw new Error('the engine page did not start');
}

/** Asks the engine page to open its ENGINE_PORT link to us; false when it does not answer (yet). */
export async function requestEngineLink(): Promise<boolean> {
  const reply: unknown = await chrome.runtime.sendMessage({ type: 'engine:connect', target: 'offscreen' }).catch(() => undefined);
  return reply !== undefined && reply !== null;
}

/** Closes the engine page (it asked to be replaced); the next request creates a new one. */
export async function closeOffscreenDocument(): Promise<void> {
  if (!(await hasOffscreenDocument(chrome.runtime.getURL(`/${OFFSCREEN_PATH}`)))) return;
  await chrome.offscreen.closeDocument();
}

/** One-shot request to the offscreen document, creating it first when `create` is set. */
export async function askOffscreen<T>(message: { type: string; target: 'offscreen' } & Record<string, unknown>, create: boolean): Promise<T | undefined> {
  if (create) await ensureOffscreenReady();
  else if (!(await hasOffscreenDocument(chrome.runtime.getURL(`/${OFFSCREEN_PATH}`)))) return undefined;
  return (await chrome.runtime.sendMessage(message)) as T;
}
