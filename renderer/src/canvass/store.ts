// State of the canvass page: the query being drawn and typed (pattern, circle, window,
// filters), the ranked results, which plate is selected (list and map in step), and the case
// reads are added to. Calls go through the api door only, with the purpose and case the
// member gave for this session (R1).
import { create } from 'zustand';
import type { Access } from '../../../electron/api/contract';
import type { CanvassSearchDto, CaseDto } from '../../../electron/api/types-canvass';
import { call, isApiError, messageOf } from '../api';

export interface Circle {
  lat: number;
  lon: number;
  radiusM: number;
}

export interface CanvassDraft {
  pattern: string;
  tolerant: boolean;
  circle: Circle | null;
  /** `datetime-local` values (local time), '' for none. */
  from: string;
  to: string;
  color: string;
  state: string;
  /** Reads whose state or colour was never read match a state or colour filter too. */
  includeUnread: boolean;
}

/** The most the search returns (the api's caps): up to 10,000 reads on the map. */
export const MAX_PLATES = 500;
export const READS_PER_PLATE = 20;

export const EMPTY_DRAFT: CanvassDraft = {
  pattern: '',
  tolerant: false,
  circle: null,
  from: '',
  to: '',
  color: '',
  state: '',
  includeUnread: false,
};

interface CanvassState {
  draft: CanvassDraft;
  result: CanvassSearchDto | null;
  loading: boolean;
  error: string | null;
  /** Where in the pattern the core found a problem (1-based), for the input to point at. */
  patternError: { message: string; position: number | null } | null;
  selected: string | null;
  cases: CaseDto[];
  edit(patch: Partial<CanvassDraft>): void;
  search(access: Access): Promise<void>;
  select(plate: string | null): void;
  loadCases(): Promise<void>;
  createCase(number: string, title: string): Promise<CaseDto>;
  addToCase(access: Access, caseId: number, readIds: number[]): Promise<number>;
}

/** A `datetime-local` value as ISO 8601 with offset (what the api wants). */
export function isoOf(local: string): string | undefined {
  if (!local) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export const useCanvassStore = create<CanvassState>()((set, get) => ({
  draft: EMPTY_DRAFT,
  result: null,
  loading: false,
  error: null,
  patternError: null,
  selected: null,
  cases: [],

  edit: (patch) =>
    set({
      draft: { ...get().draft, ...patch },
      ...(patch.pattern !== undefined ? { patternError: null } : {}),
    }),

  search: async (access) => {
    const d = get().draft;
    if (!d.pattern.trim()) {
      set({
        patternError: {
          message: 'Type the characters you know: ? for one unknown, * for any run.',
          position: null,
        },
      });
      return;
    }
    set({ loading: true, error: null, patternError: null });
    try {
      const from = isoOf(d.from);
      const to = isoOf(d.to);
      const result = await call('canvass.search', {
        access,
        pattern: d.pattern,
        tolerant: d.tolerant,
        ...(d.circle ? { area: { kind: 'circle' as const, ...d.circle } } : {}),
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
        ...(d.color.trim() ? { color: d.color.trim() } : {}),
        ...(d.state.trim() ? { state: d.state.trim() } : {}),
        ...(d.includeUnread && (d.color.trim() || d.state.trim()) ? { includeUnread: true } : {}),
        limit: MAX_PLATES,
        readsPerPlate: READS_PER_PLATE,
      });
      set({ result, loading: false, selected: result.results[0]?.plate ?? null });
    } catch (e) {
      const details = isApiError(e)
        ? (e.details as { field?: string; position?: number } | undefined)
        : undefined;
      if (details?.field === 'pattern') {
        set({ loading: false, patternError: { message: messageOf(e), position: details.position ?? null } });
      } else set({ loading: false, error: messageOf(e) });
    }
  },

  select: (plate) => set({ selected: plate }),

  loadCases: async () => {
    try {
      set({ cases: await call('cases.list', {}) });
    } catch {
      // the case picker stays empty; adding shows the real error
    }
  },

  createCase: async (number, title) => {
    const c = await call('cases.create', { number, title });
    await get().loadCases();
    return c;
  },

  addToCase: async (access, caseId, readIds) => {
    const r = await call('cases.addReads', { access, caseId, readIds });
    await get().loadCases();
    return r.added;
  },
}));
