import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import overleaf from './sites/overleaf.site';
import { defineSite } from './sites/site';
import { ALL_SITES, GENERIC_SCRIPT, OVERLEAF_MAIN_SCRIPT, originPattern, overleafDomainPattern, parseSites, planRegistrations, readSites, sitesItem, syncRegistrations } from './site-access';

describe('site opt-in', () => {
  beforeEach(() => fakeBrowser.reset());

  it('turns a page URL into an origin match pattern (ports dropped, as match patterns require)', () => {
    expect(originPattern('https://arxiv.org/abs/1234?x=1')).toEqual({ ok: true, pattern: 'https://arxiv.org/*', origin: 'https://arxiv.org' });
    expect(originPattern('http://localhost:8080/a')).toMatchObject({ ok: true, pattern: 'http://localhost/*' });
  });

  it('explains pages where the button cannot be added', () => {
    expect(originPattern('chrome://extensions/')).toMatchObject({ ok: false, error: expect.stringMatching(/http/) });
    expect(originPattern('https://chromewebstore.google.com/detail/x')).toMatchObject({ ok: false });
    expect(originPattern(undefined)).toMatchObject({ ok: false });
  });

  it('accepts a self-hosted Overleaf domain typed with or without scheme', () => {
    expect(overleafDomainPattern('overleaf.example.edu')).toEqual({ ok: true, pattern: 'https://overleaf.example.edu/*' });
    expect(overleafDomainPattern('http://latex.lab.local:8080/project')).toEqual({ ok: true, pattern: 'http://latex.lab.local/*' });
    expect(overleafDomainPattern('  ')).toMatchObject({ ok: false });
    expect(overleafDomainPattern('nodots')).toMatchObject({ ok: false });
  });

  it('registers only sites whose permission is still granted', () => {
    const plan = planRegistrations(
      [
        { pattern: 'https://a.example/*', kind: 'generic' },
        { pattern: 'https://revoked.example/*', kind: 'generic' },
      ],
      ['https://a.example/*', 'https://www.overleaf.com/*'],
    );
    expect(plan.map((p) => p.id)).toEqual(['aa-generic', 'aa-codemirror-main', 'aa-codemirror']);
    expect(plan[0]).toMatchObject({ id: 'aa-generic', js: [GENERIC_SCRIPT], matches: ['https://a.example/*'], allFrames: true });
    // The generic button and the CodeMirror scripts stay off Overleaf, which has its own scripts.
    for (const p of plan) expect(p.excludeMatches).toContain('https://www.overleaf.com/*');
  });

  it('an enabled site also gets CodeMirror 6 support: the MAIN-world script and its isolated partner, in all frames', () => {
    const plan = planRegistrations([{ pattern: 'https://hub.example/*', kind: 'generic' }], ['https://hub.example/*'], []);
    expect(plan.find((p) => p.id === 'aa-codemirror-main')).toMatchObject({
      js: ['content-scripts/codemirror-main.js'], world: 'MAIN', matches: ['https://hub.example/*'], allFrames: true,
    });
    expect(plan.find((p) => p.id === 'aa-codemirror')).toMatchObject({ js: ['content-scripts/codemirror.js'], matches: ['https://hub.example/*'] });
    expect(plan.find((p) => p.id === 'aa-codemirror')!.world).toBeUndefined();
  });

  it('a self-hosted Overleaf is kept free of the plain-field and CodeMirror scripts even with "all sites" on', () => {
    const plan = planRegistrations(
      [{ pattern: ALL_SITES, kind: 'generic' }, { pattern: 'https://tex.uni.example/*', kind: 'overleaf' }],
      [ALL_SITES],
      [],
    );
    for (const id of ['aa-generic', 'aa-codemirror-main', 'aa-codemirror']) {
      expect(plan.find((p) => p.id === id)!.excludeMatches).toContain('https://tex.uni.example/*');
    }
    expect(plan.find((p) => p.id === 'aa-overleaf')!.excludeMatches).toBeUndefined();
  });

  it('a built-in site gets its editor kind once its origins are granted; one declared in the manifest is not registered again', () => {
    const sites = [
      defineSite({ name: 'notebooks', origins: ['https://nb.example/*'], path: '/lab/*', editor: 'codemirror' }),
      defineSite({ name: 'declared', origins: ['https://d.example/*'], editor: 'overleaf', declaredInManifest: true }),
    ];
    expect(planRegistrations([], [], sites)).toEqual([]);
    const plan = planRegistrations([], ['https://nb.example/*', 'https://d.example/*'], sites);
    expect(plan.map((p) => p.id)).toEqual(['aa-codemirror-main', 'aa-codemirror']);
    expect(plan[0]).toMatchObject({ matches: ['https://nb.example/lab/*'], excludeMatches: ['https://d.example/*'] });
  });

  it('"all sites" registers one script for every site', () => {
    const plan = planRegistrations([{ pattern: ALL_SITES, kind: 'generic' }], [ALL_SITES]);
    expect(plan[0]!.matches).toEqual([ALL_SITES]);
  });

  it('a self-hosted Overleaf gets both Overleaf scripts on its project pages, MAIN world at document_start', () => {
    const plan = planRegistrations([{ pattern: 'https://tex.uni.example/*', kind: 'overleaf' }], ['https://tex.uni.example/*']);
    const main = plan.find((p) => p.js?.includes(OVERLEAF_MAIN_SCRIPT))!;
    expect(main).toMatchObject({ world: 'MAIN', runAt: 'document_start', matches: ['https://tex.uni.example/project/*'] });
    expect(plan).toHaveLength(2);
    expect(plan.map((p) => p.id)).toEqual(['aa-overleaf-main', 'aa-overleaf']);
  });

  it('nothing opted in → nothing registered', () => {
    expect(planRegistrations([], ['https://www.overleaf.com/*'], [overleaf])).toEqual([]);
  });

  it('stores opted-in sites in local storage', async () => {
    await sitesItem.setValue([{ pattern: 'https://a.example/*', kind: 'generic' }]);
    expect(await sitesItem.getValue()).toEqual([{ pattern: 'https://a.example/*', kind: 'generic' }]);
  });
});

