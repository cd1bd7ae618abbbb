// Identity (R2, R3, R15): hashing, lockout, idle lock, sign-out, password change, TOTP,
// training and policy acknowledgment gates — all through the real dispatcher.
import { describe, expect, it } from 'vitest';
import { totpCodeAt } from '../../../electron/core/auth/users';
import { ACCESS, ADMIN_PASSWORD, harness } from '../../support/core';

describe('identity', () => {
  it('stores scrypt hashes, never the password', async () => {
    const h = await harness();
    const row = h.core.store.db.prepare("SELECT password_hash FROM users WHERE username = 'admin'").get() as { password_hash: string };
    expect(row.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(row.password_hash).not.toContain(ADMIN_PASSWORD);
  });

  it('locks an account for 15 minutes after 5 failed sign-ins, and audits each attempt', async () => {
    const h = await harness();
    for (let i = 0; i < 4; i++) {
      const r = await h.raw(undefined, 'auth.signIn', { username: 'admin', password: 'wrong-password' });
      expect(r).toMatchObject({ ok: false, error: { code: 'bad_credentials' } });
    }
    const fifth = await h.raw(undefined, 'auth.signIn', { username: 'admin', password: 'wrong-password' });
    expect(fifth).toMatchObject({ ok: false, error: { code: 'account_locked' } });
    // even the right password is refused while locked
    expect(await h.raw(undefined, 'auth.signIn', { username: 'admin', password: ADMIN_PASSWORD })).toMatchObject({
      ok: false,
      error: { code: 'account_locked' },
    });
    h.clock.advance(15 * 60_000 + 1);
    expect(await h.raw(undefined, 'auth.signIn', { username: 'admin', password: ADMIN_PASSWORD })).toMatchObject({ ok: true });
    const denied = h.core.store.db
      .prepare("SELECT count(*) AS n FROM audit WHERE command = 'auth.signIn' AND outcome = 'denied'")
      .get() as { n: number };
    expect(denied.n).toBe(6);
    const logged = h.core.store.db.prepare("SELECT query FROM audit WHERE command = 'auth.signIn'").all() as { query: string }[];
    expect(logged.every((r) => !r.query.includes('wrong-password') && !r.query.includes(ADMIN_PASSWORD))).toBe(true);
  });

  it('locks an idle session after 30 minutes; the password unlocks it', async () => {
    const h = await harness();
    const t = await h.member('analyst');
    h.clock.advance(29 * 60_000);
    expect((await h.raw(t, 'reads.sources', {})).ok).toBe(true);
    h.clock.advance(31 * 60_000);
    expect(await h.raw(t, 'reads.sources', {})).toMatchObject({ ok: false, error: { code: 'session_locked' } });
    expect(await h.raw(t, 'auth.unlock', { password: 'nope' })).toMatchObject({ ok: false, error: { code: 'bad_credentials' } });
    expect((await h.raw(t, 'auth.unlock', { password: 'member-pass-22' })).ok).toBe(true);
    expect((await h.raw(t, 'reads.sources', {})).ok).toBe(true);
  });

  it('ends the session on sign-out', async () => {
    const h = await harness();
    const t = await h.member('investigator');
    await h.call(t, 'auth.signOut', {});
    expect(await h.raw(t, 'auth.me', {})).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
  });

  it('forces a new member to change the temporary password, and checks strength', async () => {
    const h = await harness();
    await h.call(h.adminToken, 'users.create', { username: 'newbie', displayName: 'New Bie', role: 'analyst', password: 'temporary-pass-1' });
    const s = await h.call(undefined, 'auth.signIn', { username: 'newbie', password: 'temporary-pass-1' });
    expect(s.me.user.mustChangePassword).toBe(true);
    expect(await h.raw(s.token, 'reads.sources', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await h.raw(s.token, 'auth.changePassword', { current: 'temporary-pass-1', next: 'short' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    await h.call(s.token, 'auth.changePassword', { current: 'temporary-pass-1', next: 'a-much-better-pass-7' });
    expect((await h.raw(undefined, 'auth.signIn', { username: 'newbie', password: 'a-much-better-pass-7' })).ok).toBe(true);
  });

  it('enrols TOTP and then requires a valid code at sign-in', async () => {
    const h = await harness();
    const { secret, uri } = await h.call(h.adminToken, 'auth.totpBegin', {});
    expect(uri).toMatch(/^otpauth:\/\/totp\/Canvass:admin\?/);
    await h.call(h.adminToken, 'auth.totpConfirm', { code: totpCodeAt(secret, h.clock.now()) });
    expect(await h.raw(undefined, 'auth.signIn', { username: 'admin', password: ADMIN_PASSWORD })).toMatchObject({
      ok: false,
      error: { code: 'totp_required' },
    });
    expect(await h.raw(undefined, 'auth.signIn', { username: 'admin', password: ADMIN_PASSWORD, totp: '000000' })).toMatchObject({
      ok: false,
    });
    const ok = await h.raw(undefined, 'auth.signIn', { username: 'admin', password: ADMIN_PASSWORD, totp: totpCodeAt(secret, h.clock.now()) });
    expect(ok.ok).toBe(true);
  });

  it('lets an untrained member sign in but shows no ALPR data (R2)', async () => {
    const h = await harness();
    const t = await h.member('analyst', { trained: false });
    const me = await h.call(t, 'auth.me', {});
    expect(me.trainingCurrent).toBe(false);
    expect(await h.raw(t, 'reads.search', { access: ACCESS, filter: {} })).toMatchObject({ ok: false, error: { code: 'training_required' } });
    // training expires: a year after completion by default
    const h2 = await harness();
    const t2 = await h2.member('analyst');
    h2.clock.advance(400 * 24 * 3600_000);
    expect(await h2.raw(t2, 'reads.search', { access: ACCESS, filter: {} })).toMatchObject({ ok: false, error: { code: 'session_locked' } });
    await h2.call(t2, 'auth.unlock', { password: 'member-pass-22' });
    expect(await h2.raw(t2, 'reads.search', { access: ACCESS, filter: {} })).toMatchObject({ ok: false, error: { code: 'training_required' } });
  });

  it('asks every member to acknowledge the policy again after it changes (R15)', async () => {
    const h = await harness();
    const t = await h.member('analyst');
    expect((await h.raw(t, 'reads.search', { access: ACCESS, filter: {} })).ok).toBe(true);
    const a = await h.call(h.adminToken, 'agency.update', { policyText: 'A new policy text that is long enough to count.' });
    expect(a.policyVersion).toBe(2);
    expect(await h.raw(t, 'reads.search', { access: ACCESS, filter: {} })).toMatchObject({ ok: false, error: { code: 'policy_ack_required' } });
    expect(await h.raw(t, 'policy.acknowledge', { version: 1 })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    await h.call(t, 'policy.acknowledge', { version: 2 });
    expect((await h.raw(t, 'reads.search', { access: ACCESS, filter: {} })).ok).toBe(true);
  });

  it('requires TOTP enrolment before ALPR data when the agency says so', async () => {
    const h = await harness();
    const t = await h.member('analyst');
    await h.call(h.adminToken, 'agency.update', { settings: { requireTotp: true } });
    expect(await h.raw(t, 'reads.search', { access: ACCESS, filter: {} })).toMatchObject({ ok: false, error: { code: 'totp_required' } });
    expect((await h.call(t, 'auth.me', {})).needsTotpEnrollment).toBe(true);
  });

  it('lets a supervisor list members for training records without managing users (R2)', async () => {
    const h = await harness();
    const sup = await h.member('supervisor', { username: 'sgt1' });
    const members = await h.call(sup, 'training.members', {});
    expect(members.map((m) => m.username)).toEqual(expect.arrayContaining(['admin', 'sgt1']));
    expect(members.find((m) => m.username === 'admin')!.trainingValidUntil).toBe('2027-01-10');
    expect(await h.raw(sup, 'users.list', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});
