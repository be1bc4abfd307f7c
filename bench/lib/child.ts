/**
 * One measurement in a process of its own (onnxruntime fixes its thread count
 * per process): runs a bench script with tsx and returns the JSON the script
 * prints on its `RESULT {json}` line.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export function runResultChild(script: string, args: string[], what: string): Promise<any> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code === 0 && line) ok(JSON.parse(line.slice(7)));
      else fail(new Error(`${what} exited ${code}: ${out.slice(-500)}`));
    });
  });
}
