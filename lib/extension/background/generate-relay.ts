/**
 * Relays one generation: client Port (content script / popup) ⇄ engine Port
 * (offscreen document). The background holds no generation state of its
 * own, so a worker restart loses nothing but the Ports, and both ends notice
 * that through onDisconnect at once (protocol.ts ENGINE_PORT):
 *  - the client gets INTERRUPTED_MESSAGE (text already inserted stays);
 *  - the offscreen router cancels the generation.
 * As a fallback for Ports that are not closed, the relay also posts
 * `keepalive` on both every KEEPALIVE_INTERVAL_MS while a generation is
 * alive, and each end gives up after SILENCE_TIMEOUT_MS of silence.
 * If the engine side goes away before any text arrived (the document was
 * replaced after repeated engine failures, or crashed), the request is sent
 * once more to a fresh engine instead of failing: it was only queued.
 * Settings are read per request, so a popup change applies to the next one.
 * When a model server is configured (and the site is not bundled-only, and
 * the tab has not fallen back), `serverFor` gives its route and the request
 * is answered by server-relay.ts instead, with the same client messages.
 */
import {
  ClientPortMessage,
  EngineGenerateRequest,
  type EngineSuggestRequest,
  EnginePortServerMessage,
  INTERRUPTED_MESSAGE,
  isEmptyPromptIssue,
  KEEPALIVE_INTERVAL_MS,
  parseMessage,
  type ServerPortMessage,
} from '../protocol';
import type { Settings } from '../settings';
import { inlineEnabledFor, type InlineSettings } from '../../suggest/inline-settings';
import { samplingFromSettings } from '../settings';
import { startKeepalive } from '../keepalive';
import type { PortLike } from '../ports';
import { classifySender, fieldKeyFor, ownerKeysFor, suggestKeyFor } from './sender-check';
import { serverGenerate, serverSuggest, type ServerIo, type ServerRoute } from './server-relay';
import { traceMark } from '../trace';

/** Who asks, for choosing the model: the tab (content scripts) and the frame's and the tab's origins. */
export interface RouteQuery {
  tabId?: number;
  origins: (string | undefined)[];
}

export interface RelayDeps {
  runtimeId: string;
  extensionOrigin: string;
  loadSettings(): Promise<Settings>;
  /** Inline-suggestion settings (inline-settings-store.ts); read per request like the sampling settings. */
  loadInlineSettings(): Promise<InlineSettings>;
  /** The model server for this request, or undefined for the bundled model (model-source.ts decides). */
  serverFor?(query: RouteQuery): Promise<ServerRoute | undefined>;
  /** Makes sure the offscreen document exists, then connects to it. */
  connectEngine(): Promise<PortLike>;
  /** Test builds only: see EngineGenerateRequest.testPaceMs. */
  testPaceMs?(): Promise<number>;
  /** Test builds only: see EngineGenerateRequest.testFault. */
  testFault?(): Promise<EngineGenerateRequest['testFault']>;
  /** Test builds only: see EngineGenerateRequest.testOutput (generations and suggestions). */
  testOutput?(): Promise<string | undefined>;
  /** Defaults to KEEPALIVE_INTERVAL_MS. */
  keepaliveIntervalMs?: number;
}

