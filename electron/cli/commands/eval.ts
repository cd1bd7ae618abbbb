// `canvass eval` — placeholder until the recognition evaluation lands (issue 3).
import type { Command } from 'commander';

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('Evaluate the recognition models (not yet available)')
    .action(() => {
      throw new Error('eval is not implemented yet');
    });
}
