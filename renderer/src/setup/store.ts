// First-run setup: the agency profile and the first administrator, sent in one call so the
// workstation is never half set up. The draft lives here so a failed submit keeps the input.
import { create } from 'zustand';
import { ApiError, call, messageOf } from '../api';
import { useSession } from '../app/sessionStore';
import { DEFAULT_PURPOSES, parsePurposes } from './defaults';

export interface SetupDraft {
  agencyName: string;
  ori: string;
  purposes: string;
  policyText: string;
  username: string;
  displayName: string;
  password: string;
  confirm: string;
}

interface SetupState {
  draft: SetupDraft;
  errors: Record<string, string>;
  error: string | null;
  busy: boolean;
  edit(patch: Partial<SetupDraft>): void;
  submit(): Promise<void>;
}

const EMPTY: SetupDraft = {
  agencyName: '',
  ori: '',
  purposes: DEFAULT_PURPOSES.join('\n'),
  policyText: '',
  username: '',
  displayName: '',
  password: '',
  confirm: '',
};

/** The core names the password field `password` when it is too weak; the form calls it admin.password. */
const FIELD_ALIASES: Record<string, string> = { password: 'admin.password' };

export const useSetupStore = create<SetupState>()((set, get) => ({
  draft: EMPTY,
  errors: {},
  error: null,
  busy: false,
  edit: (patch) => set({ draft: { ...get().draft, ...patch } }),
  submit: async () => {
    const d = get().draft;
    if (d.password !== d.confirm) {
      set({ errors: { 'admin.confirm': 'The two passwords differ' }, error: null });
      return;
    }
    set({ busy: true, errors: {}, error: null });
    try {
      const res = await call('setup.initialize', {
        agency: {
          name: d.agencyName,
          ori: d.ori.trim().toUpperCase(),
          purposes: parsePurposes(d.purposes),
          policyText: d.policyText,
        },
        admin: { username: d.username, displayName: d.displayName, password: d.password },
      });
      set({ busy: false, draft: EMPTY });
      useSession.getState().signedIn(res.me);
    } catch (e) {
      const errors: Record<string, string> = {};
      if (e instanceof ApiError) {
        for (const [k, v] of Object.entries(e.fieldErrors())) errors[FIELD_ALIASES[k] ?? k] = v;
      }
      // With messages next to the fields, the summary only points at them.
      const error = Object.keys(errors).length ? 'Check the fields marked in red.' : messageOf(e);
      set({ busy: false, errors, error });
    }
  },
}));
