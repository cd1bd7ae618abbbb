// Pure renderer logic: filter → api translation, session phase order, error fields, column
// mappings, audit queries, idle rule and clustering helpers.
import { describe, expect, it } from 'vitest';
import { derivePhase } from '../../../renderer/src/app/sessionStore';
import { isIdle } from '../../../renderer/src/app/idle';
import { toAuditQuery } from '../../../renderer/src/audit/query';
import { toColumnMapping, EMPTY_MAPPING } from '../../../renderer/src/import/mapping';
import {
  boundsOf,
  buildIndex,
  clusterSize,
  featuresIn,
  packPoints,
  unpackPoints,
} from '../../../renderer/src/map/clusters';
import { EMPTY_FILTER, describeFilter, localToIso, toReadFilter } from '../../../renderer/src/reads/filters';
import { position, shortPlate } from '../../../renderer/src/reads/format';
import { fieldErrorsOf } from '../../../renderer/src/shared/fieldErrors';
import { parsePurposes } from '../../../renderer/src/setup/defaults';
import { me } from './fixtures';

describe('reads filter', () => {
  it('sends only what is set, with UTC times, upper-case state and confidence as a fraction', () => {
    expect(toReadFilter(EMPTY_FILTER)).toEqual({});
    const f = toReadFilter({
      plate: ' ab*12? ',
      from: '2026-03-01 14:05:00',
      to: null,
      sourceIds: ['3', 'x', '7'],
      state: 'ca',
      color: ' White ',
      minConfidence: 85,
    });
    expect(f).toEqual({
      plate: 'ab*12?',
      from: new Date(2026, 2, 1, 14, 5, 0).toISOString(),
      sourceIds: [3, 7],
      state: 'CA',
      color: 'white',
      minConfidence: 0.85,
    });
    expect(describeFilter(f)).toBe(
      'plate ab*12?, time window, 2 sources, state CA, colour white, confidence ≥ 85%',
    );
    expect(describeFilter({})).toBe('all reads');
  });

  it('reads local picker values and rejects anything else', () => {
    expect(localToIso('2026-01-31 08:00')).toBe(new Date(2026, 0, 31, 8, 0, 0).toISOString());
    expect(localToIso('31/01/2026')).toBeNull();
    expect(localToIso(null)).toBeNull();
  });

  it('shortens hashed plates only', () => {
    expect(shortPlate('7885d8586e5c521a836e0000', true)).toBe('7885d8586e…');
    expect(shortPlate('ABC1234', false)).toBe('ABC1234');
    expect(position(null, 3)).toBe('—');
    expect(position(47.1, -122.2)).toBe('47.10000, -122.20000');
  });
});

describe('session phase', () => {
  const ready = {
    boot: 'ready' as const,
    setup: { needsSetup: false, agencyName: 'PD', banner: null },
    isLocked: false,
  };
  it('goes setup → sign-in → lock → policy → password → app', () => {
    expect(derivePhase({ ...ready, boot: 'loading', me: null })).toBe('loading');
    expect(derivePhase({ ...ready, boot: 'failed', me: null })).toBe('fatal');
    expect(
      derivePhase({ ...ready, setup: { needsSetup: true, agencyName: null, banner: null }, me: null }),
    ).toBe('setup');
    expect(derivePhase({ ...ready, me: null })).toBe('signin');
    expect(derivePhase({ ...ready, me: me({ needsPolicyAck: true }), isLocked: true })).toBe('locked');
    expect(derivePhase({ ...ready, me: me({ needsPolicyAck: true }, { mustChangePassword: true }) })).toBe(
      'policy',
    );
    expect(derivePhase({ ...ready, me: me({}, { mustChangePassword: true }) })).toBe('password');
    expect(derivePhase({ ...ready, me: me() })).toBe('app');
  });

  it('locks after the idle minutes and not before (R3)', () => {
    expect(isIdle(0, 29 * 60_000, 30)).toBe(false);
    expect(isIdle(0, 30 * 60_000, 30)).toBe(true);
  });
});

