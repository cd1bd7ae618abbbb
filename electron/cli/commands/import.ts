// `canvass import FILE|FOLDER…` — footage import (issue 5): videos and photos in, tracked plate
// reads out, through the audited api (footage.import) and the same job queue as the app. Shows
// a progress bar on stderr when it is a terminal (none with --json); Ctrl-C stops at the next
// checkpoint and the same command run again goes on from there.
import type { Command } from 'commander';
import { startJobs } from '../../api/handlers/footage';
import type { JobDto, JobEventDto } from '../../api/types-footage';
import { SOURCE_KINDS } from '../../api/commands/footage';
import { requestStop } from '../../core/jobs/queue';
import { asMember, CliError, print, run, signIn, type Cli, type MemberOptions } from '../context';

interface ImportOptions extends MemberOptions {
  track?: string;
  at?: string;
  clockOffset?: string;
  fps: string;
  keyframes: boolean;
  source?: string;
  kind?: string;
  timeZone?: string;
  start?: string;
  states?: string;
}

const ENDED = new Set(['done', 'failed', 'cancelled', 'interrupted']);

/** `--states videos` reads states in videos too, `--states none` nowhere. */
function statesFlag(v: string): boolean {
  if (v === 'videos') return true;
  if (v === 'none') return false;
  throw new CliError(`--states: "${v}" is neither videos nor none`);
}

function parseAt(s: string): { lat: number; lon: number } {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(s);
  const lat = Number(m?.[1]);
  const lon = Number(m?.[2]);
  if (!m || Math.abs(lat) > 90 || Math.abs(lon) > 180) throw new CliError(`--at must be LAT,LON in degrees (got "${s}").`, 'invalid_input');
  return { lat, lon };
}

function num(name: string, s: string): number {
  const n = Number(s);
  if (!Number.isFinite(n)) throw new CliError(`${name} must be a number (got "${s}").`, 'invalid_input');
  return n;
}

/** A one-line terminal bar: percent, frames, reads, ETA, current file. */
function bar(e: Pick<JobEventDto, 'percent' | 'framesDone' | 'readsFound' | 'etaSeconds' | 'currentFile' | 'filesDone' | 'fileCount'>): string {
  const width = 28;
  const fill = Math.round((Math.min(100, e.percent) / 100) * width);
  const eta = e.etaSeconds === null ? '' : ` ETA ${Math.floor(e.etaSeconds / 60)}:${String(e.etaSeconds % 60).padStart(2, '0')}`;
  const file = e.currentFile ? ` ${e.currentFile.slice(-30)}` : '';
  const cols = process.stderr.columns || 100;
  return `[${'#'.repeat(fill)}${'-'.repeat(width - fill)}] ${e.percent.toFixed(1).padStart(5)}% ${e.framesDone} frames ${e.readsFound} reads ${e.filesDone}/${e.fileCount} files${eta}${file}`.slice(0, cols - 1);
}

async function waitFor(cli: Cli, job: JobDto, showBar: boolean): Promise<JobDto> {
  const draw = (e: Parameters<typeof bar>[0]) => {
    if (showBar) process.stderr.write(`\r\x1b[2K${bar(e)}`);
  };
  let stopping = false;
  const onSigint = () => {
    if (stopping) process.exit(130);
    stopping = true;
    requestStop(cli.core.store.db, job.id);
    process.stderr.write(`\nStopping job #${job.id} at the next checkpoint; run the same command again to go on from there (Ctrl-C again to quit now).\n`);
  };
  process.on('SIGINT', onSigint);
  try {
    return await new Promise<JobDto>((resolve) => {
      let ended = false;
      const finish = () => {
        if (ended) return;
        ended = true;
        clearInterval(poll);
        cli.core.events.off('event', onEvent);
        if (showBar) process.stderr.write('\n');
        resolve(cli.call('jobs.get', { id: job.id }));
      };
      const onEvent = (e: { type: string; payload: unknown }) => {
        const p = e.payload as JobEventDto;
        if (p?.jobId !== job.id) return;
        if (e.type === 'job.progress') draw(p);
        if (e.type === 'job.finished') finish();
      };
      cli.core.events.on('event', onEvent);
      // Another process (the app) may be running a job on this store: ours waits its turn, so
      // look again every few seconds and start the queue when it is free.
      const poll = setInterval(() => {
        void cli.call('jobs.get', { id: job.id }).then((j) => {
          if (ENDED.has(j.status)) finish();
          else if (j.status === 'queued') startJobs(cli.core);
        });
      }, 2000);
    });
  } finally {
    process.off('SIGINT', onSigint);
  }
}

