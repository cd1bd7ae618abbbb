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
  /**
   * RGB24. With the caller's FrameSlots, a view of shared slot `slot` (hand the slot on, and
   * give it back); otherwise a copy of its own.
   */
  data: Uint8Array;
  slot: number;
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
  /** Where frames are put; the caller gives each slot back once the pixels are done with. */
  slots?: FrameSlots;
}

/**
 * The frames' memory: a fixed set of shared buffers ("slots"), one frame each, held by the
 * frame reader thread, the main thread and the workers alike, so a frame moves between them as
 * a slot number. Transferring a fresh 6 MB buffer per 1080p frame instead made every isolate
 * it passed through count it as external memory and run a full collection every few frames
 * (the main thread's ~36 in 300 frames, with their concurrent marking on the V8 helper
 * threads). A slot comes back to the reader once the worker that had it lets the frame go;
 * while none is free, the reader stops reading the pipe, so ffmpeg waits. Memory is bounded
 * by `count` frames; a slot's pages are only touched once the reader needs it.
 */
export class FrameSlots {
  readonly buffers: SharedArrayBuffer[];
  private readonly returned: number[] = [];
  private listener: ((slot: number) => void) | null = null;

  constructor(
    readonly count: number,
    readonly bytes: number,
  ) {
    this.buffers = Array.from({ length: count }, () => new SharedArrayBuffer(bytes));
  }

  /** A slot the worker is done with (null: a frame that had none). */
  give(slot: number | null | undefined): void {
    if (slot === null || slot === undefined) return;
    if (this.listener) this.listener(slot);
    else this.returned.push(slot);
  }

  /** Hands every returned slot, now and later, to `f` (the reader thread). */
  listen(f: ((slot: number) => void) | null): void {
    this.listener = f;
    if (f) for (const s of this.returned.splice(0)) f(s);
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
  slots: SharedArrayBuffer[];
}

type DecoderReply =
  | { type: 'frame'; ptsMs: number; key: boolean; slot: number }
  | { type: 'problem'; line: string }
  | { type: 'end'; code: number; tail: string[]; partial: number; error: string | null };

type DecoderRequest = { type: 'ack' } | { type: 'spare'; slot: number } | { type: 'stop' };

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
  // Without slots of the caller's, each frame is copied out and its slot reused at once.
  const own = !opts.slots;
  const slots = opts.slots ?? new FrameSlots(ahead * 2 + 2, frameBytes);
  if (slots.bytes !== frameBytes) throw new Error(`frame slots of ${slots.bytes} bytes for ${frameBytes}-byte frames`);
  const views = slots.buffers.map((b) => new Uint8Array(b));
  // The pipe is read in a thread of its own (decode-thread.mjs), drained into whole frames as
  // fast as ffmpeg writes them, up to `ahead` frames waiting: ffmpeg decodes while this thread
  // waits on the workers, and the pipe's buffers never touch this thread's heap.
  const init: DecoderInit = { entry: 'decoder', bin: ffmpegPath(), args, frameBytes, ahead, slots: slots.buffers };
  const thread = new Worker(threadEntry('decoder'), { workerData: init });
  slots.listen((slot) => thread.postMessage({ type: 'spare', slot } satisfies DecoderRequest));
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
      const data = own ? views[m.slot]!.slice() : views[m.slot]!;
      const frame: DecodedFrame = { seq: seq++, ptsMs: m.ptsMs, key: m.key, width: info.width, height: info.height, data, slot: m.slot };
      if (own) slots.give(m.slot);
      // The reader may read another frame as soon as this one is taken.
      thread.postMessage({ type: 'ack' } satisfies DecoderRequest);
      if (opts.fromMs !== undefined && m.ptsMs <= opts.fromMs) {
        if (!own) slots.give(m.slot);
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
    slots.listen(null);
  }
}
