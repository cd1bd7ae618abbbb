// The application core as one value: the store, the clock and an event bus. The shells, the
// CLI and the tests create one of these and hand it to the api dispatcher.
import { EventEmitter } from 'node:events';
import type { Clock } from './clock';
import { systemClock } from './clock';
import { openMemoryStore, openStore, type Store } from './store/db';
import type { MigrationStep } from './store/migrations';

export interface CoreEvent {
  type: string;
  payload: unknown;
}

export interface Core {
  store: Store;
  clock: Clock;
  /** Side effects announced after commit (imports finished, jobs progressing). */
  events: EventEmitter<{ event: [CoreEvent] }>;
  close(): void;
}

export function createCore(opts: {
  dataDir?: string;
  store?: Store;
  clock?: Clock;
  /** Hears of each store migration before it runs (a long upgrade can say what it is doing). */
  onMigration?: (s: MigrationStep) => void;
}): Core {
  const store =
    opts.store ??
    (opts.dataDir
      ? openStore(opts.dataDir, opts.onMigration ? { onMigration: opts.onMigration } : {})
      : openMemoryStore());
  const events = new EventEmitter<{ event: [CoreEvent] }>();
  return { store, clock: opts.clock ?? systemClock, events, close: () => store.close() };
}
