// The store (issue 2 §3): WAL, numbered migrations in transactions, refusal of a database
// from the future, content-addressed media.
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { latestVersion, migrate, migrations, type Migration } from '../../../electron/core/store/migrations';
import { openStore, resolveDataDir } from '../../../electron/core/store/db';
import { MediaStore } from '../../../electron/core/store/media';

const tmp = () => mkdtempSync(join(tmpdir(), 'canvass-store-'));

describe('store', () => {
  it('creates a WAL database at the latest version with the media folder beside it', () => {
    const dir = tmp();
    const s = openStore(dir);
    expect(s.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(s.db.pragma('user_version', { simple: true })).toBe(latestVersion);
    expect(s.media.root).toBe(join(dir, 'media'));
    s.close();
    // reopening runs nothing new
    const again = openStore(dir);
    expect(again.db.pragma('user_version', { simple: true })).toBe(latestVersion);
    again.close();
  });

  it('numbers migrations strictly upward', () => {
    const versions = migrations.map((m) => m.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
  });

  it('refuses a database written by a newer Canvass and leaves it untouched', () => {
    const dir = tmp();
    const db = new Database(join(dir, 'canvass.sqlite'));
    db.pragma(`user_version = ${latestVersion + 7}`);
    db.close();
    expect(() => openStore(dir)).toThrow(/newer Canvass \(store version \d+; this program knows up to \d+\)/);
    const check = new Database(join(dir, 'canvass.sqlite'));
    expect(check.pragma('user_version', { simple: true })).toBe(latestVersion + 7);
    check.close();
  });

  it('rolls a failing migration back completely', () => {
    const db = new Database(':memory:');
    const list: Migration[] = [
      { version: 1, name: 'one', up: (d) => d.exec('CREATE TABLE a (x INTEGER)') },
      {
        version: 2,
        name: 'broken',
        up: (d) => {
          d.exec('CREATE TABLE b (x INTEGER)');
          d.exec('INSERT INTO nowhere VALUES (1)');
        },
      },
    ];
    expect(() => migrate(db, list)).toThrow(/nowhere/);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'b'").get()).toBeUndefined();
  });

  it('resolves the data folder from the flag, then the environment, then the OS default', () => {
    expect(resolveDataDir('/x', { CANVASS_DATA_DIR: '/y' })).toBe('/x');
    expect(resolveDataDir(undefined, { CANVASS_DATA_DIR: '/y' })).toBe('/y');
    expect(resolveDataDir(undefined, { XDG_DATA_HOME: '/home/u/.data' })).toMatch(/canvass|Canvass/);
  });

  it('stores media once under its SHA-256 and refuses bad references', () => {
    const m = new MediaStore(join(tmp(), 'media'));
    const sha = m.put(Buffer.from('plate crop'));
    expect(sha).toMatch(/^[0-9a-f]{64}$/);
    expect(m.put(Buffer.from('plate crop'))).toBe(sha);
    expect(readFileSync(m.pathOf(sha), 'utf8')).toBe('plate crop');
    expect(() => m.pathOf('../../etc/passwd')).toThrow(/not a SHA-256/);
  });
});
