// `canvass users …` and `canvass policy …` — member administration over the same api as the
// Admin page: list, add, role, disable/enable, reset password, unlock, training records.
import type { Command } from 'commander';
import { ROLES, isRole } from '../../api/roles';
import { asMember, CliError, print, run, signIn, type MemberOptions } from '../context';

const findId = async (cli: Parameters<Parameters<typeof run>[0]>[0], username: string) => {
  const u = (await cli.call('users.list', {})).find((x) => x.username.toLowerCase() === username.toLowerCase());
  if (!u) throw new CliError(`No member named "${username}".`, 'not_found');
  return u.id;
};

export function registerUsers(program: Command): void {
  const users = program.command('users').description('manage members (acts as --user, an administrator)');

  asMember(users.command('list'))
    .description('list members with role, status and training')
    .action(
      run<MemberOptions>(async (cli, opts) => {
        await signIn(cli, opts);
        const list = await cli.call('users.list', {});
        print(opts, { users: list }, () =>
          list
            .map((u) => `${u.username.padEnd(16)} ${u.role.padEnd(18)} ${u.disabled ? 'disabled' : 'active  '} training until ${u.trainingValidUntil ?? '—'}`)
            .join('\n'),
        );
      }),
    );

  asMember(users.command('add <username>'))
    .description('add a member with a temporary password (from $CANVASS_NEW_PASSWORD)')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--display-name <name>', 'full name')
    .action(
      run<MemberOptions & { role: string; displayName?: string }>(async (cli, opts, [username]) => {
        if (!isRole(opts.role)) throw new CliError(`--role must be one of ${ROLES.join(', ')}.`, 'invalid_input');
        const password = process.env.CANVASS_NEW_PASSWORD;
        if (!password) throw new CliError('Set CANVASS_NEW_PASSWORD to the temporary password of the new member.', 'invalid_input');
        await signIn(cli, opts);
        const u = await cli.call('users.create', { username: username!, displayName: opts.displayName ?? username!, role: opts.role, password });
        print(opts, { user: u }, `Added ${u.username} (${u.role}); they must change the password at first sign-in.`);
      }),
    );

  asMember(users.command('set <username>'))
    .description('change a member: --role, --disable, --enable')
    .option('--role <role>', 'new role')
    .option('--disable', 'disable the account (ends its sessions)')
    .option('--enable', 'enable the account')
    .action(
      run<MemberOptions & { role?: string; disable?: boolean; enable?: boolean }>(async (cli, opts, [username]) => {
        if (opts.role && !isRole(opts.role)) throw new CliError(`--role must be one of ${ROLES.join(', ')}.`, 'invalid_input');
        await signIn(cli, opts);
        const id = await findId(cli, username!);
        const u = await cli.call('users.update', {
          id,
          ...(opts.role && isRole(opts.role) ? { role: opts.role } : {}),
          ...(opts.disable ? { disabled: true } : opts.enable ? { disabled: false } : {}),
        });
        print(opts, { user: u }, `${u.username}: ${u.role}, ${u.disabled ? 'disabled' : 'active'}.`);
      }),
    );

  asMember(users.command('unlock <username>'))
    .description('clear a lockout after failed sign-ins')
    .action(
      run<MemberOptions>(async (cli, opts, [username]) => {
        await signIn(cli, opts);
        await cli.call('users.unlock', { id: await findId(cli, username!) });
        print(opts, { ok: true }, `${username} unlocked.`);
      }),
    );

  asMember(users.command('reset-password <username>'))
    .description('set a temporary password (from $CANVASS_NEW_PASSWORD)')
    .action(
      run<MemberOptions>(async (cli, opts, [username]) => {
        const password = process.env.CANVASS_NEW_PASSWORD;
        if (!password) throw new CliError('Set CANVASS_NEW_PASSWORD to the temporary password.', 'invalid_input');
        await signIn(cli, opts);
        await cli.call('users.resetPassword', { id: await findId(cli, username!), password });
        print(opts, { ok: true }, `${username} must change the temporary password at next sign-in.`);
      }),
    );

  asMember(users.command('training <username>'))
    .description('record completed ALPR training (R2)')
    .requiredOption('--course <name>', 'course name')
    .requiredOption('--completed <date>', 'completion date, YYYY-MM-DD')
    .option('--expires <date>', 'expiry date, YYYY-MM-DD (default: one year later)')
    .action(
      run<MemberOptions & { course: string; completed: string; expires?: string }>(async (cli, opts, [username]) => {
        await signIn(cli, opts);
        const t = await cli.call('training.add', {
          userId: await findId(cli, username!),
          course: opts.course,
          completedOn: opts.completed,
          ...(opts.expires ? { expiresOn: opts.expires } : {}),
        });
        print(opts, { training: t }, `${username}: ${t.course}, valid until ${t.expiresOn}.`);
      }),
    );

  const policy = program.command('policy').description('the agency ALPR usage and privacy policy (R15)');
  asMember(policy.command('show'))
    .description('print the policy')
    .action(
      run<MemberOptions>(async (cli, opts) => {
        await signIn(cli, opts);
        const p = await cli.call('policy.get', {});
        print(opts, p, `${p.text}\n\n(version ${p.version}; you acknowledged version ${p.acknowledgedVersion || 'none'})`);
      }),
    );
  asMember(policy.command('acknowledge'))
    .description('acknowledge the current policy as --user (after reading it with `policy show`)')
    .action(
      run<MemberOptions>(async (cli, opts) => {
        await signIn(cli, opts);
        const p = await cli.call('policy.get', {});
        await cli.call('policy.acknowledge', { version: p.version });
        print(opts, { acknowledgedVersion: p.version }, `Acknowledged policy version ${p.version}.`);
      }),
    );
}
