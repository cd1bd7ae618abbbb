// `canvass search` as a real child process over a real data folder: the --json shape best
// first, the area options, and the refusal without purpose and case (R1).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../support/temp';

const BIN = join(__dirname, '..', '..', '..', 'bin', 'canvass.js');

function canvass(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, CANVASS_PASSWORD: 'chief-pass-123' },
  });
  return {
    code: r.status,
    out: r.stdout,
    err: r.stderr,
    json: () => JSON.parse(r.stdout.trim().split('\n').pop()!),
  };
}

describe('canvass search (CLI)', () => {
  it('prints ranked results with reasons and reads as JSON, best first', () => {
    const dir = tempDir('canvass-search-');
    const d = ['--data-dir', dir];
    expect(canvass(['init', ...d, '--admin', 'chief', '--accept-policy', '--json']).code).toBe(0);
    expect(
      canvass([
        'users',
        'training',
        'chief',
        '--course',
        'ALPR',
        '--completed',
        '2026-06-01',
        ...d,
        '--user',
        'chief',
      ]).code,
    ).toBe(0);
    const csv = join(dir, 'reads.csv');
    writeFileSync(
      csv,
      'plate,timestamp,lat,lon,source,color\n' +
        '7ABC123,2026-06-02T10:00:00Z,47.6097,-122.3331,Cam 1,blue\n' +
        '7ABD999,2026-06-02T10:40:00Z,47.6150,-122.3331,Cam 1,red\n' +
        '7ABX555,2026-06-02T10:00:00Z,47.7000,-122.2000,Cam 2,red\n',
    );
    expect(canvass(['import-reads', csv, ...d, '--user', 'chief']).code).toBe(0);
    const who = ['--user', 'chief', '--purpose', 'Crime Analysis', '--case', '26-0042'];
    const r = canvass([
      'search',
      '7AB*',
      ...d,
      ...who,
      '--near',
      '47.6097,-122.3331',
      '--radius',
      '1500',
      '--from',
      '2026-06-02T09:00:00Z',
      '--to',
      '2026-06-02T11:00:00Z',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const out = r.json();
    expect(out.results.map((x: { plate: string }) => x.plate)).toEqual(['7ABC123', '7ABD999']);
    expect(out.results[0].score).toBeGreaterThan(out.results[1].score);
    expect(out.results[0].reasons[0]).toContain('matches 7AB* exactly');
    expect(out.results[0].reads[0]).toMatchObject({
      plate: '7ABC123',
      timestamp: '2026-06-02T10:00:00.000Z',
      lat: 47.6097,
      lon: -122.3331,
      source: 'Cam 1',
    });

    const poly = canvass([
      'search',
      '*5',
      ...d,
      ...who,
      '--polygon',
      '47.69,-122.21;47.71,-122.21;47.71,-122.19;47.69,-122.19',
      '--json',
    ]);
    expect(poly.json().results.map((x: { plate: string }) => x.plate)).toEqual(['7ABX555']);

    const refused = canvass(['search', '7AB*', ...d, '--user', 'chief', '--json']);
    expect(refused.code).toBe(1);
    expect(refused.json()).toMatchObject({ error: { code: 'purpose_required' } });

    const bad = canvass(['search', '7A%', ...d, ...who, '--json']);
    expect(bad.json()).toMatchObject({ error: { code: 'invalid_input', details: { position: 3 } } });

    // past 20,000 matching plates the text output says the ranking is of a cut
    const many = join(dir, 'many.csv');
    const rows = Array.from({ length: 20_010 }, (_, i) => `Q${String(i).padStart(6, '0')},2026-06-03T10:00:00Z,47.6,-122.3,Cam 3,white`);
    writeFileSync(many, 'plate,timestamp,lat,lon,source,color\n' + rows.join('\n') + '\n');
    expect(canvass(['import-reads', many, ...d, '--user', 'chief']).code).toBe(0);
    const cut = canvass(['search', 'Q*', ...d, ...who, '--limit', '3']);
    expect(cut.code).toBe(0);
    expect(cut.out).toMatch(/more than 20,000 plates match; only 20,000 of them were ranked/);
    const plain = canvass(['search', '7AB*', ...d, ...who, '--limit', '3']);
    expect(plain.out).not.toMatch(/more than 20,000/);
  });
});
