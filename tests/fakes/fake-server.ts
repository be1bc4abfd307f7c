/**
 * Local fakes of the model servers we speak to (Ollama, llama.cpp server,
 * OpenAI-compatible), on 127.0.0.1 and a free port, answering with their
 * documented request and response shapes, errors included, and with faults on
 * demand (a fixed delay per token, a connection closed mid-stream, a line that
 * is not JSON). Every request is logged, including whether the client closed
 * it before the answer was complete (how abort tests see the request really end).
 * Used by the unit tests of lib/backends, the CLI tests, the bench and the e2e tests:
 *   const fake = await startFake('ollama', { tokenDelayMs: 20 });
 *   …fake.url…, fake.requests, await fake.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleLlamaCpp } from './llama-cpp-fake';
import { handleOllama } from './ollama-fake';
import { handleOpenAi } from './openai-fake';

export type FakeKind = 'ollama' | 'llama.cpp' | 'openai';

export interface FakeOptions {
  /** Models the server has (default: one per kind, FAKE_MODELS). */
  models?: string[];
  /** Require `Authorization: Bearer KEY` (Ollama: ignored, it has no keys). */
  apiKey?: string;
  /** Ollama: OLLAMA_ORIGINS entries added to its defaults ("chrome-extension://*"); other Origins get 403. */
  allowOrigins?: string[];
  /** Milliseconds before each token is sent (the server's own time per token). */
  tokenDelayMs?: number;
  /** Close the connection after this many tokens, without the final message. */
  cutAfterTokens?: number;
  /** Send a line that is not JSON after this many tokens. */
  malformedAfterTokens?: number;
  /** Per-token log-probabilities when asked (default true; Ollama false = a version before 0.12.11). */
  logprobs?: boolean;
  /** Fill-in-the-middle: Ollama "insert" capability, llama.cpp FIM tokens (default true). */
  infill?: boolean;
  /** llama.cpp: still loading the model (503). */
  loading?: boolean;
}

export const FAKE_MODELS: Readonly<Record<FakeKind, string>> = Object.freeze({ ollama: 'fake-llm:latest', 'llama.cpp': 'fake-model.gguf', openai: 'fake/fake-llm-1b' });

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body (undefined for GET or a body that is not JSON). */
  body: any;
  /** True once the client closed the connection before the answer was complete. */
  clientClosedEarly: boolean;
  /** Resolves when the connection is over, either way. */
  finished: Promise<void>;
  /** performance.now() when the request had arrived, and when its last token was written (the server's own time between). */
  receivedAt: number;
  lastTokenAt?: number;
  tokensWritten: number;
}

export interface Fake {
  kind: FakeKind;
  /** Base URL as a user would configure it (OpenAI: with /v1). */
  url: string;
  /** Origin only (http://127.0.0.1:PORT). */
  origin: string;
  requests: RecordedRequest[];
  /** Change behaviour between requests (e.g. start cutting streams). */
  options: FakeOptions;
  close(): Promise<void>;
}

/** What the per-protocol handlers get: the request, its parsed body, and helpers to answer. */
export interface FakeExchange {
  req: IncomingMessage;
  res: ServerResponse;
  path: string;
  body: any;
  options: FakeOptions;
  models: string[];
  json(status: number, value: unknown): void;
  /** Sends lines one by one with the token delay, stopping early when the client left. Resolves false if it left. */
  stream(contentType: string, pieces: StreamPiece[]): Promise<boolean>;
}

/** One write of a stream: `token` pieces count for delays, cuts and malformed lines. */
export interface StreamPiece {
  data: string;
  token?: boolean;
}

export async function startFake(kind: FakeKind, options: FakeOptions = {}): Promise<Fake> {
  const requests: RecordedRequest[] = [];
  const state: { options: FakeOptions } = { options };
  const handler = kind === 'ollama' ? handleOllama : kind === 'llama.cpp' ? handleLlamaCpp : handleOpenAi;
  const server = createServer(async (req, res) => {
    const raw = await readBody(req);
    let body: any;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = undefined;
    }
    let markFinished!: () => void;
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: (req.url ?? '/').split('?')[0],
      headers: { ...req.headers },
      body,
      clientClosedEarly: false,
      finished: new Promise((r) => (markFinished = r)),
      receivedAt: performance.now(),
      tokensWritten: 0,
    };
    requests.push(record);
    res.on('close', () => {
      if (!res.writableFinished) record.clientClosedEarly = true;
      markFinished();
    });
    const opts = state.options;
    const exchange: FakeExchange = {
      req,
      res,
      path: record.path,
      body,
      options: opts,
      models: opts.models ?? [FAKE_MODELS[kind]],
      json: (status, value) => {
        res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(value));
      },
      stream: (contentType, pieces) => writeStream(res, contentType, pieces, opts, kind === 'ollama' ? 'this is not json\n' : 'data: {"content": not json\n\n', record),
    };
    try {
      await handler(exchange);
    } catch (e) {
      if (!res.headersSent) exchange.json(500, { error: String(e) });
      else res.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    kind,
    url: kind === 'openai' ? `${origin}/v1` : origin,
    origin,
    requests,
    get options() {
      return state.options;
    },
    set options(next: FakeOptions) {
      state.options = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(''));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function writeStream(res: ServerResponse, contentType: string, pieces: StreamPiece[], opts: FakeOptions, malformed: string, record: RecordedRequest): Promise<boolean> {
  res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-cache' });
  res.flushHeaders();
  let tokens = 0;
  for (const piece of pieces) {
    if (piece.token) {
      if (opts.tokenDelayMs) await sleep(opts.tokenDelayMs);
      if (res.destroyed) return false;
      if (tokens === opts.cutAfterTokens) {
        // What a crashed server or a dropped connection looks like to the client: the bytes
        // written so far arrive (end() flushes them, destroy() would drop them), then the
        // connection closes without the chunked body's terminator.
        res.socket?.end();
        return false;
      }
      if (tokens === opts.malformedAfterTokens) res.write(malformed);
      tokens++;
    }
    if (res.destroyed) return false;
    res.write(piece.data);
    if (piece.token) {
      record.tokensWritten++;
      record.lastTokenAt = performance.now();
    }
  }
  res.end();
  return true;
}
