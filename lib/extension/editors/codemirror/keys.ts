/**
 * What a key press means while a ghost completion is shown (overlay mode;
 * the native mode binds the same keys through a CodeMirror keymap).
 */
export type GhostKeyAction =
  /** Insert the whole suggestion; the key is consumed. */
  | 'accept'
  /** Insert the next word; the key is consumed. */
  | 'accept-word'
  /** Remove the suggestion; the key is consumed (Esc). */
  | 'dismiss-consume'
  /** Remove the suggestion and let the key do its normal job (typing, arrows, shortcuts). */
  | 'dismiss'
  /** Leave everything alone (a modifier on its own, e.g. the Ctrl of Ctrl+→). */
  | 'ignore';

const MODIFIERS = new Set(['Shift', 'Control', 'Alt', 'Meta', 'AltGraph', 'CapsLock', 'Fn', 'OS', 'Hyper', 'Super']);

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  isComposing?: boolean;
}

export function ghostKeyAction(e: KeyLike): GhostKeyAction {
  if (MODIFIERS.has(e.key) || e.isComposing) return 'ignore';
  const mods = (e.ctrlKey ? 1 : 0) + (e.metaKey ? 1 : 0) + (e.altKey ? 1 : 0) + (e.shiftKey ? 1 : 0);
  if (e.key === 'Tab' && mods === 0) return 'accept';
  if (e.key === 'Escape' && mods === 0) return 'dismiss-consume';
  if (e.key === 'ArrowRight' && e.ctrlKey && mods === 1) return 'accept-word';
  return 'dismiss';
}
