import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { ALL_SITES, GENERIC_SCRIPT, OVERLEAF_MAIN_SCRIPT, originPattern, overleafDomainPattern, planRegistrations, sitesItem } from './site-access';

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
    expect(plan).toHaveLength(1);
    expect(plan[0]).toMatchObject({ id: 'aa-generic', js: [GENERIC_SCRIPT], matches: ['https://a.example/*'], allFrames: true });
    // The generic button stays off Overleaf, which has its own script.
    expect(plan[0]!.excludeMatches).toContain('https://www.overleaf.com/*');
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
  });

  it('nothing opted in → nothing registered', () => {
    expect(planRegistrations([], ['https://www.overleaf.com/*'])).toEqual([]);
  });

  it('stores opted-in sites in local storage', async () => {
    await sitesItem.setValue([{ pattern: 'https://a.example/*', kind: 'generic' }]);
    expect(await sitesItem.getValue()).toEqual([{ pattern: 'https://a.example/*', kind: 'generic' }]);
  });
});