export function relayGeneration(client: PortLike, deps: RelayDeps): void {
  const sender = classifySender(client.sender, deps.runtimeId, deps.extensionOrigin);
  let closed = false;
  let engine: PortLike | undefined;
  let stopKeepalive: (() => void) | undefined;
  /** Aborts a server request (the client cancelled or went away). */
  const serverAbort = new AbortController();

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
    serverAbort.abort();
    try {
      engine?.postMessage({ type: 'cancel' });
      engine?.disconnect();
    } catch {
      // Engine already gone.
    }
  }
  client.onDisconnect.addListener(clientGone);

  const testOutput = async () => {
    const text = await deps.testOutput?.();
    return text ? { testOutput: text } : {};
  };

  let started = false;
  client.onMessage.addListener((raw) => {
    const parsed = parseMessage(ClientPortMessage, raw);
    if (!parsed.ok) return end({ type: 'error', code: isEmptyPromptIssue(parsed.issue) ? 'empty-prompt' : 'bad-request', message: parsed.error });
    const message = parsed.data;
    if (message.type === 'cancel') {
      serverAbort.abort();
      return end();
    }
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
    const attach = async (request: EngineGenerateRequest | EngineSuggestRequest, retried: boolean): Promise<void> => {
      const port = await deps.connectEngine();
      if (closed) return port.disconnect();
      engine = port;
      let finished = false;
      let streamed = false;
      port.onMessage.addListener((rawReply) => {
        const reply = parseMessage(EnginePortServerMessage, rawReply);
        if (!reply.ok) return end({ type: 'error', code: 'engine-failed', message: `Bad engine reply: ${reply.error}` });
        if (reply.data.type === 'done' || reply.data.type === 'suggested' || reply.data.type === 'error') {
          finished = true;
          return end(reply.data);
        }
        if (reply.data.type === 'ghost' && !streamed) traceMark('relayed');
        if (reply.data.type === 'delta' || reply.data.type === 'ghost') streamed = true;
        // The engine sends no keepalive of its own; ours goes out on the timer above.
        if (reply.data.type !== 'keepalive') send(reply.data);
      });
      port.onDisconnect.addListener(() => {
        if (finished || closed) return;
        if (!streamed && !retried) {
          engine = undefined;
          attach(request, true).catch(failToStart);
          return;
        }
        end({ type: 'error', code: 'interrupted', message: INTERRUPTED_MESSAGE });
      });
      traceMark('to-engine');
      port.postMessage(request);
    };
    const failToStart = (error: unknown) =>
      end({ type: 'error', code: 'engine-failed', message: `Could not start the model: ${(error as Error).message}` });
    const query: RouteQuery =
      sender.kind === 'content' ? { tabId: sender.tabId, origins: [sender.origin, originOf(client.sender?.tab?.url)] } : { origins: [] };
    const io: ServerIo = { send, end, signal: serverAbort.signal };
    if (message.type === 'suggest') {
      traceMark('request');
      void (async () => {
        const [settings, inline] = await Promise.all([deps.loadSettings(), deps.loadInlineSettings()]);
        // The content script checks the switch too; this is the check a page cannot skip.
        const origin = sender.kind === 'content' ? sender.origin : undefined;
        if (origin && !inlineEnabledFor(inline, origin)) return end({ type: 'suggested', candidates: [] });
        const server = await deps.serverFor?.(query);
        const count = message.alternatives ? inline.candidates : 1;
        if (server) return serverSuggest(server, { text: message.text, after: message.after, settings: inline, count, cacheKey: ownerKeysFor(sender).cacheKey }, io);
        await attach(
          {
            type: 'engine:suggest',
            fieldKey: suggestKeyFor(sender),
            ...ownerKeysFor(sender),
            text: message.text,
            settings: { ...inline },
            count,
            idleUnloadMinutes: settings.idleUnloadMinutes,
            ...(await testOutput()),
          },
          false,
        );
      })().catch(failToStart);
      return;
    }
    void (async () => {
      const settings = await deps.loadSettings();
      const server = await deps.serverFor?.(query);
      if (server) {
        const { cacheKey } = ownerKeysFor(sender);
        return serverGenerate(server, { prompt: message.prompt, options: samplingFromSettings(settings), source: message.source, cacheKey }, io);
      }
      const request: EngineGenerateRequest = {
        type: 'engine:generate',
        fieldKey: fieldKeyFor(sender, message.fieldId),
        ...ownerKeysFor(sender),
        prompt: message.prompt,
        options: { ...samplingFromSettings(settings) },
        idleUnloadMinutes: settings.idleUnloadMinutes,
      };
      const pace = (await deps.testPaceMs?.()) ?? 0;
      if (pace > 0) request.testPaceMs = pace;
      const fault = await deps.testFault?.();
      if (fault) request.testFault = fault;
      await attach({ ...request, ...(await testOutput()) }, false);
    })().catch(failToStart);
  });
}

function originOf(url: string | undefined): string | undefined {
  try {
    return url ? new URL(url).origin : undefined;
  } catch {
    return undefined;
  }
}
