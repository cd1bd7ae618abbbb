// Plate reader: a plate crop -> text, per-character confidences and top-k alternatives.
// Wraps models/plate-reader.onnx (grey 48x160 in, [T x 37] CTC probabilities out). Holds only
// its own ONNX session, so each worker thread can own one reader.
import * as ort from 'onnxruntime-node';
import { beamSearch, charConfidences, type Reading } from './ctc';
import { greyQuad, type Quad } from './corners';
import { greyCrop, type Rect, type RgbImage } from './preprocess';
import { openSession } from './session';

export const READER_CHARSET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const READER_H = 48;
export const READER_W = 160;

export interface PlateReading {
  text: string;
  /** Probability of the top reading (CTC, summed over alignments). */
  confidence: number;
  /** One value per character of `text`, 0..1. */
  charConfidences: number[];
  /** Top-k readings: the first equals `text` (the engine's edge trim may have chosen a less
   * probable one), the others by probability. */
  alternatives: Reading[];
}

/**
 * One reading from several crops of the same plate (crop vote): the candidates are the crops'
 * top-1 texts, each scored by the probability every crop gives it (summed; 0 where it is not in a
 * crop's top-k). The winner's reading is taken whole (confidences, alternatives) from the crop
 * that reads it top-1 most confidently. Ties go to the crop at `preferred`.
 */
export function voteReadings(readings: PlateReading[], preferred = 0): PlateReading {
  if (readings.length === 0) throw new Error('voteReadings needs at least one reading');
  const score = (text: string) =>
    readings.reduce((sum, r) => sum + (r.alternatives.find((a) => a.text === text)?.confidence ?? 0), 0);
  let best = readings[preferred] ?? readings[0]!;
  let bestScore = score(best.text);
  readings.forEach((r) => {
    const sc = r.text === best.text ? bestScore : score(r.text);
    if (sc > bestScore || (r.text === best.text && r.confidence > best.confidence)) {
      best = r;
      bestScore = sc;
    }
  });
  return best;
}

/**
 * A frame edge read as a character: when the reading's weaker end character (first or last) has
 * confidence below `tau` and the reading without it is one of its own top-k alternatives, that
 * alternative is the better reading (a plate border, bolt or frame at the crop's edge read as I, 1,
 * C or B is the reader's most common extra character). Returns the reading to keep.
 */
export function trimEdge(r: PlateReading, tau: number): PlateReading {
  const { text, charConfidences: chars } = r;
  if (text.length < 3 || chars.length !== text.length) return r;
  const left = chars[0]!;
  const right = chars[chars.length - 1]!;
  if (Math.min(left, right) >= tau) return r;
  const cut = left <= right ? 0 : text.length - 1;
  const alt = r.alternatives.find((a) => a.text === text.slice(0, cut) + text.slice(cut + 1));
  if (!alt) return r;
  // the other characters keep their confidences (their alignment barely moves without the edge)
  return { text: alt.text, confidence: alt.confidence, charConfidences: chars.filter((_, i) => i !== cut), alternatives: [alt, ...r.alternatives.filter((a) => a !== alt)] };
}

const LETTER = /[A-Z]/;

/**
 * The letter O of a word, for labels that write what a plate means: each 0 whose neighbours are
 * letters (or a letter and the plate's end) becomes O (RH0MBUS -> RHOMBUS, P0LICE -> POLICE,
 * IDDUNN0 -> IDDUNNO); a 0 beside a digit stays (BT01671, 7AB0123). Many states print O and 0 with one
 * glyph, so the reader cannot tell them apart; which one a reading should carry is the labels'
 * convention: us-plate-crops writes the digit (CHICAG0, CUST0M), a person reading a photo the letter.
 * Off by default (training/README.md "Session 11"). Returns the reading to keep.
 */
export function lettersO(r: PlateReading): PlateReading {
  const t = r.text;
  const isLetter = (c: string | undefined) => c !== undefined && LETTER.test(c);
  // each run of 0s (M0000SE), with a letter or the plate's end on both sides and a letter on one
  const text = t.replace(/0+/g, (run: string, at: number) => {
    const left = t[at - 1];
    const right = t[at + run.length];
    const word = (left === undefined || isLetter(left)) && (right === undefined || isLetter(right)) && (isLetter(left) || isLetter(right));
    return word ? 'O'.repeat(run.length) : run;
  });
  if (text === t) return r;
  return { ...r, text, alternatives: [{ text, confidence: r.confidence }, ...r.alternatives.filter((x) => x.text !== text)] };
}

export interface ReaderOptions {
  threads?: number;
  beamWidth?: number;
  topK?: number;
}

export class PlateReader {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly beamWidth: number,
    private readonly topK: number,
  ) {}

  static async load(modelPath: string, opts: ReaderOptions = {}): Promise<PlateReader> {
    const session = await openSession(modelPath, opts.threads);
    return new PlateReader(session, opts.beamWidth ?? 10, opts.topK ?? 5);
  }

  /** Read plates at `rects` of an image (whole image when no rect is given), in one batch. */
  async readRegions(img: RgbImage, rects?: Rect[]): Promise<PlateReading[]> {
    const regions = rects ?? [{ x: 0, y: 0, w: img.width, h: img.height }];
    const plane = READER_H * READER_W;
    const input = new Float32Array(regions.length * plane);
    regions.forEach((r, i) => greyCrop(img, r, READER_W, READER_H, input, i * plane));
    return this.readGrey(input, regions.length);
  }

  /**
   * Read plates outlined by quadrilaterals, each rectified (`greyQuad`, widened by `mx` / `my` of
   * the plate's width / height each side), in one batch. The quadrilaterals must be plate
   * outlines (`isPlateQuad`).
   */
  async readQuads(img: RgbImage, quads: Quad[], mx: number, my: number): Promise<PlateReading[]> {
    const plane = READER_H * READER_W;
    const input = new Float32Array(quads.length * plane);
    quads.forEach((q, i) => {
      if (!greyQuad(img, q, READER_W, READER_H, input, i * plane, mx, my)) throw new Error('readQuads: not a plate outline');
    });
    return this.readGrey(input, quads.length);
  }

  /** Run the reader on n grey 48 x 160 crops (floats 0..1, one after another) and decode each. */
  private async readGrey(input: Float32Array, n: number): Promise<PlateReading[]> {
    if (n === 0) return [];
    const feeds = { image: new ort.Tensor('float32', input, [n, 1, READER_H, READER_W]) };
    const out = await this.session.run(feeds);
    const probs = out.probs;
    if (!probs) throw new Error('plate-reader model has no "probs" output');
    const [, T, C] = probs.dims as [number, number, number];
    const all = probs.data as Float32Array;
    const readings: PlateReading[] = [];
    for (let i = 0; i < n; i++) {
      const p = all.subarray(i * T * C, (i + 1) * T * C);
      const alternatives = beamSearch(p, T, C, READER_CHARSET, this.beamWidth, this.topK);
      const best = alternatives[0] ?? { text: '', confidence: 0 };
      readings.push({
        text: best.text,
        confidence: best.confidence,
        charConfidences: charConfidences(p, T, C, READER_CHARSET, best.text),
        alternatives,
      });
    }
    return readings;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
