/** The part of chrome.runtime.Port the relay uses; keeps the relay testable with an in-memory pair. */
export interface PortLike {
  name: string;
  sender?: import('./sender-check').SenderLike;
  postMessage(message: unknown): void;
  disconnect(): void;
  onMessage: { addListener(fn: (message: unknown) => void): void };
  onDisconnect: { addListener(fn: () => void): void };
}
