/** The address of the tab the popup was opened over (what "this site" means in the popup). */
import { useEffect, useState } from 'react';
import { browser } from 'wxt/browser';

export function useActiveTabUrl(): string | undefined {
  const [url, setUrl] = useState<string | undefined>();
  useEffect(() => {
    void browser.tabs.query({ active: true, currentWindow: true }).then(([tab]) => setUrl(tab?.url));
  }, []);
  return url;
}
