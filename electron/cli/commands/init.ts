// `canvass init` — creates a store, the agency profile and its first administrator without
// prompts (password from CANVASS_PASSWORD), for scripted installs and tests.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CliError, common, print, run, type CommonOptions } from '../context';

interface InitOptions extends CommonOptions {
  admin: string;
  displayName?: string;
  agency: string;
  ori: string;
  policyFile?: string;
  acceptPolicy?: boolean;
}

const DEFAULT_POLICY =
  'This agency uses automated license plate recognition (ALPR) for official law-enforcement purposes only, ' +
  'as listed in its ALPR policy. Access is limited to authorized, trained members; every query is logged ' +
  'with the member, date and time, purpose and case number. Data is confidential and is kept and purged ' +
  'according to the retention schedule. Replace this text with the agency policy (Civil Code 1798.90.51).';

export function registerInit(program: Command): void {
  common(program.command('init'))
    .description('create the store, agency profile and first administrator (password from $CANVASS_PASSWORD)')
    .requiredOption('--admin <username>', 'user name of the first administrator')
    .option('--display-name <name>', 'full name of the administrator')
    .option('--agency <name>', 'agency name', 'Canvass Agency')
    .option('--ori <ORI>', 'agency ORI (9 characters, e.g. CA0194200)', 'CA0000000')
    .option('--policy-file <file>', 'text file with the agency ALPR usage and privacy policy')
    .option('--accept-policy', 'record that the administrator has read and acknowledged the policy')
    .action(
      run<InitOptions>(async (cli, opts) => {
        const password = process.env.CANVASS_PASSWORD;
        if (!password) throw new CliError('Set CANVASS_PASSWORD to the new administrator password.', 'invalid_input');
        const policyText = opts.policyFile ? readFileSync(opts.policyFile, 'utf8') : DEFAULT_POLICY;
        const r = await cli.call('setup.initialize', {
          agency: { name: opts.agency, ori: opts.ori, policyText },
          admin: { username: opts.admin, displayName: opts.displayName ?? opts.admin, password },
        });
        cli.token = r.token;
        if (opts.acceptPolicy) await cli.call('policy.acknowledge', { version: r.me.agency.policyVersion });
        print(
          opts,
          { dataDir: cli.dataDir, admin: r.me.user.username, agency: r.me.agency.name, policyAcknowledged: !!opts.acceptPolicy },
          `Created ${cli.dataDir} for ${r.me.agency.name} with administrator ${r.me.user.username}.`,
        );
      }),
    );
}
