// RecognitionEngine: the app's one entry to plate recognition (detect, read, recognize).
// Loads models/plate-detector.onnx and models/plate-reader.onnx by path and exposes their
// versions and hashes for provenance. No globals and no Electron: each worker thread creates
// its own engine.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PlateCheck, PLATE_CHECK_THRESHOLD } from './check';
import { cornerCrops, pickCrops, PlateCorners, quadBounds, type Quad } from './corners';
import { NMS_IOU, PlateDetector, inputGeometry, iou, nms, pickRefined, refineRegion, tileRects, type DetectorOptions, type PlateBox } from './detector';
import { cropRgb, decodeRgb, isRgbImage, loadBytes, probeSize, resizeRgb, type ImageInput, type Rect, type RgbImage } from './preprocess';
import { PlateReader, lettersO, trimEdge, voteReadings, type PlateReading, type ReaderOptions } from './reader';

export type { PlateBox } from './detector';
export type { PlateReading } from './reader';
export type { Point, Quad } from './corners';
export type { RgbImage, ImageInput, Rect } from './preprocess';
export { ImageDecodeError } from './preprocess';
export { PLATE_CHECK_THRESHOLD } from './check';

export const DEFAULT_MODELS_DIR = fileURLToPath(new URL('../../models/', import.meta.url));

export interface ModelInfo {
  name: string;
  file: string;
  version: string;
  sha256: string;
}

export interface RecognizedPlate extends PlateReading {
  box: PlateBox;
  /** The reader confirmed a plate here (enough characters, confident enough) in the engine's own
   * crop; with the crop vote the text may come from another crop, with that crop's confidence. */
  verified: boolean;
  /** The plate's corners (top-left, top-right, bottom-right, bottom-left, frame pixels) inside
   * its box, found by models/plate-corners.onnx for verified plates when the engine has it. */
  corners?: Quad;
  /** The detector's own box, when `box` is the outline's bounds (`cornerBoxes`). */
  detectorBox?: PlateBox;
  /** The plate check's probability that the box holds a plate, for every box the reader confirmed
   * when the engine has a check (`plateCheck`); under PLATE_CHECK_THRESHOLD the box is not verified. */
  plateCheck?: number;
}

