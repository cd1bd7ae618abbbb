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

const root = mkdtempSync(join(tmpdir(), 'canvass-compare-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let folders = 0;
/** A folder of reports, one JSON per set, as `pipeline.py eval` writes them. */
const folder = (reports: Record<string, Report>) => {
  const d = join(root, `r${folders++}`);
  mkdirSync(d);
  for (const [name, r] of Object.entries(reports)) writeFileSync(join(d, `${name}.json`), JSON.stringify(r));
  return d;
};

describe('compare_eval.py (pooled US release rule)', () => {
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

// The detector's rules (training/README.md "Session 14" and "Session 17"): scene reports also carry
// the detector-alone recall, recall by plate width and the exact count with O and 0 alike.
interface SceneReport extends Report {
  exact_top1_o_is_0: number | null;
  detector_only: { recall: number; precision: number; detections: number };
  recall_by_width: Record<string, { plates: number; recall: number; detector_recall: number }>;
}

/** A scene report: `verified` plates confirmed, `alone` found by the detector, `small` of 30 plates under 40 px. */
function scene(plates: number, o: { verified: number; alone: number; wrong?: number[]; precision?: number; small?: number; oWrong?: number[] }): SceneReport {
  const wrong = o.wrong ?? [];
  const base = report(plates, wrong, { recall: o.verified / plates, precision: o.precision ?? 0.8 });
  const small = o.small ?? 0;
  return {
    ...base,
    exact_top1_o_is_0: (plates - (o.oWrong ?? wrong).length) / plates,
    detector_only: { recall: o.alone / plates, precision: 0.4, detections: plates * 2 },
    recall_by_width: {
      '<20': { plates: 10, recall: 0, detector_recall: Math.min(small, 10) / 10 },
      '20-40': { plates: 20, recall: 0, detector_recall: Math.max(0, small - 10) / 20 },
      '40-80': { plates: plates - 30, recall: 0.5, detector_recall: 0.8 },
    },
  };
}

describe('compare_eval.py --rule detector (a new detector\'s release check)', () => {
  const shipped = (): Record<string, Report> => ({
    'us-plate-crops-held-out': report(100, [1, 2, 3]),
    'openimages-valid': scene(100, { verified: 50, alone: 70, small: 8, precision: 0.7 }),
    'dashcam-ro': scene(50, { verified: 40, alone: 45, precision: 0.95 }),
    'scenes-eu': scene(40, { verified: 38, alone: 38, wrong: [1, 2] }),
    'scenes-br': scene(40, { verified: 39, alone: 40, wrong: [3] }),
    'openimages-valid-text-us': scene(36, { verified: 34, alone: 36, wrong: [4, 5] }),
    'openimages-valid-text-legible': scene(60, { verified: 50, alone: 55, wrong: [6] }),
  });
  const run = (base: string, cand: string, rule = 'detector') => {
    const r = spawnSync('/usr/bin/python3', [SCRIPT, base, cand, '--rule', rule, '--json'], { encoding: 'utf8' });
    return { code: r.status, out: JSON.parse(r.stdout) as { rule: string; passes: boolean; failures: string[] } };
  };

  it('passes a detector that finds 5 more small plates and loses at most 2 of anything else', () => {
    const c = shipped();
    c['openimages-valid'] = scene(100, { verified: 52, alone: 74, small: 13, precision: 0.68 });
    c['scenes-eu'] = scene(40, { verified: 36, alone: 36, wrong: [1, 2, 7, 8] }); // -2 exact, -2 found: allowed
    const r = run(folder(shipped()), folder(c));
    expect(r.out).toMatchObject({ rule: 'detector', passes: true, failures: [] });
    expect(r.code).toBe(0);
  });

  it('fails a detector with too few new small plates, a third lost plate, a precision drop and a US loss', () => {
    const c = shipped();
    c['openimages-valid'] = scene(100, { verified: 50, alone: 70, small: 12, precision: 0.66 }); // +4 small, -4 points
    c['openimages-valid-text-legible'] = scene(60, { verified: 50, alone: 52, wrong: [6] }); // detector alone -3
    c['openimages-valid-text-us'] = scene(36, { verified: 34, alone: 36, wrong: [4, 5, 9] }); // one US plate lost
    const r = run(folder(shipped()), folder(c));
    const f = r.out.failures.join('\n');
    expect(f).toMatch(/openimages-valid: plates under 40 px found by the detector alone 8 -> 12 \(at least \+5 needed\)/);
    expect(f).toMatch(/openimages-valid-text-legible: detector alone 55 -> 52/);
    expect(f).toMatch(/openimages-valid: verified precision 4\.0 points lower/);
    expect(f).toMatch(/US plates: net -1 \(must not be negative\)/);
    expect(r.code).toBe(1);
  });

  it('allows a US paired count of zero, which the pooled US rule would not', () => {
    const c = shipped();
    c['openimages-valid'] = scene(100, { verified: 50, alone: 70, small: 13, precision: 0.7 });
    c['openimages-valid-text-us'] = scene(36, { verified: 34, alone: 36, wrong: [4, 9] }); // 5 gained, 9 lost
    const det = run(folder(shipped()), folder(c));
    expect(det.out.passes).toBe(true);
    const pooled = run(folder(shipped()), folder(c), 'pooled-us');
    expect(pooled.out.failures.join('\n')).toMatch(/US plates: net \+0 \(must be positive\)/);
  });

  it('fails a scene set whose exact top-1 or verified recall falls by 3, and judges recall-only sets on recall alone', () => {
    const c = shipped();
    c['openimages-valid'] = scene(100, { verified: 50, alone: 70, small: 13, precision: 0.7 });
    c['scenes-br'] = scene(40, { verified: 39, alone: 40, wrong: [3, 7, 8, 9] }); // exact 39 -> 36
    c['dashcam-ro'] = scene(50, { verified: 37, alone: 45, wrong: [1, 2, 3, 4, 5], precision: 0.95 }); // verified 40 -> 37; no text
    const f = run(folder(shipped()), folder(c)).out.failures;
    expect(f).toEqual(['dashcam-ro: verified 40 -> 37 (at most 2 fewer)', 'scenes-br: exact top-1 39 -> 36 (at most 2 fewer)']);
  });

  it('counts a width bin the eval left out (no plates there) as none found, and fails a missing report', () => {
    const b = shipped();
    const c = shipped();
    const noTiny = (r: Report) => {
      const x = r as SceneReport;
      const { '<20': _gone, ...rest } = x.recall_by_width;
      return { ...x, recall_by_width: rest } as SceneReport;
    };
    b['openimages-valid'] = noTiny(scene(100, { verified: 50, alone: 70, small: 0, precision: 0.7 }));
    c['openimages-valid'] = noTiny({ ...scene(100, { verified: 50, alone: 70, small: 10, precision: 0.7 }) }); // 20-40: 0 -> 0
    expect(run(folder(b), folder(c)).out.failures).toEqual(['openimages-valid: plates under 40 px found by the detector alone 0 -> 0 (at least +5 needed)']);
    delete (c as Partial<Record<string, Report>>)['scenes-eu'];
    expect(run(folder(b), folder(c)).out.failures.join('\n')).toMatch(/scenes-eu: no report in/);
  });

  it('stops, naming the set, on a report without recall by width or the detector-alone count', () => {
    const c = shipped();
    c['openimages-valid'] = { ...scene(100, { verified: 50, alone: 70, small: 13 }), recall_by_width: null } as unknown as SceneReport;
    const r = spawnSync('/usr/bin/python3', [SCRIPT, folder(shipped()), folder(c), '--rule', 'detector'], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/openimages-valid: no recall_by_width in its report/);
    const d = shipped();
    d['dashcam-ro'] = { ...report(50, [], { recall: 0.8, precision: 0.95 }) }; // an old report: no detector_only
    const r2 = spawnSync('/usr/bin/python3', [SCRIPT, folder(shipped()), folder(d), '--rule', 'detector'], { encoding: 'utf8' });
    expect(r2.stderr).toMatch(/dashcam-ro: no detector_only in its report/);
  });

  it('takes a precision drop of exactly 3 points as allowed', () => {
    const b = shipped();
    const c = shipped();
    b['dashcam-ro'] = scene(50, { verified: 40, alone: 45, precision: 0.762 });
    c['dashcam-ro'] = scene(50, { verified: 40, alone: 45, precision: 0.732 }); // 100 * (0.762 - 0.732) = 3.0000000000000027
    c['openimages-valid'] = scene(100, { verified: 50, alone: 70, small: 13, precision: 0.7 });
    expect(run(folder(b), folder(c)).out).toMatchObject({ passes: true, failures: [] });
  });

  it('judges the precondition on the training photos (--rule detector-fit)', () => {
    const base = folder({
      'openimages-train': scene(300, { verified: 150, alone: 200, small: 10, precision: 0.76 }),
      'openimages-train-text-us': scene(80, { verified: 75, alone: 75, wrong: [1, 2, 3], oWrong: [1] }),
    });
    const good = folder({
      'openimages-train': scene(300, { verified: 150, alone: 210, small: 20, precision: 0.74 }),
      'openimages-train-text-us': scene(80, { verified: 76, alone: 77, wrong: [1, 2, 3, 4], oWrong: [1] }),
    });
    expect(run(base, good, 'detector-fit').out).toMatchObject({ passes: true, failures: [] });
    const bad = folder({
      'openimages-train': scene(300, { verified: 150, alone: 205, small: 19, precision: 0.72 }),
      'openimages-train-text-us': scene(80, { verified: 74, alone: 77, wrong: [1, 2, 3], oWrong: [1, 5] }),
    });
    const f = run(base, bad, 'detector-fit').out.failures.join('\n');
    expect(f).toMatch(/openimages-train: plates under 40 px found by the detector alone 10 -> 19 \(at least \+10 needed\)/);
    expect(f).toMatch(/openimages-train: verified precision 4\.0 points lower/);
    expect(f).toMatch(/openimages-train-text-us: verified 75 -> 74/);
    expect(f).toMatch(/exact top-1 with O and 0 alike 79 -> 78/);
    const missing = run(base, folder({ 'openimages-train': scene(300, { verified: 150, alone: 210, small: 20 }) }), 'detector-fit');
    expect(missing.out.failures.join('\n')).toMatch(/openimages-train-text-us: no report/);
  });
});
