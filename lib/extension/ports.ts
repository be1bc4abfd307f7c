/**
 * The parts of chrome.runtime.Port and MessageSender that our code reads,
 * shared by the background, the offscreen document and the tests (which
 * stand in in-memory Port pairs for the browser's Ports).
 */

export interface SenderLike {
  /** The extension that sent it (ours, or another one). */
  id?: string;
  url?: string;
  /** The sending frame's origin ("null" for opaque origins). */
  origin?: string;
  frameId?: number;
  /** Identifies one document in a frame (a navigation gives a new one). */
  documentId?: string;
  /** The tab's address (its top frame's), for per-site rules that must hold in every frame. */
  tab?: { id?: number; url?: string };
}

export interface PortLike {
  name: string;
  sender?: SenderLike;
  postMessage(message: unknown): void;
  disconnect(): void;
  onMessage: { addListener(fn: (message: unknown) => void): void };
  onDisconnect: { addListener(fn: () => void): void };
}
