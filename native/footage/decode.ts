// Streams decoded frames out of ffmpeg as raw RGB over a pipe. ffmpeg picks the frames (a time
// bucket of 1/fps seconds each, plus every key frame) so only those are converted and sent;
// the showinfo filter reports each picked frame's timestamp on stderr, paired here in order.
// Memory stays bounded: the generator yields one frame at a time and the pipe is only read as
// fast as the caller pulls, so ffmpeg blocks instead of buffering a whole video.
import { spawn } from 'node:child_process';
import { ffmpegPath, FootageError, type VideoInfo } from './ffmpeg';

export interface DecodedFrame {
  /** Sequence number among the frames this decoder delivered. */
  seq: number;
  /** Presentation time in the file, milliseconds from its start. */
  ptsMs: number;
  key: boolean;
  width: number;
  height: number;
  /** RGB24, owning its own ArrayBuffer so it can be transferred to a worker. */
  data: Uint8Array;
}

export interface DecodeOptions {
  /** Frames per second to sample (a frame per 1/fps bucket); key frames are always added. */
  fps: number;
  keyframes: boolean;
  /** Start decoding at this file time (resume); earlier frames are skipped. */
  fromMs?: number;
  signal?: AbortSignal;
  /** Whole frames read ahead of the caller before the pipe is paused (default 2). */
  ahead?: number;
  /** Where frame buffers come from; the caller gives them back once the pixels are done with. */
  buffers?: FrameBuffers;
}

/**
 * Recycled frame buffers. A fresh 6 MB buffer per 1080p frame costs page faults, zeroing and
 * garbage collection; a buffer that comes back from a worker costs nothing. Holds at most
 * `max` spare buffers, all of one size (a buffer of another size is dropped).
 */
export class FrameBuffers {
  private readonly spare: ArrayBuffer[] = [];

  constructor(readonly max: number) {}

  take(bytes: number): Uint8Array {
    const b = this.spare.pop();
    if (b && b.byteLength === bytes) return new Uint8Array(b);
    return new Uint8Array(bytes);
  }

  give(b: ArrayBuffer | undefined): void {
    if (b && b.byteLength > 0 && this.spare.length < this.max) this.spare.push(b);
  }
}

export interface DecodeSummary {
  framesDelivered: number;
  lastPtsMs: number | null;
  /** Decoder complaints (corrupt packets, partial file), last few lines. */
  problems: string[];
}

/** The select expression: first frame, key frames, and the first frame of each 1/fps bucket. */
export function selectExpression(fps: number, keyframes: boolean): string {
  const f = Number(fps.toFixed(4));
  const parts = ['isnan(prev_t)', `gt(floor(t*${f})\\,floor(prev_t*${f}))`];
  if (keyframes) parts.unshift('eq(pict_type\\,PICT_TYPE_I)');
  return `select='${parts.join('+')}'`;
}

const INTRA_ONLY = new Set(['mjpeg']);
const SHOWINFO = /Parsed_showinfo.*\bn:\s*\d+\s+pts:\s*-?\d+\s+pts_time:(-?[\d.]+).*?iskey:(\d)/;
const PROBLEM = /error|invalid|corrupt|partial file|truncat|missing/i;

