/**
 * Opt-in sites: where the Generate button may appear beyond Overleaf, and
 * the run-time registrations of every site's editor kind (lib/extension/sites/).
 *
 * The refined-github / webext-dynamic-content-scripts pattern: the popup asks
 * for an optional host permission (`permissions.request`, needs the click's
 * user gesture), records the site here, and `syncRegistrations` registers the
 * content scripts with `scripting.registerContentScripts`. Registrations are
 * rebuilt from storage + granted permissions on every worker start, and a
 * site whose permission was revoked (chrome://extensions) is dropped.
 */
import { browser } from 'wxt/browser';
import { storage } from 'wxt/utils/storage';
import { z } from 'zod';
import { KIND_SCRIPTS, PLAIN_SCRIPT, type EditorKind } from './editors/kinds';
import { SITES, OVERLEAF_SITE } from './sites';
import { siteMatches, type SiteDefinition } from './sites/site';

export type SiteKind = 'generic' | 'overleaf';

export interface SiteEntry {
  /** Match pattern of the origin, e.g. "https://example.org/*", or ALL_SITES. */
  pattern: string;
  kind: SiteKind;
}

export const ALL_SITES = '*://*/*';
/** Registered script ids start with this, so we never touch other registrations. */
export const SCRIPT_ID_PREFIX = 'aa-';
/** The plain-field script, also injected by the context menu / shortcut on sites not opted into. */
export const GENERIC_SCRIPT = PLAIN_SCRIPT;
export const OVERLEAF_MAIN_SCRIPT = KIND_SCRIPTS.overleaf.find((s) => s.world === 'MAIN')!.file;

/** Raw storage: read it through `readSites`, which drops what is not a valid entry. */
export const sitesItem = storage.defineItem<SiteEntry[]>('local:optInSites', { fallback: [], version: 1 });

/** A pattern we could have written: "all sites", or exactly what `originPattern` makes of its own origin. */
function isSitePattern(pattern: string): boolean {
  if (pattern === ALL_SITES) return true;
  if (!pattern.endsWith('/*')) return false;
  const made = originPattern(pattern.slice(0, -1));
  return made.ok && made.pattern === pattern;
}

const SiteEntrySchema = z.object({ pattern: z.string().refine(isSitePattern), kind: z.enum(['generic', 'overleaf']) });

/**
 * Storage is not trusted to hold what we wrote (another version of the
 * extension, a sync conflict, a hand edit): a non-array is no sites, and an
 * entry that is not a valid site is dropped rather than reaching
 * `registerContentScripts`, which would reject the whole registration.
 */
export function parseSites(raw: unknown): SiteEntry[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((entry) => {
    const parsed = SiteEntrySchema.safeParse(entry);
    return parsed.success ? [parsed.data] : [];
  });
}

export async function readSites(): Promise<SiteEntry[]> {
  return parseSites(await sitesItem.getValue());
}

/**
 * The match pattern for a page's origin, or an error message for pages where
 * content scripts cannot run (chrome://, the Web Store, file:// …).
 */
export function originPattern(url: string | undefined): { ok: true; pattern: string; origin: string } | { ok: false; error: string } {
  let parsed: URL;
  try {
    parsed = new URL(url ?? '');
  } catch {
    return { ok: false, error: 'This page has no web address the extension can use.' };
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return { ok: false, error: 'The Generate button can only be added to http:// and https:// sites.' };
  }
  if (parsed.hostname === 'chromewebstore.google.com' || parsed.hostname === 'chrome.google.com') {
    return { ok: false, error: 'Chrome does not let extensions run on the Web Store.' };
  }
  // Match patterns have no port: http://host:8080/* is invalid, http://host/* matches all ports.
  return { ok: true, pattern: `${parsed.protocol}//${parsed.hostname}/*`, origin: parsed.origin };
}

/** For "Add a self-hosted Overleaf domain": accepts "overleaf.example.edu" or a full URL. */
export function overleafDomainPattern(input: string): { ok: true; pattern: string } | { ok: false; error: string } {
  const trimmed = input.trim();
  if (!trimmed) return { ok: false, error: 'Enter the address of your Overleaf server, e.g. overleaf.example.edu' };
  const withScheme = /^[a-z]+:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  const result = originPattern(withScheme);
  if (!result.ok) return result;
  const host = new URL(withScheme).hostname;
  if (!host.includes('.') && host !== 'localhost') return { ok: false, error: `"${trimmed}" is not a domain name` };
  return { ok: true, pattern: result.pattern };
}

type Registration = Browser.scripting.RegisteredContentScript;

