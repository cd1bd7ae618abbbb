// Map state: the points matching the reads filter (reads.mapPoints, audited with the session's
// purpose and case, R1). Loaded once per filter/access; the map clusters them itself.
import { create } from 'zustand';
import type { Access, ReadFilter } from '../../../electron/api/contract';
import { call, messageOf } from '../api';
import { useSession } from '../app/sessionStore';
import { handleAlprRefusal } from '../reads/store';
import type { PointTriple } from './clusters';

interface MapState {
  /** JSON of the access + filter the points belong to; a change means reload. */
  key: string | null;
  points: PointTriple[] | null;
  total: number;
  truncated: boolean;
  loading: boolean;
  error: string | null;
  load(access: Access, filter: ReadFilter): Promise<void>;
  reset(): void;
}

const INITIAL = { key: null, points: null, total: 0, truncated: false, loading: false, error: null };

export const useMapStore = create<MapState>()((set, get) => ({
  ...INITIAL,
  load: async (access, filter) => {
    const key = JSON.stringify([access, filter]);
    if (get().key === key && (get().points || get().loading)) return;
    set({ key, loading: true, error: null, points: null });
    try {
      const res = await call('reads.mapPoints', { access, filter, limit: 200_000 });
      if (get().key === key)
        set({ points: res.points, total: res.total, truncated: res.truncated, loading: false });
    } catch (e) {
      if (get().key === key) set({ loading: false, error: messageOf(e), key: null });
      handleAlprRefusal(e);
    }
  },
  reset: () => set(INITIAL),
}));

useSession.subscribe((s, prev) => {
  if (prev.me && !s.me) useMapStore.getState().reset();
});