type Registered = Browser.scripting.RegisteredContentScript;

/** The browser's scripting + permissions APIs, which fakeBrowser leaves unimplemented: an in-memory registry that, like Chrome, rejects a whole batch when one pattern is invalid. */
function fakeScripting(granted: string[], initial: Registered[] = []) {
  const registered = new Map(initial.map((r) => [r.id, r]));
  fakeBrowser.permissions.getAll = async () => ({ origins: granted, permissions: [] });
  fakeBrowser.scripting.getRegisteredContentScripts = async () => [...registered.values()];
  fakeBrowser.scripting.unregisterContentScripts = async (filter?: { ids?: string[] }) => {
    for (const id of filter?.ids ?? [...registered.keys()]) registered.delete(id);
  };
  fakeBrowser.scripting.registerContentScripts = async (scripts: Registered[]) => {
    for (const s of scripts) {
      if (registered.has(s.id)) throw new Error(`Duplicate script ID '${s.id}'`);
      for (const m of s.matches ?? []) if (!/^(\*|https?):\/\/[^/]+\/.*$/.test(m)) throw new Error(`Invalid url pattern '${m}'`);
    }
    for (const s of scripts) registered.set(s.id, s);
  };
  return registered;
}

describe('opt-in sites read from storage', () => {
  beforeEach(() => fakeBrowser.reset());

  it('a stored value that is not a list means no sites', () => {
    for (const raw of ['https://a.example/*', { pattern: 'https://a.example/*', kind: 'generic' }, null, 42, undefined]) expect(parseSites(raw)).toEqual([]);
  });

  it('drops entries that are not valid sites and keeps the rest', () => {
    const good = { pattern: 'https://a.example/*', kind: 'generic' as const };
    const raw = [
      good,
      { pattern: '<all_urls>', kind: 'generic' },
      { pattern: 'https://a.example:8080/*', kind: 'generic' },
      { pattern: 'javascript:alert(1)/*', kind: 'generic' },
      { pattern: 'https://b.example/*', kind: 'admin' },
      { pattern: 'https://c.example/', kind: 'overleaf' },
      'https://d.example/*',
      { pattern: ALL_SITES, kind: 'generic' },
      { pattern: 'https://tex.uni.example/*', kind: 'overleaf' },
    ];
    expect(parseSites(raw)).toEqual([good, { pattern: ALL_SITES, kind: 'generic' }, { pattern: 'https://tex.uni.example/*', kind: 'overleaf' }]);
  });

  it('a non-list in storage registers nothing, throws nothing, and is replaced by an empty list', async () => {
    const registered = fakeScripting(['https://a.example/*']);
    await fakeBrowser.storage.local.set({ optInSites: 'oops' });
    await expect(readSites()).resolves.toEqual([]);
    await expect(syncRegistrations()).resolves.toEqual([]);
    expect(registered.size).toBe(0);
    expect(await sitesItem.getValue()).toEqual([]);
  });

  it('an invalid entry is dropped before registration, so valid sites stay registered', async () => {
    const registered = fakeScripting(['https://a.example/*', 'https://evil.example:99/*']);
    await fakeBrowser.storage.local.set({ optInSites: [{ pattern: 'https://a.example/*', kind: 'generic' }, { pattern: 'https://evil.example:99/*', kind: 'generic' }] });
    const plan = await syncRegistrations();
    for (const p of plan) expect(p.matches).toEqual(['https://a.example/*']);
    expect([...registered.keys()]).toEqual(['aa-generic', 'aa-codemirror-main', 'aa-codemirror']);
    expect(await sitesItem.getValue()).toEqual([{ pattern: 'https://a.example/*', kind: 'generic' }]);
  });

  it('if the browser still rejects the new registrations, the previous ones are put back', async () => {
    const previous: Registered = { id: 'aa-generic', js: [GENERIC_SCRIPT], matches: ['https://a.example/*'] };
    const registered = fakeScripting(['https://a.example/*', 'https://b.example/*'], [previous]);
    await sitesItem.setValue([{ pattern: 'https://a.example/*', kind: 'generic' }, { pattern: 'https://b.example/*', kind: 'generic' }]);
    const register = fakeBrowser.scripting.registerContentScripts;
    let calls = 0;
    fakeBrowser.scripting.registerContentScripts = async (scripts: Registered[]) => {
      if (calls++ === 0) throw new Error('rejected by the browser');
      return register(scripts);
    };
    await expect(syncRegistrations()).rejects.toThrow('rejected by the browser');
    expect(registered.get('aa-generic')?.matches).toEqual(['https://a.example/*']);
  });
});
