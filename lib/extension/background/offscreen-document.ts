/**
 * Creates the offscreen document that hosts the engine, or reuses the one
 * that exists (it survives service-worker restarts). Two requests arriving at
 * once share one creation; a creation racing one from a previous worker
 * instance ("Only a single offscreen document may be created") counts as
 * success.
 */
import { browser } from 'wxt/browser';
import { ENGINE_PORT } from '../protocol';
import type { PortLike } from './port';

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

/** Connects to the engine; retries briefly while a just-created document registers its listener. */
export async function connectEngine(): Promise<PortLike> {
  await ensureOffscreenDocument();
  for (let attempt = 0; ; attempt++) {
    const port = chrome.runtime.connect({ name: ENGINE_PORT });
    const alive = await new Promise<boolean>((resolve) => {
      const onDisconnect = () => {
        void chrome.runtime.lastError;
        resolve(false);
      };
      port.onDisconnect.addListener(onDisconnect);
      // A Port with no receiver disconnects at once; give it one turn.
      setTimeout(() => {
        port.onDisconnect.removeListener(onDisconnect);
        resolve(true);
      }, 0);
    });
    if (alive) return port as unknown as PortLike;
    if (attempt >= 20) throw new Error('the engine page did not answer');
    await new Promise((r) => setTimeout(r, 50));
    await ensureOffscreenDocument();
  }
}

/** One-shot request to the offscreen document, creating it first when `create` is set. */
export async function askOffscreen<T>(message: { type: string; target: 'offscreen' } & Record<string, unknown>, create: boolean): Promise<T | undefined> {
  if (create) await ensureOffscreenDocument();
  else if (!(await hasOffscreenDocument(chrome.runtime.getURL(`/${OFFSCREEN_PATH}`)))) return undefined;
  return (await chrome.runtime.sendMessage(message)) as T;
}
