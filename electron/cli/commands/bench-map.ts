// `canvass bench map` — the canvass results map with 10,000 markers (issue 4): first draw and
// frame intervals while panning and zooming in Chromium (needs `npm run build` and Chromium).
// The benchmark and Playwright load only when the command runs.
import type { Command } from 'commander';

export function registerMapBench(bench: Command): void {
  bench
    .command('map')
    .description('canvass map with 10,000 result markers in Chromium: first draw, pan/zoom frame times')
    .option('--markers <n>', 'markers on the map (20 reads a plate, at most 10000)', '10000')
    .option('--rounds <n>', 'pan and zoom rounds', '3')
    .option('--json', 'one JSON object')
    .action(async (o: { markers: string; rounds: string; json?: boolean }) => {
      const { benchMap } = await import('../../../bench/map/run');
      const r = await benchMap({ markers: Number(o.markers), rounds: Number(o.rounds) });
      process.stdout.write(o.json ? JSON.stringify(r) + '\n' : JSON.stringify(r, null, 2) + '\n');
    });
}
