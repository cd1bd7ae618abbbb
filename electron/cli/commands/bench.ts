// `canvass bench canvass` — the partial-plate canvass benchmark at 10M reads (issue 4). Adds
// itself to the shared `bench` command (the foundation's benches live beside it).
import type { Command } from 'commander';
import { benchCanvass } from '../../../bench/canvass/run';

export function registerBench(program: Command): void {
  const bench =
    program.commands.find((c) => c.name() === 'bench') ??
    program.command('bench').description('benchmarks (print their numbers)');
  bench
    .command('canvass')
    .description(
      'partial-plate canvass over 10M Seattle-shaped reads (builds bench/.cache/canvass-10m once, ~4-5 min)',
    )
    .option('--reads <n>', 'reads in the store', '10000000')
    .option('--runs <n>', 'queries per measure', '40')
    .option('--data-dir <dir>', 'where the benchmark store lives (default bench/.cache/canvass-10m)')
    .option('--json', 'one JSON object')
    .action((o: { reads: string; runs: string; dataDir?: string; json?: boolean }) => {
      const r = benchCanvass({
        reads: Number(o.reads),
        runs: Number(o.runs),
        ...(o.dataDir ? { dataDir: o.dataDir } : {}),
      });
      process.stdout.write(o.json ? JSON.stringify(r) + '\n' : JSON.stringify(r, null, 2) + '\n');
    });
}
