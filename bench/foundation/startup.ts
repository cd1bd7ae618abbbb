// Benchmark: cold start of the browser host — from spawning `canvass serve` to the sign-in
// page served over HTTP (needs `npm run build`).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '../../bin/canvass.js');

async function once(): Promise<{ ms: number; url: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'canvass-bench-start-'));
  const t = performance.now();
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--json', '--data-dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await new Promise<string>((ok, fail) => {
      let buf = '';
      child.stdout.on('data', (d) => {
        buf += String(d);
        const line = buf.split('\n').find((l) => l.includes('"url"'));
        if (line) ok((JSON.parse(line) as { url: string }).url);
      });
      child.on('exit', (c) => fail(new Error(`serve exited with ${c}`)));
    });
    const res = await fetch(url);
    await res.text();
    if (res.status !== 200) throw new Error(`sign-in page answered ${res.status}`);
    return { ms: performance.now() - t, url };
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchStartup(runs = 5) {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) ms.push((await once()).ms);
  ms.sort((a, b) => a - b);
  return { runs, cold_start_ms_median: Math.round(ms[Math.floor(runs / 2)]!), cold_start_ms_best: Math.round(ms[0]!) };
}
