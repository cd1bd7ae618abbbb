// Sign-in, lock/unlock, policy acknowledgment and password change: the api calls that move a
// member through the session gates (R3, R15). Screens keep their own form state; this store
// keeps what must survive a re-render (whether the server asked for a TOTP code).
import { create } from 'zustand';
import { bridge, call, isApiError } from '../api';
import { useSession } from '../app/sessionStore';

interface AuthState {
  /** The server answered totp_required: the sign-in form shows the code field. */
  totpAsked: boolean;
  setTotpAsked(v: boolean): void;
}

export const useAuthStore = create<AuthState>()((set) => ({
  totpAsked: false,
  setTotpAsked: (v) => set({ totpAsked: v }),
}));

/** First screen decision: is the workstation set up, and does the bridge still hold a session? */
export async function bootSession(): Promise<void> {
  const session = useSession.getState();
  try {
    const status = await call('setup.status', {});
    // The browser host's client keeps its token in page memory only, so a freshly loaded page
    // never has a session: asking would only add a refused call to the audit log.
    if (status.needsSetup || bridge()?.shell === 'browser') return session.booted(status, null);
    try {
      session.booted(status, await call('auth.me', {}));
    } catch (e) {
      if (isApiError(e, 'unauthenticated')) return session.booted(status, null);
      throw e;
    }
  } catch (e) {
    session.bootFailed(e instanceof Error ? e.message : String(e));
  }
}

export async function signIn(username: string, password: string, totp?: string): Promise<void> {
  try {
    const res = await call('auth.signIn', { username, password, ...(totp ? { totp } : {}) });
    useAuthStore.getState().setTotpAsked(false);
    useSession.getState().signedIn(res.me);
  } catch (e) {
    if (isApiError(e, 'totp_required')) useAuthStore.getState().setTotpAsked(true);
    throw e;
  }
}

export async function signOut(): Promise<void> {
  try {
    await call('auth.signOut', {});
  } finally {
    // Even if the core is unreachable the screen must stop showing data.
    useSession.getState().signedOut(null);
  }
}

/** R3: the idle lock; the core refuses data calls until auth.unlock. */
export async function lockSession(): Promise<void> {
  useSession.getState().locked();
  try {
    await call('auth.lock', {});
  } catch {
    // Locked on screen regardless; the core locks itself on idle too.
  }
}

export async function unlockSession(password: string): Promise<void> {
  const me = await call('auth.unlock', { password });
  useSession.getState().unlocked(me);
}

export async function refreshMe(): Promise<void> {
  const me = await call('auth.me', {});
  useSession.getState().setMe(me);
}

export async function acknowledgePolicy(version: number): Promise<void> {
  const me = await call('policy.acknowledge', { version });
  useSession.getState().setMe(me);
}

export async function changePassword(current: string, next: string): Promise<void> {
  await call('auth.changePassword', { current, next });
  await refreshMe();
}
