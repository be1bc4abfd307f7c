import { describe, expect, it } from 'vitest';
import { applyOllamaOriginRule, OLLAMA_ORIGIN_RULE_ID, ollamaOriginRule, hostPlatform } from './ollama-origin';

describe('Ollama origin rewrite', () => {
  it('sets Origin to the server itself, for that origin and extension contexts only', () => {
    const rule = ollamaOriginRule({ kind: 'ollama', url: 'http://localhost:11434' }) as any;
    expect(rule.action.requestHeaders).toEqual([{ header: 'origin', operation: 'set', value: 'http://localhost:11434' }]);
    expect(rule.condition.urlFilter).toBe('|http://localhost:11434/');
    expect(rule.condition.tabIds).toEqual([-1]);
  });

  it('makes no rule for other server kinds, and replaces the old rule each time', async () => {
    expect(ollamaOriginRule({ kind: 'openai', url: 'http://localhost:8000/v1' })).toBeUndefined();
    const calls: unknown[] = [];
    const rules = { updateSessionRules: async (o: unknown) => void calls.push(o) };
    expect(await applyOllamaOriginRule(rules, { kind: 'ollama', url: 'http://127.0.0.1:9' })).toBe(true);
    expect(await applyOllamaOriginRule(rules, undefined)).toBe(false);
    expect(calls).toEqual([
      { removeRuleIds: [OLLAMA_ORIGIN_RULE_ID], addRules: [expect.objectContaining({ id: OLLAMA_ORIGIN_RULE_ID })] },
      { removeRuleIds: [OLLAMA_ORIGIN_RULE_ID], addRules: [] },
    ]);
    expect(await applyOllamaOriginRule(undefined, { kind: 'ollama', url: 'http://localhost:11434' })).toBe(false);
  });

  it('maps the browser platform to the OS the fix is written for', () => {
    expect([hostPlatform('mac'), hostPlatform('win'), hostPlatform('linux'), hostPlatform('cros')]).toEqual(['mac', 'windows', 'linux', undefined]);
  });
});
