// The api door (R1, R3): session → permission → validation → purpose/case → audit, for every
// command. Refusals are audited; secrets never reach the log.
import { describe, expect, it } from 'vitest';
import { commands } from '../../../electron/api/contract';
import { handlers } from '../../../electron/api/handlers';
import { ROLES, can } from '../../../electron/api/roles';
import { ACCESS, harness } from '../../support/core';

const lastAudit = (h: Awaited<ReturnType<typeof harness>>) =>
  h.core.store.db.prepare('SELECT * FROM audit ORDER BY seq DESC LIMIT 1').get() as Record<string, unknown>;

describe('api door', () => {
  it('has exactly one handler per declared command', () => {
    expect(Object.keys(handlers).sort()).toEqual(Object.keys(commands).sort());
  });

  it('refuses every non-public command without a session, and audits the refusal', async () => {
    const h = await harness();
    for (const [name, spec] of Object.entries(commands)) {
      if (spec.gate === 'public') continue;
      const r = await h.raw(undefined, name, {});
      expect(r, name).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
      expect(lastAudit(h)).toMatchObject({ command: name, outcome: 'denied', user_id: null });
    }
  });

  it('refuses a role without the permission, and audits who tried', async () => {
    const h = await harness();
    const vendor = await h.member('vendor-maintenance', { username: 'vendor1' });
    const r = await h.raw(vendor, 'reads.search', { access: ACCESS, filter: {} });
    expect(r).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(lastAudit(h)).toMatchObject({ command: 'reads.search', outcome: 'denied', username: 'vendor1' });
    const auditor = await h.member('auditor');
    expect(await h.raw(auditor, 'users.create', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await h.raw(auditor, 'audit.verify', {})).ok).toBe(true);
  });

  it('the vendor role sees no reads at all (R2)', () => {
    const alpr = Object.entries(commands).filter(([, s]) => s.alpr);
    expect(alpr.length).toBeGreaterThan(0);
    for (const [, s] of alpr) expect(can('vendor-maintenance', s.gate as never)).toBe(false);
    expect(ROLES).toContain('vendor-maintenance');
  });

  it('answers a malformed payload with a validation error naming the field', async () => {
    const h = await harness();
    const t = await h.member('analyst');
    const r = await h.raw(t, 'reads.search', { access: ACCESS, filter: { bbox: { south: 'x' } }, limit: -1 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('invalid_input');
    const paths = (r.error.details as { issues: { path: string }[] }).issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['filter.bbox.south', 'limit']));
    expect(lastAudit(h)).toMatchObject({ outcome: 'invalid' });
    expect(await h.raw(t, 'no.such.command', {})).toMatchObject({ ok: false, error: { code: 'unknown_command' } });
    expect(await h.raw(t, 'reads.search', 'not an object')).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('requires a purpose from the agency list and a case number for ALPR data (R1)', async () => {
    const h = await harness();
    const t = await h.member('investigator');
    expect(await h.raw(t, 'reads.search', { filter: {} })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await h.raw(t, 'reads.search', { access: { purpose: 'Crime Analysis', caseNumber: '' }, filter: {} })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    expect(await h.raw(t, 'reads.search', { access: { purpose: 'Curiosity', caseNumber: '26-1' }, filter: {} })).toMatchObject({
      ok: false,
      error: { code: 'purpose_required' },
    });
    const ok = await h.raw(t, 'reads.search', { access: ACCESS, filter: { plate: '7AB*' } });
    expect(ok.ok).toBe(true);
    const rec = lastAudit(h);
    expect(rec).toMatchObject({ command: 'reads.search', outcome: 'ok', purpose: ACCESS.purpose, case_number: ACCESS.caseNumber, result_count: 0 });
    expect(JSON.parse(rec.query as string)).toMatchObject({ filter: { plate: '7AB*' } });
  });

  it('never writes passwords or file contents to the audit log', async () => {
    const h = await harness();
    await h.member('analyst');
    const all = h.core.store.db.prepare('SELECT query FROM audit').all() as { query: string | null }[];
    const text = all.map((r) => r.query ?? '').join('\n');
    expect(text).not.toMatch(/temporary-pass-1|member-pass-22|correct-horse-9/);
  });
});