export interface EngineOptions {
  modelsDir?: string;
  /** ONNX intra-op threads per model (default 2). */
  threads?: number;
  detector?: DetectorOptions;
  reader?: ReaderOptions;
  /** Extra margin around a detected box before reading, as a fraction of its size. */
  cropMargin?: number;
  /**
   * A detection counts as a plate only if the reader gives at least `minTextLength`
   * characters with confidence >= `minReadConfidence` (defaults 2 and MIN_READ_CONFIDENCE, 0.1,
   * fixed a priori; the floor was fitted in session 11 and kept): most detector false positives
   * are signs and grilles that read as one or two unsure characters.
   */
  minReadConfidence?: number;
  minTextLength?: number;
  /**
   * A box narrower than this many frame pixels is never confirmed as a plate, whatever it reads
   * (default 0: no floor). Below ~2 px a character nothing is legible, and such boxes read as
   * two confident characters often enough to pass the text thresholds.
   */
  minVerifyWidth?: number;
  /**
   * Frames above 2560 px (4K) are also searched in overlapping tiles so that small plates
   * keep enough pixels (default true; 1080p and smaller always take one pass).
   */
  tiles?: boolean;
  /**
   * Further whole-frame detector passes at these input sizes (longest side, px), merged with
   * the main pass by NMS: a larger input magnifies small plates; a smaller one shrinks close-up
   * plates into the sizes the detector knows and adds only those (default none).
   */
  extraDetectorSizes?: number[];
  /**
   * Before reading, look at each detected box again with a second detector pass on the region
   * around it, magnified so the box is 128 px wide, and read the box that pass finds (default
   * false; see docs/recognition.md, "Box refinement").
   */
  refineBoxes?: boolean;
  /**
   * Read each verified box in three crops (horizontal margin `cropMargin`, 0 and 10% of the box
   * width) and keep the text they support most (`voteReadings`); whether a box is a plate is
   * still decided by the `cropMargin` crop alone. Default true since 2026-11-27 (session 7 rule:
   * docs/recognition.md, "Crop vote").
   */
  cropVote?: boolean;
  /**
   * A second reader model (ONNX file) that joins the crop vote: it reads the vote's crops too and
   * its readings are voted with the engine reader's (default none). It never decides whether a
   * box is a plate, and a crop read alone (`read`) is read by the engine reader only.
   */
  voteReader?: string;
  /**
   * `trimEdge` threshold (0..1, 0 = off; default EDGE_TRIM): applied to the reading a box or crop
   * ends with, after the crop vote, never to the crop that decides whether a box is a plate.
   */
  edgeTrim?: number;
  /**
   * A crop read whole (`read`, `readCrop`) whose reading has a character below this confidence is
   * read again with its sides inset by INSET_MARGINS and the three readings vote (`voteReadings`),
   * then the edge trim (0 = off; default INSET_VOTE). Boxes found in frames have their own crop vote.
   */
  insetVote?: number;
  /**
   * Write a 0 between letters (or a letter and the plate's end) as the letter O, `lettersO` (default
   * false): the convention of labels that write what a plate means, against us-plate-crops' digit.
   */
  lettersO?: boolean;
  /**
   * Find each verified plate's corners (`RecognizedPlate.corners`) with models/plate-corners.onnx
   * (default: whenever that file is in the models folder; true without it is an error).
   */
  corners?: boolean;
  /**
   * Let a plate check veto boxes the reader confirmed: a box whose plate probability is under
   * PLATE_CHECK_THRESHOLD is not verified (a badge, a sign, a date on a photo). `true`: the models
   * folder's plate-check.onnx; a path: that model (a candidate, as `pipeline.py train-check` writes);
   * `false`: off. Default: on when the models folder has plate-check.onnx, which it does not ship (no
   * check has passed its release check yet: docs/recognition.md "Plate check").
   */
  plateCheck?: boolean | string;
  /**
   * Read each verified plate once more, rectified through its corners (`greyQuad`, widened by
   * RECTIFY_MARGINS), and let that reading join the crop vote (default false; needs corners;
   * docs/recognition.md "Corners").
   */
  rectify?: boolean;
  /**
   * Report each verified plate's box as its outline's bounds (clipped to the frame) once its
   * corners are found; the box the detector gave is kept as `detectorBox`. Reading, and which boxes
   * are plates, are unchanged (default false; needs corners; docs/recognition.md "Corners").
   */
  cornerBoxes?: boolean;
}

/** Margins of a rectified read, as fractions of the plate's own width and height (each side). */
export const RECTIFY_MARGINS = { x: 0.04, y: 0.08 };

/**
 * Plates wider than this at the detector's input are at the top of (or beyond) the widths it
 * trained on (synthetic plates up to 220 px in 512 px crops): a smaller extra pass keeps only boxes
 * that would be this wide in the main pass.
 */
const CLOSE_UP_WIDTH = 160;

/**
 * Default edge trim (session 10, training/README.md "Session 10"): fitted on the training photos read
 * by eye (0.6-0.95 read 159-160 of 266 plates, none 156; ties to the smaller), then the release check:
 * held-out US crops 341 -> 344 exact, hand-read US photos unchanged, detection unchanged by construction.
 */
export const EDGE_TRIM = 0.8;

/** Default whole-reading confidence that confirms a box as a plate (fixed a priori in session 1;
 * fitted in session 11 on the training photos and kept: lower floors confirmed mostly misreads). */
export const MIN_READ_CONFIDENCE = 0.1;

/** Horizontal margins of the crop vote; the engine's own margin sits between them. */
const VOTE_MARGINS = [0, 0.1];

/** Horizontal insets (a fraction of the crop's width, each side) of the inset vote of a crop read whole. */
export const INSET_MARGINS = [0.02, 0.06];

