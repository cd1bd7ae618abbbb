// `canvass bench import|startup|memory` — the foundation's benchmarks (issue 2): Seattle
// import speed, host cold start, memory with 1M reads. Each prints its numbers (one JSON
// object with --json); the README keeps the latest table.
import type { Command } from 'commander';
import { benchImport } from '../../../bench/foundation/import';
import { measure1M } from '../../../bench/foundation/memory';
import { benchStartup } from '../../../bench/foundation/startup';

function out(json: boolean | undefined, name: string, r: object) {
  process.stdout.write(json ? JSON.stringify(r) + '\n' : `${name}\n${Object.entries(r).map(([k, v]) => `  ${k.padEnd(24)} ${v}`).join('\n')}\n`);
}

export function registerAppBenches(bench: Command): void {
  bench
    .command('import')
    .description('import the Seattle week (93,490 reads) into a fresh store: reads/s, peak memory')
    .option('--runs <n>', 'runs', '3')
    .option('--json', 'one JSON object')
    .action((o: { runs: string; json?: boolean }) => out(o.json, 'Seattle week import', benchImport(Number(o.runs))));
  bench
    .command('startup')
    .description('cold start of the browser host to a served sign-in page (needs npm run build)')
    .option('--runs <n>', 'runs', '5')
    .option('--json', 'one JSON object')
    .action(async (o: { runs: string; json?: boolean }) => out(o.json, 'Host cold start', await benchStartup(Number(o.runs))));
  bench
    .command('memory')
    .description('memory with 1M reads in the store (builds bench/.cache/store-1m once)')
    .option('--json', 'one JSON object')
    .action((o: { json?: boolean }) => out(o.json, 'Memory with 1M reads', measure1M()));
}
