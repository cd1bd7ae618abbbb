// The training pipeline (issue 3, point 1): one command rebuilds every model from the real data
// and exports what the app loads. Here at toy size (a few steps, a few dozen synthetic plates) in
// a temporary work folder, with Debian's python3-torch on the CPU: prepare, train, fine-tune,
// export, int8, evaluate through `canvass eval`, model cards. The models it makes read nothing
// yet; the test is that every stage runs, resumes and hands the app files it can load.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecognitionEngine } from '../../../native/recognition/index';
import { sharedData, sharedDataDir } from '../../support/shared-data';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const PY = '/usr/bin/python3';
const REQUIRED_KEYS = ['images', 'detection_recall', 'detection_precision', 'exact_top1', 'exact_topk', 'char_accuracy', 'ms_per_image'];

describe('training pipeline at toy size (real torch, real data, real ONNX)', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const py = (args: string[], timeoutMs = 300_000) => {
    const r = spawnSync(PY, args, { cwd: join(ROOT, 'training'), env, encoding: 'utf8', timeout: timeoutMs });
    const log = `${r.stdout ?? ''}${r.stderr ?? ''}`;
    if (r.status !== 0) throw new Error(`python3 ${args.join(' ')} exited ${r.status} (${r.signal ?? ''}):\n${log.slice(-3000)}`);
    return log;
  };
  const toy = ['--minutes', '2', '--reader-steps', '3', '--reader-batch', '8', '--synth', '64', '--ft-steps', '2', '--ft-batch', '8',
    '--ft-synth', '32', '--ft-mix', '0.4,0.3,0.1,0.2', '--detector-steps', '2', '--detector-batch', '4', '--detector-tiles', '32', '--threads', '2', '--eval-limit', '2',
    '--corner-samples', '48', '--corner-steps', '3', '--corner-eval-samples', '16', '--check-steps', '3', '--check-synth', '16', '--check-stamps', '8', '--check-signs', '8'];
  let log = '';
  const shipped = () => ['plate-reader', 'plate-detector', 'plate-corners', 'plate-check'].map((n) => join(ROOT, 'models', `${n}.onnx`)).map((f) => (existsSync(f) ? createHash('sha256').update(readFileSync(f)).digest('hex') : 'absent'));
  let before: string[] = [];

  beforeAll(() => {
    before = shipped();
    dir = mkdtempSync(join(tmpdir(), 'canvass-training-'));
    env = { ...process.env, CANVASS_WORK: join(dir, 'work'), CANVASS_CKPT: join(dir, 'work', 'checkpoints'), CANVASS_MODELS: join(dir, 'models'), CANVASS_DATA: sharedDataDir(), PYTHONUNBUFFERED: '1' };
    // settings of other trainings (shape-following or O/0-sharing synthetic banks) must not leak in
    delete env.CANVASS_SHAPES;
    delete env.CANVASS_O_ZERO_SHARED;
    log = py(['pipeline.py', 'prepare', 'train-reader', 'finetune-reader', 'train-detector', 'train-corners', 'export', 'quantize-reader', 'train-check', 'eval', 'card', ...toy], 540_000);
  }, 600_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs every stage and writes the three models with cards whose hashes are the files\'', () => {
    expect(log).toMatch(/reader stopped at step 3/);
    expect(log).toMatch(/detector stopped at step 2/);
    expect(log).toMatch(/corners stopped at step 3/);
    expect(log).toMatch(/check stopped at step 3/);
    // the training photos read by eye are packed and fine-tuned on (a 4th --ft-mix weight)
    expect(log).toMatch(/fine-tune: US train \d+, US val \d+, synthetic 32 \(seed 23\), BR \d+, photos (\d+)/);
    expect(Number(/, photos (\d+)/.exec(log)?.[1])).toBeGreaterThan(300);
    // the shipped recipe: kept near the base reader by distillation, exported at its final step, and the
    // reader's card says so
    expect(log).toMatch(/distilling toward reader \(KL weight 1(\.0)?\)/);
    const reader = JSON.parse(readFileSync(join(dir, 'models', 'plate-reader.json'), 'utf8')) as { training: { checkpoint: string; fine_tune?: { distill: number; photo_o_zero: boolean } }; training_data: Record<string, string> };
    expect(reader.training.checkpoint).toBe('reader-kd.pt');
    expect(reader.training.fine_tune).toMatchObject({ distill: 1, photo_o_zero: true });
    expect(reader.training_data['fine-tuning']).toMatch(/KL to the base reader's frame probabilities/);
    for (const name of ['plate-reader', 'plate-detector', 'plate-corners']) {
      const onnx = join(dir, 'models', `${name}.onnx`);
      const card = JSON.parse(readFileSync(join(dir, 'models', `${name}.json`), 'utf8')) as { sha256: string; version: string; metrics: Record<string, unknown> };
      expect(card.sha256).toBe(createHash('sha256').update(readFileSync(onnx)).digest('hex'));
      expect(card.version).toMatch(/^\d{4}\.\d\d\.\d\d/);
      expect(Object.keys(card.metrics).length).toBeGreaterThan(0);
      expect(existsSync(join(dir, 'models', `${name}.md`))).toBe(true);
    }
    // the corner net's card gives its synthetic held-out error and how its bounds fit real labelled boxes
    const corners = JSON.parse(readFileSync(join(dir, 'models', 'plate-corners.json'), 'utf8')) as { training_data: Record<string, string>; metrics: Record<string, { corners?: { plates: number } }> };
    expect(corners.training_data.synthetic_held_out).toMatch(/^16 samples .*mean corner error [\d.]+ of the plate's width/);
    expect(corners.metrics['scenes-eu']?.corners?.plates).toBeGreaterThanOrEqual(0);
    // the optional plate check learnt from boxes the toy engine mined on the first training images (the
    // first of them is the fit split's) and went beside the work, not into models/ (none has shipped)
    const mined = JSON.parse(readFileSync(join(dir, 'work', 'check', 'boxes.json'), 'utf8')) as { boxes: { file: string; split: string; kind: string }[] };
    expect(new Set(mined.boxes.map((b) => b.file)).size).toBe(2);
    expect(mined.boxes.filter((b) => b.kind === 'label').map((b) => b.split)).toContain('fit');
    expect(readFileSync(join(dir, 'work', 'check', 'crops.u8')).length).toBe(mined.boxes.length * 64 * 128);
    expect(existsSync(join(dir, 'work', 'check', 'fit-scenes', '_annotations.coco.json'))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'work', 'check', 'boxes.json'), 'utf8')).limit).toBe(2);
    // a plain export, the checkpoint there, never writes a check into a models folder (it would be on)
    py(['export.py', '--reader', 'none', '--detector', 'none', '--corners', 'none', '--out-dir', join(dir, 'plain-export')]);
    expect(existsSync(join(dir, 'work', 'checkpoints', 'check.pt'))).toBe(true);
    expect(existsSync(join(dir, 'plain-export', 'plate-check.onnx'))).toBe(false);
    const meta = JSON.parse(readFileSync(join(dir, 'work', 'check', 'export-meta.json'), 'utf8')) as Record<string, unknown>;
    expect(meta['plate-check']).toMatchObject({ threshold: 0.2, synth: 16, stamps: 8, signs: 8, dropout: 0.3, steps: 3 });
    const fit = JSON.parse(readFileSync(join(dir, 'work', 'check-eval.json'), 'utf8')) as { threshold: number; confirmed_plates: number; confirmed_plates_lost: number };
    expect(fit.threshold).toBe(0.2);
    expect(fit.confirmed_plates_lost).toBeLessThanOrEqual(fit.confirmed_plates);
    expect(existsSync(join(dir, 'models', 'plate-check.onnx'))).toBe(false);
    // the reader ships int8: its convolutions were rewritten, the float copy kept for requantising
    expect(readFileSync(join(dir, 'models', 'plate-reader.onnx')).includes('QLinearConv')).toBe(true);
    expect(existsSync(join(dir, 'work', 'fp32', 'plate-reader.onnx'))).toBe(true);
    // the shipped models were left alone: everything went to the work and models folders given
    expect(shipped()).toEqual(before);
  });

  it('evaluates through canvass eval, one JSON per validation set with the issue\'s keys', () => {
    for (const set of ['us-plate-crops-held-out', 'scenes-eu', 'dashcam-ro', 'openimages-valid-text-us']) {
      const report = JSON.parse(readFileSync(join(dir, 'work', 'eval', `${set}.json`), 'utf8')) as Record<string, unknown>;
      for (const k of REQUIRED_KEYS) expect(report, `${set}: ${k}`).toHaveProperty(k);
      expect(report.images).toBe(2);
    }
  });

  it('evaluates the training photos apart (eval --fit: a detector\'s precondition), never into the validation folder', () => {
    const fitLog = py(['pipeline.py', 'eval', '--fit', ...toy]);
    expect(fitLog).toMatch(/openimages-train-text: \{/);
    for (const set of ['openimages-train', 'openimages-train-text-us', 'openimages-train-text-legible']) {
      const report = JSON.parse(readFileSync(join(dir, 'work', 'eval-fit', `${set}.json`), 'utf8')) as Record<string, unknown>;
      expect(report.images, set).toBe(2);
      expect(report, set).toHaveProperty('recall_by_width');
      expect(existsSync(join(dir, 'work', 'eval', `${set}.json`)), set).toBe(false);
    }
    // the US training photos are the ones read by eye with region US
    const us = JSON.parse(readFileSync(join(dir, 'work', 'eval-fit', 'openimages-train-text-us.json'), 'utf8')) as { exact_top1_o_is_0: number | null };
    expect(us.exact_top1_o_is_0).not.toBeNull();
  });

  it('hands the app models it can load and run (the app\'s own engine)', async () => {
    const engine = await RecognitionEngine.create({ modelsDir: join(dir, 'models'), threads: 1 });
    try {
      const reading = await engine.read(sharedData('us-plate-crops', 'images', 'ak1165.jpg'));
      expect(reading.charConfidences).toHaveLength(reading.text.length);
      expect(reading.alternatives.length).toBeGreaterThan(0);
      const plates = await engine.recognize(sharedData('scenes-eu', 'eu1.jpg'), { keepUnverified: true });
      expect(Array.isArray(plates)).toBe(true);
      expect(engine.version).toMatch(/^plate-detector@\d{4}\.\d\d\.\d\d.*\+[0-9a-f]{8}, plate-reader@.*, plate-corners@[^,]+$/);
      expect(engine.findsCorners).toBe(true);
      expect(engine.checksPlates).toBe(false);
    } finally {
      await engine.release();
    }
    // the candidate check runs when asked for by its path
    const checked = await RecognitionEngine.create({ modelsDir: join(dir, 'models'), threads: 1, plateCheck: join(dir, 'work', 'check', 'plate-check.onnx') });
    try {
      expect(checked.checksPlates).toBe(true);
      expect(checked.version).toMatch(/, plate-check@unversioned\+[0-9a-f]{8}$/);
      expect(checked.readingMethod).toMatch(/\+check0\.2/);
      expect(checked.models.check?.file).toBe(join(dir, 'work', 'check', 'plate-check.onnx'));
    } finally {
      await checked.release();
    }
  });

  it('refuses a corner net aspect range that is not LO,HI, before drawing anything', () => {
    const r = spawnSync(PY, ['train_corners.py', '--aspects', '0.6,0.2'], { cwd: join(ROOT, 'training'), env, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--aspects: 0\.6,0\.2 is not LO,HI with 0\.05 <= LO <= HI <= 1\.5/);
  });

  it('refuses a synthetic plate width range that is not narrowest < widest <= 480, before loading anything', () => {
    for (const args of [['--min-width', '300'], ['--max-width', '600'], ['--min-width', '40', '--max-width', '30']]) {
      const r = spawnSync(PY, ['train_detector.py', ...args], { cwd: join(ROOT, 'training'), env, encoding: 'utf8' });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/--min-width must lie in \(0, --max-width\), --max-width in \(--min-width, 480\]/);
    }
  });

  it('refuses a whole training photo larger than the engine input, naming the file and its size', () => {
    // a pack made by hand (or by an older prepare) with a photo longer than 640 px
    const work = join(dir, 'long-pack');
    mkdirSync(join(work, 'pack', 'det_train'), { recursive: true });
    const code = [
      'import json, sys; from PIL import Image; d = sys.argv[1]',
      'Image.new("RGB", (700, 300)).save(d + "/pack/det_train/long.jpg")',
      'json.dump([{"file": "long.jpg", "boxes": []}], open(d + "/pack/det_train/boxes.json", "w"))',
      'import train_detector',
      'train_detector.Wholes(1)[0]',
    ].join('\n');
    const r = spawnSync(PY, ['-c', code, work], { cwd: join(ROOT, 'training'), env: { ...env, CANVASS_WORK: work }, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/long-pack\/pack\/det_train\/long\.jpg: 700 x 300, longer than 640 px; run `pipeline\.py prepare` again/);
  });

  it('refuses to resume the plate check with another recipe, and a batch with no room for both kinds', () => {
    const run = (args: string[]) => spawnSync(PY, ['train_check.py', ...args], { cwd: join(ROOT, 'training'), env, encoding: 'utf8' });
    const mixed = run(['--signs', '0', '--steps', '5']);
    expect(mixed.status).toBe(2);
    expect(mixed.stderr).toMatch(/check\.pt was trained with .*'signs': 8.*resuming it with .*'signs': 0.* would mix two recipes/);
    expect(run(['--batch', '1']).stderr).toMatch(/--batch must be at least 2/);
  });

  it('resumes a training stage from its checkpoint', () => {
    const again = py(['pipeline.py', 'train-reader', ...toy.map((v, i) => (toy[i - 1] === '--reader-steps' ? '5' : v))]);
    expect(again).toMatch(/resumed reader at step 3/);
    expect(again).toMatch(/reader stopped at step 5/);
  }, 300_000);

  it('refreshes a card of an unchanged model without changing its identity, unless a version is given', () => {
    const card = () => JSON.parse(readFileSync(join(dir, 'models', 'plate-reader.json'), 'utf8')) as { version: string; date: string; sha256: string };
    const first = card();
    // a later run with another default version (a later day) keeps the model's version and date
    py(['pipeline.py', 'card', '--version', '2099.01.01']);
    expect(card()).toMatchObject({ version: first.version, date: first.date, sha256: first.sha256 });
    // a version given for the model itself is a new identity
    py(['pipeline.py', 'card', '--reader-version', 'toy-2']);
    expect(card().version).toBe('toy-2');
  }, 120_000);

  it('turns an exported float reader back into a checkpoint that computes the same probabilities', () => {
    // a fresh checkout has no checkpoints (work/ is ignored); the shipped float readers are in git history
    const out = join(dir, 'work', 'checkpoints', 'from-onnx.pt');
    const log = py(['onnx_to_ckpt.py', join(dir, 'work', 'fp32', 'plate-reader.onnx'), '--out', out]);
    const diff = /max \|p_onnx - p_checkpoint\| = (\S+)/.exec(log);
    expect(diff, log).not.toBeNull();
    expect(Number(diff![1])).toBeLessThan(1e-5);
    expect(existsSync(out)).toBe(true);
    // the int8 model is not a float reader: a clear error, no checkpoint
    expect(() => py(['onnx_to_ckpt.py', join(dir, 'models', 'plate-reader.onnx'), '--out', join(dir, 'int8.pt')])).toThrow(/a quantised reader; give the float model/);
    expect(existsSync(join(dir, 'int8.pt'))).toBe(false);
  }, 300_000);

  it('turns the float detector back into a checkpoint that a distilled fine-tune starts from with its BatchNorms kept', () => {
    // the shipped detector is float: a fresh checkout can fine-tune it for small plates from models/
    const out = join(dir, 'work', 'checkpoints', 'det-from-onnx.pt');
    const log = py(['onnx_to_ckpt.py', join(dir, 'models', 'plate-detector.onnx'), '--out', out]);
    const diff = /max \|p_onnx - p_checkpoint\| = (\S+)/.exec(log);
    expect(diff, log).not.toBeNull();
    expect(Number(diff![1])).toBeLessThan(1e-5);
    expect(log).toMatch(/det-from-onnx\.pt: detector/);
    // folded BatchNorms must not learn batch statistics; the boxes it already finds are distilled
    const ft = py(['train_detector.py', '--init', out, '--name', 'det-kd', '--steps', '2', '--batch', '4', '--tiles', '32',
      '--workers', '1', '--threads', '2', '--distill', '1', '--min-width', '4', '--min-scale', '0.2', '--min-height', '2']);
    expect(ft).toMatch(/BatchNorm statistics frozen/);
    expect(ft).toMatch(/distilling toward .*det-from-onnx\.pt \(boxes 1(\.0)?, heat 0(\.0)?\)/);
    expect(ft).toMatch(/det-kd stopped at step 2/);
    // a fine-tune of that fine-tune (session 17's repair), distilled toward the rebuilt detector as its
    // teacher: the BatchNorms stay frozen (the fine-tune's checkpoint says so), the heatmap is held too
    const kd = join(dir, 'work', 'checkpoints', 'det-kd.pt');
    const rep = py(['train_detector.py', '--init', kd, '--teacher', out, '--name', 'det-kd-rep', '--steps', '2', '--batch', '4',
      '--tiles', '32', '--workers', '1', '--threads', '2', '--distill', '1', '--distill-heat', '1', '--whole', '2', '--min-width', '4',
      '--min-scale', '0.2', '--min-height', '2']);
    expect(rep).toMatch(/det-kd-rep: starting from the weights of .*det-kd\.pt/);
    expect(rep).toMatch(/BatchNorm statistics frozen/);
    expect(rep).toMatch(/distilling toward .*det-from-onnx\.pt \(boxes 1(\.0)?, heat 1(\.0)?, on 2 whole photos a step too\)/);
    expect(rep).toMatch(/det-kd-rep stopped at step 2/);
    // distillation without a detector to stay near, a teacher with nothing to distil, a missing
    // teacher and a negative weight are refused before any training
    expect(() => py(['train_detector.py', '--name', 'det-x', '--steps', '1', '--distill', '1'])).toThrow(/--distill, --distill-heat and --teacher keep a fine-tune near a detector: give --init/);
    expect(() => py(['train_detector.py', '--name', 'det-x', '--steps', '1', '--distill-heat', '1'])).toThrow(/give --init/);
    expect(() => py(['train_detector.py', '--init', out, '--name', 'det-x', '--teacher', out])).toThrow(/--teacher needs --distill or --distill-heat/);
    expect(() => py(['train_detector.py', '--init', out, '--name', 'det-x', '--teacher', join(dir, 'nope.pt'), '--distill-heat', '1'])).toThrow(/--teacher .*nope\.pt: no such checkpoint/);
    expect(() => py(['train_detector.py', '--init', out, '--name', 'det-x', '--distill', '-1'])).toThrow(/--distill and --distill-heat are weights >= 0/);
    expect(() => py(['train_detector.py', '--init', out, '--name', 'det-x', '--whole', '2'])).toThrow(/--whole is for the distillation: give --distill or --distill-heat/);
    expect(() => py(['train_detector.py', '--init', out, '--name', 'det-x', '--distill', '1', '--whole', '-1'])).toThrow(/--whole is a number of photos >= 0/);
    expect(existsSync(join(dir, 'work', 'checkpoints', 'det-x.pt'))).toBe(false);
  }, 300_000);

  it('draws the same synthetic plates from the same seed', () => {
    const a = join(dir, 'seed-a');
    const b = join(dir, 'seed-b');
    const check = [
      '-c',
      'import sys, numpy as np; x, y = (np.load(f"{d}/synth_reader_24_5.npz") for d in sys.argv[1:3]); ' +
        'print("same" if all(np.array_equal(x[k], y[k]) for k in x.files) and x.files == y.files else "different")',
      a,
      b,
    ];
    for (const w of [a, b]) {
      mkdirSync(w);
      symlinkSync(join(dir, 'work', 'pack'), join(w, 'pack')); // the fonts the plates are drawn with
      env = { ...env, CANVASS_WORK: w };
      py(['synth_bank.py', 'reader', '--n', '24', '--seed', '5', '--procs', '1']);
    }
    expect(py(check).trim()).toBe('same');
  }, 300_000);
});
