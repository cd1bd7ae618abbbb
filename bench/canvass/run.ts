// `canvass bench canvass`: the partial-plate canvass at 10M reads (R11). Builds or reuses the
// Seattle-shaped store (./build), draws query sets from it with a fixed seed, and prints p95
// latencies, ingest speed through insertReads (all indexes, rolled back) and bytes per read.
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { commonLink, convoy } from '../../electron/core/canvass/analyses';
import { canvassSearch } from '../../electron/core/canvass/search';
import { systemClock } from '../../electron/core/clock';
import { insertReads, sourceId } from '../../electron/core/reads/store';
import { openBenchStore, weeks } from './build';
import { loadSeattleWeek, SEATTLE_WEEK } from './seattle';
import { rng } from './synth';

export interface CanvassBenchResult {
  reads: number;
  p95_ms: Record<'partial_area_7d' | 'partial_all' | 'tolerant_all' | 'common_link_3' | 'convoy_30d', number>;
  ingest_reads_per_s: number;
  bytes_per_read: number;
  /** Reads per second of this process's CPU time (user + system) for the same insertReads run. */
  ingest_cpu_reads_per_s: number;
  /** The same batch through insertReads' statements without the canvass hook (measured first). */
  ingest_without_canvass_hook_reads_per_s: number;
  /** Microseconds per read the canvass hook adds: insertReads minus the same statements without it. */
  ingest_canvass_hook_us_per_read: number;
  /** Ingest with cache_size 1 GB + mmap (not the app default yet). */
  ingest_tuned_reads_per_s: number;
  ingest_tuned_canvass_hook_us_per_read: number;
  p50_ms: Record<string, number>;
  /** p95 of the CPU time each query took: the machine's load does not inflate it. */
  p95_cpu_ms: Record<string, number>;
  /** 1, 5 and 15 minute load averages at the end (the runs were on a shared machine). */
  load_average: number[];
  build_seconds: number | null;
  built_now: boolean;
  machine: string;
}

const DAY = 86_400_000;
const q = (xs: number[], f: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(f * s.length))]! * 10) / 10;
};

/** Witness-style partials of a real plate: a prefix, a middle with unknowns, a suffix, a gap. */
function partialOf(plate: string, k: number): string {
  switch (k % 4) {
    case 0:
      return `${plate.slice(0, 3)}*`;
    case 1:
      return `?${plate.slice(1, 5)}${'?'.repeat(Math.max(0, plate.length - 5))}`;
    case 2:
      return `*${plate.slice(-4)}`;
    default:
      return `${plate.slice(0, 2)}?${plate.slice(3, 6)}*`;
  }
}

