// Recognition evaluation over labelled folders, through the same RecognitionEngine the app
// uses. Scenes: detection recall/precision at IoU >= 0.5 and end-to-end reading of every
// labelled plate (a missed plate counts as misread). Crops: reading only.
import { performance } from 'node:perf_hooks';
import { basename } from 'node:path';
import { PLATE_CHECK_THRESHOLD } from '../recognition/check';
import { quadBounds } from '../recognition/corners';
import { iou } from '../recognition/detector';
import type { RecognitionEngine, RecognizedPlate } from '../recognition/index';
import { tooSmallForState, type StateReader } from '../recognition/state';
import { decodeRgb, ImageDecodeError, type RgbImage } from '../recognition/preprocess';
import { stateSyntax, syntaxCouldApply } from '../recognition/syntax';
import { loadCrops, loadScenes, type CropSplit, type SceneLayout } from './datasets';
import { charsRight, matchBoxes, round } from './metrics';
import { checkReviewDir, writeReview, type ReviewItem } from './review';

export const IOU_THRESHOLD = 0.5;

export interface EvalReport {
  set: string;
  kind: 'scenes' | 'crops';
  layout?: SceneLayout;
  split?: CropSplit;
  images: number;
  plates: number;
  detections: number | null;
  iou_threshold: number | null;
  detection_recall: number | null;
  detection_precision: number | null;
  /** The detector alone, before the reader verifies its boxes. */
  detector_only: { detections: number; recall: number | null; precision: number | null } | null;
  exact_top1: number | null;
  exact_topk: number | null;
  /** Top-1 exact when O and 0 count as one character (the benchmark labels mix them). */
  exact_top1_o_is_0: number | null;
  topk: number;
  char_accuracy: number | null;
  ms_per_image: number;
  ms_per_crop: number | null;
  models: string;
  /** Detector input sizes of the whole-frame passes (main first), scenes only. */
  detector_sizes?: number[];
  /** Whether boxes were refined by a local detector pass before reading, scenes only. */
  refine_boxes?: boolean;
  /** State recognition on crops with state labels (`--states`). */
  state?: StateReport;
  /** Read with the state syntax on (crops or scenes): each reading it changed. */
  state_syntax?: { changed: { file: string; read: string; state: string; text: string }[] };
  /**
   * Scenes with the state syntax on: confirmed plates whose state was read (those large enough whose
   * reading the syntax could change for some state: syntaxCouldApply), how many named one.
   */
  plate_states?: { read: number; named: number; ms_per_plate: number };
  /** Whether each box was read in three crops (crop vote), scenes only. */
  crop_vote?: boolean;
  /** How boxes became readings (crop margins, vote, floor: `RecognitionEngine.readingMethod`), scenes only. */
  reading_method?: string;
  /** Detection recall by file-name prefix (e.g. dayride / nightride), scenes only. */
  recall_by_group?: Record<string, { plates: number; recall: number | null }>;
  /** Images that could not be decoded: their plates count as missed and misread. */
  failed_images?: { file: string; error: string }[];
  /**
   * Damaged images (a JPEG cut short, corrupt data) that decoded only in part: read and counted like
   * the others (`decodeRgb`), listed with what the strict decoder said.
   */
  damaged_images?: { file: string; error: string }[];
  /** Recall by labelled plate width in frame pixels (small plates: the 20 px), scenes only. */
  recall_by_width?: Record<string, WidthRecall>;
  /**
   * Scenes read with corners: of the confirmed plates matched to a label, how many have corners, and
   * for those the mean IoU of the corners' bounds with the labelled box beside the detector box's.
   */
  corners?: { plates: number; found: number; corner_bounds_iou: number | null; box_iou: number | null };
  /**
   * Scenes read with a plate check (`plateCheck`, `--plate-check`): boxes the reader confirmed and the
   * check saw, those it vetoed (under `threshold`), and how many of the vetoed matched a labelled plate
   * (among the boxes the engine returns: a vetoed close-up box that a close-up merge drops is not counted).
   */
  plate_check?: { threshold: number; checked: number; vetoed: number; vetoed_labelled: number };
  confusions: Record<string, number>;
  misreads: { file: string; truth: string; read: string }[];
}

/** Plate width buckets (labelled box width in frame pixels) for `recall_by_width`. */
export const WIDTH_BUCKETS = [
  { label: '<20', max: 20 },
  { label: '20-40', max: 40 },
  { label: '40-80', max: 80 },
  { label: '80-160', max: 160 },
  { label: '>=160', max: Infinity },
] as const;

