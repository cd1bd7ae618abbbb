// Who is signed in and which gate they stand at. The screen shown (phase) is derived from this
// state by derivePhase, so every path into a state (sign-in, an error from any call, idle lock)
// ends on the same screen. This store has no api calls: auth/ and app/ drive it.
import { create } from 'zustand';
import type { MeDto } from '../../../electron/api/types';

export interface SetupStatus {
  needsSetup: boolean;
  agencyName: string | null;
  banner: string | null;
}

export type Phase = 'loading' | 'fatal' | 'setup' | 'signin' | 'locked' | 'policy' | 'password' | 'app';

export interface SessionState {
  boot: 'loading' | 'ready' | 'failed';
  bootError: string | null;
  setup: SetupStatus | null;
  me: MeDto | null;
  isLocked: boolean;
  /** Why the member landed on the sign-in screen (session ended elsewhere), shown once. */
  signInNotice: string | null;
  booted(setup: SetupStatus, me: MeDto | null): void;
  bootFailed(message: string): void;
  setSetup(setup: SetupStatus): void;
  signedIn(me: MeDto): void;
  setMe(me: MeDto): void;
  signedOut(notice?: string | null): void;
  locked(): void;
  unlocked(me: MeDto): void;
  policyRequired(): void;
}

export const useSession = create<SessionState>()((set, get) => ({
  boot: 'loading',
  bootError: null,
  setup: null,
  me: null,
  isLocked: false,
  signInNotice: null,
  booted: (setup, me) => set({ boot: 'ready', setup, me, isLocked: false }),
  bootFailed: (message) => set({ boot: 'failed', bootError: message }),
  setSetup: (setup) => set({ setup }),
  // The agency name and banner shown on the sign-in screen follow the latest profile.
  signedIn: (me) => set({ me, isLocked: false, signInNotice: null, setup: setupFrom(me) }),
  setMe: (me) => set({ me, setup: setupFrom(me) }),
  signedOut: (notice = null) => {
    // Only a session that existed can end; a refused call before sign-in changes nothing.
    if (get().me) set({ me: null, isLocked: false, signInNotice: notice });
  },
  locked: () => {
    if (get().me) set({ isLocked: true });
  },
  unlocked: (me) => set({ me, isLocked: false }),
  policyRequired: () => {
    const me = get().me;
    if (me && !me.needsPolicyAck) set({ me: { ...me, needsPolicyAck: true } });
  },
}));

function setupFrom(me: MeDto): SetupStatus {
  return { needsSetup: false, agencyName: me.agency.name, banner: me.agency.banner };
}

/** The screen for a session state: setup → sign-in → lock → policy (R15) → password → app. */
export function derivePhase(s: Pick<SessionState, 'boot' | 'setup' | 'me' | 'isLocked'>): Phase {
  if (s.boot === 'loading') return 'loading';
  if (s.boot === 'failed') return 'fatal';
  if (s.setup?.needsSetup) return 'setup';
  if (!s.me) return 'signin';
  if (s.isLocked) return 'locked';
  if (s.me.needsPolicyAck) return 'policy';
  if (s.me.user.mustChangePassword) return 'password';
  return 'app';
}

export function hasPermission(me: MeDto | null, p: MeDto['permissions'][number]): boolean {
  return !!me && me.permissions.includes(p);
}