/** The inset vote's regions of a crop `width` x `height` (INSET_MARGINS, full height). */
export function insetRegions(width: number, height: number): Rect[] {
  return INSET_MARGINS.map((i) => ({ x: width * i, y: 0, w: width * (1 - 2 * i), h: height }));
}

/**
 * Default inset vote (session 13, training/README.md "Session 13"): a crop whose reading has a
 * character under this confidence is read again inset. Fitted on the training photos' plates cut at
 * their labelled boxes and read as crops (O and 0 alike: 160 -> 167 of 266, US 56 -> 59 of 80; the
 * tuning half 373 either way), then the release check on the held-out half.
 */
export const INSET_VOTE = 0.9;

interface Settings {
  cropMargin: number;
  minReadConfidence: number;
  minTextLength: number;
  minVerifyWidth: number;
  tiles: boolean;
  extraSizes: number[];
  refineBoxes: boolean;
  cropVote: boolean;
  edgeTrim: number;
  insetVote: number;
  lettersO: boolean;
  rectify: boolean;
  cornerBoxes: boolean;
}

export interface RecognizeOptions {
  /** Also return detections the reader did not verify (verified: false). */
  keepUnverified?: boolean;
  /** Read only boxes with at least this detector score (default 0: every box the detector keeps). */
  minScore?: number;
}

/**
 * Close-up boxes (from a detector pass smaller than the main one) join the main pass's read boxes:
 * a verified close-up competes with them in one NMS by detector score, so it can replace a main box
 * that covers part of a large plate; an unverified one never suppresses anything and is kept (for
 * `keepUnverified`) only where no other box lies. Session 10's plain NMS let a close-up box that
 * read nothing replace a main box that read its plate (training/README.md "Session 11").
 */
export function mergeCloseUps(plates: RecognizedPlate[], closeUps: RecognizedPlate[]): RecognizedPlate[] {
  const scored = (p: RecognizedPlate) => ({ ...p.box, plate: p });
  const kept = nms([...plates, ...closeUps.filter((p) => p.verified)].map(scored)).map((k) => k.plate);
  const lone = nms(closeUps.filter((p) => !p.verified).map(scored))
    .map((k) => k.plate)
    .filter((p) => kept.every((k) => iou(k.box, p.box) < NMS_IOU));
  return kept.concat(lone).sort((a, b) => b.box.score - a.box.score);
}

/** A quadrilateral's bounds, clipped to a width x height frame. */
export function clippedBounds(q: Quad, width: number, height: number): Rect {
  const b = quadBounds(q);
  const x = Math.max(0, b.x);
  const y = Math.max(0, b.y);
  return { x, y, w: Math.max(0, Math.min(width, b.x + b.w) - x), h: Math.max(0, Math.min(height, b.y + b.h) - y) };
}

function modelInfo(dir: string, name: string): ModelInfo {
  return fileInfo(join(dir, `${name}.onnx`), name);
}

/** A model file's version (from the card beside it, `<file minus .onnx>.json`) and SHA-256. */
function fileInfo(file: string, name: string): ModelInfo {
  if (!existsSync(file)) throw new Error(`model file not found: ${file}`);
  const sha256 = createHash('sha256').update(readFileSync(file)).digest('hex');
  let version = 'unversioned';
  const card = file.replace(/\.onnx$/, '') + '.json';
  if (existsSync(card)) {
    const parsed = JSON.parse(readFileSync(card, 'utf8')) as { version?: string; sha256?: string };
    version = parsed.version ?? version;
    // a card describing another file must not lend it its version
    if (parsed.sha256 && parsed.sha256 !== sha256) version = `${version}+modified`;
  }
  return { name, file, version, sha256 };
}

/** "name@version+sha8": one model, as provenance records name it. */
export function modelTag(m: ModelInfo): string {
  return `${m.name}@${m.version}+${m.sha256.slice(0, 8)}`;
}

