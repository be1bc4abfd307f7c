import { afterEach, describe, expect, it } from 'vitest';
import { traceMark, TRACE_GLOBAL } from './trace';

const marks = () => (globalThis as unknown as Record<string, Array<[string, number]>>)[TRACE_GLOBAL];

describe('traceMark (test builds)', () => {
  afterEach(() => {
    delete (globalThis as Record<string, unknown>)[TRACE_GLOBAL];
  });

  it('keeps each stage with a wall-clock time, in order', () => {
    const before = performance.timeOrigin + performance.now();
    traceMark('request');
    traceMark('to-engine');
    const [[a, ta], [b, tb]] = marks();
    expect([a, b]).toEqual(['request', 'to-engine']);
    expect(ta).toBeGreaterThanOrEqual(before);
    expect(tb).toBeGreaterThanOrEqual(ta);
  });

  it('keeps only the newest 2000 marks', () => {
    for (let i = 0; i < 2100; i++) traceMark('drawn');
    expect(marks()).toHaveLength(2000);
  });
});
