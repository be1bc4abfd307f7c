/** The tab the popup was opened over: its address (what "this site" means in the popup) and its id. */
import { useEffect, useState } from 'react';
import { browser } from 'wxt/browser';

export function useActiveTab(): { id?: number; url?: string } | undefined {
  const [tab, setTab] = useState<{ id?: number; url?: string } | undefined>();
  useEffect(() => {
    void browser.tabs.query({ active: true, currentWindow: true }).then(([t]) => setTab(t && { id: t.id, url: t.url }));
  }, []);
  return tab;
}

export function useActiveTabUrl(): string | undefined {
  return useActiveTab()?.url;
}
