// Boots a footage worker thread. From source (CLI through tsx, tests under vitest) the worker
// is TypeScript, so tsx's loader is registered in this thread first; worker threads do not
// inherit a loader registered by the main thread.
const { register } = await import('tsx/esm/api');
register();
await import('./worker.ts');
