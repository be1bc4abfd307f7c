/**
 * Tabs that fell back to the bundled model after their model server failed.
 * The failed request itself shows what went wrong and what to do; the tab's
 * next requests go to the bundled model (nothing is sent anywhere) until the
 * user chooses the server again in the popup, fixes its settings there, or
 * closes the tab. Kept in `storage.session`: gone when the browser closes,
 * readable by the popup and the background but not by content scripts.
 */
import { storage } from 'wxt/utils/storage';
import { z } from 'zod';

const MAX_MESSAGE = 2000;
const fallbackSchema = z.record(z.string(), z.object({ message: z.string().max(MAX_MESSAGE), at: z.number() }));
export type Fallbacks = z.infer<typeof fallbackSchema>;

export const fallbackItem = storage.defineItem<Fallbacks>('session:serverFallback', { fallback: {} });

export function parseFallbacks(raw: unknown): Fallbacks {
  const parsed = fallbackSchema.safeParse(raw);
  return parsed.success ? parsed.data : {};
}

export async function readFallbacks(): Promise<Fallbacks> {
  return parseFallbacks(await fallbackItem.getValue());
}

/** The reason `tabId` uses the bundled model, or undefined when it follows the settings. */
export async function fallbackFor(tabId: number): Promise<string | undefined> {
  return (await readFallbacks())[String(tabId)]?.message;
}

export async function markFallback(tabId: number, message: string): Promise<void> {
  // Clipped to what the schema reads back: one longer message would make the whole record unreadable (every tab's fallback lost).
  await fallbackItem.setValue({ ...(await readFallbacks()), [String(tabId)]: { message: message.slice(0, MAX_MESSAGE), at: Date.now() } });
}

/** Forgets one tab's fallback, or every tab's (the server settings changed). */
export async function clearFallback(tabId?: number): Promise<void> {
  if (tabId === undefined) return fallbackItem.setValue({});
  const { [String(tabId)]: _gone, ...rest } = await readFallbacks();
  await fallbackItem.setValue(rest);
}
