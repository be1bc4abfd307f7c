/**
 * The docs' figures and the committed results files agree: every generated
 * region of README.md and docs/PERFORMANCE.md renders to exactly what is
 * committed (`npm run bench:report` fixes a mismatch), and no speed figure
 * sits outside a region, where nothing would keep it true.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runTimes } from './lib/doc-tables';
import { DOCS, outsideRegions, REGION, renderDoc } from './report';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const read = (doc: string) => readFileSync(join(ROOT, doc), 'utf8');
const regionNames = (text: string) => [...text.matchAll(REGION)].map((m) => m[1]);

/** Measured-looking figures: speeds, ratios, latencies, sizes. */
const README_FIGURE = /\d[\d.,]*\s*(tokens\/s|tok\/s|×|ms\b|MB\b|MiB\b|bits per byte)/g;
/** In PERFORMANCE.md's prose (which also states shapes and settings): speeds and ratios (a ratio, not a shape like 768×3072). */
const PERFORMANCE_FIGURE = /\d[\d.,]*\s*(tokens\/s|tok\/s)|\d×(?!\d)/g;

describe('generated figures in the docs', () => {
  it.each(DOCS)('%s matches the committed results files (else run `npm run bench:report`)', (doc) => {
    const text = read(doc);
    expect(regionNames(text).length).toBeGreaterThan(0);
    expect(renderDoc(text, doc)).toBe(text);
  });

  it('the README takes its speed, Firefox, size and model-quality figures from regions', () => {
    expect(regionNames(read('README.md'))).toEqual(expect.arrayContaining(['readme-model', 'model-card', 'readme-draft', 'readme-speed', 'readme-firefox']));
  });

  it('PERFORMANCE.md renders every table the bench writes', () => {
    expect(regionNames(read('docs/PERFORMANCE.md'))).toEqual(expect.arrayContaining(['speed', 'firefox', 'typing-cost', 'typing', 'soak']));
  });

  it('no figure is typed outside a region', () => {
    expect(outsideRegions(read('README.md')).match(README_FIGURE) ?? []).toEqual([]);
    expect(outsideRegions(read('docs/PERFORMANCE.md')).match(PERFORMANCE_FIGURE) ?? []).toEqual([]);
  });
});

describe('renderDoc', () => {
  const readme = read('README.md');

  it('puts back a figure edited by hand inside a region', () => {
    const edited = readme.replace(/(<!-- bench:readme-speed:start -->[^0-9]*)(\d+)/, (_m, pre: string, n: string) => `${pre}${Number(n) + 1}`);
    expect(edited).not.toBe(readme);
    expect(renderDoc(edited)).toBe(readme);
  });

  it('keeps an inline region on its line and puts a block region between line breaks', () => {
    const out = renderDoc('a <!-- bench:readme-model:start -->x<!-- bench:readme-model:end --> b\n<!-- bench:soak:start -->\nold\n<!-- bench:soak:end -->\n');
    expect(out).toMatch(/^a <!-- bench:readme-model:start -->\d+ MB, int8<!-- bench:readme-model:end --> b\n<!-- bench:soak:start -->\nGenerated from `bench\/results\/soak-latest\.json`[^]*\n<!-- bench:soak:end -->\n$/);
  });

  it('renders a region from the results file its marker names', () => {
    const out = renderDoc('<!-- bench:typing:start bench/results/typing-2026-12-01T09-38-38.json -->\n<!-- bench:typing:end -->');
    expect(out).toContain('Generated from `bench/results/typing-2026-12-01T09-38-38.json` (2026-12-01T09:38:38.445Z, full');
    expect(out).toContain('| 1 (1) | 1548 | 649 | 114 | 50.6 | 74.5 |');
  });

  it('cites the results file it rendered from, in the README sentences too', () => {
    const out = renderDoc('<!-- bench:readme-speed:start bench/results/2026-12-01T06-04-48-quick.json --><!-- bench:readme-speed:end -->');
    expect(out).toContain('(one thread; `bench/results/2026-12-01T06-04-48-quick.json`, 2026-12-01, a quick run)');
    expect(out).not.toContain('latest.json');
  });

  it('refuses an unknown region and a missing results file with a message that says what to do', () => {
    expect(() => renderDoc('<!-- bench:nonsense:start --><!-- bench:nonsense:end -->', 'X.md')).toThrow(/X\.md: unknown generated region bench:nonsense/);
    expect(() => renderDoc('<!-- bench:typing:start bench/results/none.json --><!-- bench:typing:end -->')).toThrow(/bench\/results\/none\.json is missing: run `npm run bench`/);
  });

  it('says how long each phase of a run took, and when a run was stopped before it finished', () => {
    const run = { date: '2026-12-04T15:00:00.000Z', quick: true, runs: 3, rounds: 1, complete: true, wall_s: 300, phases: [{ name: 'plan', seconds: 12.5 }, { name: 'chromium', seconds: 80 }], failures: [], cores: 2, load_average_at_end: [1, 0.5, 0.25] };
    expect(runTimes(run, 'bench/results/run-latest.json')).toBe(
      [
        'Generated from `bench/results/run-latest.json` (started 2026-12-04T15:00:00.000Z): `npm run bench -- --quick` (3 timed runs per median, 1 round(s)) took **300 s** after its prerequisites were installed; load average at the end 1.0 0.5 0.3 on 2 cores.',
        '',
        '| phase | plan | chromium |',
        '| --- | ---: | ---: |',
        '| seconds | 12.5 | 80 |',
      ].join('\n'),
    );
    expect(runTimes({ ...run, complete: false, wall_s: 93 }, 'f.json')).toContain('was stopped after 93 s, before it finished');
  });
});
