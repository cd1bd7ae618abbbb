// `canvass serve` — the browser host on 127.0.0.1 (DESIGN "electron/host"). Prints the URL
// (one JSON line with --json) once it is listening, and stops cleanly on SIGINT/SIGTERM.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { hostClientScript, rendererDir } from '../../host/paths';
import { startHost } from '../../host/server';
import { startJobs } from '../../api/handlers/footage';
import { requestStopAll } from '../../core/jobs/queue';
import { CliError, common, openCli, print, type CommonOptions } from '../context';

export function registerServe(program: Command): void {
  common(program.command('serve'))
    .description('serve the app to a browser on 127.0.0.1 (needs `npm run build` first)')
    .option('--port <port>', 'TCP port (0 picks a free one)', '5178')
    .action(async (opts: CommonOptions & { port: string }) => {
      const started = performance.now();
      const cli = openCli(opts);
      try {
        const client = hostClientScript();
        if (!existsSync(client)) throw new CliError(`${client} is missing: run \`npm run build\` first.`);
        const host = await startHost({ core: cli.core, port: Number(opts.port), rendererDir: rendererDir(), clientScript: client });
        print(
          opts,
          { url: host.url, dataDir: cli.dataDir, startupMs: Math.round(performance.now() - started) },
          `Canvass is serving ${cli.dataDir} at ${host.url} (browser host, loopback only). Ctrl+C stops it.`,
        );
        // Footage jobs left queued or interrupted by a quit or crash go on (issue 5).
        startJobs(cli.core);
        // the canvass and plate indexes into the OS cache in the background (first searches after a reboot)
        cli.core.store.checkpointer?.warm();
        const stop = () => {
          requestStopAll(cli.core.store.db);
          void host.close().then(() => {
            cli.close();
            process.exit(0);
          });
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      } catch (e) {
        cli.close();
        const msg = e instanceof Error ? e.message : String(e);
        if (opts.json) process.stdout.write(JSON.stringify({ error: { code: 'serve_failed', message: msg } }) + '\n');
        process.stderr.write(`canvass: ${msg}\n`);
        process.exitCode = 1;
      }
    });
}
