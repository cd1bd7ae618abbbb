// Reads browsing state: the purpose and case for this working session (R1), the applied
// filter and sort, and the sparse page cache behind the virtualized table. Every fetch
// carries the access so the core can audit it (R3); a query change starts a new generation
// and answers for an older one are dropped.
import { create } from 'zustand';
import type { Access, ReadFilter } from '../../../electron/api/contract';
import type { ReadDetailDto, ReadRowDto, SourceDto } from '../../../electron/api/types';
import { ApiError, call, isApiError, messageOf } from '../api';
import { refreshMe } from '../auth/store';
import { useSession } from '../app/sessionStore';
import { EMPTY_FILTER, toReadFilter, type FilterDraft } from './filters';
import { PageCache } from './pageCache';

export type SortField = 'timestamp' | 'plate' | 'confidence' | 'source';
export interface Sort {
  field: SortField;
  dir: 'asc' | 'desc';
}

export const PAGE_SIZE = 500;
/** 200 pages × 500 rows: enough to scroll a 100k result back and forth without refetching. */
const MAX_PAGES = 200;

interface ReadsState {
  access: Access | null;
  /** The prompt is open (first time, or changing purpose/case from the header chip). */
  promptOpen: boolean;
  draft: FilterDraft;
  filter: ReadFilter;
  sort: Sort;
  generation: number;
  cache: PageCache<ReadRowDto>;
  /** Bumped when a page lands so the table re-renders. */
  version: number;
  total: number | null;
  error: string | null;
  /** Messages for filter fields the core refused (`filter.plate` → "…at position 3…"). */
  fieldErrors: Record<string, string>;
  sources: SourceDto[];
  detailId: number | null;
  detail: ReadDetailDto | null;
  detailError: string | null;

  setAccess(access: Access): void;
  openPrompt(open: boolean): void;
  editDraft(patch: Partial<FilterDraft>): void;
  applyDraft(): void;
  resetFilter(): void;
  toggleSort(field: SortField): void;
  ensureRange(start: number, end: number): void;
  loadSources(): Promise<void>;
  openDetail(id: number | null): Promise<void>;
  reset(): void;
}

function freshQuery(generation: number) {
  return {
    fieldErrors: {},
    generation: generation + 1,
    cache: new PageCache<ReadRowDto>(PAGE_SIZE, MAX_PAGES),
    total: null,
    error: null,
    version: 0,
  };
}

const INITIAL = {
  access: null,
  promptOpen: false,
  draft: EMPTY_FILTER,
  filter: {},
  sort: { field: 'timestamp', dir: 'desc' } as Sort,
  generation: 0,
  cache: new PageCache<ReadRowDto>(PAGE_SIZE, MAX_PAGES),
  version: 0,
  total: null,
  error: null,
  fieldErrors: {},
  sources: [],
  detailId: null,
  detail: null,
  detailError: null,
};

export const useReadsStore = create<ReadsState>()((set, get) => ({
  ...INITIAL,

  setAccess: (access) => set({ access, promptOpen: false, ...freshQuery(get().generation) }),
  openPrompt: (open) => set({ promptOpen: open }),
  editDraft: (patch) => set({ draft: { ...get().draft, ...patch } }),
  applyDraft: () => set({ filter: toReadFilter(get().draft), ...freshQuery(get().generation) }),
  resetFilter: () => set({ draft: EMPTY_FILTER, filter: {}, ...freshQuery(get().generation) }),
  toggleSort: (field) => {
    const cur = get().sort;
    const sort: Sort =
      cur.field === field
        ? { field, dir: cur.dir === 'asc' ? 'desc' : 'asc' }
        : { field, dir: field === 'timestamp' || field === 'confidence' ? 'desc' : 'asc' };
    set({ sort, ...freshQuery(get().generation) });
  },

  ensureRange: (start, end) => {
    const { access, cache, total, generation, filter, sort } = get();
    if (!access) return; // R1: no purpose and case, no data
    for (const page of cache.missing(start, end, total)) {
      cache.markPending(page);
      call('reads.search', { access, filter, sort, offset: page * PAGE_SIZE, limit: PAGE_SIZE })
        .then((res) => {
          if (get().generation !== generation) return;
          cache.put(page, res.rows);
          set({ total: res.total, version: get().version + 1, error: null, fieldErrors: {} });
        })
        .catch((e: unknown) => {
          if (get().generation !== generation) return;
          cache.fail(page);
          set({
            error: messageOf(e),
            total: get().total ?? 0,
            fieldErrors: e instanceof ApiError ? e.fieldErrors() : {},
          });
          handleAlprRefusal(e);
        });
    }
  },

  loadSources: async () => {
    try {
      set({ sources: await call('reads.sources', {}) });
    } catch {
      // The filter just offers no sources; the table shows the real error if there is one.
    }
  },

  openDetail: async (id) => {
    set({ detailId: id, detail: null, detailError: null });
    const access = get().access;
    if (id === null || !access) return;
    try {
      const detail = await call('reads.get', { access, id });
      if (get().detailId === id) set({ detail });
    } catch (e) {
      if (get().detailId === id) set({ detailError: messageOf(e) });
      handleAlprRefusal(e);
    }
  },

  reset: () => set({ ...INITIAL, ...freshQuery(get().generation) }),
}));

/**
 * A refused ALPR call changes what the page must show: a purpose the agency no longer lists
 * brings the prompt back (R1); missing training or two-factor enrolment is re-read from the
 * core so the gate explains it (R2, R3).
 */
export function handleAlprRefusal(e: unknown): void {
  if (isApiError(e, 'purpose_required')) useReadsStore.setState({ access: null });
  else if (isApiError(e, 'training_required') || isApiError(e, 'totp_required'))
    refreshMe().catch(() => undefined);
}

// Signing out (or a session ending) forgets the purpose, the case and every loaded read.
useSession.subscribe((s, prev) => {
  if (prev.me && !s.me) useReadsStore.getState().reset();
});
