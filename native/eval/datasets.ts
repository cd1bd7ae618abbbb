// Loaders for the evaluation sets, in the formats the data really comes in:
// per-image `.txt` (file x y w h plate, tab-separated: scenes-eu / scenes-br), COCO
// `_annotations.coco.json` (openimages-plates), `boxes.json` (dashcam-ro), and crop folders
// with a labels CSV (us-plate-crops, br-plate-crops). Boxes only: no text means null.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import Papa from 'papaparse';

export interface GtPlate {
  x: number;
  y: number;
  w: number;
  h: number;
  /** Plate text in the reader charset, or null when the set has boxes only. */
  text: string | null;
}

export interface SceneSample {
  file: string;
  plates: GtPlate[];
}

export interface CropSample {
  file: string;
  text: string;
  /** Two-letter state from the CSV's `state` column, when it has one (us-plate-crops). */
  state?: string;
}

export type SceneLayout = 'txt' | 'coco' | 'dashcam';

export function cleanPlate(s: string): string {
  return s.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

const IMAGE_EXT = /\.(jpe?g|png|bmp|webp|tiff?)$/i;

export function detectLayout(dir: string): SceneLayout {
  if (existsSync(join(dir, '_annotations.coco.json'))) return 'coco';
  if (existsSync(join(dir, 'boxes.json'))) return 'dashcam';
  return 'txt';
}

export function loadScenes(dir: string): { layout: SceneLayout; samples: SceneSample[] } {
  if (!existsSync(dir)) throw new Error(`scenes folder not found: ${dir}`);
  const layout = detectLayout(dir);
  const samples = layout === 'coco' ? loadCoco(dir) : layout === 'dashcam' ? loadDashcam(dir) : loadTxt(dir);
  if (samples.length === 0) throw new Error(`no labelled images in ${dir}`);
  return { layout, samples };
}

function loadTxt(dir: string): SceneSample[] {
  const out: SceneSample[] = [];
  for (const name of readdirSync(dir).filter((f) => IMAGE_EXT.test(f)).sort()) {
    const txt = join(dir, name.replace(IMAGE_EXT, '.txt'));
    if (!existsSync(txt)) continue;
    const plates: GtPlate[] = [];
    for (const [i, raw] of readFileSync(txt, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/).entries()) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      const cols = line.split(/\s+/);
      if (cols.length < 5) continue;
      const [, ...nums] = cols.slice(0, 5);
      const [x, y, w, h] = nums.map(Number) as [number, number, number, number];
      // a box that is not four numbers would silently count as a missed plate: say where it is
      if (![x, y, w, h].every(Number.isFinite) || w <= 0 || h <= 0) {
        throw new Error(`${txt}:${i + 1}: expected "file x y w h plate" with a box of positive size, got "${line}"`);
      }
      const rest = cols.slice(5);
      plates.push({ x, y, w, h, text: rest.length ? cleanPlate(rest.join('')) : null });
    }
    out.push({ file: join(dir, name), plates });
  }
  return out;
}

function loadCoco(dir: string): SceneSample[] {
  interface Coco {
    images: { id: number; file_name: string }[];
    annotations: { image_id: number; bbox: [number, number, number, number] }[];
  }
  const coco = JSON.parse(readFileSync(join(dir, '_annotations.coco.json'), 'utf8')) as Coco;
  const byId = new Map<number, GtPlate[]>();
  for (const a of coco.annotations) {
    const list = byId.get(a.image_id) ?? [];
    list.push({ x: a.bbox[0], y: a.bbox[1], w: a.bbox[2], h: a.bbox[3], text: null });
    byId.set(a.image_id, list);
  }
  return coco.images
    .map((im) => ({ file: join(dir, im.file_name), plates: byId.get(im.id) ?? [] }))
    .sort((a, b) => a.file.localeCompare(b.file));
}

function loadDashcam(dir: string): SceneSample[] {
  const boxes = JSON.parse(readFileSync(join(dir, 'boxes.json'), 'utf8')) as Record<string, { plates: { x: number; y: number; w: number; h: number }[] }>;
  return Object.entries(boxes)
    .map(([name, v]) => ({ file: join(dir, name), plates: v.plates.map((p) => ({ ...p, text: null })) }))
    .sort((a, b) => a.file.localeCompare(b.file));
}

export type CropSplit = 'all' | 'tune' | 'held-out';

/**
 * Crops with a labels CSV (columns `file` and `plate` or `text`; images beside the CSV or in
 * `images/`). `held-out` / `tune` apply the training split rule: file names sorted, odd
 * positions held out, even positions may be used for fine-tuning.
 */
export function loadCrops(dir: string, labelsCsv: string, split: CropSplit = 'all'): CropSample[] {
  if (!existsSync(labelsCsv)) throw new Error(`labels file not found: ${labelsCsv}`);
  const rows = parseCsv(readFileSync(labelsCsv, 'utf8'));
  const imgDir = existsSync(join(dir, 'images')) ? join(dir, 'images') : dir;
  const byFile = new Map<string, string>();
  const stateOf = new Map<string, string>();
  for (const r of rows) {
    const file = r.file ?? r.filename;
    const text = r.plate ?? r.text;
    if (file && text !== undefined) byFile.set(basename(file), cleanPlate(text));
    const state = r.state?.trim().toUpperCase();
    if (file && state && /^[A-Z]{2}$/.test(state)) stateOf.set(basename(file), state);
  }
  const names = [...byFile.keys()].sort();
  const chosen = names.filter((_, i) => split === 'all' || (split === 'held-out' ? i % 2 === 1 : i % 2 === 0));
  return chosen
    .filter((n) => byFile.get(n))
    .map((n) => ({ file: join(imgDir, n), text: byFile.get(n)!, ...(stateOf.has(n) ? { state: stateOf.get(n)! } : {}) }));
}

/** Header-keyed rows of a labels CSV (PapaParse, as the app's importers use). */
export function parseCsv(text: string): Record<string, string>[] {
  return Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true, transformHeader: (h) => h.trim() }).data;
}
