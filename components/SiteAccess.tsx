/**
 * Opt-in for other sites. `permissions.request` must be the first await in
 * the click handler (it needs the user gesture); only then is the site
 * recorded and its content script registered.
 */
import { useEffect, useState } from 'react';
import { browser } from 'wxt/browser';
import { ALL_SITES, addSite, originPattern, overleafDomainPattern, parseSites, readSites, removeSite, sitesItem, type SiteEntry } from '@/lib/extension/site-access';

async function currentTabUrl(): Promise<string | undefined> {
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
  return tab?.url;
}

export function SiteAccess() {
  const [url, setUrl] = useState<string | undefined>();
  const [sites, setSites] = useState<SiteEntry[]>([]);
  const [domain, setDomain] = useState('');
  const [message, setMessage] = useState('');

  useEffect(() => {
    void currentTabUrl().then(setUrl);
    void readSites().then(setSites);
    return sitesItem.watch((v) => setSites(parseSites(v)));
  }, []);

  const here = originPattern(url);

  async function enable(entry: SiteEntry, label: string) {
    try {
      const granted = await browser.permissions.request({ origins: [entry.pattern] });
      if (!granted) {
        setMessage(`Permission for ${label} was not granted.`);
        return;
      }
      await addSite(entry);
      setMessage(`Enabled on ${label}. Reload open pages there to see the button.`);
    } catch (error) {
      setMessage(`Could not enable ${label}: ${(error as Error).message}`);
    }
  }

  return (
    <section className="sites" aria-label="Sites">
      <h2>Sites</h2>
      {here.ok ? (
        <button type="button" onClick={() => void enable({ pattern: here.pattern, kind: 'generic' }, here.origin)}>
          Show the Generate button on this site
        </button>
      ) : (
        <p className="hint">{here.error}</p>
      )}
      <button type="button" onClick={() => void enable({ pattern: ALL_SITES, kind: 'generic' }, 'all sites')}>
        Show it on all sites
      </button>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const parsed = overleafDomainPattern(domain);
          if (!parsed.ok) return setMessage(parsed.error);
          void enable({ pattern: parsed.pattern, kind: 'overleaf' }, domain.trim());
        }}
      >
        <label htmlFor="overleaf-domain">Add a self-hosted Overleaf domain</label>
        <input id="overleaf-domain" placeholder="overleaf.example.edu" value={domain} onChange={(e) => setDomain(e.target.value)} />
        <button type="submit">Add</button>
      </form>
      {sites.length > 0 && (
        <ul>
          {sites.map((s) => (
            <li key={`${s.kind}:${s.pattern}`}>
              {s.pattern === ALL_SITES ? 'All sites' : s.pattern} ({s.kind === 'overleaf' ? 'Overleaf' : 'Generate button'}){' '}
              <button type="button" onClick={() => void removeSite(s).then(() => setMessage('Removed.'))} aria-label={`Remove ${s.pattern}`}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <p role="status">{message}</p>
    </section>
  );
}
