// The store's WAL checkpointer (checkpointer.ts starts one per open store file). A checkpoint
// copies the pages committed to the WAL into the database file and syncs both; run inline, it
// was ~2 µs of every imported read's ~10 (issue 4, docs/canvass.md "Ingest"). Here, on its own
// connection and thread, a PASSIVE checkpoint runs whenever the WAL has grown (looked at every
// POLL_MS) or when asked: it never blocks the writer or readers (SQLite lets a checkpoint run
// beside them and copies what no reader still needs), so the next import batch goes on while
// the last one is copied. Plain JavaScript so the thread starts in milliseconds from source
// too. Shared counters (Int32Array over workerData.shared): [0] checkpoints asked for, [1]
// answered, [2] pages copied (capped), [3] 1 once this connection is closed.
import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

const POLL_MS = 200;
const { file, shared } = workerData;
const state = new Int32Array(shared);
const db = new Database(file);
db.pragma('busy_timeout = 5000');
let lastSize = -1;
let stopped = false;

const walSize = () => {
  try {
    return statSync(`${file}-wal`).size;
  } catch {
    return 0;
  }
};

function checkpoint() {
  const [r] = db.pragma('wal_checkpoint(PASSIVE)');
  lastSize = walSize();
  // r: { busy, log, checkpointed } — frames in the WAL and frames now in the database file
  if (r && r.checkpointed > 0)
    Atomics.store(state, 2, Math.min(2 ** 31 - 1, Atomics.load(state, 2) + r.checkpointed));
}

const timer = setInterval(() => {
  if (!stopped && walSize() !== lastSize) checkpoint();
}, POLL_MS);

parentPort.on('message', (m) => {
  if (stopped) return;
  if (m.type === 'checkpoint') {
    checkpoint();
    Atomics.store(state, 1, m.seq);
    Atomics.notify(state, 1);
  } else if (m.type === 'stop') {
    stopped = true;
    clearInterval(timer);
    db.close();
    Atomics.store(state, 3, 1);
    Atomics.notify(state, 3);
    parentPort.close();
  }
});
