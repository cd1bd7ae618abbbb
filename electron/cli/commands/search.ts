// `canvass search PATTERN` — the partial-plate canvass from the command line (R11), through the
// same dispatcher as the app: sign in as --user, purpose and case required (R1), audited (R3).
import type { Command } from 'commander';
import type { AreaDto, CanvassSearchDto } from '../../api/types-canvass';
import { accessFrom, CliError, print, run, signIn, withAccess, type MemberOptions } from '../context';

interface SearchOptions extends MemberOptions {
  near?: string;
  radius?: string;
  polygon?: string;
  from?: string;
  to?: string;
  tolerant?: boolean;
  state?: string;
  color?: string;
  includeUnread?: boolean;
  minConfidence?: string;
  limit: string;
}

function latLon(text: string, what: string): [number, number] {
  const parts = text.split(',').map((x) => Number(x.trim()));
  if (parts.length !== 2 || parts.some((x) => !Number.isFinite(x))) {
    throw new CliError(`${what}: "${text}" is not "LAT,LON" (e.g. 47.6097,-122.3331)`, 'invalid_input');
  }
  return [parts[0]!, parts[1]!];
}

function areaFrom(o: SearchOptions): AreaDto | undefined {
  if (o.near && o.polygon)
    throw new CliError('Give --near/--radius or --polygon, not both.', 'invalid_input');
  if (o.near) {
    const [lat, lon] = latLon(o.near, '--near');
    const radiusM = Number(o.radius ?? '1000');
    if (!(radiusM > 0)) throw new CliError(`--radius "${o.radius}" must be metres above 0`, 'invalid_input');
    return { kind: 'circle', lat, lon, radiusM };
  }
  if (o.radius) throw new CliError('--radius needs --near LAT,LON', 'invalid_input');
  if (o.polygon)
    return {
      kind: 'polygon',
      points: o.polygon
        .split(';')
        .filter((s) => s.trim())
        .map((p) => latLon(p, '--polygon')),
    };
  return undefined;
}

function text(r: CanvassSearchDto): string {
  if (r.results.length === 0)
    return `No plate matches ${r.pattern}${r.tolerant ? ' (misread-tolerant)' : ''}.`;
  const lines = [
    `${r.total} plate(s) match ${r.pattern}${r.tolerant ? ' (misread-tolerant)' : ''}; best first:`,
  ];
  if (r.plan.truncated) {
    lines.push(
      'Note: more than 20,000 plates match; only 20,000 of them were ranked. Give more characters or a scene (--near/--polygon, --from/--to).',
    );
  }
  for (const x of r.results) {
    lines.push(
      `${x.plate.padEnd(10)} ${x.score.toFixed(1).padStart(5)}  ${x.hits} read(s), ${x.firstSeen.slice(0, 16)} → ${x.lastSeen.slice(0, 16)}`,
    );
    for (const why of x.reasons) lines.push(`             · ${why}`);
  }
  return lines.join('\n');
}

export function registerSearch(program: Command): void {
  withAccess(program.command('search'))
    .description('partial-plate canvass: 7AB* , ?ABC1?3 , *123 , 7[8B]C* (spaces and dashes ignored)')
    .argument('<pattern>', 'plate pattern: ? one character, * any run, [8B] a class')
    .option('--near <lat,lon>', 'centre of a circle')
    .option('--radius <metres>', 'radius of the circle (default 1000)')
    .option('--polygon <points>', 'polygon as "lat,lon;lat,lon;lat,lon"')
    .option('--from <iso>', 'start of the time window (ISO 8601 with offset)')
    .option('--to <iso>', 'end of the time window (ISO 8601 with offset)')
    .option(
      '--tolerant',
      'misread-tolerant: look-alike characters (0/O/D/Q, 8/B, …) and one missing or extra character',
    )
    .option('--state <xx>', 'two-letter state')
    .option('--color <name>', 'vehicle colour')
    .option('--include-unread', 'with --state / --color: also reads whose state or colour was never read')
    .option('--min-confidence <0..1>', 'lowest read confidence')
    .option('--limit <n>', 'plates to show', '50')
    .action(
      run<SearchOptions>(async (cli, opts, args) => {
        const access = accessFrom(opts);
        await signIn(cli, opts);
        const area = areaFrom(opts);
        const r = await cli.call('canvass.search', {
          access,
          pattern: args[0] ?? '',
          tolerant: !!opts.tolerant,
          limit: Number(opts.limit),
          ...(area ? { area } : {}),
          ...(opts.from ? { from: opts.from } : {}),
          ...(opts.to ? { to: opts.to } : {}),
          ...(opts.state ? { state: opts.state } : {}),
          ...(opts.color ? { color: opts.color } : {}),
          ...(opts.includeUnread ? { includeUnread: true } : {}),
          ...(opts.minConfidence ? { minConfidence: Number(opts.minConfidence) } : {}),
        });
        print(opts, r, () => text(r));
      }),
    );
}