export function widthBucket(w: number): string {
  return WIDTH_BUCKETS.find((b) => w < b.max)!.label;
}

export interface WidthRecall {
  plates: number;
  /** Reader-verified boxes (what `recognize` returns). */
  recall: number | null;
  /** Detector boxes before the reader's check. */
  detector_recall: number | null;
}

export interface EvalOptions {
  limit?: number;
  onProgress?: (done: number, total: number) => void;
  /** An image that could not be decoded: it is skipped and reported, not fatal. */
  onError?: (file: string, err: Error) => void;
  /** The state reader: each crop's (or confirmed plate's) state is read. */
  states?: StateReader;
  /** Crops: score the states read against the labels' `state` column (`--states`). */
  scoreStates?: boolean;
  /**
   * With `states`: apply the named state's plate syntax to the reading (syntax.ts; default on). Off
   * reports the reader's own text beside the state.
   */
  stateSyntax?: boolean;
  /** A new or empty folder: every misread plate's crop and a `misreads.csv` row go there (review.ts). */
  review?: string;
}

/** How the state reader did on crops whose labels name a state (`--states`). */
export interface StateReport {
  /** Crops whose labels name a state. */
  labelled: number;
  /** Of those, how many the reader named a state for, and how many of those were right. */
  guessed: number;
  right: number;
  /** right / guessed: how far a named state can be trusted. */
  precision: number | null;
  /** guessed / labelled. */
  coverage: number | null;
  /** right / labelled. */
  accuracy: number | null;
  ms_per_crop: number;
  /** Wrong guesses (file, label, guess, what was read). */
  wrong: { file: string; truth: string; guess: string; evidence: string }[];
}

class Tally {
  plates = 0;
  readable = 0;
  top1 = 0;
  top1Oz = 0;
  topk = 0;
  charsRight = 0;
  chars = 0;
  confusions = new Map<string, number>();
  misreads: { file: string; truth: string; read: string }[] = [];

  add(file: string, truth: string, alternatives: string[]) {
    const read = alternatives[0] ?? '';
    this.readable++;
    this.chars += truth.length;
    this.charsRight += charsRight(read, truth);
    if (read.replaceAll('O', '0') === truth.replaceAll('O', '0')) this.top1Oz++;
    if (read === truth) this.top1++;
    else {
      this.misreads.push({ file: basename(file), truth, read }); // all of them: release checks pair plates
      if (read.length === truth.length) {
        for (let i = 0; i < read.length; i++) {
          if (read[i] !== truth[i]) {
            const key = `${truth[i]}->${read[i]}`;
            this.confusions.set(key, (this.confusions.get(key) ?? 0) + 1);
          }
        }
      } else {
        const key = read.length < truth.length ? 'dropped' : 'extra';
        this.confusions.set(key, (this.confusions.get(key) ?? 0) + 1);
      }
    }
    if (alternatives.includes(truth)) this.topk++;
  }

  topConfusions(): Record<string, number> {
    return Object.fromEntries([...this.confusions.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15));
  }
}

const ratio = (a: number, b: number) => (b > 0 ? round(a / b) : null);

