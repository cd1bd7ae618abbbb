// The store's WAL checkpointer (checkpointer.ts starts one per open store file). A checkpoint
// copies the pages committed to the WAL into the database file and syncs both; run inline, it
// was ~2 µs of every imported read's ~10 (issue 4, docs/canvass.md "Ingest"). Here, on its own
// connection and thread, a PASSIVE checkpoint runs whenever another connection has committed
// (PRAGMA data_version, looked at every POLL_MS) or when asked: it never blocks the writer or readers (SQLite lets a checkpoint run
// beside them and copies what no reader still needs), so the next import batch goes on while
// the last one is copied. Asked to ('warm', by the long-lived shells once they are up), it also
// reads the canvass index and the plate index era by era, newest first, so that after a reboot
// the first searches find their pages in the OS cache instead of on disk (a cold 10M-read store
// answered `partial_all` at p95 ~310 ms instead of ~60). Plain JavaScript so the thread starts
// in milliseconds from source too. Shared counters (Int32Array over workerData.shared): [0]
// eras warmed, [1] checkpoints answered, [2] pages copied (capped), [3] 1 once this connection
// is closed.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

const POLL_MS = 200;
const { file, shared } = workerData;
const state = new Int32Array(shared);
const db = new Database(file);
db.pragma('busy_timeout = 5000');
let lastVersion = -1;
let stopped = false;

/** Changes whenever another connection commits (SQLite's PRAGMA data_version); never for our own checkpoints. */
const dataVersion = () => db.pragma('data_version', { simple: true });

function checkpoint() {
  // The version is taken before the checkpoint: a commit that lands while it runs changes it, so
  // the next poll copies that commit too. (Session 13: the WAL's size, taken after the checkpoint,
  // hid such a commit until the next write — a flaky store test saw only the schema's pages copied —
  // and a WAL restarted from its start after a full checkpoint may not grow at all.)
  const before = dataVersion();
  const [r] = db.pragma('wal_checkpoint(PASSIVE)');
  lastVersion = before;
  // r: { busy, log, checkpointed } — frames in the WAL and frames now in the database file
  if (r && r.checkpointed > 0)
    Atomics.store(state, 2, Math.min(2 ** 31 - 1, Atomics.load(state, 2) + r.checkpointed));
}

const timer = setInterval(() => {
  if (!stopped && dataVersion() !== lastVersion) checkpoint();
}, POLL_MS);

/** One statement per era and structure, each in its own turn of the event loop (a stop is heard between). */
function warm() {
  const ERA_MS = 2 ** 32; // reads/era.ts
  const b = db.prepare('SELECT (SELECT min(ts) FROM reads) AS lo, (SELECT max(ts) FROM reads) AS hi').get();
  if (b.lo === null || b.hi === null) return;
  const hi = Math.trunc(b.hi / ERA_MS);
  const lo = Math.max(Math.trunc(b.lo / ERA_MS), hi - 255); // a bad clock's centuries: the recent ones
  const steps = [
    db.prepare('SELECT count(*) FROM canvass_codes WHERE era = ?'),
    // substr of each row's end follows its overflow pages too
    db.prepare('SELECT max(substr(codes, -8)) FROM canvass_postings WHERE era = ?'),
    db.prepare('SELECT count(*) FROM reads WHERE era = ?'), // the era's part of reads_plate
  ];
  let era = hi;
  let k = 0;
  const next = () => {
    if (stopped || era < lo) return;
    steps[k].get(era);
    if (++k === steps.length) {
      k = 0;
      era--;
      Atomics.add(state, 0, 1);
    }
    setImmediate(next);
  };
  setImmediate(next);
}

parentPort.on('message', (m) => {
  if (stopped) return;
  if (m.type === 'warm') warm();
  else if (m.type === 'checkpoint') {
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
