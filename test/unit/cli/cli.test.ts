// The `canvass` command line (issue 2 §8), run as a real child process over a real data folder.
import Database from 'better-sqlite3';
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../support/temp';

const BIN = join(__dirname, '..', '..', '..', 'bin', 'canvass.js');

function canvass(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, CANVASS_PASSWORD: 'chief-pass-123', ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr, json: () => JSON.parse(r.stdout.trim().split('\n').pop()!) };
}

describe('canvass CLI', () => {
  it('says so on stderr while it upgrades an existing store, and nothing for a new one', async () => {
    const { migrate, migrations, latestVersion } = await import('../../../electron/core/store/migrations');
    const dir = tempDir('canvass-cli-old-');
    const old = new Database(join(dir, 'canvass.sqlite'));
    migrate(old, migrations.filter((m) => m.version <= 13)); // a store as session 3 left it
    old.close();
    const r = canvass(['audit', 'verify', '--data-dir', dir, '--json']);
    const pending = migrations.filter((m) => m.version > 13);
    for (const [i, m] of pending.entries())
      expect(r.err).toContain(`canvass: updating the store to version ${m.version} (${i + 1} of ${pending.length}: ${m.name})`);
    const after = new Database(join(dir, 'canvass.sqlite'), { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(latestVersion);
    after.close();
    const fresh = canvass(['audit', 'verify', '--data-dir', tempDir('canvass-cli-new-'), '--json']);
    expect(fresh.err).not.toContain('updating the store');
  });

  it('sets up a store, imports reads as a trained member and verifies the audit chain', () => {
    const dir = tempDir('canvass-cli-');
    const d = ['--data-dir', dir];
    expect(canvass(['init', ...d, '--admin', 'chief', '--agency', 'Test PD', '--ori', 'CA0190000', '--accept-policy', '--json']).json()).toMatchObject({
      admin: 'chief',
      agency: 'Test PD',
      policyAcknowledged: true,
    });
    const again = canvass(['init', ...d, '--admin', 'other', '--json']);
    expect(again.code).toBe(1);
    expect(again.json()).toMatchObject({ error: { code: 'setup_done' } });

    expect(canvass(['users', 'training', 'chief', '--course', 'ALPR', '--completed', '2026-06-01', ...d, '--user', 'chief', '--json']).code).toBe(0);
    const csv = join(dir, 'reads.csv');
    writeFileSync(csv, 'plate,timestamp,lat,lon,source\n7ABC123,2026-06-02T10:00:00Z,34.05,-118.24,Cam 1\nBAD PLATE!!!!!!,2026-06-02T10:00:00Z,34.05,-118.24,Cam 1\n');
    const imp = canvass(['import-reads', '--format', 'canvass', csv, ...d, '--user', 'chief', '--json']);
    expect(imp.code).toBe(0);
    expect(imp.json()).toMatchObject({ rowsRead: 2, rowsImported: 1, rowsRejected: 1, rejections: [{ line: 3 }] });

    const wrong = canvass(['import-reads', csv, ...d, '--user', 'chief', '--json'], { CANVASS_PASSWORD: 'nope' });
    expect(wrong.code).toBe(1);
    expect(wrong.json()).toMatchObject({ error: { code: 'bad_credentials' } });

    const ok = canvass(['audit', 'verify', ...d, '--json']);
    expect(ok.code).toBe(0);
    expect(ok.json()).toMatchObject({ ok: true });
    expect(ok.json().records).toBeGreaterThanOrEqual(6);

    // an intruder edits a record with sqlite directly: verify names it and exits 2
    const db = new Database(join(dir, 'canvass.sqlite'));
    db.exec("DROP TRIGGER audit_no_update; UPDATE audit SET detail = 'nothing to see' WHERE seq = 3");
    db.close();
    const bad = canvass(['audit', 'verify', ...d]);
    expect(bad.code).toBe(2);
    expect(bad.out).toMatch(/BROKEN[\s\S]*#3 edited/);
  });

  it('prints help listing the commands', () => {
    const out = execFileSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
    for (const c of ['init', 'serve', 'users', 'import-reads', 'audit']) expect(out).toContain(c);
  });
});