function validSizes(sizes: number[]): number[] {
  for (const s of sizes) {
    if (!Number.isInteger(s) || s < 64 || s > 4096) throw new Error(`detector input size must be a whole number of pixels from 64 to 4096, got ${s}`);
  }
  return [...sizes];
}

export class RecognitionEngine {
  readonly models: { detector: ModelInfo; reader: ModelInfo; corners?: ModelInfo; check?: ModelInfo };

  private constructor(
    private readonly detector: PlateDetector,
    private readonly reader: PlateReader,
    models: RecognitionEngine['models'],
    private readonly settings: Settings,
    private readonly voter?: { reader: PlateReader; info: ModelInfo },
    private readonly cornerNet?: PlateCorners,
    private readonly checkNet?: PlateCheck,
  ) {
    this.models = models;
  }

  /**
   * How boxes become readings, for provenance (no spaces): `vote:0.04,0,0.1` (crop vote over
   * those horizontal margins) or `crop:0.04` (one crop), `+refine` when boxes are refined,
   * `+rectified:0.04,0.08` when a rectified read joins the vote, `+cornerBoxes` when a plate's box is
   * its outline's bounds, `+check0.2` when the plate check vetoes confirmed boxes under that probability, `+min16` when boxes narrower than 16 px are never confirmed, `+conf0.05` when a box is confirmed
   * by a reading confidence other than MIN_READ_CONFIDENCE, `+trim0.8` with an edge trim, `+wordO`
   * when a 0 among letters is written O.
   */
  get readingMethod(): string {
    const { cropMargin, cropVote, refineBoxes, minVerifyWidth, minReadConfidence } = this.settings;
    const second = cropVote && this.voter ? `+reader:${this.voter.info.sha256.slice(0, 8)}` : '';
    const rectified = `${this.settings.rectify ? `+rectified:${RECTIFY_MARGINS.x},${RECTIFY_MARGINS.y}` : ''}${this.settings.cornerBoxes ? '+cornerBoxes' : ''}`;
    const check = this.checkNet ? `+check${PLATE_CHECK_THRESHOLD}` : '';
    return `${cropVote ? `vote:${[cropMargin, ...VOTE_MARGINS].join(',')}` : `crop:${cropMargin}`}${second}${rectified}${check}${refineBoxes ? '+refine' : ''}${minVerifyWidth > 0 ? `+min${minVerifyWidth}` : ''}${minReadConfidence !== MIN_READ_CONFIDENCE ? `+conf${minReadConfidence}` : ''}${this.finishing}`;
  }

  /**
   * How a crop read whole (`read`, `canvass eval --crops`) becomes a reading, for reports: `whole`,
   * `+insets:0.02,0.06@0.9` with the inset vote, `+trim0.8` with an edge trim, `+wordO` when a 0
   * among letters is written O.
   */
  get cropReadingMethod(): string {
    const { insetVote } = this.settings;
    return `whole${insetVote > 0 ? `+insets:${INSET_MARGINS.join(',')}@${insetVote}` : ''}${this.finishing}`;
  }

  /** What `finish` does to every final reading, as both reading methods end. */
  private get finishing(): string {
    const { edgeTrim, lettersO: wordO } = this.settings;
    return `${edgeTrim > 0 ? `+trim${edgeTrim}` : ''}${wordO ? '+wordO' : ''}`;
  }

  /** Whether each box is read in three crops and the best-supported reading kept. */
  get votesCrops(): boolean {
    return this.settings.cropVote;
  }

  /** Whether verified plates get their corners found (models/plate-corners.onnx). */
  get findsCorners(): boolean {
    return this.cornerNet !== undefined;
  }

  /** Whether a plate check vetoes confirmed boxes (`plateCheck`: the models folder's or a named one). */
  get checksPlates(): boolean {
    return this.checkNet !== undefined;
  }

  /** Whether detected boxes are refined by a local detector pass before reading. */
  get refinesBoxes(): boolean {
    return this.settings.refineBoxes;
  }

  /** Detector input sizes (longest side) of every whole-frame pass, the main one first. */
  get detectorSizes(): number[] {
    return [this.detector.inputSize, ...this.settings.extraSizes];
  }

