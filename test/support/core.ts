// Test fixtures: a fresh in-memory core built by the real migrations, a frozen clock, a set-up
// agency, and members of any role signed in through the real dispatcher.
import { ManualClock } from '../../electron/core/clock';
import { createCore, type Core } from '../../electron/core/app';
import { openMemoryStore } from '../../electron/core/store/db';
import { Dispatcher } from '../../electron/api/dispatcher';
import type { CommandName, InputOf, ResultOf } from '../../electron/api/contract';
import type { Role } from '../../electron/api/roles';
import type { ApiResponse } from '../../electron/api/types';

export const T0 = Date.parse('2026-03-01T12:00:00Z');
export const PURPOSE = 'Crime Analysis';
export const ACCESS = { purpose: PURPOSE, caseNumber: '26-001234' };
export const ADMIN_PASSWORD = 'correct-horse-9';
export const POLICY = 'Test agency ALPR usage and privacy policy, version one. Official use only.';

export interface Harness {
  core: Core;
  clock: ManualClock;
  api: Dispatcher;
  /** Calls as the holder of `token`; throws with the error message if refused. */
  call<N extends CommandName>(token: string | undefined, name: N, input: InputOf<N>): Promise<ResultOf<N>>;
  raw(token: string | undefined, name: string, input: unknown): Promise<ApiResponse<unknown>>;
  adminToken: string;
  /** Creates a member with the role, current training and the policy acknowledged; returns a token. */
  member(role: Role, opts?: { trained?: boolean; acknowledge?: boolean; username?: string }): Promise<string>;
}

export async function harness(): Promise<Harness> {
  const clock = new ManualClock(T0);
  const core = createCore({ store: openMemoryStore(), clock });
  const api = new Dispatcher(core);
  const raw = (token: string | undefined, name: string, input: unknown) => api.call(name, input, { token, origin: 'test' });
  const call = async <N extends CommandName>(token: string | undefined, name: N, input: InputOf<N>) => {
    const r = await raw(token, name, input);
    if (!r.ok) throw Object.assign(new Error(`${r.error.code}: ${r.error.message}`), { code: r.error.code, details: r.error.details });
    return r.result as ResultOf<N>;
  };
  const setup = await call(undefined, 'setup.initialize', {
    agency: { name: 'Test Police Department', ori: 'CA0190000', policyText: POLICY },
    admin: { username: 'admin', displayName: 'Ada Admin', password: ADMIN_PASSWORD },
  });
  const adminToken = setup.token!;
  await call(adminToken, 'policy.acknowledge', { version: 1 });
  await call(adminToken, 'training.add', { userId: setup.me.user.id, course: 'ALPR operator', completedOn: '2026-01-10' });
  let n = 0;
  const member: Harness['member'] = async (role, opts = {}) => {
    const username = opts.username ?? `${role.replace(/[^a-z]/g, '')}${++n}`;
    const u = await call(adminToken, 'users.create', { username, displayName: `Test ${role}`, role, password: 'temporary-pass-1' });
    const first = await call(undefined, 'auth.signIn', { username, password: 'temporary-pass-1' });
    await call(first.token, 'auth.changePassword', { current: 'temporary-pass-1', next: 'member-pass-22' });
    if (opts.trained !== false) await call(adminToken, 'training.add', { userId: u.id, course: 'ALPR operator', completedOn: '2026-02-01' });
    if (opts.acknowledge !== false) await call(first.token, 'policy.acknowledge', { version: 1 });
    return first.token!;
  };
  return { core, clock, api, call, raw, adminToken, member };
}
