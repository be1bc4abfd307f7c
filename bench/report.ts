/**
 * npm run bench:report [-- --check]
 *
 * Rewrites the generated regions of README.md and docs/PERFORMANCE.md from the
 * committed results files, so every figure there comes from a file the bench
 * wrote. A region is
 *   <!-- bench:NAME:start -->…<!-- bench:NAME:end -->
 * or, to render a named run rather than the latest one,
 *   <!-- bench:NAME:start bench/results/FILE.json -->…<!-- bench:NAME:end -->
 * NAME picks a renderer below (its default source is the kind's latest file).
 * `npm run bench` runs this at its end; `--check` only reports the docs that
 * differ (exit 1), like bench/report.test.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as t from './lib/doc-tables';
import { renderMarkdown } from './lib/report';
import { isMain } from './lib/options';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DOCS = ['README.md', 'docs/PERFORMANCE.md'];

interface Renderer {
  /** Repository-relative file the region is rendered from when its marker names none. */
  source: string;
  /** Inside a sentence: no line breaks around the content. */
  inline?: boolean;
  render(data: any, source: string): string;
}

const SPEED = 'bench/results/latest.json';
const FIREFOX = 'bench/results/firefox-latest.json';

export const RENDERERS: Record<string, Renderer> = {
  speed: { source: SPEED, render: renderMarkdown },
  firefox: { source: FIREFOX, render: t.firefoxTable },
  'typing-cost': { source: 'bench/results/typing-cost-latest.json', render: t.typingCostTable },
  typing: { source: 'bench/results/typing-latest.json', render: t.typingTable },
  soak: { source: 'bench/results/soak-latest.json', render: t.soakTable },
  run: { source: 'bench/results/run-latest.json', render: t.runTimes },
  'readme-speed': { source: SPEED, inline: true, render: t.readmeSpeed },
  'readme-typing': { source: 'bench/results/typing-latest.json', inline: true, render: t.readmeTyping },
  'readme-model': { source: SPEED, inline: true, render: t.readmeModel },
  'readme-draft': { source: SPEED, inline: true, render: t.readmeDraft },
  'readme-firefox': { source: FIREFOX, inline: true, render: t.readmeFirefox },
  'model-card': { source: 'public/models/abstract-gpt/README.md', inline: true, render: t.modelCardBitsPerByte },
};

/** Every region: its name, the source its marker names (if any), and where it sits. */
export const REGION = /<!-- bench:([a-z0-9-]+):start(?: ([^\s]+))? -->([\s\S]*?)<!-- bench:\1:end -->/g;

/** The document with every generated region taken out: the prose that nothing regenerates. */
export function outsideRegions(text: string): string {
  return text.replace(REGION, '');
}

function load(source: string): any {
  let text: string;
  try {
    text = readFileSync(join(ROOT, source), 'utf8');
  } catch {
    throw new Error(`${source} is missing: run \`npm run bench\` (or the phase that writes it) first`);
  }
  return source.endsWith('.json') ? JSON.parse(text) : text;
}

/** The document with every generated region rendered again from its source. */
export function renderDoc(text: string, doc = 'document'): string {
  return text.replace(REGION, (_all, name: string, named: string | undefined) => {
    const r = RENDERERS[name];
    if (!r) throw new Error(`${doc}: unknown generated region bench:${name} (known: ${Object.keys(RENDERERS).join(', ')})`);
    const source = named ?? r.source;
    const body = r.render(load(source), source);
    const start = `<!-- bench:${name}:start${named ? ` ${named}` : ''} -->`;
    return r.inline ? `${start}${body}<!-- bench:${name}:end -->` : `${start}\n${body}\n<!-- bench:${name}:end -->`;
  });
}

/** Rewrites the docs whose regions are out of date; returns their paths. */
export function writeReport(check = false): string[] {
  // Render every document before writing any, so a missing file or region leaves all of them as they were.
  const rendered = DOCS.map((doc) => {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    return { doc, text, next: renderDoc(text, doc) };
  });
  const changed = rendered.filter((r) => r.next !== r.text);
  if (!check) for (const r of changed) writeFileSync(join(ROOT, r.doc), r.next);
  return changed.map((r) => r.doc);
}

if (isMain(import.meta.url)) {
  const check = process.argv.includes('--check');
  const changed = writeReport(check);
  if (check && changed.length) {
    console.error(`generated figures out of date in ${changed.join(', ')}: run \`npm run bench:report\``);
    process.exit(1);
  }
  console.log(changed.length ? `${check ? 'out of date' : 'rewrote'}: ${changed.join(', ')}` : 'docs match the results files');
}