  static async create(opts: EngineOptions = {}): Promise<RecognitionEngine> {
    const dir = opts.modelsDir ?? DEFAULT_MODELS_DIR;
    const models: RecognitionEngine['models'] = { detector: modelInfo(dir, 'plate-detector'), reader: modelInfo(dir, 'plate-reader') };
    const threads = opts.threads ?? 2;
    const extraSizes = validSizes(opts.extraDetectorSizes ?? []);
    if (opts.voteReader && opts.cropVote === false) throw new Error('voteReader joins the crop vote: it does nothing with cropVote off');
    const edgeTrim = opts.edgeTrim ?? EDGE_TRIM;
    if (!(edgeTrim >= 0 && edgeTrim <= 1)) throw new Error(`edgeTrim must be a confidence from 0 to 1, got ${opts.edgeTrim}`);
    const insetVote = opts.insetVote ?? INSET_VOTE;
    if (!(insetVote >= 0 && insetVote <= 1)) throw new Error(`insetVote must be a confidence from 0 to 1, got ${opts.insetVote}`);
    const voterInfo = opts.voteReader ? fileInfo(opts.voteReader, 'vote-reader') : undefined;
    const cornersFile = join(dir, 'plate-corners.onnx');
    const corners = opts.corners ?? existsSync(cornersFile);
    if (corners) models.corners = fileInfo(cornersFile, 'plate-corners');
    if (opts.rectify && !corners) throw new Error('rectify reads plates through their corners: it needs corners on (models/plate-corners.onnx)');
    if (opts.cornerBoxes && !corners) throw new Error('cornerBoxes takes boxes from the corners: it needs corners on (models/plate-corners.onnx)');
    if (typeof opts.plateCheck === 'string' && !opts.plateCheck.trim()) throw new Error('plateCheck: give the path of a plate check model (.onnx), or true / false');
    const checkFile = typeof opts.plateCheck === 'string' ? opts.plateCheck : join(dir, 'plate-check.onnx');
    if (opts.plateCheck ?? existsSync(checkFile)) models.check = fileInfo(checkFile, 'plate-check');
    const [detector, reader, voter, cornerNet, checkNet] = await Promise.all([
      PlateDetector.load(models.detector.file, { threads, ...opts.detector }),
      PlateReader.load(models.reader.file, { threads, ...opts.reader }),
      opts.voteReader ? PlateReader.load(opts.voteReader, { threads, ...opts.reader }) : undefined,
      models.corners ? PlateCorners.load(models.corners.file, { threads }) : undefined,
      models.check ? PlateCheck.load(models.check.file, { threads }) : undefined,
    ]);
    return new RecognitionEngine(detector, reader, models, {
      cropMargin: opts.cropMargin ?? 0.04,
      minReadConfidence: opts.minReadConfidence ?? MIN_READ_CONFIDENCE,
      minTextLength: opts.minTextLength ?? 2,
      minVerifyWidth: opts.minVerifyWidth ?? 0,
      tiles: opts.tiles ?? true,
      extraSizes,
      refineBoxes: opts.refineBoxes ?? false,
      cropVote: opts.cropVote ?? true,
      edgeTrim,
      insetVote,
      lettersO: opts.lettersO ?? false,
      rectify: opts.rectify ?? false,
      cornerBoxes: opts.cornerBoxes ?? false,
    }, voter && voterInfo ? { reader: voter, info: voterInfo } : undefined, cornerNet, checkNet);
  }

  /** "plate-detector@version+sha8, plate-reader@version+sha8" (and ", plate-corners@..." when the
   * engine finds corners, ", plate-check@..." when it checks plates) for provenance records. */
  get version(): string {
    const extra = [this.models.corners, this.models.check].flatMap((m) => (m ? [`, ${modelTag(m)}`] : [])).join('');
    return `${modelTag(this.models.detector)}, ${modelTag(this.models.reader)}${extra}`;
  }

