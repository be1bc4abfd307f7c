/**
 * Every site file must be something site-access.ts can register: a mistake
 * here would make `registerContentScripts` reject all of our registrations.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EDITOR_KINDS } from '../editors/kinds';
import { originPattern } from '../site-access';
import { SITES } from '.';
import { siteMatches } from './site';

describe('sites', () => {
  it('are collected from every <name>.site.ts file beside index.ts, each named after its file (vitest runs in mode "test", so the fixture site is in)', () => {
    const files = readdirSync(import.meta.dirname).filter((f) => f.endsWith('.site.ts'));
    expect(files).toContain('overleaf.site.ts');
    expect(SITES.map((s) => `${s.name}.site.ts`).sort()).toEqual(files.sort());
  });

  it.each(SITES.map((s) => [s.name, s] as const))('%s: origin patterns, a path and a known editor kind', (_name, site) => {
    expect(EDITOR_KINDS).toContain(site.editor);
    for (const origin of site.origins) {
      const made = originPattern(origin.slice(0, -1));
      expect(made.ok && made.pattern, `${origin} is an origin match pattern`).toBe(origin);
    }
    for (const match of siteMatches(site)) expect(match).toMatch(/^https?:\/\/[^/*]+\/(.*\/)?\*$/);
  });
});
