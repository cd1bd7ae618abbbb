// One file through the engine: decode (ffmpeg, or sharp for a photo) → worker pool (detect +
// read + crops) → tracker, in frame order. It knows nothing of the store: it hands finished
// passes and its resumable state to a sink at checkpoints, and the sink commits them in one
// transaction. Checkpoints are what make cancel, quit and crash cheap: at most one segment of
// video is processed again, and the state handed over is exactly what a resumed run needs.
// Images are encoded only for frames a pass needs (held.ts decides, after the tracker has seen
// each frame); those encodes are awaited before anything is committed.
import { readFile } from 'node:fs/promises';
import { ImageDecodeError, tolerant } from '../recognition/preprocess';
import { decodeFrames, FrameSlots, type DecodeSummary } from './decode';
import { FootageError, type VideoInfo } from './ffmpeg';
import type { FramePool } from './pool';
import type { FrameResult } from './protocol';
import { HeldFrames, fillImages } from './held';
import { resolveImages, Tracker, type FinishedTrack, type FrameImages, type Track, type TrackerOptions } from './tracker';

export interface Segment {
  /** Passes that ended since the last checkpoint. */
  finished: FinishedTrack[];
  /** Everything up to this file time is processed (null: nothing yet). */
  lastMs: number | null;
  /** Passes still open, serialised; empty at the end of the file. */
  open: Track[];
  framesDone: number;
  final: boolean;
}

export interface Progress {
  ptsMs: number;
  framesDone: number;
  readsFound: number;
}

export type Verdict = 'continue' | 'cancel' | 'stop';

export interface Sink {
  /** Commits a segment (reads + checkpoint) atomically. */
  commit(segment: Segment): void | Promise<void>;
  /** Stores an image content-addressed; returns its SHA-256. */
  persist(bytes: Uint8Array): string;
  progress(p: Progress): void;
  /** Asked at each checkpoint: go on, cancel, or stop to resume later. */
  verdict(): Verdict;
}

export interface VideoRun {
  fps: number;
  keyframes: boolean;
  tracker: TrackerOptions;
  /** Commit a segment after this much video time. */
  checkpointMs: number;
  resume?: { lastMs: number; open: Track[]; framesDone: number; readsFound: number } | undefined;
}

export interface RunOutcome {
  verdict: Verdict;
  framesDone: number;
  readsFound: number;
  lastMs: number | null;
  decode: DecodeSummary;
}

/** Runs a video; resolves when done, cancelled or stopped (the last segment is committed). */
export async function processVideo(file: string, info: VideoInfo, pool: FramePool, run: VideoRun, sink: Sink): Promise<RunOutcome> {
  const tracker = new Tracker(run.tracker);
  if (run.resume) tracker.restore(run.resume.open);
  const abort = new AbortController();
  const decode: DecodeSummary = { framesDelivered: 0, lastPtsMs: null, problems: [] };
  let framesDone = run.resume?.framesDone ?? 0;
  let readsFound = run.resume?.readsFound ?? 0;
  let lastMs: number | null = run.resume?.lastMs ?? null;
  let segmentStart = lastMs ?? 0;
  let finished: FinishedTrack[] = [];
  let verdict: Verdict = 'continue';
  const inflight: { seq: number; done: boolean; p: Promise<FrameResult> }[] = [];
  const capacity = pool.size * pool.depth;
  const ahead = 2;
  const keep = 4;
  // A slot for every frame that can be alive at once: in the pool, read ahead (sent and
  // waiting in the reader), kept, being released, being filled. Fewer make the reader wait, and
  // too few would stall it: this loop consumes finished frames (freeing their slots) only when
  // the next frame arrives, so the slots must cover the pool, the kept frames and the read-ahead.
  const slots = new FrameSlots(capacity + 2 * ahead + keep + 4, info.width * info.height * 3);
  pool.share(slots.buffers);
  const held = new HeldFrames(pool, slots, keep);

  const consume = async () => {
    const head = inflight.shift()!;
    const r = await head.p;
    const images: FrameImages = { framed: r.framed, jpeg: null, crops: new Map() };
    const ended = tracker.update(r.ptsMs, r.hits, images);
    finished.push(...ended);
    held.settle(tracker, finished, images, r.ref);
    readsFound += ended.length;
    framesDone++;
    lastMs = r.ptsMs;
    sink.progress({ ptsMs: r.ptsMs, framesDone, readsFound });
    if (r.ptsMs - segmentStart >= run.checkpointMs) await checkpoint(false);
  };
  const checkpoint = async (final: boolean) => {
    await held.flush(tracker, finished);
    finished.forEach(resolveImages);
    const open = final ? [] : tracker.snapshot((b) => sink.persist(b));
    await sink.commit({ finished, lastMs, open, framesDone, final });
    finished = [];
    segmentStart = lastMs ?? 0;
    if (!final && verdict === 'continue') {
      verdict = sink.verdict();
      if (verdict !== 'continue') abort.abort();
    }
  };

  const frames = decodeFrames(file, info, { fps: run.fps, keyframes: run.keyframes, fromMs: run.resume?.lastMs, signal: abort.signal, ahead, slots }, decode);
  try {
    for await (const f of frames) {
      if (verdict !== 'continue') break;
      const job = { seq: f.seq, ptsMs: f.ptsMs, width: f.width, height: f.height, data: { slot: f.slot } };
      const entry = { seq: f.seq, done: false, p: pool.submit(job) };
      entry.p.then(
        () => (entry.done = true),
        () => (entry.done = true),
      );
      inflight.push(entry);
      while (inflight.length >= capacity || (inflight.length > 0 && inflight[0]!.done)) {
        await consume();
        if (verdict !== 'continue') break;
      }
    }
  } catch (e) {
    abort.abort();
    await dropInflight(pool, inflight);
    await held.drop();
    throw e;
  }
  if (verdict !== 'continue') {
    // Stopped at a checkpoint: frames decoded after it are dropped; a resume redoes them.
    await dropInflight(pool, inflight);
    await held.drop();
    return { verdict, framesDone, readsFound, lastMs, decode };
  }
  while (inflight.length > 0) await consume();
  if (verdict !== 'continue') {
    await dropInflight(pool, inflight);
    await held.drop();
    return { verdict, framesDone, readsFound, lastMs, decode };
  }
  const rest = tracker.flush();
  finished.push(...rest);
  await held.flush(tracker, finished);
  finished.forEach(resolveImages);
  readsFound += rest.length;
  const cutOff = truncation(file, info, decode, lastMs);
  if (cutOff) {
    // Keep what was read before the damage (committed as an ordinary segment), then fail.
    await sink.commit({ finished, lastMs, open: [], framesDone, final: false });
    throw cutOff;
  }
  await checkpoint(true);
  return { verdict, framesDone, readsFound, lastMs, decode };
}

