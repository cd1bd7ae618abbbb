// Boots a footage thread from source (CLI through tsx, tests under vitest): the recognition
// worker (worker.ts) or, when workerData says so, the frame reader (decode-thread.ts). They are
// TypeScript, so tsx's loader is registered in this thread first; worker threads do not
// inherit a loader registered by the main thread.
import { workerData } from 'node:worker_threads';

const { register } = await import('tsx/esm/api');
register();
await import(workerData?.entry === 'decoder' ? './decode-thread.ts' : './worker.ts');