describe('api errors and forms', () => {
  it('collects field messages from zod issues and from a single field', () => {
    expect(
      fieldErrorsOf(
        {
          issues: [
            { path: 'agency.ori', message: 'an ORI is 9 characters' },
            { path: ['admin', 'username'], message: 'too short' },
            { path: 'agency.ori', message: 'second message is ignored' },
          ],
        },
        'Invalid input',
      ),
    ).toEqual({ 'agency.ori': 'an ORI is 9 characters', 'admin.username': 'too short' });
    expect(fieldErrorsOf({ field: 'password' }, 'Password too short.')).toEqual({
      password: 'Password too short.',
    });
    expect(fieldErrorsOf(undefined, 'x')).toEqual({});
  });

  it('drops blank optional columns from a mapping', () => {
    const m = toColumnMapping({
      ...EMPTY_MAPPING,
      plate: ' plate ',
      timestamp: 'ts',
      lat: 'y',
      lon: 'x',
      color: 'colour',
    });
    expect(m).toEqual({
      delimiter: ',',
      plate: 'plate',
      timestamp: 'ts',
      timestampFormat: 'iso',
      timeZone: 'UTC',
      lat: 'y',
      lon: 'x',
      color: 'colour',
      plateHashed: false,
    });
  });

  it('one purpose per line, blanks dropped', () => {
    expect(parsePurposes('Crime Analysis\n\n  Wanted persons  \r\n')).toEqual([
      'Crime Analysis',
      'Wanted persons',
    ]);
  });

  it('turns audit filters into a paged audit.list query', () => {
    expect(
      toAuditQuery(
        { username: ' ada ', command: null, caseNumber: '', outcome: 'denied', from: null, to: null },
        3,
      ),
    ).toEqual({
      username: 'ada',
      outcome: 'denied',
      offset: 100,
      limit: 50,
    });
  });
});

describe('map clustering', () => {
  it('bounds and clusters points; cluster markers grow with the count', () => {
    const pts: [number, number, number][] = Array.from({ length: 1000 }, (_, i) => [
      i + 1,
      47.6 + (i % 10) * 0.001,
      -122.3 - (i % 7) * 0.001,
    ]);
    expect(boundsOf([])).toBeNull();
    expect(boundsOf(pts)).toEqual([
      [47.6, -122.306],
      [47.609, -122.3],
    ]);
    const index = buildIndex(pts);
    const world = index.getClusters([-180, -85, 180, 85], 3);
    const counted = world.reduce(
      (n, f) => n + ((f.properties as { point_count?: number }).point_count ?? 1),
      0,
    );
    expect(counted).toBe(1000);
    expect(clusterSize(10_000)).toBeGreaterThan(clusterSize(10));
  });

  it('packs points for the worker and answers boxes with clusters and single reads', () => {
    const pts: [number, number, number][] = [
      [1, 47.6, -122.3],
      [2, 47.6001, -122.3001],
      [3, 10, 10],
    ];
    const packed = packPoints(pts);
    expect(packed).toBeInstanceOf(Float64Array);
    expect(unpackPoints(packed)).toEqual(pts);
    const index = buildIndex(unpackPoints(packed));
    const far = featuresIn(index, [-180, -85, 180, 85], 2);
    expect(far).toContainEqual(expect.objectContaining({ kind: 'cluster', count: 2 }));
    const single = far.find((f) => f.kind === 'read');
    expect(single).toMatchObject({ kind: 'read', id: 3 });
    expect(single!.lat).toBeCloseTo(10, 6);
    expect(single!.lon).toBeCloseTo(10, 6);
    const near = featuresIn(index, [-122.31, 47.59, -122.29, 47.61], 18);
    expect(near.map((f) => (f.kind === 'read' ? f.id : -1)).sort()).toEqual([1, 2]);
  });
});
