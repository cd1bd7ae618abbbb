// The store (issue 2 §3): WAL, numbered migrations in transactions, refusal of a database
// from the future, content-addressed media.
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { latestVersion, migrate, migrations, type Migration } from '../../../electron/core/store/migrations';
import { openStore, resolveDataDir } from '../../../electron/core/store/db';
import { MediaStore } from '../../../electron/core/store/media';
import { FALLBACK_AUTOCHECKPOINT } from '../../../electron/core/store/checkpointer';
import { insertReads, type NewRead } from '../../../electron/core/reads/store';
import { systemClock } from '../../../electron/core/clock';
import { tempDir } from '../../support/temp';

const tmp = () => tempDir('canvass-store-');

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

  it('checkpoints the WAL on a thread of its own, and folds it into the file on close (issue 4)', async () => {
    const dir = tmp();
    const s = openStore(dir);
    const file = join(dir, 'canvass.sqlite');
    try {
      // the writer only checkpoints itself past the fallback threshold
      expect(s.db.pragma('wal_autocheckpoint', { simple: true })).toBe(FALLBACK_AUTOCHECKPOINT);
      const reads: NewRead[] = Array.from({ length: 20_000 }, (_, i) => ({
        plate: `CK${i}`,
        ts: Date.parse('2026-03-01T00:00:00Z') + i * 1000,
        lat: 47.6 + (i % 50) * 0.001,
        lon: -122.3,
        source: `CAM-${i % 7}`,
        charConfidences: [0.9, 0.91, 0.92],
      }));
      s.db.transaction(() => insertReads(s.db, systemClock, reads, null))();
      // the thread notices the WAL grew and copies its pages into the file, unasked (the count is
      // cumulative: a checkpoint of the schema's pages may land first, so wait for the reads' too;
      // on a loaded machine that took more than one look)
      for (let i = 0; i < 200 && s.checkpointer!.pagesCopied() <= 1000; i++) await new Promise((r) => setTimeout(r, 50));
      expect(s.checkpointer!.pagesCopied()).toBeGreaterThan(1000);
      expect(s.checkpointer!.checkpointNow()).toBe(true);
      // a small commit after a full checkpoint (SQLite writes it from the WAL's start, so the file
      // does not grow) is noticed and copied too: the thread watches commits, not the WAL's size
      const copied = s.checkpointer!.pagesCopied();
      s.db.transaction(() => insertReads(s.db, systemClock, reads.slice(0, 3).map((r, i) => ({ ...r, plate: `SMALL${i}` })), null))();
      for (let i = 0; i < 200 && s.checkpointer!.pagesCopied() <= copied; i++) await new Promise((r) => setTimeout(r, 50));
      expect(s.checkpointer!.pagesCopied()).toBeGreaterThan(copied);
      // asked to, it reads the indexes era by era in the background (one era here: ~6 hours of reads)
      expect(s.checkpointer!.erasWarmed()).toBe(0);
      s.checkpointer!.warm();
      for (let i = 0; i < 100 && s.checkpointer!.erasWarmed() < 1; i++) await new Promise((r) => setTimeout(r, 20));
      expect(s.checkpointer!.erasWarmed()).toBe(1);
      // the database file alone (no WAL beside it) now holds every read
      const copy = join(tmp(), 'alone.sqlite');
      copyFileSync(file, copy);
      const alone = new Database(copy, { readonly: true });
      expect(alone.prepare('SELECT count(*) FROM reads').pluck().get()).toBe(20_003);
      alone.close();
    } finally {
      s.close();
    }
    // the thread's connection closed first, so the store's close was the last and removed the WAL
    expect(existsSync(`${file}-wal`)).toBe(false);
    const again = openStore(dir);
    expect(again.db.prepare('SELECT count(*) FROM reads').pluck().get()).toBe(20_003);
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

  it('tells of each pending migration before it runs, numbered among the pending ones', () => {
    const db = new Database(':memory:');
    const list: Migration[] = [1, 2, 3].map((v) => ({ version: v, name: `step ${v}`, up: (d) => d.exec(`CREATE TABLE t${v} (x)`) }));
    migrate(db, list.slice(0, 1));
    const heard: unknown[] = [];
    migrate(db, list, (m) => heard.push({ ...m, tables: db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table'").pluck().get() }));
    // each is heard before its own transaction: t2 does not exist yet when step 2 is announced
    expect(heard).toEqual([
      { version: 2, name: 'step 2', step: 1, steps: 2, from: 1, tables: 1 },
      { version: 3, name: 'step 3', step: 2, steps: 2, from: 1, tables: 2 },
    ]);
    migrate(db, list, () => heard.push('again'));
    expect(heard).toHaveLength(2); // nothing pending: nothing said
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
