// `canvass bench footage` — the footage pipeline's numbers (issue 5): frames processed per
// second on 1080p H.264 dash-cam footage (real frames from ../shared/data/dashcam-ro, scaled
// to 1080p, with sensor noise so the decoder sees a real bitrate), memory over a long
// synthetic 1080p video (lavfi, very low bitrate) sampled through the run to show it is flat,
// and reads per plate pass on labelled passes. Clips are made once into bench/.cache.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { ffmpegPath } from '../../../native/footage/ffmpeg';
import { editDistance } from '../../../native/footage/text';
import type { JobEventDto } from '../../api/types-footage';
import { createCore } from '../../core/app';
import { enqueueFootage } from '../../core/footage/enqueue';
import { footageRunner } from '../../core/footage/job';
import { kick } from '../../core/jobs/runner';
import { sharedData } from '../../../test/support/shared-data';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CACHE = join(ROOT, 'bench', '.cache', 'footage');
const dashcamDir = () => sharedData('dashcam-ro');

/** Labelled passes in dayride_type1_001: frame numbers and the plate they show. */
const PASSES = [
  { plate: 'B99BNX', frames: [83, 84, 85, 86, 87] },
  { plate: 'B37RYO', frames: [147, 148, 149, 150, 151, 152, 153] },
  { plate: 'B225RTK', frames: [339, 340, 341, 342, 343, 344, 345] },
];

function ffmpeg(args: string[], what: string): void {
  const r = spawnSync(ffmpegPath(), ['-v', 'error', '-y', ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`ffmpeg failed making ${what}: ${r.stderr}`);
}

function concatList(files: string[], hold: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'canvass-bench-'));
  const list = join(dir, 'list.txt');
  writeFileSync(list, [...files.map((f) => `file '${f}'\nduration ${hold}`), `file '${files[files.length - 1]}'`].join('\n') + '\n');
  return list;
}

// A dash cam's encoder: fixed one-second GOP (no extra key frames at scene cuts), ~8 Mbit/s at
// 1080p; 4K dash cams record at roughly three times that (24 Mbit/s here).
const x264Dashcam = (mbit = 8) => ['-c:v', 'libx264', '-preset', 'veryfast', '-b:v', `${mbit}M`, '-maxrate', `${mbit * 1.25}M`, '-bufsize', `${mbit * 2}M`, '-g', '30', '-x264-params', 'scenecut=0', '-pix_fmt', 'yuv420p'];

/** Frame sizes the bench can make: 1080p, and 4K (where the detector also searches tiles). */
const SIZES = { '1080p': { w: 1920, h: 1080, mbit: 8 }, '2160p': { w: 3840, h: 2160, mbit: 24 } } as const;
type ClipSize = keyof typeof SIZES;

/** H.264 at 30 fps and a dash cam's bitrate: every dash-cam frame held `hold` s, with noise. */
function dashcamClip(seconds: number, size: ClipSize = '1080p'): string {
  const out = join(CACHE, `dashcam-${size}-${seconds}s.mp4`);
  if (existsSync(out)) return out;
  const { w, h, mbit } = SIZES[size];
  const frames = readdirSync(dashcamDir()).filter((f) => f.endsWith('.jpg')).sort();
  const hold = seconds / frames.length;
  const list = concatList(frames.map((f) => join(dashcamDir(), f)), hold);
  ffmpeg(['-f', 'concat', '-safe', '0', '-i', list, '-vf', `fps=30,scale=${w}:${h},noise=alls=6:allf=t`, ...x264Dashcam(mbit), '-t', String(seconds), '-metadata', 'creation_time=2026-03-01T10:00:00Z', out], out);
  return out;
}

/**
 * The dash-cam clip played `times` times end to end (stream copy: no re-encode), for timing a
 * whole recording: `--repeat 60` is an hour of 1080p30 dash-cam video.
 */
