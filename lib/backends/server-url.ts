/**
 * The one place that decides where a server backend may send text: the
 * configured base URL's origin, and nothing else. Every request URL is built
 * here from that base and a fixed endpoint path of ours, and checked again
 * after joining, so neither a crafted path nor a redirect target can move the
 * user's text (or key) to another origin.
 */
import { BackendError } from './errors';

/** Parses a configured server URL: http(s) only, no user:password part, no query or fragment. */
export function parseServerUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new BackendError('invalid-url', `"${url}" is not a URL: write it like http://127.0.0.1:11434`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new BackendError('invalid-url', `The server URL must start with http:// or https://, not ${parsed.protocol}//`);
  }
  if (parsed.username || parsed.password) {
    throw new BackendError('invalid-url', 'Put the API key in its own field, not in the server URL');
  }
  if (parsed.search || parsed.hash) {
    throw new BackendError('invalid-url', 'The server URL must not have a ?query or #fragment');
  }
  return parsed;
}

/** "http://127.0.0.1:11434" for any URL on that server: what the popup names and the host permission covers. */
export function serverOrigin(url: string): string {
  return parseServerUrl(url).origin;
}

/**
 * base + path ("http://h/prefix" + "/api/generate" = "http://h/prefix/api/generate"),
 * refused unless the result is on the base's origin.
 */
export function endpointUrl(base: string, path: string): URL {
  const root = parseServerUrl(base);
  const prefix = root.pathname.replace(/\/+$/, '');
  const joined = new URL(root.origin);
  joined.pathname = `${prefix}/${path.replace(/^\/+/, '')}`;
  assertSameOrigin(root.origin, joined);
  return joined;
}

/** Throws unless `target` is on `origin`: the check every outgoing request passes. */
export function assertSameOrigin(origin: string, target: URL | string): void {
  const t = typeof target === 'string' ? new URL(target) : target;
  if (t.origin !== origin) throw new BackendError('invalid-url', `Refused to send a request to ${t.origin}: only the configured server ${origin} receives text`);
}