/**
 * Which pages each editor kind runs on:
 * - a site the user enabled ("this site", "all sites") gets the plain-field
 *   and the CodeMirror scripts;
 * - a self-hosted Overleaf domain gets the Overleaf scripts on its project pages;
 * - a built-in site (sites/*.site.ts) gets its kind, once its origins are
 *   granted, unless its own entrypoints declare it in the manifest.
 * Pages of Overleaf-kind sites are excluded from the plain and CodeMirror
 * scripts, so one editor never gets two buttons.
 */
function kindMatches(entries: SiteEntry[], sites: SiteDefinition[], allowed: (origin: string) => boolean): Record<EditorKind, string[]> {
  const matches: Record<EditorKind, string[]> = { plain: [], codemirror: [], overleaf: [] };
  for (const e of entries) {
    if (!allowed(e.pattern)) continue;
    if (e.kind === 'generic') matches.plain.push(e.pattern), matches.codemirror.push(e.pattern);
    else matches.overleaf.push(...siteMatches({ origins: [e.pattern], path: OVERLEAF_SITE.path }));
  }
  for (const site of sites) {
    if (site.declaredInManifest || !site.origins.every(allowed)) continue;
    matches[site.editor].push(...siteMatches(site));
  }
  return matches;
}

function overleafOrigins(entries: SiteEntry[], sites: SiteDefinition[]): string[] {
  const selfHosted = entries.filter((e) => e.kind === 'overleaf').map((e) => e.pattern);
  return [...sites.filter((s) => s.editor === 'overleaf').flatMap((s) => s.origins), ...selfHosted];
}

/** Pure: which content scripts should be registered for these entries and sites, given what permission allows. */
export function planRegistrations(entries: SiteEntry[], grantedOrigins: string[], sites: SiteDefinition[] = SITES): Registration[] {
  const granted = new Set(grantedOrigins);
  const allowed = (pattern: string) => granted.has(pattern) || granted.has(ALL_SITES);
  const byKind = kindMatches(entries, sites, allowed);
  const excludes = [...new Set(overleafOrigins(entries, sites))].sort();
  const plan: Registration[] = [];
  for (const kind of Object.keys(byKind) as EditorKind[]) {
    if (byKind[kind].length === 0) continue;
    const matches = byKind[kind].includes(ALL_SITES) ? [ALL_SITES] : [...new Set(byKind[kind])].sort();
    for (const script of KIND_SCRIPTS[kind]) {
      plan.push({
        id: `${SCRIPT_ID_PREFIX}${script.id}`,
        js: [script.file],
        matches,
        ...(kind !== 'overleaf' && { excludeMatches: excludes }),
        ...(script.world === 'MAIN' && { world: 'MAIN' as const }),
        ...(script.allFrames && { allFrames: true }),
        runAt: script.runAt,
        persistAcrossSessions: true,
      });
    }
  }
  return plan;
}

export async function grantedOrigins(): Promise<string[]> {
  const all = await browser.permissions.getAll();
  return all.origins ?? [];
}

/**
 * Makes the registered scripts match storage + permissions: drops sites
 * whose permission is gone or whose entry is invalid, then replaces our
 * registrations. If the browser still rejects the new registrations, the
 * previous ones are put back, so a bad entry never leaves the user with none.
 */
export async function syncRegistrations(): Promise<Registration[]> {
  const origins = await grantedOrigins();
  const stored: unknown = await sitesItem.getValue();
  const entries = parseSites(stored);
  const kept = entries.filter((e) => origins.includes(e.pattern) || origins.includes(ALL_SITES));
  if (!Array.isArray(stored) || kept.length !== stored.length) await sitesItem.setValue(kept);
  const plan = planRegistrations(kept, origins);
  const ours = (await browser.scripting.getRegisteredContentScripts()).filter((s) => s.id.startsWith(SCRIPT_ID_PREFIX));
  if (ours.length > 0) await browser.scripting.unregisterContentScripts({ ids: ours.map((s) => s.id) });
  try {
    if (plan.length > 0) await browser.scripting.registerContentScripts(plan);
  } catch (error) {
    if (ours.length > 0) await browser.scripting.registerContentScripts(ours).catch(() => undefined);
    throw error;
  }
  return plan;
}

/** Records an opted-in site (call after permissions.request granted it) and registers its scripts. */
export async function addSite(entry: SiteEntry): Promise<void> {
  const entries = await readSites();
  if (!entries.some((e) => e.pattern === entry.pattern && e.kind === entry.kind)) await sitesItem.setValue([...entries, entry]);
  await syncRegistrations();
}

/** Forgets a site, gives its permission back, unregisters its scripts. */
export async function removeSite(entry: SiteEntry): Promise<void> {
  const entries = (await readSites()).filter((e) => !(e.pattern === entry.pattern && e.kind === entry.kind));
  await sitesItem.setValue(entries);
  if (!entries.some((e) => e.pattern === entry.pattern)) {
    await browser.permissions.remove({ origins: [entry.pattern] }).catch(() => false);
  }
  await syncRegistrations();
}