export async function evaluateScenes(engine: RecognitionEngine, dir: string, opts: EvalOptions = {}): Promise<EvalReport> {
  const { layout, samples: all } = loadScenes(dir);
  const samples = opts.limit ? all.slice(0, opts.limit) : all;
  if (opts.review) checkReviewDir(opts.review);
  const review: ReviewItem[] = [];
  const t = new Tally();
  let detections = 0;
  let matched = 0;
  let rawDetections = 0;
  let rawMatched = 0;
  const groups = new Map<string, { plates: number; matched: number }>();
  const widths = new Map<string, { plates: number; matched: number; raw: number }>(WIDTH_BUCKETS.map((b) => [b.label, { plates: 0, matched: 0, raw: 0 }]));
  let gtBoxes = 0;
  let ms = 0;
  let topk = 0;
  const failed: { file: string; error: string }[] = [];
  const damaged: { file: string; error: string }[] = [];
  const corners = { plates: 0, found: 0, boundsIou: 0, boxIou: 0 };
  const check = { checked: 0, vetoed: 0, vetoedLabelled: 0 };
  const syntaxOn = opts.states !== undefined && opts.stateSyntax !== false;
  const stateTally: SceneStateTally = { read: 0, named: 0, ms: 0, changed: [], turned: new WeakMap() };
  for (const [i, s] of samples.entries()) {
    const t0 = performance.now();
    let all: Awaited<ReturnType<RecognitionEngine['recognize']>>;
    let unreadable = false;
    try {
      const frame = await decodeRgb(s.file);
      if (frame.damage !== undefined) damaged.push({ file: basename(s.file), error: frame.damage });
      all = await engine.recognize(frame, { keepUnverified: true });
      if (syntaxOn) all = await withStateSyntax(opts.states!, frame, all, s.file, stateTally);
    } catch (err) {
      // one unreadable image must not void the whole measurement: it is reported, and its
      // plates count as missed
      if (!(err instanceof ImageDecodeError)) throw err;
      failed.push({ file: basename(s.file), error: err.message });
      opts.onError?.(s.file, err);
      all = [];
      unreadable = true;
    }
    ms += performance.now() - t0;
    const plates = all.filter((p) => p.verified);
    const vetoed = all.filter((p) => p.plateCheck !== undefined && p.plateCheck < PLATE_CHECK_THRESHOLD);
    check.checked += all.filter((p) => p.plateCheck !== undefined).length;
    check.vetoed += vetoed.length;
    check.vetoedLabelled += matchBoxes(s.plates, vetoed.map((p) => p.box), IOU_THRESHOLD).filter((d) => d >= 0).length;
    rawDetections += all.length;
    const rawAssign = matchBoxes(s.plates, all.map((p) => p.box), IOU_THRESHOLD);
    rawMatched += rawAssign.filter((d) => d >= 0).length;
    detections += plates.length;
    gtBoxes += s.plates.length;
    const assign = matchBoxes(s.plates, plates.map((p) => p.box), IOU_THRESHOLD);
    const group = basename(s.file).split(/[_.-]/)[0] ?? '';
    const gstat = groups.get(group) ?? { plates: 0, matched: 0 };
    groups.set(group, gstat);
    s.plates.forEach((g, gi) => {
      const d = assign[gi]!;
      const wstat = widths.get(widthBucket(g.w))!;
      wstat.plates++;
      if (d >= 0) wstat.matched++;
      if (rawAssign[gi]! >= 0) wstat.raw++;
      gstat.plates++;
      if (d >= 0) {
        matched++;
        gstat.matched++;
        const q = plates[d]!.corners;
        corners.plates++;
        if (q) {
          corners.found++;
          corners.boundsIou += iou(quadBounds(q), g);
          corners.boxIou += iou(plates[d]!.detectorBox ?? plates[d]!.box, g);
        }
      }
      if (g.text === null || g.text === '') return;
      const p = d >= 0 ? plates[d]! : undefined;
      topk = Math.max(topk, p?.alternatives.length ?? 0);
      t.add(s.file, g.text, p ? p.alternatives.map((a) => a.text) : []);
      if (opts.review && (p?.text ?? '') !== g.text) {
        // no confirmed box: the unconfirmed one that matched the label, else the nearest box
        const near = all.map((q) => ({ q, o: iou(q.box, g) })).reduce<{ q?: (typeof all)[number]; o: number }>((a, b) => (b.o > a.o ? b : a), { o: 0 });
        const other = p ? undefined : rawAssign[gi]! >= 0 ? all[rawAssign[gi]!]! : near.q;
        review.push({
          file: s.file,
          truth: g.text,
          read: p?.text ?? '',
          confidence: p?.confidence ?? null,
          alternatives: p ? p.alternatives.map((a) => a.text) : [],
          found: unreadable ? 'unreadable' : p ? 'read' : rawAssign[gi]! >= 0 ? 'unconfirmed' : 'missed',
          label: { x: g.x, y: g.y, w: g.w, h: g.h },
          ...((p ?? other) ? { box: (p ?? other)!.box } : {}),
          iou: near.o,
          ...(other ? { other: { read: other.text, confidence: other.confidence, confirmed: other.verified } } : {}),
          ...(p && stateTally.turned.has(p) ? { syntax: stateTally.turned.get(p)! } : {}),
        });
      }
    });
    opts.onProgress?.(i + 1, samples.length);
  }
  const hasText = t.readable > 0;
  if (opts.review) await writeReview(opts.review, review);
  return {
    set: dir,
    kind: 'scenes',
    layout,
    images: samples.length,
    plates: gtBoxes,
    detections,
    iou_threshold: IOU_THRESHOLD,
    detection_recall: ratio(matched, gtBoxes),
    detection_precision: ratio(matched, detections),
    detector_only: { detections: rawDetections, recall: ratio(rawMatched, gtBoxes), precision: ratio(rawMatched, rawDetections) },
    exact_top1: hasText ? ratio(t.top1, t.readable) : null,
    exact_topk: hasText ? ratio(t.topk, t.readable) : null,
    exact_top1_o_is_0: hasText ? ratio(t.top1Oz, t.readable) : null,
    topk,
    char_accuracy: hasText ? ratio(t.charsRight, t.chars) : null,
    ms_per_image: round(ms / Math.max(1, samples.length), 2),
    ms_per_crop: null,
    models: engine.version,
    detector_sizes: engine.detectorSizes,
    refine_boxes: engine.refinesBoxes,
    crop_vote: engine.votesCrops,
    reading_method: `${engine.readingMethod}${syntaxOn ? '+stateSyntax' : ''}`,
    // only meaningful when names share a few prefixes (dash-cam rides), not one per image
    ...(groups.size > 1 && groups.size <= 8
      ? { recall_by_group: Object.fromEntries([...groups].map(([k, v]) => [k, { plates: v.plates, recall: ratio(v.matched, v.plates) }])) }
      : {}),
    ...(failed.length ? { failed_images: failed } : {}),
    ...(damaged.length ? { damaged_images: damaged } : {}),
    recall_by_width: Object.fromEntries(
      [...widths].filter(([, v]) => v.plates > 0).map(([k, v]) => [k, { plates: v.plates, recall: ratio(v.matched, v.plates), detector_recall: ratio(v.raw, v.plates) }]),
    ),
    ...(engine.checksPlates
      ? { plate_check: { threshold: PLATE_CHECK_THRESHOLD, checked: check.checked, vetoed: check.vetoed, vetoed_labelled: check.vetoedLabelled } }
      : {}),
    ...(engine.findsCorners
      ? { corners: { plates: corners.plates, found: corners.found, corner_bounds_iou: ratio(corners.boundsIou, corners.found), box_iou: ratio(corners.boxIou, corners.found) } }
      : {}),
    ...(syntaxOn
      ? {
          state_syntax: { changed: stateTally.changed },
          plate_states: { read: stateTally.read, named: stateTally.named, ms_per_plate: round(stateTally.ms / Math.max(1, stateTally.read), 2) },
        }
      : {}),
    confusions: t.topConfusions(),
    misreads: t.misreads,
  };
}

