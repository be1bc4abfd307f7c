/**
 * Relays one generation: client Port (content script / popup) ⇄ engine Port
 * (offscreen document). The background holds no generation state of its
 * own, so a worker restart loses nothing but the Ports, and both ends notice
 * that through onDisconnect:
 *  - the client gets INTERRUPTED_MESSAGE (text already inserted stays);
 *  - the offscreen router cancels the generation.
 * Chromium does not always disconnect those Ports when it stops the worker,
 * so while a generation is alive the relay also posts `keepalive` on both
 * every KEEPALIVE_INTERVAL_MS; when the worker dies the keepalives stop and
 * each end gives up after SILENCE_TIMEOUT_MS (protocol.ts).
 * Settings are read per request, so a popup change applies to the next one.
 */
import {
  ClientPortMessage,
  EngineGenerateRequest,
  EnginePortServerMessage,
  INTERRUPTED_MESSAGE,
  KEEPALIVE_INTERVAL_MS,
  parseMessage,
  type ServerPortMessage,
} from '../protocol';
import type { Settings } from '../settings';
import { samplingFromSettings } from '../settings';
import { startKeepalive } from '../keepalive';
import type { PortLike } from './port';
import { classifySender, fieldKeyFor } from './sender-check';

export interface RelayDeps {
  runtimeId: string;
  extensionOrigin: string;
  loadSettings(): Promise<Settings>;
  /** Makes sure the offscreen document exists, then connects to it. */
  connectEngine(): Promise<PortLike>;
  /** Test builds only: see EngineGenerateRequest.testPaceMs. */
  testPaceMs?(): Promise<number>;
  /** Defaults to KEEPALIVE_INTERVAL_MS. */
  keepaliveIntervalMs?: number;
}

export function relayGeneration(client: PortLike, deps: RelayDeps): void {
  const sender = classifySender(client.sender, deps.runtimeId, deps.extensionOrigin);
  let closed = false;
  let engine: PortLike | undefined;
  let stopKeepalive: (() => void) | undefined;

  const send = (message: ServerPortMessage): void => {
    if (closed) return;
    try {
      client.postMessage(message);
    } catch {
      // The client is gone even if its onDisconnect has not fired (yet).
      clientGone();
    }
  };
  const end = (message?: ServerPortMessage): void => {
    if (message) send(message);
    closed = true;
    stopKeepalive?.();
    try {
      engine?.disconnect();
    } catch {
      // Already gone.
    }
    try {
      client.disconnect();
    } catch {
      // Already gone.
    }
  };

  if (sender.kind === 'rejected') {
    end({ type: 'error', code: 'forbidden', message: `Rejected: ${sender.reason}` });
    return;
  }

  function clientGone(): void {
    // Tab closed, Stop pressed or page navigated: cancel in the engine.
    if (closed) return;
    closed = true;
    stopKeepalive?.();
    try {
      engine?.postMessage({ type: 'cancel' });
      engine?.disconnect();
    } catch {
      // Engine already gone.
    }
  }
  client.onDisconnect.addListener(clientGone);

  let started = false;
  client.onMessage.addListener((raw) => {
    const parsed = parseMessage(ClientPortMessage, raw);
    if (!parsed.ok) return end({ type: 'error', code: parsed.error.includes('Type some text') ? 'empty-prompt' : 'bad-request', message: parsed.error });
    const message = parsed.data;
    if (message.type === 'cancel') return end();
    if (started) return end({ type: 'error', code: 'bad-request', message: 'One generation per port' });
    started = true;
    // From now until the end, even while settings load or the offscreen
    // document is created: the client only needs to know we are alive.
    stopKeepalive = startKeepalive(() => {
      send({ type: 'keepalive' });
      try {
        engine?.postMessage({ type: 'keepalive' });
      } catch {
        // Engine Port gone; its onDisconnect ends the relay.
      }
    }, deps.keepaliveIntervalMs ?? KEEPALIVE_INTERVAL_MS);
    void (async () => {
      try {
        const settings = await deps.loadSettings();
        const request: EngineGenerateRequest = {
          type: 'engine:generate',
          fieldKey: fieldKeyFor(sender, message.fieldId),
          prompt: message.prompt,
          options: { ...samplingFromSettings(settings) },
          idleUnloadMinutes: settings.idleUnloadMinutes,
        };
        const pace = (await deps.testPaceMs?.()) ?? 0;
        if (pace > 0) request.testPaceMs = pace;
        const port = await deps.connectEngine();
        if (closed) return port.disconnect();
        engine = port;
        let finished = false;
        port.onMessage.addListener((rawReply) => {
          const reply = parseMessage(EnginePortServerMessage, rawReply);
          if (!reply.ok) return end({ type: 'error', code: 'engine-failed', message: `Bad engine reply: ${reply.error}` });
          if (reply.data.type === 'done' || reply.data.type === 'error') {
            finished = true;
            return end(reply.data);
          }
          // The engine sends no keepalive of its own; ours goes out on the timer above.
          if (reply.data.type !== 'keepalive') send(reply.data);
        });
        port.onDisconnect.addListener(() => {
          if (!finished) end({ type: 'error', code: 'interrupted', message: INTERRUPTED_MESSAGE });
        });
        port.postMessage(request);
      } catch (error) {
        end({ type: 'error', code: 'engine-failed', message: `Could not start the model: ${(error as Error).message}` });
      }
    })();
  });
}
