// training/compare_eval.py: the release check's verdict from two folders of `pipeline.py eval`
// reports (issue 3: a new model ships only if it beats the shipped one on US plates without
// costing other countries' plates or verified precision). Reports are written here in the shape
// `canvass eval --json` prints; the script is the real one, run by Debian's python3.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const SCRIPT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'training', 'compare_eval.py');

interface Report {
  plates: number;
  exact_top1: number | null;
  detection_recall: number | null;
  detection_precision: number | null;
  misreads: { file: string; truth: string; read: string }[];
}

/** A report whose plates p0..p(n-1) read right except the listed ones. */
function report(plates: number, wrongIdx: number[], opts: { recall?: number; precision?: number; readAs?: string } = {}): Report {
  return {
    plates,
    exact_top1: (plates - wrongIdx.length) / plates,
    detection_recall: opts.recall ?? null,
    detection_precision: opts.precision ?? null,
    misreads: wrongIdx.map((i) => ({ file: `p${i}.jpg`, truth: `ABC${i}`, read: opts.readAs ?? 'XYZ' })),
  };
}

describe('compare_eval.py (pooled US release rule)', () => {
  const root = mkdtempSync(join(tmpdir(), 'canvass-compare-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  let n = 0;
  const folder = (reports: Record<string, Report>) => {
    const d = join(root, `r${n++}`);
    mkdirSync(d);
    for (const [name, r] of Object.entries(reports)) writeFileSync(join(d, `${name}.json`), JSON.stringify(r));
    return d;
  };
  const shipped = (): Record<string, Report> => ({
    'us-plate-crops-held-out': report(100, [1, 2, 3]),
    'openimages-valid-text-us': report(20, [4, 5], { precision: 0.8 }),
    'openimages-valid-text-legible': report(50, [1], { precision: 0.7 }),
    'scenes-eu': report(40, [2], { precision: 0.8 }),
    'scenes-br': report(40, [3], { precision: 0.6 }),
    'openimages-valid': report(100, [], { recall: 0.5, precision: 0.65 }),
    'dashcam-ro': report(50, [], { recall: 0.75, precision: 0.9 }),
  });
  const run = (base: string, cand: string) => {
    const r = spawnSync('/usr/bin/python3', [SCRIPT, base, cand, '--json'], { encoding: 'utf8' });
    return { code: r.status, out: JSON.parse(r.stdout) as { passes: boolean; failures: string[] } };
  };

  it('passes a candidate that reads one more US plate and nothing worse', () => {
    const c = shipped();
    c['us-plate-crops-held-out'] = report(100, [1, 2]);
    const r = run(folder(shipped()), folder(c));
    expect(r.out).toMatchObject({ passes: true, failures: [] });
    expect(r.code).toBe(0);
  });

  it('fails a candidate whose US gains and losses cancel, and counts O and 0 as one', () => {
    const c = shipped();
    c['us-plate-crops-held-out'] = report(100, [1, 2, 9]); // plate 3 gained, plate 9 lost
    const same = shipped();
    // the shipped models' misreads of the US photos differ from the truth only by O for 0
    same['openimages-valid-text-us'] = { ...report(20, [4, 5], { precision: 0.8 }), misreads: [{ file: 'p4.jpg', truth: 'ABC4', read: 'XYZ' }, { file: 'p5.jpg', truth: 'OK5', read: '0K5' }] };
    const r = run(folder(same), folder(c));
    expect(r.out.passes).toBe(false);
    expect(r.out.failures.join('\n')).toMatch(/US plates: net -1/); // photos: p5 counts as right for the shipped models only
    expect(r.code).toBe(1);
  });

  it('fails a candidate that gains US plates but loses more than 2 on one US set', () => {
    const c = shipped();
    c['us-plate-crops-held-out'] = report(100, []); // +3
    c['openimages-valid-text-us'] = report(20, [4, 5, 6, 7, 8, 9], { precision: 0.8 }); // -4 net
    const r = run(folder(shipped()), folder(c));
    expect(r.out.failures.join('\n')).toMatch(/openimages-valid-text-us: 4 plates lost net/);
  });

  it('fails on other countries\' plates beyond the 10% floor and on verified precision beyond 3 points', () => {
    const c = shipped();
    c['us-plate-crops-held-out'] = report(100, [1]);
    c['scenes-br'] = report(40, [3, 10, 11, 12, 13, 14], { precision: 0.6 }); // 5 of 40 lower: more than 4
    c['dashcam-ro'] = report(50, [], { recall: 0.75, precision: 0.86 });
    const r = run(folder(shipped()), folder(c));
    const f = r.out.failures.join('\n');
    expect(f).toMatch(/scenes-br: exact_top1 5 plates lower/);
    expect(f).toMatch(/dashcam-ro: verified precision 4\.0 points lower/);
    expect(f).not.toMatch(/US plates/);
  });

  it('refuses a report that does not list every misread (it could not pair plates)', () => {
    const c = shipped();
    c['us-plate-crops-held-out'] = { ...report(100, [1, 2]), misreads: [] };
    const r = spawnSync('/usr/bin/python3', [SCRIPT, folder(shipped()), folder(c), '--json'], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/0 misreads listed for 2 plates not read exactly/);
  });

  it('fails when a set was not evaluated', () => {
    const c = shipped();
    delete (c as Partial<Record<string, Report>>)['scenes-eu'];
    c['us-plate-crops-held-out'] = report(100, [1]);
    const r = run(folder(shipped()), folder(c));
    expect(r.out.failures.join('\n')).toMatch(/scenes-eu: no report/);
    expect(r.out.passes).toBe(false);
  });
});