export function registerImport(program: Command): void {
  asMember(program.command('import <paths...>'))
    .description('import footage (videos: mp4 mov mkv avi; photos: jpg png; folders) and read the plates in it')
    .option('--track <file>', 'position track: GPX, NMEA (RMC) or CSV with time,lat,lon')
    .option('--at <lat,lon>', 'fixed camera position')
    .option('--clock-offset <seconds>', "how far the camera's clock runs ahead (negative: behind)")
    .option('--fps <n>', 'frames sampled per second of video (key frames are added)', '5')
    .option('--no-keyframes', 'do not add key frames to the sampled frames')
    .option('--source <name>', 'camera / source name')
    .option('--kind <kind>', `source kind: ${SOURCE_KINDS.join(' | ')}`)
    .option('--time-zone <zone>', 'time zone of naive EXIF photo times (IANA, default UTC)')
    .option('--start <iso>', 'camera time of the first frame, for files without one')
    .option('--states <which>', 'read plate states in: videos (and photos), or none (default: photos only)')
    .action(
      run<ImportOptions>(async (cli, opts, paths) => {
        const kind = opts.kind as (typeof SOURCE_KINDS)[number] | undefined;
        if (kind && !SOURCE_KINDS.includes(kind)) throw new CliError(`--kind must be one of ${SOURCE_KINDS.join(', ')}.`, 'invalid_input');
        const source = {
          ...(opts.source ? { name: opts.source } : {}),
          ...(kind ? { kind } : {}),
          ...(opts.at ? { at: parseAt(opts.at) } : {}),
          ...(opts.clockOffset !== undefined ? { clockOffsetSeconds: num('--clock-offset', opts.clockOffset) } : {}),
          ...(opts.timeZone ? { timeZone: opts.timeZone } : {}),
        };
        await signIn(cli, opts);
        const started = performance.now();
        const queued = await cli.call('footage.import', {
          paths,
          source,
          fps: num('--fps', opts.fps),
          keyframes: opts.keyframes,
          ...(opts.track ? { trackPath: opts.track } : {}),
          ...(opts.start ? { startTime: opts.start } : {}),
          ...(opts.states !== undefined ? { readStates: statesFlag(opts.states) } : {}),
        });
        const job = await waitFor(cli, queued, !opts.json && !!process.stderr.isTTY);
        const seconds = Math.round((performance.now() - started) / 10) / 100;
        const framesDecoded = job.files.reduce((n, f) => n + f.framesDone, 0);
        const readsFound = job.files.reduce((n, f) => n + f.readsFound, 0);
        const json = {
          jobId: job.id,
          status: job.status,
          framesDecoded,
          readsFound,
          seconds,
          fps: job.params.fps,
          files: job.files.map((f) => ({ file: f.path, status: f.status, sha256: f.sha256, frames: f.framesDone, reads: f.readsFound, error: f.error })),
          error: job.error,
        };
        if (job.status === 'failed') process.exitCode = 1;
        print(opts, json, () =>
          [
            ...job.files.map((f) =>
              f.status === 'duplicate'
                ? `${f.name}: already imported; nothing added.`
                : f.status === 'failed'
                  ? `${f.error ?? f.name + ': failed'}`
                  : `${f.name}: ${f.status}, ${f.framesDone} frames, ${f.readsFound} reads`,
            ),
            `Job #${job.id} ${job.status}: ${framesDecoded} frames decoded, ${readsFound} reads found in ${seconds.toFixed(1)} s.` +
              (job.status === 'interrupted' ? ' Run the same command again to go on.' : ''),
          ].join('\n'),
        );
      }),
    );
}
