// `canvass bench recognition` — the recognition models' speed on this machine against issue 3's
// targets (detector <= 40 ms a 1080p frame, reader <= 2 ms a crop), with each ONNX thread count
// asked for: `eval --speed`'s measurements (native/eval/speed.ts) on a dash-cam frame and a US
// crop from ../shared/data unless others are given. `--accuracy` adds the held-out half of
// us-plate-crops read with the inset vote on and off: a validation read, for reporting only.
// The engine loads only when the command runs.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { SpeedReport } from '../../../native/eval/speed';
import { sharedData } from '../../../test/support/shared-data';

interface Flags {
  threads: string;
  runs: string;
  frame?: string;
  crop?: string;
  accuracy?: boolean;
  json?: boolean;
}

const SPEED_STEPS = ['detect_1080p_ms', 'recognize_1080p_ms', 'detect_4k_ms', 'read_crop_ms', 'read_crop_path_ms', 'read_unsure_crop_ms'] as const;
type Row = { threads: number } & Pick<SpeedReport, (typeof SPEED_STEPS)[number] | 'corners_ms'>;

function threadCounts(raw: string): number[] {
  const counts = raw.split(',').map((t) => t.trim());
  const bad = counts.find((t) => !/^\d+$/.test(t) || Number(t) < 1 || Number(t) > 64);
  if (bad !== undefined) throw new Error(`--threads: "${bad}" is not a thread count from 1 to 64 (a comma-separated list, e.g. 1,2)`);
  return [...new Set(counts.map(Number))];
}

export function registerRecognitionBench(bench: Command): void {
  bench
    .command('recognition')
    .description('recognition speed: the detector on a 1080p and a 4K frame, the reader on a crop (and an unsure crop), the corner net on a plate, per ONNX thread count; --accuracy adds the held-out US crops')
    .option('--threads <list>', 'ONNX thread counts to measure, comma-separated', '1,2')
    .option('--runs <n>', 'timed runs per frame step (the crop steps run five times as many)', '30')
    .option('--frame <file>', 'frame to time the detector on (default: a dashcam-ro frame)')
    .option('--crop <file>', 'plate crop to time the reader on (default: us-plate-crops ak1165.jpg, 320x156)')
    .option('--accuracy', 'also read the held-out half of us-plate-crops with the inset vote on and off (a validation read)')
    .option('--json', 'one JSON object')
    .action(async (o: Flags) => {
      const threads = threadCounts(o.threads);
      const runs = Number(o.runs);
      if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: "${o.runs}" is not a whole number of runs above 0`);
      const frame = o.frame ?? sharedData('dashcam-ro', 'dayride_type1_001_t119.jpg');
      const crop = o.crop ?? sharedData('us-plate-crops', 'images', 'ak1165.jpg');
      for (const [flag, file] of [['--frame', frame], ['--crop', crop]] as const) {
        if (!existsSync(file)) throw new Error(`${flag}: no file at ${file}`);
      }
      const { RecognitionEngine } = await import('../../../native/recognition/index');
      const { measureSpeed } = await import('../../../native/eval/speed');
      const speed: Row[] = [];
      for (const t of threads) {
        const engine = await RecognitionEngine.create({ threads: t });
        try {
          const r = await measureSpeed(engine, frame, crop, runs);
          const row = { threads: t } as Row;
          for (const k of SPEED_STEPS) row[k] = r[k];
          if (r.corners_ms) row.corners_ms = r.corners_ms;
          speed.push(row);
        } finally {
          await engine.release();
        }
      }
      const accuracy = o.accuracy ? await heldOut(RecognitionEngine) : undefined;
      const host = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version };
      const report = { host, frame, crop, runs, speed, ...(accuracy ? { accuracy } : {}) };
      if (o.json) {
        process.stdout.write(JSON.stringify(report) + '\n');
        return;
      }
      const col = (t: string) => t.padEnd(18);
      const ms = (v: { best: number; median: number } | undefined) => col(v ? `${v.best} / ${v.median}` : '—');
      const lines = [
        `host     ${host.cpu}, ${host.cores} cores, Node ${host.node}`,
        `frame    ${frame}`,
        `crop     ${crop}`,
        `ms, best / median (goals: detect 1080p <= 40, read crop <= 2)`,
        `threads  ${['detect 1080p', 'recognize 1080p', 'detect 4K', 'read crop', 'crop path', 'unsure crop', 'corners a plate'].map(col).join('')}`,
        ...speed.map((s) => `${String(s.threads).padEnd(9)}${SPEED_STEPS.map((k) => ms(s[k])).join('')}${ms(s.corners_ms)}`),
      ];
      for (const a of accuracy ?? []) lines.push(`held-out US crops, ${a.method}: exact ${(a.exact_top1! * 100).toFixed(1)}%, ${a.ms_per_crop} ms a crop (1 thread)`);
      process.stdout.write(lines.map((l) => l.trimEnd()).join('\n') + '\n');
    });
}

/** The held-out US crops with the inset vote off and on (state syntax on, 1 ONNX thread). */
async function heldOut(Engine: typeof import('../../../native/recognition/index').RecognitionEngine) {
  const { evaluateCrops } = await import('../../../native/eval/evaluate');
  const { StateReader } = await import('../../../native/recognition/state');
  const us = sharedData('us-plate-crops');
  const states = await StateReader.create({ threads: 1 });
  const out = [];
  try {
    for (const insetVote of [0, undefined]) {
      const engine = await Engine.create({ threads: 1, ...(insetVote === 0 ? { insetVote } : {}) });
      try {
        const r = await evaluateCrops(engine, us, join(us, 'labels.csv'), 'held-out', { states });
        out.push({ method: r.reading_method, exact_top1: r.exact_top1, ms_per_crop: r.ms_per_crop, plates: r.plates });
      } finally {
        await engine.release();
      }
    }
  } finally {
    await states.release();
  }
  return out;
}
