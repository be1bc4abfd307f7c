/**
 * Runs `start` once per frame and world: executeScript may inject a script
 * into a frame that already has it (declared or registered), and a second
 * copy would add a second set of listeners and buttons.
 */
export function runOnce(name: string, start: () => void): void {
  const key = Symbol.for(`abstract-autocomplete.${name}`);
  const scope = globalThis as unknown as Record<symbol, boolean>;
  if (scope[key]) return;
  scope[key] = true;
  start();
}
