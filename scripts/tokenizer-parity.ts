/**
 * Python/JS tokenizer parity: encodes the same texts with our Python BPE encoder
 * (model_creation/encode_texts.py) and with @huggingface/tokenizers, and reports
 * every text whose ids differ. Used by the parity test and by model_creation/ship.sh.
 *
 *   npx tsx scripts/tokenizer-parity.ts --tokenizer DIR/tokenizer.json --texts FILE(.json|.jsonl) [--limit N]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Tokenizer } from '@huggingface/tokenizers';

export interface ParityReport {
  checked: number;
  mismatches: { index: number; text: string; python: number[]; js: number[] }[];
}

export function readTexts(path: string, limit?: number): string[] {
  const raw = readFileSync(path, 'utf8');
  const texts: string[] = path.endsWith('.json')
    ? JSON.parse(raw)
    : raw
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => {
          const rec = JSON.parse(l);
          return rec.abstract ?? rec.text;
        });
  return limit ? texts.slice(0, limit) : texts;
}

export function checkParity(tokenizerPath: string, textsPath: string, limit?: number): ParityReport {
  const texts = readTexts(textsPath, limit);
  const args = ['model_creation/encode_texts.py', '--tokenizer', tokenizerPath, '--texts', textsPath];
  if (limit) args.push('--limit', String(limit));
  const pyOut = execFileSync('/usr/bin/python3', args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  const pyIds = pyOut.trim().split('\n').map((l) => JSON.parse(l) as number[]);
  const tok = new Tokenizer(JSON.parse(readFileSync(tokenizerPath, 'utf8')), {});
  const mismatches: ParityReport['mismatches'] = [];
  texts.forEach((text, index) => {
    const js = Array.from(tok.encode(text, { add_special_tokens: false }).ids);
    const python = pyIds[index];
    if (!python || python.length !== js.length || python.some((v, i) => v !== js[i])) {
      mismatches.push({ index, text, python, js });
    }
  });
  return { checked: texts.length, mismatches };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { tokenizer: { type: 'string' }, texts: { type: 'string' }, limit: { type: 'string' } },
  });
  if (!values.tokenizer || !values.texts) {
    console.error('usage: tokenizer-parity --tokenizer tokenizer.json --texts FILE [--limit N]');
    process.exit(2);
  }
  const report = checkParity(values.tokenizer, values.texts, values.limit ? Number(values.limit) : undefined);
  console.log(JSON.stringify({ checked: report.checked, mismatches: report.mismatches.length }));
  for (const m of report.mismatches.slice(0, 5)) console.error('mismatch:', JSON.stringify(m.text.slice(0, 200)));
  process.exit(report.mismatches.length ? 1 : 0);
}