interface SceneStateTally {
  /** Confirmed boxes large enough to read a state from, how many named one, time spent. */
  read: number;
  named: number;
  ms: number;
  changed: NonNullable<EvalReport['state_syntax']>['changed'];
  /** The plates whose reading the syntax changed, with the reader's text (for --review). */
  turned: WeakMap<RecognizedPlate, NonNullable<ReviewItem['syntax']>>;
}

/**
 * Scenes: the state printed on each confirmed plate large enough for it (tooSmallForState), and
 * that state's plate syntax applied to its reading, as the crops path and the footage job do.
 */
async function withStateSyntax(states: StateReader, frame: RgbImage, plates: RecognizedPlate[], file: string, tally: SceneStateTally): Promise<RecognizedPlate[]> {
  const out: RecognizedPlate[] = [];
  for (const p of plates) {
    // a reading the syntax could not change under any state needs no state read
    if (!p.verified || !syntaxCouldApply(p.text) || tooSmallForState(p.box)) {
      out.push(p);
      continue;
    }
    const t0 = performance.now();
    const g = await states.read(frame, p.box);
    tally.ms += performance.now() - t0;
    tally.read++;
    if (g) tally.named++;
    const ruled = stateSyntax(p, g?.code);
    const plate = { ...p, ...ruled };
    if (ruled !== p) {
      tally.changed.push({ file: basename(file), read: p.text, state: g!.code, text: ruled.text });
      tally.turned.set(plate, { read: p.text, state: g!.code });
    }
    out.push(plate);
  }
  return out;
}

