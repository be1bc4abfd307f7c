/**
 * Reads files from a model directory given as a URL (the extension fetches
 * chrome-extension:// URLs) or, in Node, a filesystem path or file: URL. Node
 * modules are imported dynamically and only for those, so this file bundles
 * for the browser unchanged.
 */

export interface ModelFiles {
  /** Where the directory is, for messages. */
  readonly location: string;
  /** The directory's last path segment. */
  readonly dirName: string;
  /** The file's bytes, or null when it does not exist. */
  read(relPath: string): Promise<Uint8Array | null>;
}

export class ModelLoadError extends Error {
  override name = 'ModelLoadError';
}

const isNode = () => typeof process !== 'undefined' && !!process.versions?.node;
/** A scheme of two or more letters, so "C:\models" stays a path. */
const hasScheme = (s: string) => /^[a-z][a-z0-9+.-]+:/i.test(s);

export async function openModelSource(source: string): Promise<ModelFiles> {
  if (!source || !source.trim()) throw new ModelLoadError('model location is empty');
  if (isNode() && (!hasScheme(source) || source.startsWith('file:'))) return openNodeDir(source);
  const base = new URL(source.endsWith('/') ? source : `${source}/`, (globalThis as any).location?.href);
  return openUrlDir(base);
}

function lastSegment(p: string): string {
  const parts = p.split(/[\\/]+/).filter(Boolean);
  return parts[parts.length - 1] ?? p;
}

async function openNodeDir(source: string): Promise<ModelFiles> {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  let dir = source;
  if (source.startsWith('file:')) {
    const { fileURLToPath } = await import('node:url');
    dir = fileURLToPath(source);
  }
  dir = path.resolve(dir);
  const stat = await fs.stat(dir).catch(() => null);
  if (!stat) throw new ModelLoadError(`model not found at ${dir}`);
  if (!stat.isDirectory()) throw new ModelLoadError(`model location ${dir} is not a directory`);
  return {
    location: dir,
    dirName: lastSegment(dir),
    async read(rel) {
      try {
        return new Uint8Array(await fs.readFile(path.join(dir, rel)));
      } catch (e: any) {
        if (e?.code === 'ENOENT') return null;
        throw new ModelLoadError(`cannot read ${path.join(dir, rel)}: ${e?.message ?? e}`);
      }
    },
  };
}

function openUrlDir(base: URL): ModelFiles {
  return {
    location: base.href,
    dirName: lastSegment(base.pathname),
    async read(rel) {
      const url = new URL(rel, base).href;
      let res: Response;
      try {
        res = await fetch(url);
      } catch {
        // chrome-extension:// answers a missing file with a network error, not a 404.
        return null;
      }
      if (res.status === 404) return null;
      if (!res.ok) throw new ModelLoadError(`cannot fetch ${url}: HTTP ${res.status}`);
      return new Uint8Array(await res.arrayBuffer());
    },
  };
}

export async function readJson(files: ModelFiles, rel: string): Promise<any | null> {
  const bytes = await files.read(rel);
  if (!bytes) return null;
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new ModelLoadError(`${rel} in ${files.location} is not valid JSON`);
  }
}
