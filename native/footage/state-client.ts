// The footage job's handle on the state reader's thread (state-thread.ts): start it, ask it for
// the state printed on a pass's plate crop, close it. Reads run one at a time off the main thread.
import { Worker } from 'node:worker_threads';
import type { StateGuess } from '../recognition/state';
import { threadEntry } from './entry';
import type { Box } from './recognizer';

export type StateThreadRequest = { type: 'read'; id: number; jpeg: Uint8Array; box: Box } | { type: 'close' };
export type StateThreadReply =
  | { type: 'ready' }
  | { type: 'fatal'; error: string }
  | { type: 'state'; id: number; guess: StateGuess | null; error?: string };

export class StateThread {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (g: StateGuess | null) => void; reject: (e: Error) => void }>();
  private failure: Error | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: StateThreadReply) => {
      if (m.type !== 'state') return;
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error) p?.reject(new Error(m.error));
      else p?.resolve(m.guess);
    });
    const fail = (e: Error) => {
      this.failure ??= e;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`state reader thread exited (code ${code})`)));
  }

  /** Starts the thread and waits until its reader is loaded; rejects with the reason it is not. */
  static start(modelsDir?: string): Promise<StateThread> {
    const worker = new Worker(threadEntry('state'), { workerData: { modelsDir } });
    return new Promise((resolve, reject) => {
      const early = (e: Error) => reject(e);
      worker.once('error', early);
      worker.once('message', (m: StateThreadReply) => {
        worker.off('error', early);
        if (m.type === 'ready') resolve(new StateThread(worker));
        else {
          void worker.terminate();
          reject(new Error(m.type === 'fatal' ? m.error : `state reader thread said ${m.type} before ready`));
        }
      });
    });
  }

  /** The state on the plate at `box` of the crop `jpeg`, or null when none is named. */
  read(jpeg: Uint8Array, box: Box): Promise<StateGuess | null> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'read', id, jpeg, box } satisfies StateThreadRequest);
    });
  }

  async close(): Promise<void> {
    if (this.failure) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage({ type: 'close' } satisfies StateThreadRequest);
    const timer = setTimeout(() => void this.worker.terminate(), 5000);
    await exited;
    clearTimeout(timer);
  }
}
