/**
 * What to tell a person whose Ollama answers 403 to the extension: Ollama
 * checks the Origin header against OLLAMA_ORIGINS (default: localhost, 127.0.0.1,
 * 0.0.0.0, app://, file://, tauri://, vscode-webview://) and extension pages send
 * chrome-extension://ID or moz-extension://UUID. The fix is one environment
 * variable set the way each OS starts Ollama, then a restart (Ollama docs/faq.md,
 * "How do I configure Ollama server?" and "How can I allow additional web origins
 * to access Ollama?").
 */
import type { HostPlatform } from './types';

/** The OLLAMA_ORIGINS value that lets this extension in (its own origin, or every extension of both browsers). */
export function ollamaOriginsValue(clientOrigin?: string): string {
  return clientOrigin && /^(chrome|moz)-extension:\/\/[\w-]+$/.test(clientOrigin) ? clientOrigin : 'chrome-extension://*,moz-extension://*';
}

/** The exact steps for one OS. */
export function ollamaOriginsFix(platform: HostPlatform, clientOrigin?: string): string {
  const value = ollamaOriginsValue(clientOrigin);
  switch (platform) {
    case 'mac':
      return `run \`launchctl setenv OLLAMA_ORIGINS "${value}"\` in Terminal, then quit Ollama from the menu bar and open it again`;
    case 'windows':
      return `run \`setx OLLAMA_ORIGINS "${value}"\` in a terminal, then quit Ollama from the taskbar tray and start it again`;
    case 'linux':
      return `run \`sudo systemctl edit ollama.service\`, add the two lines \`[Service]\` and \`Environment="OLLAMA_ORIGINS=${value}"\`, then \`sudo systemctl daemon-reload && sudo systemctl restart ollama\` (started by hand: \`OLLAMA_ORIGINS="${value}" ollama serve\`)`;
  }
}

/** The platform this code runs on, for the message (navigator in a browser, process in Node). */
export function guessPlatform(): HostPlatform {
  const g = globalThis as { navigator?: { userAgent?: string }; process?: { platform?: string } };
  const hint = g.navigator?.userAgent ?? g.process?.platform ?? '';
  if (/mac|darwin/i.test(hint)) return 'mac';
  if (/win/i.test(hint)) return 'windows';
  return 'linux';
}
