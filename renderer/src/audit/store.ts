// Audit log viewer state (R4): filters, the current page of records and the result of the
// last chain verification.
import { create } from 'zustand';
import type { AuditRecordDto, AuditVerifyDto } from '../../../electron/api/types';
import { call, messageOf } from '../api';
import { useSession } from '../app/sessionStore';
import { toAuditQuery, type AuditFilterDraft } from './query';

export { AUDIT_PAGE_SIZE, type AuditFilterDraft, type Outcome } from './query';

const EMPTY: AuditFilterDraft = {
  username: '',
  command: null,
  caseNumber: '',
  outcome: null,
  from: null,
  to: null,
};

interface AuditState {
  draft: AuditFilterDraft;
  applied: AuditFilterDraft;
  page: number;
  total: number;
  records: AuditRecordDto[];
  loading: boolean;
  loaded: boolean;
  error: string | null;
  verify: AuditVerifyDto | null;
  verifying: boolean;
  verifyError: string | null;
  edit(patch: Partial<AuditFilterDraft>): void;
  apply(): void;
  clear(): void;
  setPage(page: number): void;
  load(): Promise<void>;
  runVerify(): Promise<void>;
  reset(): void;
}

const INITIAL = {
  draft: EMPTY,
  applied: EMPTY,
  page: 1,
  total: 0,
  records: [],
  loading: false,
  loaded: false,
  error: null,
  verify: null,
  verifying: false,
  verifyError: null,
};

export const useAuditStore = create<AuditState>()((set, get) => ({
  ...INITIAL,
  edit: (patch) => set({ draft: { ...get().draft, ...patch } }),
  apply: () => {
    set({ applied: get().draft, page: 1 });
    void get().load();
  },
  clear: () => {
    set({ draft: EMPTY, applied: EMPTY, page: 1 });
    void get().load();
  },
  setPage: (page) => {
    set({ page });
    void get().load();
  },
  load: async () => {
    const { applied, page } = get();
    set({ loading: true, error: null });
    try {
      const res = await call('audit.list', toAuditQuery(applied, page));
      if (get().page === page && get().applied === applied)
        set({ records: res.records, total: res.total, loading: false, loaded: true });
    } catch (e) {
      set({ loading: false, error: messageOf(e) });
    }
  },
  runVerify: async () => {
    set({ verifying: true, verifyError: null, verify: null });
    try {
      set({ verify: await call('audit.verify', {}), verifying: false });
      // The verification is itself audited: reload, so that the list and its total agree
      // with the records just verified instead of lagging one (or more) behind.
      void get().load();
    } catch (e) {
      set({ verifying: false, verifyError: messageOf(e) });
    }
  },
  reset: () => set(INITIAL),
}));

useSession.subscribe((s, prev) => {
  if (prev.me && !s.me) useAuditStore.getState().reset();
});