/** Decodes `file`, yielding the sampled frames in order. */
export async function* decodeFrames(
  file: string,
  info: VideoInfo,
  opts: DecodeOptions,
  summary: DecodeSummary = { framesDelivered: 0, lastPtsMs: null, problems: [] },
): AsyncGenerator<DecodedFrame, DecodeSummary> {
  const args = ['-hide_banner', '-nostats', '-nostdin', '-loglevel', 'info'];
  // Frames no other frame refers to (most B-frames) need not be decoded when we sample well
  // below the frame rate: a quarter less decoding on typical H.264, and nothing else changes
  // but which frame of a 1/fps bucket is picked. Only for codecs with such frames.
  if ((info.codec === 'h264' || info.codec === 'hevc') && opts.fps * 2 <= info.fps) args.push('-skip_frame', 'noref');
  if (opts.fromMs && opts.fromMs > 0) args.push('-ss', (opts.fromMs / 1000).toFixed(3));
  // -copyts keeps the file's own timestamps after a seek, so a resumed job sees the same times.
  args.push('-copyts', '-i', file, '-map', '0:v:0', '-an', '-sn', '-dn');
  // In an intra-only codec every frame is a key frame: adding them would undo the sampling.
  const keyframes = opts.keyframes && !INTRA_ONLY.has(info.codec);
  // showinfo without its per-frame checksums and plane statistics (a tenth of ffmpeg's work):
  // only the time and key flag are read.
  args.push('-vf', `${selectExpression(opts.fps, keyframes)},showinfo=checksum=0`, '-vsync', '0', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1');
  const proc = spawn(ffmpegPath(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const frameBytes = info.width * info.height * 3;
  const times: { ms: number; key: boolean }[] = [];
  let stderrDone = false;
  let wake: (() => void) | null = null;
  const tail: string[] = [];
  let partial = '';
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (s: string) => {
    const lines = (partial + s).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const m = SHOWINFO.exec(line);
      if (m) times.push({ ms: Math.round(Number(m[1]) * 1000), key: m[2] === '1' });
      else if (!line.includes('Parsed_showinfo') && line.trim()) {
        tail.push(line.trim());
        if (tail.length > 20) tail.shift();
        if (PROBLEM.test(line) && summary.problems.length < 50) summary.problems.push(line.trim());
      }
    }
    wake?.();
  });
  proc.stderr.on('end', () => {
    stderrDone = true;
    wake?.();
  });
  const exited = new Promise<number>((resolve) => proc.on('close', (code, sig) => resolve(code ?? (sig ? 255 : 1))));
  const onAbort = () => proc.kill('SIGKILL');
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const nextTime = async () => {
    while (times.length === 0 && !stderrDone) await new Promise<void>((r) => (wake = r));
    wake = null;
    return times.shift();
  };

  // The pipe is drained into whole frames as fast as ffmpeg writes them, up to `ahead` frames
  // waiting here; only then is it paused. ffmpeg therefore decodes while the caller waits on the
  // workers, instead of only while the caller happens to be reading.
  const ahead = Math.max(1, opts.ahead ?? 2);
  const buffers = opts.buffers ?? new FrameBuffers(0);
  const ready: Uint8Array[] = [];
  let buf = buffers.take(frameBytes);
  let filled = 0;
  let ended = false;
  let streamError: Error | null = null;
  const stdout = proc.stdout;
  stdout.on('data', (chunk: Buffer) => {
    let off = 0;
    while (off < chunk.length) {
      const n = Math.min(frameBytes - filled, chunk.length - off);
      buf.set(chunk.subarray(off, off + n), filled);
      filled += n;
      off += n;
      if (filled === frameBytes) {
        ready.push(buf);
        buf = buffers.take(frameBytes);
        filled = 0;
      }
    }
    if (ready.length >= ahead) stdout.pause();
    wake?.();
  });
  stdout.on('end', () => {
    ended = true;
    wake?.();
  });
  stdout.on('error', (e) => {
    streamError = e;
    wake?.();
  });
  const nextFrame = async () => {
    while (ready.length === 0 && !ended && !streamError) await new Promise<void>((r) => (wake = r));
    wake = null;
    if (streamError) throw streamError;
    const f = ready.shift();
    if (ready.length < ahead && !ended) stdout.resume();
    return f;
  };

  let seq = 0;
  try {
    for (;;) {
      const data = await nextFrame();
      if (!data) break;
      const t = await nextTime();
      if (!t) throw new FootageError(file, 'ffmpeg delivered a frame without a timestamp');
      const frame: DecodedFrame = { seq: seq++, ptsMs: t.ms, key: t.key, width: info.width, height: info.height, data };
      if (opts.fromMs !== undefined && t.ms <= opts.fromMs) {
        buffers.give(data.buffer as ArrayBuffer);
        continue; // already processed before the resume point
      }
      summary.framesDelivered++;
      summary.lastPtsMs = t.ms;
      yield frame;
    }
    const code = await exited;
    if (opts.signal?.aborted) return summary;
    if (code !== 0) {
      throw new FootageError(file, `ffmpeg could not decode it (exit ${code}: ${tail.slice(-2).join(' / ') || 'no message'})`);
    }
    if (filled > 0) summary.problems.push(`last frame incomplete (${filled} of ${frameBytes} bytes)`);
    return summary;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    if (proc.exitCode === null) proc.kill('SIGKILL');
  }
}