  /**
   * Plate boxes in frame pixels, best first. A damaged file (path or bytes) is read as far as it
   * decodes, without saying so: `decodeRgb` first tells of the damage (`RgbImage.damage`); the same
   * holds for `read` and `recognize`.
   */
  async detect(image: ImageInput): Promise<PlateBox[]> {
    const { boxes, closeUps } = await this.detectWithFrame(image, false);
    // without reading, a close-up box competes with the main pass's boxes by score alone
    return closeUps.length ? nms(boxes.concat(closeUps)) : boxes;
  }

  /** Read a plate crop (path, encoded bytes or pixels). */
  async read(crop: ImageInput): Promise<PlateReading> {
    return this.readCrop(await decodeRgb(crop));
  }

  /**
   * Read a decoded plate crop whole (one model run), then, when the reading is unsure (the inset
   * vote), twice more with its sides inset, keeping the text the three support most; the edge trim
   * when set.
   */
  async readCrop(img: RgbImage): Promise<PlateReading> {
    const [reading] = await this.reader.readRegions(img, [{ x: 0, y: 0, w: img.width, h: img.height }]);
    const r = reading!;
    const u = this.settings.insetVote;
    if (u > 0 && (r.charConfidences.length === 0 || Math.min(...r.charConfidences) < u)) {
      const inset = await this.reader.readRegions(img, insetRegions(img.width, img.height));
      return this.finish(voteReadings([r, ...inset]));
    }
    return this.finish(r);
  }

  private finish(r: PlateReading): PlateReading {
    const trimmed = trimEdge(r, this.settings.edgeTrim); // 0: unchanged
    return this.settings.lettersO ? lettersO(trimmed) : trimmed;
  }

  /** The plate's corners inside each box of a decoded frame (null where the net's answer is not a
   * plate outline, and everywhere when the engine has no corner net), in one batch. */
  async findCorners(frame: RgbImage, boxes: Rect[]): Promise<(Quad | null)[]> {
    return this.cornerNet ? this.cornerNet.find(frame, boxes) : boxes.map(() => null);
  }

  /** Read several regions of one decoded frame in a single batch. */
  async readRegions(img: RgbImage, rects: Rect[]): Promise<PlateReading[]> {
    return this.reader.readRegions(img, rects);
  }

  /** Detect every plate in a frame and read each one; best detector score first. */
  async recognize(image: ImageInput, opts: RecognizeOptions = {}): Promise<RecognizedPlate[]> {
    const { boxes, closeUps, frame } = await this.detectWithFrame(image, true);
    const min = opts.minScore ?? 0;
    const main = boxes.filter((b) => b.score >= min);
    const near = closeUps.filter((b) => b.score >= min);
    if (!frame || main.length + near.length === 0) return [];
    const plates = main.length ? await this.readBoxes(frame, main) : [];
    const merged = near.length ? mergeCloseUps(plates, await this.readBoxes(frame, near)) : plates;
    return opts.keepUnverified ? merged : merged.filter((p) => p.verified);
  }

