/**
 * What a key press means while a ghost suggestion is shown (overlay mode and
 * plain fields; the native mode binds the same keys through a CodeMirror
 * keymap). The keys are Copilot's: Tab accepts all, Ctrl+→ (⌥→ on macOS)
 * one word, Esc dismisses, Alt+] / Alt+[ cycle. Alt+\ asks for a suggestion
 * (inlineKeyIsAskNow); no other key is taken while no ghost is shown.
 */
export type GhostKeyAction =
  /** Insert the whole suggestion; the key is consumed. */
  | 'accept'
  /** Insert the next word; the key is consumed. */
  | 'accept-word'
  /** Remove the suggestion; the key is consumed (Esc). */
  | 'dismiss-consume'
  /** Show the next / previous candidate; the key is consumed. */
  | 'next'
  | 'previous'
  /** Remove the suggestion and let the key do its normal job (typing, arrows, shortcuts). */
  | 'dismiss'
  /** Leave everything alone (a modifier on its own, e.g. the Ctrl of Ctrl+→). */
  | 'ignore';

const MODIFIERS = new Set(['Shift', 'Control', 'Alt', 'Meta', 'AltGraph', 'CapsLock', 'Fn', 'OS', 'Hyper', 'Super']);

export interface KeyLike {
  key: string;
  /** The physical key; Alt+] gives another `key` on macOS layouts, the same `code`. */
  code?: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  isComposing?: boolean;
}

export const isMac = (): boolean => typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

const modCount = (e: KeyLike) => (e.ctrlKey ? 1 : 0) + (e.metaKey ? 1 : 0) + (e.altKey ? 1 : 0) + (e.shiftKey ? 1 : 0);
const altOnly = (e: KeyLike) => e.altKey && modCount(e) === 1;
const isKey = (e: KeyLike, key: string, code: string) => e.key === key || e.code === code;

export function ghostKeyAction(e: KeyLike, mac = isMac()): GhostKeyAction {
  if (MODIFIERS.has(e.key) || e.isComposing) return 'ignore';
  const mods = modCount(e);
  if (e.key === 'Tab' && mods === 0) return 'accept';
  if (e.key === 'Escape' && mods === 0) return 'dismiss-consume';
  if (e.key === 'ArrowRight' && mods === 1 && (mac ? e.altKey : e.ctrlKey)) return 'accept-word';
  if (altOnly(e) && isKey(e, ']', 'BracketRight')) return 'next';
  if (altOnly(e) && isKey(e, '[', 'BracketLeft')) return 'previous';
  return 'dismiss';
}

/** Alt+\: ask for a suggestion now, without waiting for the pause. */
export function inlineKeyIsAskNow(e: KeyLike): boolean {
  return altOnly(e) && isKey(e, '\\', 'Backslash');
}

/** A key that types its character (no Ctrl / Alt / Meta): typing through a ghost may consume it. */
export function typedCharacter(e: KeyLike): string | null {
  return e.key.length === 1 && !e.ctrlKey && !e.altKey && !e.metaKey && !e.isComposing ? e.key : null;
}
