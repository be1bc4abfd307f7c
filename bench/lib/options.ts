/**
 * The command line of `npm run bench` and of each phase run on its own:
 *   --quick       the bundled model in Chromium only, and shorter typing/soak runs
 *   --runs N      timed runs per median (quick 3, full 7)
 *   --rounds N    interleaved rounds per configuration, best kept (quick 1, full 2)
 *   --rebuild     rebuild the extensions and cached models
 * Quick repeats less, it measures the same rows: other processes share the
 * 2 cores, so a full run (more runs, best of two rounds) is the one to quote.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BenchOptions {
  quick: boolean;
  rebuild: boolean;
  runs: number;
  rounds: number;
}

export function parseOptions(argv: readonly string[] = process.argv.slice(2)): BenchOptions {
  const quick = argv.includes('--quick');
  const num = (name: string, fallback: number) => {
    const i = argv.indexOf(name);
    if (i < 0) return fallback;
    const n = Number(argv[i + 1]);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} takes a positive whole number, got ${JSON.stringify(argv[i + 1])}`);
    return n;
  };
  return { quick, rebuild: argv.includes('--rebuild'), runs: num('--runs', quick ? 3 : 7), rounds: num('--rounds', quick ? 1 : 2) };
}

/** A logger whose lines carry the seconds since this process started, so a run's log shows where the time goes. */
export function makeLog(tag: string): (line: string) => void {
  return (line) => console.error(`[${tag} ${(performance.now() / 1000).toFixed(0).padStart(4)}s] ${line}`);
}

/** Whether the module at `url` is the script node was started with (a phase run on its own rather than imported by bench/run.ts). */
export function isMain(url: string): boolean {
  return process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(url);
}