export async function evaluateCrops(engine: RecognitionEngine, dir: string, labelsCsv: string, split: CropSplit = 'all', opts: EvalOptions = {}): Promise<EvalReport> {
  const all = loadCrops(dir, labelsCsv, split);
  if (all.length === 0) throw new Error(`no labelled crops found for ${labelsCsv}`);
  const samples = opts.limit ? all.slice(0, opts.limit) : all;
  if (opts.scoreStates && !opts.states) throw new Error('state scoring needs the state reader');
  if (opts.scoreStates && !all.some((s) => s.state)) throw new Error(`state scoring: ${labelsCsv} has no state column of two-letter codes`);
  if (opts.review) checkReviewDir(opts.review);
  const review: ReviewItem[] = [];
  const t = new Tally();
  let msImage = 0;
  let msCrop = 0;
  let topk = 0;
  const st = { labelled: 0, guessed: 0, right: 0, ms: 0, wrong: [] as StateReport['wrong'] };
  const failed: { file: string; error: string }[] = [];
  const damaged: { file: string; error: string }[] = [];
  const syntaxOn = opts.states !== undefined && opts.stateSyntax !== false;
  const syntax: NonNullable<EvalReport['state_syntax']>['changed'] = [];
  for (const [i, s] of samples.entries()) {
    const t0 = performance.now();
    let img: Awaited<ReturnType<typeof decodeRgb>>;
    try {
      img = await decodeRgb(s.file);
      if (img.damage !== undefined) damaged.push({ file: basename(s.file), error: img.damage });
    } catch (err) {
      if (!(err instanceof ImageDecodeError)) throw err;
      failed.push({ file: basename(s.file), error: err.message });
      opts.onError?.(s.file, err);
      t.add(s.file, s.text, []); // counts as misread
      if (opts.review) review.push({ file: s.file, truth: s.text, read: '', confidence: null, alternatives: [], found: 'unreadable' });
      opts.onProgress?.(i + 1, samples.length);
      continue;
    }
    const t1 = performance.now();
    let r = await engine.readCrop(img);
    let turned: ReviewItem['syntax'];
    const t2 = performance.now();
    msImage += t2 - t0;
    msCrop += t2 - t1;
    if (opts.states && (opts.scoreStates || (syntaxOn && syntaxCouldApply(r.text)))) {
      const t3 = performance.now();
      const g = await opts.states.read(img);
      const stateMs = performance.now() - t3;
      st.ms += stateMs;
      if (syntaxOn) msImage += stateMs; // part of reading the crop, as in the scene path
      if (opts.scoreStates && s.state) {
        st.labelled++;
        if (g) {
          st.guessed++;
          if (g.code === s.state) st.right++;
          else st.wrong.push({ file: basename(s.file), truth: s.state, guess: g.code, evidence: g.evidence });
        }
      }
      if (syntaxOn) {
        const ruled = stateSyntax(r, g?.code);
        if (ruled !== r) {
          syntax.push({ file: basename(s.file), read: r.text, state: g!.code, text: ruled.text });
          turned = { read: r.text, state: g!.code };
        }
        r = ruled;
      }
    }
    topk = Math.max(topk, r.alternatives.length);
    t.add(s.file, s.text, r.alternatives.map((a) => a.text));
    if (opts.review && r.text !== s.text) review.push({ file: s.file, truth: s.text, read: r.text, confidence: r.confidence, alternatives: r.alternatives.map((a) => a.text), found: 'crop', ...(turned ? { syntax: turned } : {}) });
    opts.onProgress?.(i + 1, samples.length);
  }
  const n = Math.max(1, samples.length - failed.length);
  if (opts.review) await writeReview(opts.review, review);
  return {
    set: dir,
    kind: 'crops',
    split,
    images: samples.length,
    plates: samples.length,
    detections: null,
    iou_threshold: null,
    detection_recall: null,
    detection_precision: null,
    detector_only: null,
    exact_top1: ratio(t.top1, t.readable),
    exact_topk: ratio(t.topk, t.readable),
    exact_top1_o_is_0: ratio(t.top1Oz, t.readable),
    topk,
    char_accuracy: ratio(t.charsRight, t.chars),
    ms_per_image: round(msImage / n, 2),
    ms_per_crop: round(msCrop / n, 2),
    models: engine.version,
    reading_method: `${engine.cropReadingMethod}${syntaxOn ? '+stateSyntax' : ''}`,
    ...(syntaxOn ? { state_syntax: { changed: syntax } } : {}),
    ...(opts.scoreStates
      ? {
          state: {
            labelled: st.labelled,
            guessed: st.guessed,
            right: st.right,
            precision: ratio(st.right, st.guessed),
            coverage: ratio(st.guessed, st.labelled),
            accuracy: ratio(st.right, st.labelled),
            ms_per_crop: round(st.ms / Math.max(1, st.labelled), 2),
            wrong: st.wrong,
          },
        }
      : {}),
    ...(failed.length ? { failed_images: failed } : {}),
    ...(damaged.length ? { damaged_images: damaged } : {}),
    confusions: t.topConfusions(),
    misreads: t.misreads,
  };
}