/** Waits for frames still in the workers and lets the workers drop them. */
async function dropInflight(pool: FramePool, inflight: { p: Promise<FrameResult> }[]): Promise<void> {
  const results = await Promise.allSettled(inflight.splice(0).map((x) => x.p));
  const refs = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.ref] : []));
  await Promise.allSettled(refs.map((ref) => pool.release(ref)));
}

/** A video whose frames stop well before its stated end was cut off: the error that says so. */
function truncation(file: string, info: VideoInfo, d: DecodeSummary, lastMs: number | null): FootageError | null {
  if (lastMs === null && d.framesDelivered === 0 && info.durationMs > 0) {
    return new FootageError(file, `no frame could be decoded (${d.problems[d.problems.length - 1] ?? 'the video stream is empty'})`);
  }
  if (lastMs === null) return null;
  const end = lastMs; // the last frame processed, in this run or before a resume
  const slack = Math.max(2000, info.durationMs * 0.05);
  const short = info.durationMs - end;
  if (info.durationMs > 0 && short > slack && (d.problems.length > 0 || short > info.durationMs * 0.25)) {
    return new FootageError(
      file,
      `truncated or corrupt: frames stop at ${(end / 1000).toFixed(1)} s of ${(info.durationMs / 1000).toFixed(1)} s (${d.problems[d.problems.length - 1] ?? 'the stream ends early'}); reads from the readable part were kept`,
    );
  }
  return null;
}

/**
 * Decodes a photo (EXIF orientation applied) and recognises it as a one-frame pass. A photo cut short
 * is read as far as it decodes, as a cut-off video is: `damage` says so, and the caller keeps the
 * reads and reports the file (`damagedPhoto`). Lesser complaints of the decoder pass unreported.
 */
export async function processPhoto(file: string, pool: FramePool, trackerOptions: TrackerOptions): Promise<{ finished: FinishedTrack[]; width: number; height: number; damage?: string }> {
  let raw: { data: Buffer; info: { width: number; height: number } };
  let damage: string | undefined;
  try {
    const bytes = await readFile(file);
    // as before: libjpeg's warnings pass (DVR stills often carry stray bytes); a cut-off file is damaged
    ({ value: raw, damage } = await tolerant(bytes, file, (s) => s.rotate().removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true }), 'truncated'));
  } catch (e) {
    const why = e instanceof ImageDecodeError ? e.reason : e instanceof Error ? e.message : String(e);
    throw new FootageError(file, `not a readable photo (${why.split('\n')[0]})`);
  }
  const data = new Uint8Array(raw.data.length);
  data.set(raw.data);
  const r = await pool.submit({ seq: 0, ptsMs: 0, width: raw.info.width, height: raw.info.height, data: data.buffer });
  const tracker = new Tracker(trackerOptions);
  const images: FrameImages = { framed: r.framed, jpeg: null, crops: new Map() };
  tracker.update(0, r.hits, images);
  const finished = tracker.flush();
  const want = tracker.needs(images, finished) ?? { frame: false, crops: [] };
  fillImages(images, want, await pool.release(r.ref, want));
  finished.forEach(resolveImages);
  return { finished, width: raw.info.width, height: raw.info.height, ...(damage !== undefined ? { damage } : {}) };
}

/** The error a damaged photo's file ends with, once the reads from its readable part are kept. */
export function damagedPhoto(file: string, damage: string): FootageError {
  return new FootageError(file, `damaged photo (${damage}): read as far as it decodes; reads from the readable part were kept`);
}
