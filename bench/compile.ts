/**
 * `npm run bench:compile`: compile time and module size of L-layer tanh networks, L = 4, 16,
 * 64, timing `gradc compile` as a whole process (median of 5). Run `npm run build` first.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const gradc = join(here, '..', 'bin', 'gradc.js');

function network(layers: number): string {
  const lines = ['x, y : vector(n)'];
  for (let k = 1; k <= layers; k++) lines.push(`W${k} : matrix(n, n)`, `b${k} : vector(n)`);
  lines.push('h1 = tanh(W1 x + b1)');
  for (let k = 2; k <= layers; k++) lines.push(`h${k} = tanh(W${k} h${k - 1} + b${k})`);
  lines.push(`L = ||h${layers} - y||^2`);
  lines.push(`grad L wrt ${Array.from({ length: layers }, (_, i) => `W${i + 1}, b${i + 1}`).join(', ')}`);
  return `${lines.join('\n')}\n`;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const dir = mkdtempSync(join(tmpdir(), 'gradc-bench-'));
const rows: { layers: number; lines: number; seconds: number }[] = [];
for (const layers of [4, 16, 64]) {
  const file = join(dir, `mlp${layers}.formula`);
  writeFileSync(file, network(layers));
  const times: number[] = [];
  for (let run = 0; run < 5; run++) {
    const start = performance.now();
    execFileSync(process.execPath, [gradc, 'compile', file, '-o', dir]);
    times.push((performance.now() - start) / 1000);
  }
  const lines = readFileSync(join(dir, `mlp${layers}.ts`), 'utf8').split('\n').length;
  rows.push({ layers, lines, seconds: median(times) });
}
console.log('| layers | generated lines | compile seconds (median of 5) |\n|---|---|---|');
for (const r of rows) console.log(`| ${r.layers} | ${r.lines} | ${r.seconds.toFixed(2)} |`);
const [, l16, l64] = rows as [unknown, (typeof rows)[0], (typeof rows)[0]];
console.log(`\nlines(64) / lines(16) = ${(l64.lines / l16.lines).toFixed(2)}; seconds(64) / seconds(16) = ${(l64.seconds / l16.seconds).toFixed(2)}`);
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'compile.json'), `${JSON.stringify({ date: new Date().toISOString(), rows }, null, 2)}\n`);
