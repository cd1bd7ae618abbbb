// `canvass audit verify|list` — checks the hash chain of the audit log and lists records (R4).
// `verify` reads the store directly (no sign-in) so IT staff and outside auditors can check a
// copied data folder; the check itself is recorded when it runs through the api.
import type { Command } from 'commander';
import { verifyAudit } from '../../core/audit/log';
import { asMember, common, print, run, signIn, type CommonOptions, type MemberOptions } from '../context';

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('the audit log (R3, R4)');

  common(audit.command('verify'))
    .description('verify the hash chain; names every edited, reordered or deleted record (exit code 2 if broken)')
    .action(
      run<CommonOptions>(async (cli, opts) => {
        const r = verifyAudit(cli.core.store.db);
        print(opts, r, () =>
          r.ok
            ? `Audit log OK: ${r.records} records, chain intact.`
            : [`Audit log BROKEN: ${r.problems.length} problem(s) in ${r.records} records:`, ...r.problems.map((p) => `  #${p.seq} ${p.kind}: ${p.message}`)].join('\n'),
        );
        if (!r.ok) process.exitCode = 2;
      }),
    );

  asMember(audit.command('list'))
    .description('list audit records, newest first')
    .option('--limit <n>', 'how many', '50')
    .option('--case <number>', 'only this case number')
    .option('--of <username>', 'only this member')
    .action(
      run<MemberOptions & { limit: string; case?: string; of?: string }>(async (cli, opts) => {
        await signIn(cli, opts);
        const r = await cli.call('audit.list', {
          limit: Number(opts.limit),
          ...(opts.case ? { caseNumber: opts.case } : {}),
          ...(opts.of ? { username: opts.of } : {}),
        });
        print(opts, r, () =>
          r.records
            .map((a) => `#${a.seq} ${new Date(a.at).toISOString()} ${a.username ?? '-'} ${a.command} ${a.outcome}${a.caseNumber ? ` case ${a.caseNumber}` : ''}${a.resultCount !== null ? ` (${a.resultCount})` : ''}`)
            .join('\n'),
        );
      }),
    );
}
