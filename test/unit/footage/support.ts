// Test footage made on the spot from the real dash-cam frames in ../shared/data/dashcam-ro:
// consecutive frames held for a fraction of a second each and encoded by the bundled ffmpeg
// (H.264, H.265 or MJPEG), a GPX track along a straight road, photos with EXIF time and GPS.
// Everything goes into fresh temporary folders, removed when the test file is done (test/support/temp.ts).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { ffmpegPath } from '../../../native/footage/ffmpeg';
import type { Core } from '../../../electron/core/app';
import type { JobEventDto, JobStatus } from '../../../electron/api/types-footage';
import { getJob } from '../../../electron/core/jobs/queue';
import { sharedData } from '../../support/shared-data';
import { tempDir as makeTempDir } from '../../support/temp';

export const DASHCAM = sharedData('dashcam-ro');

/** Frames of dayride_type1_001: a car with plate B99BNX approaching, then one with B225RTK. */
export const PASS_B99BNX = [84, 85, 86, 87];
export const PASS_B225RTK = [341, 342, 343, 344, 345];

/** A fresh folder for footage, removed after the test file (and its jobs, workers and child processes) is done. */
export function tempDir(): string {
  return makeTempDir('canvass-footage-');
}

export function frame(t: number): string {
  return join(DASHCAM, `dayride_type1_001_t${t}.jpg`);
}

export type Codec = 'h264' | 'hevc' | 'mjpeg';

/**
 * Encodes `frames` (dash-cam frame numbers; null = a second of black) into a clip, each frame
 * held `hold` seconds, at `rate` frames per second, with a container creation time.
 */
export function makeClip(
  out: string,
  frames: (number | null)[],
  opts: { hold?: number; rate?: number; codec?: Codec; creationTime?: string; width?: number } = {},
): string {
  const hold = opts.hold ?? 0.6;
  const dir = tempDir();
  const black = join(dir, 'black.jpg');
  spawnSync(ffmpegPath(), ['-v', 'error', '-f', 'lavfi', '-i', 'color=c=black:s=1280x720', '-frames:v', '1', black]);
  const list = frames.map((f) => `file '${f === null ? black : frame(f)}'\nduration ${hold}`).join('\n');
  // the concat demuxer needs the last file named twice for its duration to count
  const last = frames[frames.length - 1];
  writeFileSync(join(dir, 'list.txt'), `${list}\nfile '${last === null || last === undefined ? black : frame(last)}'\n`);
  const codec = opts.codec ?? 'h264';
  const enc =
    codec === 'h264'
      ? ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p', '-g', '15']
      : codec === 'hevc'
        ? ['-c:v', 'libx265', '-preset', 'ultrafast', '-crf', '26', '-pix_fmt', 'yuv420p', '-x265-params', 'log-level=error']
        : ['-c:v', 'mjpeg', '-q:v', '4', '-pix_fmt', 'yuvj420p'];
  const args = ['-v', 'error', '-y', '-f', 'concat', '-safe', '0', '-i', join(dir, 'list.txt')];
  args.push('-vf', `fps=${opts.rate ?? 10},scale=${opts.width ?? 1280}:-2`, ...enc);
  if (opts.creationTime) args.push('-metadata', `creation_time=${opts.creationTime}`);
  args.push(out);
  const r = spawnSync(ffmpegPath(), args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg failed making ${out}: ${r.stderr}`);
  return out;
}

/**
 * Two cars cut out of dash-cam frames driving across a road scene in opposite directions:
 * B225RTK left to right at 250 px/s, B99BNX right to left at 220 px/s; they cross (one hides
 * the other for a moment) halfway through the 4 s clip.
 */
export function makeCrossingClip(out: string, creationTime: string): string {
  const filter =
    "[1:v]crop=300:200:500:270[a];[2:v]crop=340:200:420:300,scale=240:-2[b];" +
    "[0:v][a]overlay=x='50+t*250':y=300[t];[t][b]overlay=x='1000-t*220':y=330";
  const args = ['-v', 'error', '-y'];
  for (const t of [120, 342, 86]) args.push('-loop', '1', '-framerate', '25', '-i', frame(t));
  args.push('-filter_complex', filter, '-t', '4', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p');
  args.push('-metadata', `creation_time=${creationTime}`, out);
  const r = spawnSync(ffmpegPath(), args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg failed making ${out}: ${r.stderr}`);
  return out;
}

/** A GPX track from `from` to `to`, one point a second over `seconds`. */
export function makeGpx(out: string, startIso: string, seconds: number, from: [number, number], to: [number, number]): string {
  const t0 = Date.parse(startIso);
  const pts = [];
  for (let s = 0; s <= seconds; s++) {
    const k = s / seconds;
    const lat = from[0] + (to[0] - from[0]) * k;
    const lon = from[1] + (to[1] - from[1]) * k;
    pts.push(`<trkpt lat="${lat.toFixed(7)}" lon="${lon.toFixed(7)}"><time>${new Date(t0 + s * 1000).toISOString()}</time></trkpt>`);
  }
  writeFileSync(out, `<?xml version="1.0"?><gpx version="1.1" creator="test"><trk><trkseg>${pts.join('')}</trkseg></trk></gpx>`);
  return out;
}

/** A dash-cam frame as a JPEG photo with EXIF time (naive, as cameras write it) and GPS. */
export async function makePhoto(out: string, t: number, exifTime: string, gps?: { lat: number; lon: number }): Promise<string> {
  const dms = (x: number) => {
    const a = Math.abs(x);
    const d = Math.floor(a);
    const m = Math.floor((a - d) * 60);
    const s = Math.round(((a - d) * 60 - m) * 60 * 100);
    return `${d}/1 ${m}/1 ${s}/100`;
  };
  const exif: Record<string, Record<string, string>> = { IFD0: { Make: 'Canvass test' }, IFD2: { DateTimeOriginal: exifTime } };
  if (gps) {
    exif.IFD3 = { GPSLatitudeRef: gps.lat >= 0 ? 'N' : 'S', GPSLatitude: dms(gps.lat), GPSLongitudeRef: gps.lon >= 0 ? 'E' : 'W', GPSLongitude: dms(gps.lon) };
  }
  await sharp(frame(t)).withExif(exif).jpeg({ quality: 90 }).toFile(out);
  return out;
}

/**
 * Resolves with the `job.finished` event of job `id`, or, when the job had already finished
 * before this was called (one that fails before its first await), with the same fields read from
 * the store: the runner writes the outcome there before it emits the event. An interrupted job
 * counts as finished: resume it before waiting for it again.
 */
export function jobFinished(core: Core, id: number, timeoutMs = 120_000): Promise<JobEventDto> {
  // read first (an unknown id throws here, leaving no listener behind); nothing can finish the job
  // between this and the listener below, as both run in one turn of the event loop
  const job = getJob(core.store.db, id);
  if (FINISHED.includes(job.status)) return Promise.resolve({ jobId: id, status: job.status, error: job.error, ...job.progress });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      core.events.off('event', on);
      reject(new Error(`job #${id} did not finish in ${timeoutMs} ms`));
    }, timeoutMs);
    const on = (e: { type: string; payload: unknown }) => {
      const p = e.payload as JobEventDto;
      if (e.type === 'job.finished' && p.jobId === id) {
        clearTimeout(timer);
        core.events.off('event', on);
        resolve(p);
      }
    };
    core.events.on('event', on);
  });
}

const FINISHED: readonly JobStatus[] = ['done', 'failed', 'cancelled', 'interrupted'];