  /**
   * Read detected boxes of a decoded frame: each box refined first when `refineBoxes` is on
   * (boxes that become one are merged), widened by the crop margin, read in one batch, and marked
   * verified when that reading passes the engine's thresholds (and the box is at least
   * `minVerifyWidth` wide); with `cropVote`, the verified boxes are read again in two more crops
   * (and in all three by the `voteReader`, when there is one) and take the best-supported text.
   * Verified plates get their corners when the engine has the corner net; with `rectify` a reading
   * through them joins the vote, with `cornerBoxes` their bounds become the box.
   */
  async readBoxes(frame: RgbImage, detected: PlateBox[]): Promise<RecognizedPlate[]> {
    const { cropMargin: m, minTextLength, minReadConfidence, minVerifyWidth, cropVote } = this.settings;
    const boxes = this.settings.refineBoxes ? await this.refine(frame, detected) : detected;
    const rect = (b: PlateBox, mx: number) => ({ x: b.x - b.w * mx, y: b.y - b.h * m, w: b.w * (1 + 2 * mx), h: b.h * (1 + 2 * m) });
    const own = await this.reader.readRegions(frame, boxes.map((b) => rect(b, m)));
    // Whether a box is a plate is decided by the engine's own crop alone: with three crops, any
    // of them can read a grille or a sign confidently (verified precision fell 3-6 points).
    const verified = own.map((r, i) => boxes[i]!.w >= minVerifyWidth && r.text.length >= minTextLength && r.confidence >= minReadConfidence);
    let sure = boxes.flatMap((_, i) => (verified[i] ? [i] : []));
    // the corner net and the plate check see the same crops: made once
    let crops = (this.cornerNet || this.checkNet) && sure.length ? cornerCrops(frame, sure.map((i) => boxes[i]!)) : undefined;
    const checked = new Map<number, number>();
    if (this.checkNet && crops) {
      const p = await this.checkNet.scoreIn(crops);
      sure.forEach((i, j) => checked.set(i, p[j]!));
      const keep = sure.flatMap((_, j) => (p[j]! >= PLATE_CHECK_THRESHOLD ? [j] : []));
      if (keep.length < sure.length) {
        for (const [j, i] of sure.entries()) if (p[j]! < PLATE_CHECK_THRESHOLD) verified[i] = false;
        crops = pickCrops(crops, keep);
        sure = keep.map((j) => sure[j]!);
      }
    }
    const found = this.cornerNet && crops && sure.length ? await this.cornerNet.findIn(crops) : [];
    const quads = new Map(sure.flatMap((i, j) => (found[j] ? [[i, found[j]] as const] : [])));
    const rectified = new Map<number, PlateReading>();
    if (this.settings.rectify && quads.size) {
      const read = await this.reader.readQuads(frame, [...quads.values()], RECTIFY_MARGINS.x, RECTIFY_MARGINS.y);
      [...quads.keys()].forEach((i, j) => rectified.set(i, read[j]!));
    }
    const voters = cropVote ? sure : [];
    const extra = voters.length ? await this.reader.readRegions(frame, voters.flatMap((i) => VOTE_MARGINS.map((mx) => rect(boxes[i]!, mx)))) : [];
    const margins = [m, ...VOTE_MARGINS];
    const second = voters.length && this.voter ? await this.voter.reader.readRegions(frame, voters.flatMap((i) => margins.map((mx) => rect(boxes[i]!, mx)))) : [];
    const k = VOTE_MARGINS.length;
    const k2 = this.voter ? margins.length : 0;
    const throughCorners = (i: number) => (rectified.has(i) ? [rectified.get(i)!] : []);
    const voted = new Map(voters.map((i, j) => [i, voteReadings([own[i]!, ...extra.slice(j * k, (j + 1) * k), ...second.slice(j * k2, (j + 1) * k2), ...throughCorners(i)])]));
    if (!cropVote) for (const i of rectified.keys()) voted.set(i, voteReadings([own[i]!, ...throughCorners(i)]));
    return boxes.map((box, i) => {
      const v = voted.get(i);
      const r = v && v.text.length >= minTextLength ? v : own[i]!;
      const t = verified[i] ? this.finish(r) : r;
      const q = quads.get(i);
      const c = checked.get(i);
      const reading = { ...(t.text.length >= minTextLength ? t : r), verified: verified[i]!, ...(c === undefined ? {} : { plateCheck: c }) };
      if (!q) return { box, ...reading };
      if (!this.settings.cornerBoxes) return { box, ...reading, corners: q };
      return { box: { ...clippedBounds(q, frame.width, frame.height), score: box.score }, ...reading, corners: q, detectorBox: box };
    });
  }

  private async refine(frame: RgbImage, boxes: PlateBox[]): Promise<PlateBox[]> {
    const out: PlateBox[] = [];
    for (const b of boxes) {
      const r = refineRegion(b, frame.width, frame.height);
      if (r.w < 2 || r.h < 2) {
        out.push(b);
        continue;
      }
      const region = { width: r.w, height: r.h, data: cropRgb(frame, r.x, r.y, r.w, r.h) };
      const pixels = await resizeRgb(region, r.iw, r.ih, '<plate region>');
      const found = await this.detector.detectResized(pixels, r.iw, r.ih, { scale: r.iw / r.w, ox: r.x, oy: r.y, frameW: frame.width, frameH: frame.height });
      out.push(pickRefined(b, found));
    }
    return nms(out);
  }

