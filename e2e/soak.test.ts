/**
 * Short soak in `npm test` (the long one is in `npm run bench`): 200
 * generations from three tabs and the popup, with Esc cancels, supersedes
 * and one killed service worker. See e2e/soak.ts for what is driven.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, type Harness } from './harness';
import { runSoak, SOAK_LAUNCH } from './soak';

let h: Harness;

beforeAll(async () => {
  h = await launch(SOAK_LAUNCH);
  // Short generations: the soak is about how jobs start and end, not how long they are.
  await h.evalInWorker(async () => {
    const { settings } = await chrome.storage.sync.get('settings');
    await chrome.storage.sync.set({ settings: { ...(settings ?? {}), maxNewTokens: 4, stopAtSentenceEnd: false } });
  });
});
afterAll(async () => {
  await h?.close();
});

describe('soak: three tabs and the popup', () => {
  it('200 generations with cancels, supersedes and a killed worker: texts intact, every job ends, memory flat', async () => {
    const report = await runSoak(h, { rounds: 50, killAtRound: 25, baselineAfter: 10, log: (l) => console.log(`[soak] ${l}`) });
    console.log(`[soak] ${JSON.stringify(report)}`);
    expect(report.generations).toBeGreaterThanOrEqual(200);
    expect(report.stuck).toEqual([]);
    expect(report.damagedTexts).toEqual([]);
    expect(report.outcomes['tab not triggered'] ?? 0).toBe(0);
    expect(report.outcomes['popup error:superseded']).toBeGreaterThan(0);
    expect(report.outcomes['popup cancelled']).toBeGreaterThan(0);
    expect(report.outcomes['tab cancelled']).toBeGreaterThan(0);
    expect(report.growth).toBeLessThanOrEqual(0.1);
    h.assertNoExternalRequests();
  }, 600_000);
});
