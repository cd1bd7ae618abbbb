// Streams decoded frames out of ffmpeg as raw RGB over a pipe. ffmpeg picks the frames (a time
// bucket of 1/fps seconds each, plus every key frame) so only those are converted and sent;
// the showinfo filter reports each picked frame's timestamp on stderr, paired in order by the
// frame reader thread (decode-thread.mjs). Memory stays bounded: the generator yields one frame
// at a time and at most `ahead` frames wait for the caller, so ffmpeg blocks instead of
// buffering a whole video.
import { Worker } from 'node:worker_threads';
import { threadEntry } from './entry';
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
  private readonly spares: ArrayBuffer[] = [];

  constructor(readonly max: number) {}

  take(bytes: number): Uint8Array {
    const b = this.spares.pop();
    if (b && b.byteLength === bytes) return new Uint8Array(b);
    return new Uint8Array(bytes);
  }

  /** A spare buffer to hand on, if there is one. */
  spare(): ArrayBuffer | null {
    return this.spares.pop() ?? null;
  }

  give(b: ArrayBuffer | undefined): void {
    if (b && b.byteLength > 0 && this.spares.length < this.max) this.spares.push(b);
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

/** The frame reader thread's start data and messages (decode-thread.mjs). */
interface DecoderInit {
  entry: 'decoder';
  bin: string;
  args: string[];
  frameBytes: number;
  ahead: number;
}

type DecoderReply =
  | { type: 'frame'; ptsMs: number; key: boolean; data: ArrayBuffer }
  | { type: 'problem'; line: string }
  | { type: 'end'; code: number; tail: string[]; partial: number; error: string | null };

type DecoderRequest = { type: 'ack'; buffer: ArrayBuffer | null } | { type: 'stop' };

const INTRA_ONLY = new Set(['mjpeg']);

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
  const frameBytes = info.width * info.height * 3;
  const ahead = Math.max(1, opts.ahead ?? 2);
  const buffers = opts.buffers ?? new FrameBuffers(0);
  // The pipe is read in a thread of its own (decode-thread.mjs), drained into whole frames as
  // fast as ffmpeg writes them, up to `ahead` frames waiting: ffmpeg decodes while this thread
  // waits on the workers, and the pipe's buffers never touch this thread's heap.
  const init: DecoderInit = { entry: 'decoder', bin: ffmpegPath(), args, frameBytes, ahead };
  const thread = new Worker(threadEntry('decoder'), { workerData: init });
  const inbox: DecoderReply[] = [];
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  thread.on('message', (m: DecoderReply) => {
    if (m.type === 'problem') {
      if (summary.problems.length < 50) summary.problems.push(m.line);
    } else inbox.push(m);
    wake?.();
  });
  thread.on('error', (e) => {
    failure = e;
    wake?.();
  });
  const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
  thread.once('exit', () => {
    failure ??= inbox.some((m) => m.type === 'end') ? null : new Error('the frame reader stopped unexpectedly');
    wake?.();
  });
  const next = async (): Promise<DecoderReply> => {
    while (inbox.length === 0 && !failure) await new Promise<void>((r) => (wake = r));
    wake = null;
    if (inbox.length === 0) throw new FootageError(file, `ffmpeg could not be read (${failure!.message})`);
    return inbox.shift()!;
  };
  const stop = () => thread.postMessage({ type: 'stop' } satisfies DecoderRequest);
  opts.signal?.addEventListener('abort', stop, { once: true });

  let seq = 0;
  let done = false;
  try {
    for (;;) {
      const m = await next();
      if (m.type === 'end') {
        done = true;
        if (opts.signal?.aborted) return summary;
        if (m.error) throw new FootageError(file, m.error);
        if (m.code !== 0) throw new FootageError(file, `ffmpeg could not decode it (exit ${m.code}: ${m.tail.slice(-2).join(' / ') || 'no message'})`);
        if (m.partial > 0) summary.problems.push(`last frame incomplete (${m.partial} of ${frameBytes} bytes)`);
        return summary;
      }
      if (m.type !== 'frame') continue;
      const data = new Uint8Array(m.data);
      const frame: DecodedFrame = { seq: seq++, ptsMs: m.ptsMs, key: m.key, width: info.width, height: info.height, data };
      // The reader may read another frame as soon as this one is taken; the buffer it gets
      // back is an older one the workers have finished with.
      const recycled = buffers.spare();
      thread.postMessage({ type: 'ack', buffer: recycled } satisfies DecoderRequest, recycled ? [recycled] : []);
      if (opts.fromMs !== undefined && m.ptsMs <= opts.fromMs) {
        buffers.give(m.data);
        continue; // already processed before the resume point
      }
      summary.framesDelivered++;
      summary.lastPtsMs = m.ptsMs;
      yield frame;
    }
  } finally {
    opts.signal?.removeEventListener('abort', stop);
    if (!done) stop();
    await exited;
  }
}