  /**
   * The main pass's boxes (with the tiles' and any larger pass's, merged by NMS) and, apart, the
   * boxes of passes smaller than the main one that are large enough to be close-up plates: those
   * may replace a main box only once read (`mergeCloseUps`).
   */
  private async detectWithFrame(image: ImageInput, needFrame: boolean): Promise<{ boxes: PlateBox[]; closeUps: PlateBox[]; frame?: RgbImage }> {
    const size = this.detector.inputSize;
    let source: Buffer | RgbImage;
    let name = '<pixels>';
    let dims: { width: number; height: number };
    if (isRgbImage(image)) {
      source = image;
      dims = image;
    } else {
      const loaded = await loadBytes(image);
      source = loaded.bytes;
      name = loaded.name;
      dims = await probeSize(loaded.bytes, name);
    }
    const g = inputGeometry(dims.width, dims.height, size);
    const tiles = this.settings.tiles ? tileRects(dims.width, dims.height, size) : [];
    // tiles share one scale, so one extra resize of the whole frame serves them all
    const ts = tiles.length ? size / Math.max(tiles[0]!.w, tiles[0]!.h) : 0;
    const tw = Math.round(dims.width * ts);
    const th = Math.round(dims.height * ts);
    const extra = this.settings.extraSizes.map((s) => inputGeometry(dims.width, dims.height, s));
    const [small, mid, frame, ...larger] = await Promise.all([
      resizeRgb(source, g.w, g.h, name),
      tiles.length ? resizeRgb(source, tw, th, name) : Promise.resolve(undefined),
      needFrame ? decodeRgb(source, name) : Promise.resolve(undefined),
      ...extra.map((e) => resizeRgb(source, e.w, e.h, name)),
    ]);
    const base = { ox: 0, oy: 0, frameW: dims.width, frameH: dims.height };
    let boxes = await this.detector.detectResized(small, g.w, g.h, { ...base, scale: g.scale });
    let closeUps: PlateBox[] = [];
    let merge = tiles.length > 0;
    for (let i = 0; i < extra.length; i++) {
      const e = extra[i]!;
      const found = await this.detector.detectResized(larger[i]!, e.w, e.h, { ...base, scale: e.scale });
      if (e.scale < g.scale) {
        // A pass smaller than the main one is there for plates too large for it: it keeps only
        // boxes that would be at least CLOSE_UP_WIDTH px wide at the main pass's input.
        closeUps = closeUps.concat(found.filter((b) => b.w * g.scale >= CLOSE_UP_WIDTH));
      } else {
        boxes = boxes.concat(found);
        merge = true;
      }
    }
    if (mid) {
      const midImg = { width: tw, height: th, data: mid };
      for (const t of tiles) {
        const x = Math.min(tw - 1, Math.round(t.x * ts));
        const y = Math.min(th - 1, Math.round(t.y * ts));
        const w = Math.min(tw - x, Math.round(t.w * ts));
        const h = Math.min(th - y, Math.round(t.h * ts));
        const pixels = cropRgb(midImg, x, y, w, h);
        boxes = boxes.concat(await this.detector.detectResized(pixels, w, h, { ...base, scale: ts, ox: x / ts, oy: y / ts }));
      }
    }
    if (merge) boxes = nms(boxes);
    if (closeUps.length > 1) closeUps = nms(closeUps);
    return frame ? { boxes, closeUps, frame } : { boxes, closeUps };
  }

  async release(): Promise<void> {
    await Promise.all([this.detector.release(), this.reader.release(), this.voter?.reader.release(), this.cornerNet?.release(), this.checkNet?.release()]);
  }
}
