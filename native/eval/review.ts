// `canvass eval --review DIR`: every misread plate of an evaluation, for a person to look at. A
// crop of each (the labelled box and the box that was read, with room around them) and one CSV row
// each: what the label says, what was read, how sure, the top-k, and whether the plate was found,
// found but not confirmed by the reader, or not found (with what the reader read on the box that
// matched it unconfirmed, or on the nearest box). This is how an ALPR administrator sees why a
// model misses on the agency's own labelled photos before using it. Plate texts are A-Z and 0-9
// (datasets.ts cleans every label), so they are safe in file names.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import Papa from 'papaparse';
import sharp from 'sharp';

export type ReviewBox = { x: number; y: number; w: number; h: number };

export interface ReviewItem {
  /** Image file (scenes) or crop file (crops). */
  file: string;
  truth: string;
  /** The confirmed reading ('' when none). */
  read: string;
  confidence: number | null;
  alternatives: string[];
  /**
   * `read`: a confirmed box matched the label (read wrong); `unconfirmed`: only a box the reader did
   * not confirm matched it; `missed`: no box matched; `crop`: a crop read whole; `unreadable`: the
   * image could not be decoded.
   */
  found: 'read' | 'unconfirmed' | 'missed' | 'crop' | 'unreadable';
  /** Labelled box (scenes). */
  label?: ReviewBox;
  /** The box that was read (found = read), the unconfirmed box that matched the label, or the box nearest it (scenes). */
  box?: ReviewBox;
  /** Best IoU of any box with the label (scenes). */
  iou?: number;
  /**
   * When no confirmed box matched: what the reader read on the unconfirmed box that did (found =
   * unconfirmed), or on the box nearest the label below the IoU threshold (found = missed), how
   * sure, and whether the reader confirmed that box.
   */
  other?: { read: string; confidence: number; confirmed: boolean };
  /** The state plate syntax changed the reading: what the reader wrote, and the state named. */
  syntax?: { read: string; state: string };
}

/** Room around the plate in a review crop, as a fraction of the plate's size on each side. */
const ROOM = 0.25;

/** Refuse a review folder that already holds files: crops of two runs must not mix. */
export function checkReviewDir(dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new Error(`--review: ${dir} is not empty (give a new or empty folder)`);
}

/** Write `misreads.csv` and `crops/` into `dir`; returns the number of rows. */
export async function writeReview(dir: string, items: ReviewItem[]): Promise<number> {
  checkReviewDir(dir);
  const crops = join(dir, 'crops');
  mkdirSync(crops, { recursive: true });
  const rows = [];
  for (const [i, it] of items.entries()) {
    const name = `${String(i + 1).padStart(4, '0')}_${it.truth}_${it.read || 'none'}.jpg`;
    const saved = await saveCrop(it, join(crops, name));
    const fmt = (b?: ReviewBox) => (b ? [b.x, b.y, b.w, b.h].map((v) => Math.round(v)).join(' ') : '');
    rows.push({
      n: i + 1,
      image: basename(it.file),
      truth: it.truth,
      read: it.read,
      right_with_o_as_0: it.read.replaceAll('O', '0') === it.truth.replaceAll('O', '0'),
      confidence: it.confidence === null ? '' : it.confidence.toFixed(3),
      alternatives: it.alternatives.join(' '),
      found: it.found,
      iou: it.iou === undefined ? '' : it.iou.toFixed(2),
      other_read: it.other?.read ?? '',
      other_confidence: it.other ? it.other.confidence.toFixed(3) : '',
      other_confirmed: it.other ? it.other.confirmed : '',
      reader_read: it.syntax?.read ?? '',
      syntax_state: it.syntax?.state ?? '',
      label_box: fmt(it.label),
      read_box: fmt(it.box),
      crop: saved ? `crops/${name}` : '',
    });
  }
  const columns = ['n', 'image', 'truth', 'read', 'right_with_o_as_0', 'confidence', 'alternatives', 'found', 'iou', 'other_read', 'other_confidence', 'other_confirmed', 'reader_read', 'syntax_state', 'label_box', 'read_box', 'crop'];
  writeFileSync(join(dir, 'misreads.csv'), Papa.unparse(rows, { columns, newline: '\n' }) + '\n');
  return rows.length;
}

/**
 * The plate with room around it (the labelled box joined with the box read), both boxes drawn on
 * it; a crop read whole is saved as it is. False when there is no image to cut from.
 */
async function saveCrop(it: ReviewItem, out: string): Promise<boolean> {
  if (it.found === 'unreadable') return false;
  if (!it.label) {
    await sharp(it.file, { failOn: 'none' }).autoOrient().jpeg({ quality: 90 }).toFile(out);
    return true;
  }
  // the frame the engine read: upright by the EXIF orientation tag, a damaged file as far as it
  // decodes (recognition/preprocess.ts)
  const image = sharp(it.file, { failOn: 'none' });
  const meta = await image.metadata();
  const { width, height } = meta.autoOrient ?? meta;
  if (!width || !height) return false;
  const boxes = [it.label, ...(it.box ? [it.box] : [])];
  const x0 = Math.min(...boxes.map((b) => b.x));
  const y0 = Math.min(...boxes.map((b) => b.y));
  const x1 = Math.max(...boxes.map((b) => b.x + b.w));
  const y1 = Math.max(...boxes.map((b) => b.y + b.h));
  const left = Math.max(0, Math.floor(x0 - (x1 - x0) * ROOM));
  const top = Math.max(0, Math.floor(y0 - (y1 - y0) * ROOM));
  const right = Math.min(width, Math.ceil(x1 + (x1 - x0) * ROOM));
  const bottom = Math.min(height, Math.ceil(y1 + (y1 - y0) * ROOM));
  if (right - left < 1 || bottom - top < 1) return false;
  const w = right - left;
  const h = bottom - top;
  // the labelled box in green, the box read (or nearest) in red, dashed when the reader did not confirm it
  const line = Math.max(2, Math.round(Math.min(w, h) / 80));
  const rect = (b: ReviewBox, colour: string, dashed: boolean) =>
    `<rect x="${b.x - left}" y="${b.y - top}" width="${b.w}" height="${b.h}" fill="none" stroke="${colour}" stroke-width="${line}"${dashed ? ` stroke-dasharray="${line * 3}"` : ''}/>`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">${rect(it.label, '#00d000', false)}${it.box ? rect(it.box, '#ff2020', it.found !== 'read' && !it.other?.confirmed) : ''}</svg>`;
  await image
    .autoOrient()
    .extract({ left, top, width: w, height: h })
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .jpeg({ quality: 90 })
    .toFile(out);
  return true;
}