function repeatedClip(clip: string, times: number): string {
  if (times <= 1) return clip;
  const out = clip.replace(/\.mp4$/, `-x${times}.mp4`);
  if (existsSync(out)) return out;
  ffmpeg(['-stream_loop', String(times - 1), '-i', clip, '-c', 'copy', '-metadata', 'creation_time=2026-03-01T10:00:00Z', out], out);
  return out;
}

/** The labelled passes at 1080p, each frame held 0.5 s, black between passes. */
function passesClip(): string {
  const out = join(CACHE, 'passes-1080p.mp4');
  if (existsSync(out)) return out;
  const black = join(CACHE, 'black.jpg');
  ffmpeg(['-f', 'lavfi', '-i', 'color=c=black:s=1280x720', '-frames:v', '1', black], black);
  const files = PASSES.flatMap((p) => [...p.frames.map((t) => join(dashcamDir(), `dayride_type1_001_t${t}.jpg`)), black, black]);
  ffmpeg(['-f', 'concat', '-safe', '0', '-i', concatList(files, 0.5), '-vf', 'fps=30,scale=1920:1080,noise=alls=6:allf=t', ...x264Dashcam(), '-metadata', 'creation_time=2026-03-01T10:00:00Z', out], out);
  return out;
}

/** A long 1080p30 video from lavfi sources at a very low bitrate (fast to make and to decode). */
function longClip(minutes: number): string {
  const out = join(CACHE, `long-1080p-${minutes}min.mp4`);
  if (existsSync(out)) return out;
  const src = `color=c=0x556070:s=1920x1080:r=30,drawbox=x='mod(t*200\\,1800)':y=500:w=120:h=40:c=white:t=fill`;
  ffmpeg(['-f', 'lavfi', '-i', src, '-t', String(minutes * 60), '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '40', '-g', '300', '-pix_fmt', 'yuv420p', out], out);
  return out;
}

/**
 * Resident memory (MiB) of this process and of its children (ffmpeg), and the CPU seconds the
 * children have used so far, from Linux /proc; elsewhere only this process's RSS.
 */
function sample(childCpu: Map<string, number>): { self: number; children: number } {
  const self = process.memoryUsage().rss / 2 ** 20;
  let children = 0;
  try {
    for (const task of readdirSync(`/proc/${process.pid}/task`)) {
      for (const pid of readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) {
        const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        if (m) children += Number(m[1]) / 1024;
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        childCpu.set(pid, (Number(f[11]) + Number(f[12])) / 100); // utime + stime, in USER_HZ ticks
      }
    }
  } catch {
    // not Linux, or the child just exited: its memory is gone anyway
  }
  return { self, children };
}

interface RunResult {
  seconds: number;
  frames: number;
  reads: { plate: string }[];
  memory: { t: number; self: number; children: number }[];
  /** CPU seconds: this process (main thread + workers) and ffmpeg. */
  cpu: { process: number; ffmpeg: number };
  /** CPU seconds (process + children) and frames done when the first frames were reported. */
  first: { cpu: number; frames: number } | null;
}

async function runImport(file: string, fps: number): Promise<RunResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'canvass-bench-store-'));
  const core = createCore({ dataDir });
  const memory: RunResult['memory'] = [];
  try {
    const id = enqueueFootage(core.store.db, core.clock, { paths: [file], source: { name: 'bench' }, fps, keyframes: true }, null);
    let frames = 0;
    let first: RunResult['first'] = null;
    const childCpu = new Map<string, number>();
    const c0 = process.cpuUsage();
    core.events.on('event', (e) => {
      if (e.type === 'job.progress' || e.type === 'job.finished') frames = (e.payload as JobEventDto).framesDone;
      // The workers are up and the models loaded: what follows is the per-frame cost alone.
      if (!first && e.type === 'job.progress' && frames > 0) {
        sample(childCpu);
        const c = process.cpuUsage(c0);
        first = { cpu: (c.user + c.system) / 1e6 + [...childCpu.values()].reduce((a, b) => a + b, 0), frames };
      }
    });
    const t0 = performance.now();
    const sampler = setInterval(() => memory.push({ t: (performance.now() - t0) / 1000, ...sample(childCpu) }), 250);
    await kick(core, { footage: footageRunner() });
    clearInterval(sampler);
    const c1 = process.cpuUsage(c0);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = { process: (c1.user + c1.system) / 1e6, ffmpeg: [...childCpu.values()].reduce((a, b) => a + b, 0) };
    const job = core.store.db.prepare('SELECT status, error FROM jobs WHERE id = ?').get(id) as { status: string; error: string | null };
    if (job.status !== 'done') throw new Error(`bench import ${job.status}: ${job.error}`);
    const reads = core.store.db.prepare('SELECT plate FROM reads').all() as { plate: string }[];
    return { seconds, frames, reads, memory, cpu, first };
  } finally {
    core.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const r1 = (x: number) => Math.round(x * 10) / 10;

/**
 * The timed run on `size` frames; at 1080p also reads per labelled plate pass and memory over a
 * long video (4K measures the speed alone: those two do not depend on the frame size's cost).
 */
export async function benchFootage(opts: { seconds: number; longMinutes: number; fps: number; repeat?: number; size?: ClipSize }) {
  mkdirSync(CACHE, { recursive: true });
  const size = opts.size ?? '1080p';
  if (!Object.hasOwn(SIZES, size)) throw new Error(`--size must be one of ${Object.keys(SIZES).join(', ')}, got ${size}`);
  const repeat = Math.max(1, Math.floor(opts.repeat ?? 1));
  const clip = repeatedClip(dashcamClip(opts.seconds, size), repeat);
  const videoSeconds = opts.seconds * repeat;
  const loadAtStart = loadavg()[0]!;
  const speed = await runImport(clip, opts.fps);
  const { w, h, mbit } = SIZES[size];
  const video = `${size} (${w}x${h}) H.264 30 fps ${mbit} Mbit/s, 1 s GOP, ${videoSeconds} s of dash-cam frames${repeat > 1 ? ` (the ${opts.seconds} s clip ${repeat} times)` : ''}`;
  const timed = timedFigures(speed, videoSeconds, loadAtStart, { sampling: `${opts.fps} fps + key frames`, video });
  if (size !== '1080p') return timed;
  const passes = await runImport(passesClip(), opts.fps);
  const matched = PASSES.map((p) => passes.reads.filter((r) => editDistance(r.plate, p.plate) <= 1).length);
  const extra = passes.reads.length - matched.reduce((a, b) => a + b, 0);
  const long = await runImport(longClip(opts.longMinutes), opts.fps);
  const half = Math.floor(long.memory.length / 2);
  const total = (m: { self: number; children: number }) => m.self + m.children;
  const peak = (xs: typeof long.memory) => r1(Math.max(0, ...xs.map(total)));
  return {
    ...timed,
    passes: PASSES.map((p, i) => `${p.plate}: ${matched[i]} read(s)`).join(', '),
    readsPerPlatePass: Math.round((matched.reduce((a, b) => a + b, 0) / PASSES.length) * 100) / 100,
    extraReads: extra,
    longVideo: `${opts.longMinutes} min 1080p30 lavfi, ${long.frames} frames in ${r1(long.seconds)} s`,
    peakMemoryMiB: peak(long.memory),
    peakMemoryFirstHalfMiB: peak(long.memory.slice(0, half)),
    peakMemorySecondHalfMiB: peak(long.memory.slice(half)),
    memoryAtQuartersMiB: [0.25, 0.5, 0.75, 1].map((q) => r1(total(long.memory[Math.min(long.memory.length - 1, Math.floor(q * long.memory.length))] ?? { self: 0, children: 0 }))).join(' / '),
    peakFfmpegMiB: r1(Math.max(0, ...long.memory.map((m) => m.children))),
  };
}

/** Speed figures of the timed run: wall time, CPU per frame, and what an hour takes. */
function timedFigures(speed: RunResult, videoSeconds: number, loadAtStart: number, what: { sampling: string; video: string }) {
  const realtime = videoSeconds / speed.seconds;
  // Wall time on a shared machine measures the neighbours too; CPU time per frame does not.
  // On N idle cores the pipeline can use all of them (workers + ffmpeg), hence the projection.
  const cpuPerFrame = (speed.cpu.process + speed.cpu.ffmpeg) / Math.max(1, speed.frames);
  // Starting the workers and loading the models is paid once per job, not per frame: an hour
  // of video costs startup + frames x the steady per-frame CPU.
  const f = speed.first;
  const steady = f && speed.frames > f.frames ? (speed.cpu.process + speed.cpu.ffmpeg - f.cpu) / (speed.frames - f.frames) : cpuPerFrame;
  const startup = f ? Math.max(0, f.cpu - steady * f.frames) : 0;
  const cores = availableParallelism();
  const projectedFps = cores / cpuPerFrame;
  const framesPerVideoSecond = speed.frames / videoSeconds;
  const peak = r1(Math.max(0, ...speed.memory.map((m) => m.self + m.children)));
  return {
    machine: `${cores} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, load average ${loadAtStart.toFixed(1)} at the start of the timed run, ${loadavg()[0]!.toFixed(1)} at the end`,
    workers: cores,
    ...what,
    framesProcessed: speed.frames,
    seconds: r1(speed.seconds),
    framesPerSecond: r1(speed.frames / speed.seconds),
    videoSecondsPerSecond: Math.round(realtime * 100) / 100,
    oneHourTakesMinutes: r1(60 / realtime),
    cpuMsPerFrame: r1(cpuPerFrame * 1000),
    cpuMsPerFrameFfmpeg: r1((speed.cpu.ffmpeg / Math.max(1, speed.frames)) * 1000),
    cpuMsPerFrameNode: r1((speed.cpu.process / Math.max(1, speed.frames)) * 1000),
    // How busy the cores were: CPU used (this process + ffmpeg) over wall time x cores.
    coreUtilisation: Math.round(((speed.cpu.process + speed.cpu.ffmpeg) / speed.seconds / cores) * 100) / 100,
    peakMemoryTimedRunMiB: peak,
    cpuMsPerFrameSteady: r1(steady * 1000),
    startupCpuSeconds: r1(startup),
    projectedOneHourMinutesIdleSteady: r1((startup + 3600 * framesPerVideoSecond * steady) / cores / 60),
    projectedFramesPerSecondIdle: r1(projectedFps),
    projectedOneHourMinutesIdle: r1((3600 * framesPerVideoSecond) / projectedFps / 60),
    readsInSpeedClip: speed.reads.length,
  };
}

export function registerFootageBench(bench: Command): void {
  bench
    .command('footage')
    .description('footage pipeline: 1080p (or 4K) H.264 frames/s on this machine, memory over a long video, reads per plate pass')
    .option('--seconds <n>', 'length of the dash-cam clip', '60')
    .option('--long-minutes <n>', 'length of the long synthetic video for the memory check', '10')
    .option('--fps <n>', 'sampling rate', '5')
    .option('--repeat <n>', 'play the dash-cam clip this many times end to end (60 = one hour)', '1')
    .option('--size <size>', 'frame size of the timed clip: 1080p, or 2160p (4K: speed only)', '1080p')
    .option('--json', 'one JSON object')
    .action(async (o: { seconds: string; longMinutes: string; fps: string; repeat: string; size: string; json?: boolean }) => {
      const r = await benchFootage({
        seconds: Number(o.seconds),
        longMinutes: Number(o.longMinutes),
        fps: Number(o.fps),
        repeat: Number(o.repeat),
        size: o.size as ClipSize,
      });
      process.stdout.write(
        o.json ? JSON.stringify(r) + '\n' : `Footage pipeline\n${Object.entries(r).map(([k, v]) => `  ${k.padEnd(26)} ${v}`).join('\n')}\n`,
      );
    });
}
