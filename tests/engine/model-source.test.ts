/** Loading the same model from a path, a file: URL and over HTTP (as the extension fetches it). */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine } from '../../lib/engine/index';
import { GREEDY, TINY } from './fixtures';

let server: Server;
let base = '';
beforeAll(async () => {
  server = createServer(async (req, res) => {
    const file = normalize(join(TINY, decodeURIComponent(new URL(req.url!, 'http://x').pathname).replace(/^\/model\//, '')));
    try {
      res.end(await readFile(file));
    } catch {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as any).port}/model/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function greedy(source: string) {
  const engine = await loadEngine(source);
  try {
    return { info: engine.info, text: (await engine.generate('We propose a', { ...GREEDY, maxNewTokens: 10 })).text };
  } finally {
    await engine.dispose();
  }
}

describe('model sources', () => {
  it('gives the same model and output from a path, a file: URL and an http URL', async () => {
    const fromPath = await greedy(TINY);
    const fromFileUrl = await greedy(pathToFileURL(TINY).href);
    const fromHttp = await greedy(base);
    expect(fromFileUrl).toEqual(fromPath);
    expect(fromHttp.text).toBe(fromPath.text);
    expect(fromHttp.info).toMatchObject({ modelFile: 'onnx/model_quantized.onnx', modelBytes: fromPath.info.modelBytes, name: 'model' });
  });

  it('says the model is missing at a URL without config.json', async () => {
    await expect(loadEngine(`${base}nothing-here/`)).rejects.toThrow(`model not found at ${base}nothing-here/ (no config.json)`);
  });

  it('says the model is missing at a path that does not exist', async () => {
    await expect(loadEngine('/no/such/model')).rejects.toThrow('model not found at /no/such/model');
  });

  it('names a config.json without the GPT-2 sizes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'engine-src-'));
    try {
      mkdirSync(join(dir, 'onnx'));
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ vocab_size: 10 }));
      await expect(loadEngine(dir)).rejects.toThrow(`config.json in ${dir} has no valid n_layer`);
      writeFileSync(join(dir, 'config.json'), '{ not json');
      await expect(loadEngine(dir)).rejects.toThrow(`config.json in ${dir} is not valid JSON`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('uses the name given in the options', async () => {
    const engine = await loadEngine(TINY, { name: 'Abstract GPT' });
    expect(engine.info.name).toBe('Abstract GPT');
    await engine.dispose();
  });
});
