// Entry of the `canvass` command line. Each command lives in ./commands and registers itself on
// the commander program; all of them run over the same core and api as the two shells.
import { Command } from 'commander';
import { registerAudit } from './commands/audit';
import { registerBench } from './commands/bench';
import { registerAppBenches } from './commands/bench-app';
import { registerFootageBench } from './commands/bench-footage';
import { registerMapBench } from './commands/bench-map';
import { registerRecognitionBench } from './commands/bench-recognition';
import { registerEval } from './commands/eval';
import { registerImport } from './commands/import';
import { registerImportReads } from './commands/import-reads';
import { registerInit } from './commands/init';
import { registerSearch } from './commands/search';
import { registerServe } from './commands/serve';
import { registerUsers } from './commands/users';

const program = new Command('canvass')
  .description('Canvass — offline-first ALPR workbench (command line over the same core as the app)')
  .showHelpAfterError();

registerInit(program);
registerServe(program);
registerUsers(program);
registerImportReads(program);
registerImport(program);
registerAudit(program);
registerEval(program);
registerSearch(program);
registerBench(program);
// `bench` may already be declared by another command group; the foundation adds its benches to it.
registerAppBenches(program.commands.find((c) => c.name() === 'bench') ?? program.command('bench').description('benchmarks (print their numbers)'));
registerFootageBench(program.commands.find((c) => c.name() === 'bench')!);
registerMapBench(program.commands.find((c) => c.name() === 'bench')!);
registerRecognitionBench(program.commands.find((c) => c.name() === 'bench')!);

program.parseAsync(process.argv).catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`canvass: ${message}\n`);
  process.exitCode = process.exitCode || 1;
});
