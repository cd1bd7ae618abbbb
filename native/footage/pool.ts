// A fixed pool of footage worker threads, one per core by default. Frames are handed to the
// least busy worker, at most `depth` per worker at a time so each has its next frame queued
// while it works; the caller awaits `slot()` before decoding more, which is what keeps memory
// flat on a two-hour video. A worker keeps each frame it answered until `release` says what of
// it to encode (context frame, crops), and hands the frame's slot back for the decoder.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { threadEntry } from './entry';
import type { FrameJob, FrameResult, Released, ReleaseRequest, WorkerInit, WorkerReply, WorkerRequest } from './protocol';
import type { ModelVersions } from './recognizer';

interface Slot {
  worker: Worker;
  busy: number;
  pending: Map<number, { resolve: (r: FrameResult) => void; reject: (e: Error) => void }>;
  releasing: Map<number, { resolve: (r: Released) => void; reject: (e: Error) => void }>;
}

export interface PoolOptions {
  size?: number;
  depth?: number;
}

export class FramePool {
  private readonly slots: Slot[] = [];
  private readonly waiters: (() => void)[] = [];
  private failure: Error | null = null;
  private nextId = 0;
  /** Frames answered and still held by their worker, by the pool's number. */
  private readonly holders = new Map<number, Slot>();
  readonly size: number;
  readonly depth: number;
  versions: ModelVersions = {};

  constructor(
    private readonly init: WorkerInit,
    opts: PoolOptions = {},
  ) {
    this.size = Math.max(1, opts.size ?? availableParallelism());
    this.depth = Math.max(1, opts.depth ?? 2);
  }

  /** Starts the workers and waits until each has built its recognizer. */
  async start(): Promise<ModelVersions> {
    const entry = threadEntry('worker');
    const ready = [];
    for (let i = 0; i < this.size; i++) {
      const worker = new Worker(entry, { workerData: this.init });
      const slot: Slot = { worker, busy: 0, pending: new Map(), releasing: new Map() };
      this.slots.push(slot);
      ready.push(
        new Promise<ModelVersions>((resolve, reject) => {
          worker.once('error', reject);
          worker.on('message', (m: WorkerReply) => {
            if (m.type === 'ready') resolve(m.versions);
            else if (m.type === 'fatal') reject(new Error(`recognizer failed to start: ${m.error}`));
            else this.settle(slot, m);
          });
        }),
      );
      worker.on('error', (e) => this.fail(slot, e));
      worker.on('exit', (code) => {
        if (slot.pending.size > 0 || slot.releasing.size > 0) this.fail(slot, new Error(`footage worker exited (code ${code}) with frames in flight`));
      });
    }
    try {
      const all = await Promise.all(ready);
      this.versions = all[0] ?? {};
      return this.versions;
    } catch (e) {
      await this.close();
      throw e;
    }
  }

  private settle(slot: Slot, m: WorkerReply): void {
    if (m.type === 'released') {
      const r = slot.releasing.get(m.ref);
      slot.releasing.delete(m.ref);
      if (!r) return;
      if (m.error) r.reject(new Error(`context frame encode failed: ${m.error}`));
      else r.resolve({ jpeg: m.jpeg, crops: m.crops, slot: m.slot });
      return;
    }
    if (m.type !== 'result' && m.type !== 'failed') return;
    const seq = m.type === 'result' ? m.result.seq : m.seq;
    const p = slot.pending.get(seq);
    if (!p) return;
    slot.pending.delete(seq);
    slot.busy--;
    if (m.type === 'result') {
      this.holders.set(seq, slot);
      p.resolve(m.result);
    } else p.reject(new Error(`recognition failed on frame ${seq}: ${m.error}`));
    this.waiters.shift()?.();
  }

  private fail(slot: Slot, e: Error): void {
    this.failure ??= e;
    for (const p of slot.pending.values()) p.reject(e);
    for (const p of slot.releasing.values()) p.reject(e);
    slot.pending.clear();
    slot.releasing.clear();
    slot.busy = 0;
    while (this.waiters.length) this.waiters.shift()!();
  }

  /** Resolves when a worker can take another frame. */
  async slot(): Promise<void> {
    while (!this.failure && !this.slots.some((s) => s.busy < this.depth)) {
      await new Promise<void>((r) => this.waiters.push(r));
    }
    if (this.failure) throw this.failure;
  }

  /**
   * Shares the frame slots of the next file with every worker (they drop the last file's):
   * jobs may then name a slot instead of carrying their pixels.
   */
  share(buffers: SharedArrayBuffer[]): void {
    for (const s of this.slots) s.worker.postMessage({ type: 'slots', buffers } satisfies WorkerRequest);
  }

  /** Sends a frame (a buffer of its own is transferred: the caller must not touch it again). */
  submit(job: FrameJob): Promise<FrameResult> {
    if (this.failure) return Promise.reject(this.failure);
    const slot = this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
    slot.busy++;
    // Frames travel under the pool's own number, so callers (photos) may reuse theirs.
    const id = this.nextId++;
    return new Promise<FrameResult>((resolve, reject) => {
      slot.pending.set(id, { resolve: (r) => resolve({ ...r, seq: job.seq, ref: id }), reject });
      slot.worker.postMessage({ ...job, seq: id } satisfies WorkerRequest, job.data instanceof ArrayBuffer ? [job.data] : []);
    });
  }

  /**
   * Lets the worker drop a frame it answered (`ref` from its result), first encoding what
   * `want` asks for. Every answered frame must be released once.
   */
  release(ref: number, want: ReleaseRequest = { frame: false, crops: [] }): Promise<Released> {
    const slot = this.holders.get(ref);
    if (!slot) return Promise.reject(this.failure ?? new Error(`frame ${ref} is not held by any worker`));
    this.holders.delete(ref);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<Released>((resolve, reject) => {
      slot.releasing.set(ref, { resolve, reject });
      slot.worker.postMessage({ type: 'release', ref, ...want });
    });
  }

  async close(): Promise<void> {
    await Promise.all(
      this.slots.map(
        (s) =>
          new Promise<void>((resolve) => {
            const t = setTimeout(() => void s.worker.terminate().then(() => resolve()), 2000);
            s.worker.once('exit', () => {
              clearTimeout(t);
              resolve();
            });
            s.worker.postMessage({ type: 'close' });
          }),
      ),
    );
    this.slots.length = 0;
    this.holders.clear();
  }
}