export function benchCanvass(opts: {
  dataDir?: string;
  reads?: number;
  runs?: number;
  log?: (s: string) => void;
}): CanvassBenchResult {
  const log = opts.log ?? ((s: string) => process.stderr.write(s + '\n'));
  const target = opts.reads ?? 10_000_000;
  const dir =
    opts.dataDir ?? join('bench', '.cache', target === 10_000_000 ? 'canvass-10m' : `canvass-${target}`);
  const { store, info } = openBenchStore(dir, SEATTLE_WEEK(), target, log);
  const { db } = store;
  // Measured with the store exactly as openStore configures it (the app's settings).
  const runs = opts.runs ?? 40;
  const r = rng(20261126);
  const maxId = info.reads;
  type Sample = { plate: string; ts: number; lat: number; lon: number };
  const sampleRead = db.prepare('SELECT plate, ts, lat, lon FROM reads WHERE id = ?');
  const samples: Sample[] = [];
  while (samples.length < runs) {
    const s = sampleRead.get(1 + Math.floor(r() * maxId)) as Sample | undefined;
    if (s && s.lat !== null && /^[A-Z0-9]{6,7}$/.test(s.plate)) samples.push(s);
  }
  const lat: Record<string, number[]> = {};
  const cpu: Record<string, number[]> = {};
  // Wall time is what the analyst waits; CPU time (user + system, this process) is the same
  // work without the waits a shared machine adds, so both are kept.
  const run = (name: string, f: () => unknown) => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    f();
    (lat[name] ??= []).push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    (cpu[name] ??= []).push((c.user + c.system) / 1000);
  };
  // one warm-up pass over the same shapes so the page cache holds what a working session would
  for (const s of samples.slice(0, 5)) canvassSearch(db, { pattern: partialOf(s.plate, 0) });
  samples.forEach((s, k) => {
    const pattern = partialOf(s.plate, k);
    const scene = {
      area: { kind: 'circle' as const, lat: s.lat, lon: s.lon, radiusM: 1000 },
      from: new Date(s.ts - 3.5 * DAY).toISOString(),
      to: new Date(s.ts + 3.5 * DAY).toISOString(),
    };
    run('partial_area_7d', () => canvassSearch(db, { pattern, scenes: [scene] }));
    run('partial_all', () => canvassSearch(db, { pattern }));
    // tolerant: what a witness would give, 5 of 7 characters with one of them a look-alike
    run('tolerant_all', () => canvassSearch(db, { pattern: `${s.plate.slice(0, 5)}*`, tolerant: true }));
  });
  // Common link: three scenes around reads of one regular vehicle, two hours each.
  // Regular vehicles: plates of randomly drawn reads that have 40-400 reads in all.
  const countOf = db.prepare('SELECT count(*) AS n FROM reads WHERE plate = ?');
  const regulars: { text: string }[] = [];
  for (let tries = 0; regulars.length < runs && tries < 50 * runs; tries++) {
    const s = sampleRead.get(1 + Math.floor(r() * maxId)) as Sample | undefined;
    if (!s || regulars.some((x) => x.text === s.plate)) continue;
    const n = (countOf.get(s.plate) as { n: number }).n;
    if (n >= 40 && n <= 400) regulars.push({ text: s.plate });
  }
  const ofPlate = db.prepare(
    'SELECT ts, lat, lon FROM reads WHERE plate = ? AND lat IS NOT NULL ORDER BY ts',
  );
  for (let i = 0; i < Math.min(runs, regulars.length); i++) {
    const reads = ofPlate.all(regulars[i]!.text) as { ts: number; lat: number; lon: number }[];
    if (reads.length < 3) continue;
    const picks = [0, Math.floor(reads.length / 2), reads.length - 1].map((j) => reads[j]!);
    const scenes = picks.map((p) => ({
      area: { kind: 'circle' as const, lat: p.lat, lon: p.lon, radiusM: 1000 },
      from: new Date(p.ts - 3_600_000).toISOString(),
      to: new Date(p.ts + 3_600_000).toISOString(),
    }));
    run('common_link_3', () => commonLink(db, { scenes }));
    const last = picks[2]!.ts;
    run('convoy_30d', () =>
      convoy(db, {
        plate: regulars[i]!.text,
        from: new Date(last - 30 * DAY).toISOString(),
        to: new Date(last + 1).toISOString(),
      }),
    );
  }
  // Ingest with every index, through the importers' own insertReads; rolled back so the cache stays as built.
  const rows = loadSeattleWeek(SEATTLE_WEEK());
  const weekAfter = Math.ceil(target / rows.length) + 1;
  const ingestOnce = (week: number) => {
    const batch = weeks(rows, 100_000, 100_000, week).next().value!;
    // First the read path without the canvass hook: the statements insertReads runs (row + R*Tree)…
    db.exec('BEGIN');
    const ins = db.prepare(
      `INSERT INTO reads (plate, plate_raw, plate_hashed, confidence, char_conf, alternatives, state, ts, lat, lon, heading,
         source_id, import_id, crop_sha, frame_sha, color, model_version, provenance)
       VALUES (?, NULL, 0, ?, ?, ?, ?, ?, ?, ?, NULL, ?, NULL, NULL, NULL, ?, NULL, NULL)`,
    );
    const geo = db.prepare(
      'INSERT INTO reads_geo (id, min_lat, max_lat, min_lon, max_lon) VALUES (?, ?, ?, ?, ?)',
    );
    const sources = new Map<string, number>();
    const t1 = performance.now();
    for (const x of batch) {
      let sid = sources.get(x.source!);
      if (sid === undefined) sources.set(x.source!, (sid = sourceId(db, systemClock, x.source!, 'mobile')));
      const a = x.alternatives ? JSON.stringify(x.alternatives) : null;
      const id = ins.run(
        x.plate,
        x.confidence,
        JSON.stringify(x.charConfidences),
        a,
        x.state,
        x.ts,
        x.lat,
        x.lon,
        sid,
        x.color,
      ).lastInsertRowid;
      if (x.lat != null) geo.run(id, x.lat, x.lat, x.lon, x.lon);
    }
    const baseMs = performance.now() - t1;
    db.exec('ROLLBACK');
    // …then the same batch through insertReads itself, canvass hook included.
    db.exec('BEGIN');
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    insertReads(db, systemClock, batch, null);
    const allMs = performance.now() - t0;
    const c = process.cpuUsage(c0);
    const cpuMs = (c.user + c.system) / 1000;
    db.exec('ROLLBACK');
    return {
      cpuPerS: batch.length / (cpuMs / 1000),
      perS: batch.length / (allMs / 1000),
      basePerS: batch.length / (baseMs / 1000),
      hookUs: (Math.max(0, allMs - baseMs) * 1000) / batch.length,
    };
  };
  const plain = ingestOnce(weekAfter);
  // The same with a 1 GB page cache and memory-mapped I/O (a setting proposed for openStore).
  db.pragma('cache_size = -1000000');
  db.pragma('mmap_size = 8000000000');
  ingestOnce(weekAfter + 1); // warm the larger cache once
  const tuned = ingestOnce(weekAfter + 2);
  const names = ['partial_area_7d', 'partial_all', 'tolerant_all', 'common_link_3', 'convoy_30d'] as const;
  const result: CanvassBenchResult = {
    reads: info.reads,
    p95_ms: Object.fromEntries(
      names.map((n) => [n, q(lat[n] ?? [NaN], 0.95)]),
    ) as CanvassBenchResult['p95_ms'],
    ingest_reads_per_s: Math.round(plain.perS),
    bytes_per_read: Math.round(info.fileBytes / info.reads),
    ingest_without_canvass_hook_reads_per_s: Math.round(plain.basePerS),
    ingest_cpu_reads_per_s: Math.round(plain.cpuPerS),
    ingest_canvass_hook_us_per_read: Math.round(plain.hookUs * 10) / 10,
    ingest_tuned_reads_per_s: Math.round(tuned.perS),
    ingest_tuned_canvass_hook_us_per_read: Math.round(tuned.hookUs * 10) / 10,
    p50_ms: Object.fromEntries(names.map((n) => [n, q(lat[n] ?? [NaN], 0.5)])),
    p95_cpu_ms: Object.fromEntries(names.map((n) => [n, q(cpu[n] ?? [NaN], 0.95)])),
    load_average: loadavg().map((x) => Math.round(x * 10) / 10),
    build_seconds: info.buildSeconds === null ? null : Math.round(info.buildSeconds),
    built_now: info.builtNow,
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.versions.node}`,
  };
  store.close();
  return result;
}
