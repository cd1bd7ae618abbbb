// ffmpeg/ffprobe for the footage pipeline: where the bundled static binaries are, what a file
// holds (ffprobe), and the checks that turn a corrupt, truncated or unsupported file into an
// error naming the file and the reason before any frame is decoded.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, extname } from 'node:path';

const require = createRequire(import.meta.url);

/**
 * A binary inside a packaged app's asar archive cannot be run: electron-builder unpacks it
 * beside the archive (asarUnpack), under app.asar.unpacked.
 */
export function unpacked(path: string): string {
  return path.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}

export function ffmpegPath(): string {
  return process.env.CANVASS_FFMPEG ?? unpacked((require('@ffmpeg-installer/ffmpeg') as { path: string }).path);
}

export function ffprobePath(): string {
  return process.env.CANVASS_FFPROBE ?? unpacked((require('@ffprobe-installer/ffprobe') as { path: string }).path);
}

/** A file the pipeline cannot use, with the reason in words an analyst can act on. */
export class FootageError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${basename(file)}: ${reason}`);
    this.name = 'FootageError';
  }
}

export const VIDEO_EXTENSIONS = new Set(['.mp4', '.mov', '.m4v', '.mkv', '.avi']);
export const PHOTO_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png']);
/** Codecs we promise (H.264, H.265, MJPEG) plus common ones the bundled ffmpeg decodes well. */
const VIDEO_CODECS = new Set(['h264', 'hevc', 'mjpeg', 'mpeg4', 'vp8', 'vp9']);

export type MediaKind = 'video' | 'photo';

export function mediaKindOf(file: string): MediaKind | null {
  const ext = extname(file).toLowerCase();
  if (VIDEO_EXTENSIONS.has(ext)) return 'video';
  if (PHOTO_EXTENSIONS.has(ext)) return 'photo';
  return null;
}

export interface VideoInfo {
  container: string;
  codec: string;
  /** Size of the frames ffmpeg delivers (after its automatic rotation). */
  width: number;
  height: number;
  durationMs: number;
  fps: number;
  /** Container creation time (epoch ms) if the file carries one. */
  creationTime: number | null;
  rotation: number;
}

interface ProbeJson {
  format?: { format_name?: string; duration?: string; tags?: Record<string, string> };
  streams?: {
    codec_type?: string;
    codec_name?: string;
    width?: number;
    height?: number;
    duration?: string;
    nb_frames?: string;
    avg_frame_rate?: string;
    r_frame_rate?: string;
    tags?: Record<string, string>;
    side_data_list?: { rotation?: number }[];
  }[];
}

function run(bin: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (b: Buffer) => out.push(b));
    p.stderr.on('data', (b: Buffer) => err.push(b));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

function rate(r: string | undefined): number {
  if (!r) return 0;
  const [n, d] = r.split('/').map(Number);
  return n && d ? n / d : 0;
}

/** Probes a video file; throws FootageError when it is not a usable video. */
export async function probeVideo(file: string): Promise<VideoInfo> {
  checkIsoBoxes(file);
  const r = await run(ffprobePath(), ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file]);
  if (r.code !== 0) {
    const why = r.stderr.trim().split('\n').pop()?.replace(/^.*?: /, '') ?? `ffprobe exit ${r.code}`;
    throw new FootageError(file, `not a readable video (${why.includes('moov atom not found') ? 'truncated: the index (moov atom) is missing' : why})`);
  }
  const j = JSON.parse(r.stdout) as ProbeJson;
  const v = j.streams?.find((s) => s.codec_type === 'video');
  if (!v) throw new FootageError(file, 'has no video stream');
  const codec = v.codec_name ?? 'unknown';
  if (!VIDEO_CODECS.has(codec)) throw new FootageError(file, `unsupported video codec "${codec}" (supported: H.264, H.265, MJPEG, MPEG-4, VP8, VP9)`);
  if (!v.width || !v.height) throw new FootageError(file, 'video stream has no frame size (corrupt header)');
  const rotation = Math.round(Number(v.tags?.rotate ?? v.side_data_list?.find((s) => s.rotation !== undefined)?.rotation ?? 0));
  const swap = Math.abs(rotation) % 180 === 90;
  const fps = rate(v.avg_frame_rate) || rate(v.r_frame_rate);
  // A cut-off AVI reports the duration of what is left, but its header still counts every
  // frame recorded: the larger of the two is what the file was meant to hold.
  const counted = Number(v.nb_frames ?? NaN) / fps;
  const durationS = Math.max(Number(j.format?.duration ?? v.duration ?? NaN) || 0, Number.isFinite(counted) ? counted : 0);
  const created = j.format?.tags?.creation_time ?? v.tags?.creation_time;
  const createdMs = created ? Date.parse(created) : NaN;
  return {
    container: j.format?.format_name ?? 'unknown',
    codec,
    width: swap ? v.height : v.width,
    height: swap ? v.width : v.height,
    durationMs: Math.round(durationS * 1000),
    fps,
    creationTime: Number.isFinite(createdMs) && createdMs > 0 ? createdMs : null,
    rotation,
  };
}

/**
 * MP4/MOV files are a chain of boxes with declared sizes. A box reaching past the end of the
 * file means the recording was cut off (camera lost power, copy interrupted); ffmpeg would
 * otherwise decode the readable part and stop without complaint.
 */
export function checkIsoBoxes(file: string): void {
  const ext = extname(file).toLowerCase();
  if (ext !== '.mp4' && ext !== '.mov' && ext !== '.m4v') return;
  const size = statSync(file).size;
  if (size === 0) throw new FootageError(file, 'is empty (0 bytes)');
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(16);
    let pos = 0;
    let boxes = 0;
    while (pos < size) {
      const n = readSync(fd, head, 0, 16, pos);
      if (n < 8) throw new FootageError(file, `truncated: ${size - pos} stray byte(s) at the end of the file`);
      let len = head.readUInt32BE(0);
      const type = head.toString('latin1', 4, 8);
      if (boxes === 0 && !/^[a-z ]{4}$/i.test(type)) throw new FootageError(file, 'not an MP4/MOV file (no box structure at the start)');
      if (len === 1) {
        if (n < 16) throw new FootageError(file, 'truncated inside a box header');
        len = Number(head.readBigUInt64BE(8));
      } else if (len === 0) {
        len = size - pos; // box runs to the end of the file by definition
      }
      if (len < 8) throw new FootageError(file, `corrupt: box "${type}" at byte ${pos} has an impossible size ${len}`);
      if (pos + len > size) {
        throw new FootageError(file, `truncated: box "${type}" at byte ${pos} needs ${len} bytes but the file ends after ${size - pos}`);
      }
      pos += len;
      boxes++;
    }
  } finally {
    closeSync(fd);
  }
}
