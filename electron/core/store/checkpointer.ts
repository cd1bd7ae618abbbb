// Runs the store's WAL checkpoints on a thread of their own (checkpoint-thread.mjs), so that an
// import's commits only append to the WAL and the copying into the database file (and its
// syncs) happens on the other core, beside the next batch (issue 4, docs/canvass.md "Ingest";
// SQLite's WAL documentation suggests exactly this for write-heavy applications). The opening
// connection keeps a high automatic checkpoint threshold as a fallback, so the WAL stays bounded
// if the thread falls behind or cannot start; durability is what synchronous=NORMAL gives with
// either (a commit survives a crash of the process; the WAL is synced by each checkpoint).
import type { Database } from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** Pages in the WAL past which the writer checkpoints itself (the thread is behind or absent): 256 MB. */
export const FALLBACK_AUTOCHECKPOINT = 65_536;
/** What the connection does without a thread: SQLite's default (1,000 pages). */
const INLINE_AUTOCHECKPOINT = 1000;

export interface Checkpointer {
  /** Checkpoints now and waits (up to `timeoutMs`) until it is done; false if it did not answer. */
  checkpointNow(timeoutMs?: number): boolean;
  /** Pages the thread has copied into the database file so far. */
  pagesCopied(): number;
  /**
   * Reads the canvass and plate indexes in the background, newest era first, so the first
   * searches after a reboot do not wait for the disk (the app and `canvass serve` call it once up).
   */
  warm(): void;
  /** Eras warmed so far. */
  erasWarmed(): number;
  /** Stops the thread after closing its connection (waits up to 2 s); the store closes after. */
  stop(): void;
}

/** Where the thread's code is: beside a packaged bundle (build/build-electron.mjs), else this folder. */
function threadEntry(): URL {
  const bundled = new URL('./store-checkpoint.mjs', import.meta.url);
  if (existsSync(fileURLToPath(bundled))) return bundled;
  return new URL('./checkpoint-thread.mjs', import.meta.url);
}

/** Starts the checkpoint thread for the store file `file` opened as `db`. */
export function startCheckpointer(db: Database, file: string): Checkpointer {
  const shared = new SharedArrayBuffer(16);
  const state = new Int32Array(shared);
  let worker: Worker | null = null;
  let seq = 0;
  const inline = () => {
    worker = null;
    if (db.open) db.pragma(`wal_autocheckpoint = ${INLINE_AUTOCHECKPOINT}`);
  };
  try {
    worker = new Worker(threadEntry(), { workerData: { file, shared } });
    worker.unref(); // never keeps a CLI command's process alive
    worker.on('error', inline); // e.g. the file went away: back to checkpointing inline
    db.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT}`);
  } catch {
    inline();
  }
  return {
    checkpointNow(timeoutMs = 10_000) {
      if (!worker) {
        db.pragma('wal_checkpoint(PASSIVE)');
        return true;
      }
      seq++;
      worker.postMessage({ type: 'checkpoint', seq });
      const until = Date.now() + timeoutMs;
      for (let v = Atomics.load(state, 1); v < seq; v = Atomics.load(state, 1)) {
        const left = until - Date.now();
        if (left <= 0) return false;
        Atomics.wait(state, 1, v, left);
      }
      return true;
    },
    pagesCopied: () => Atomics.load(state, 2),
    warm: () => worker?.postMessage({ type: 'warm' }),
    erasWarmed: () => Atomics.load(state, 0),
    stop() {
      const w = worker;
      if (!w) return;
      worker = null;
      w.postMessage({ type: 'stop' });
      // its connection closed first, so the store's own close is the last one and SQLite folds
      // the WAL into the file and removes it
      try {
        Atomics.wait(state, 3, 0, 2000);
      } catch {
        // a thread that may not block (none of Canvass's): close without waiting
      }
      void w.terminate();
    },
  };
}
