/**
 * The background's end of the ENGINE_PORT link (protocol.ts): accepts the
 * link the offscreen document opens, asks for one when there is none, opens
 * one job per generation on it, and replaces the document when it reports
 * repeated engine failures. Module state lives only as long as this worker;
 * a new worker simply asks for a new link. Firefox uses it unchanged: there
 * the "document" is the engine inside the background page and the link an
 * in-memory Port pair (platform/engine-host.firefox.ts).
 */
import { portMux, type PortMux } from '../port-mux';
import type { PortLike } from '../ports';

export interface EngineLinkDeps {
  /** Creates the offscreen document unless it exists. */
  ensureDocument(): Promise<void>;
  /** Asks the document to open the link (`engine:connect`); false when it did not answer (not started yet). */
  requestLink(): Promise<boolean>;
  /** Closes the offscreen document (resolves once it is gone). */
  closeDocument(): Promise<void>;
  /** How long to wait for the link after the document answered (default 2 s). */
  linkWaitMs?: number;
  /** Overall limit for getting a link (default 10 s). */
  timeoutMs?: number;
}

export class EngineLink {
  private mux: PortMux | undefined;
  private arrived: Array<() => void> = [];
  private restarting: Promise<void> | undefined;

  constructor(private readonly deps: EngineLinkDeps) {}

  get connected(): boolean {
    return this.mux !== undefined && !this.mux.closed;
  }

  /** The offscreen document connected (the caller has checked it is ours). */
  accept(port: PortLike): void {
    const mux = portMux(port, {
      onControl: (message) => {
        if (message.type === 'restart-document') void this.restartDocument(message.reason);
      },
      onClose: () => {
        if (this.mux === mux) this.mux = undefined;
      },
    });
    this.mux = mux;
    for (const wake of this.arrived.splice(0)) wake();
  }

  /** A job Port to the engine, starting the document and the link if needed. */
  async open(): Promise<PortLike> {
    const deadline = Date.now() + (this.deps.timeoutMs ?? 10_000);
    while (Date.now() < deadline) {
      await this.restarting;
      if (this.mux && !this.mux.closed) return this.mux.open('aa:engine-job');
      await this.deps.ensureDocument();
      const linked = this.nextLink(this.deps.linkWaitMs ?? 2_000);
      // The document may connect on its own as it starts; asking again is harmless.
      if (!(await this.deps.requestLink())) await sleep(50);
      else await linked;
    }
    throw new Error('the engine page did not connect');
  }

  private nextLink(ms: number): Promise<void> {
    if (this.connected) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.arrived.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private restartDocument(reason: string): Promise<void> {
    console.warn(`Abstract Autocomplete: restarting the engine page (${reason})`);
    this.restarting ??= this.deps
      .closeDocument()
      .catch(() => undefined)
      .finally(() => {
        this.restarting = undefined;
      });
    return this.restarting;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
