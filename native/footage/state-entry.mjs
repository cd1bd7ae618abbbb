// Boots the state reader's thread from source (tsx's loader is not inherited by worker threads);
// a packaged build runs the bundled footage-state.mjs instead (entry.ts).
const { register } = await import('tsx/esm/api');
register();
await import('./state-thread.ts');
