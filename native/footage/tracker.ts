// Merges the same plate across frames into one pass: a plate seen in frame after frame (or
// lost for a moment behind another car) becomes one read. Association is greedy on a score of
// position (overlap with the box predicted from the track's motion, or closeness) and text
// likeness; a track ends when unseen for `maxGapMs`. Each track keeps its best observation's
// crop and context frame, a bounded set of readings for the text vote, and colour votes.
// Images are encoded lazily: each frame comes with a FrameImages holder that the caller fills
// in, and `needs` says what of a frame the passes still want (its context frame, which crops),
// so only the frames that end up as a pass's best observation are ever encoded.
// The whole state serialises to JSON (images by media hash) so a job can resume mid-video.
import type { StateGuess } from '../recognition/state';
import type { ColourGuess } from './colour';
import type { Box, Point, Size } from './recognizer';
import type { WorkerHit } from './protocol';
import { consensus, similarity, type Reading } from './text';

export interface TrackerOptions {
  /** A track not seen for this long is finished. */
  maxGapMs: number;
  /** Readings kept per track for the vote (the most confident ones). */
  maxReadings: number;
  /** A finished track becomes a read only if its consensus confidence reaches this. */
  minReadConfidence: number;
  /** Colour guesses below this share are not voted. */
  minColourShare: number;
}

export const DEFAULT_TRACKER: TrackerOptions = { maxGapMs: 1500, maxReadings: 24, minReadConfidence: 0.5, minColourShare: 0.35 };

/** One frame's images, filled in by the caller when a pass needs them. */
export interface FrameImages {
  /** A plate in it is sure enough to become a read, so it may give the context frame. */
  framed: boolean;
  /** The context frame's JPEG, once encoded. */
  jpeg: Uint8Array | null;
  /** Plate crop JPEGs by the plate's index in the frame's hits, once encoded. */
  crops: Map<number, Uint8Array>;
}

/** What passes need of one frame: its context frame, and the crops of these hits. */
export interface ImageNeeds {
  frame: boolean;
  crops: number[];
}

interface Best {
  ptsMs: number;
  quality: number;
  box: Box;
  corners?: Point[] | undefined;
  frameSize?: Size | undefined;
  alternatives: { text: string; confidence: number }[];
  /** The crop, when the hit came with one already encoded. */
  cropJpeg?: Uint8Array | undefined;
  /** Otherwise its frame's images and the hit's index there. */
  images?: FrameImages | undefined;
  hit?: number | undefined;
  cropSha?: string | undefined;
  frameSha?: string | undefined;
}

export interface Track {
  key: string;
  firstMs: number;
  lastMs: number;
  lastBox: Box;
  /** Pixels per millisecond of the box centre. */
  vx: number;
  vy: number;
  observations: number;
  readings: Reading[];
  colours: Record<string, number>;
  best: Best;
}

/** The state step's outcome for one pass. */
export interface StateRead {
  /** The state named, or null. */
  guess: StateGuess | null;
  /** The reader that looked (its model tag), when one did. */
  model?: string | undefined;
  /** The version of the reading rule it looked with (STATE_RULE), when one did. */
  rule?: number | undefined;
  /** Why no reader looked, or why it failed. */
  skipped?: string | undefined;
}

/** A finished pass, ready to become a read. */
export interface FinishedTrack {
  key: string;
  firstMs: number;
  lastMs: number;
  bestMs: number;
  observations: number;
  text: string;
  confidence: number;
  charConfidences: number[];
  alternatives: { text: string; confidence: number }[];
  colour: string | null;
  box: Box;
  /** The plate's corners in the best observation's frame, when the engine found them. */
  corners?: Point[] | undefined;
  /** The size of that frame (its box and corners are in its pixels). */
  frameSize?: Size | undefined;
  /** What the state step did for this pass after it ended (job side, docs/recognition.md "State"). */
  stateRead?: StateRead | undefined;
  cropJpeg?: Uint8Array | undefined;
  frameJpeg?: Uint8Array | undefined;
  /** Where the images are until `resolveImages` copies them in (once the caller filled them). */
  images?: FrameImages | undefined;
  hit?: number | undefined;
  cropSha?: string | undefined;
  frameSha?: string | undefined;
}

/** Copies a finished pass's images out of its frame's holder (after the caller filled it). */
export function resolveImages(f: FinishedTrack): void {
  if (!f.images) return;
  f.cropJpeg ??= f.hit !== undefined ? f.images.crops.get(f.hit) : undefined;
  if (f.images.framed) f.frameJpeg ??= f.images.jpeg ?? undefined;
  delete f.images;
  delete f.hit;
}

/** Adds what `best` needs of `images` to `need`. */
function addNeed(need: ImageNeeds, best: Best, images: FrameImages): void {
  if (best.images !== images) return;
  if (images.framed && !best.frameSha && !images.jpeg) need.frame = true;
  if (!best.cropJpeg && !best.cropSha && best.hit !== undefined && !images.crops.has(best.hit) && !need.crops.includes(best.hit)) need.crops.push(best.hit);
}

const centre = (b: Box) => ({ x: b.x + b.w / 2, y: b.y + b.h / 2 });

export function iou(a: Box, b: Box): number {
  const x0 = Math.max(a.x, b.x);
  const y0 = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.w, b.x + b.w);
  const y1 = Math.min(a.y + a.h, b.y + b.h);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : 0;
}

/** How good an observation is as the evidence image: sure, legible and large. */
function qualityOf(h: WorkerHit): number {
  return h.confidence * h.score * Math.min(1, Math.sqrt(h.box.w * h.box.h) / 60);
}

export class Tracker {
  private open: Track[] = [];

  constructor(readonly opts: TrackerOptions = DEFAULT_TRACKER) {}

  get openCount(): number {
    return this.open.length;
  }

  /** The earliest first-seen time of an open track (null when none is open). */
  get earliestOpenMs(): number | null {
    return this.open.length ? Math.min(...this.open.map((t) => t.firstMs)) : null;
  }

  /** Whether an open pass's best observation is in this frame. */
  adopted(images: FrameImages): boolean {
    return this.open.some((t) => t.best.images === images);
  }

  /**
   * What the open passes (and `finished`, passes that ended but are not committed yet) still
   * need encoded of a frame's images; null when nothing.
   */
  needs(images: FrameImages, finished: readonly FinishedTrack[] = []): ImageNeeds | null {
    const need: ImageNeeds = { frame: false, crops: [] };
    for (const t of this.open) addNeed(need, t.best, images);
    for (const f of finished) addNeed(need, { ...f, ptsMs: f.bestMs, quality: 0 }, images);
    return need.frame || need.crops.length > 0 ? need : null;
  }

  /**
   * Feeds one frame's plates (frames must come in time order); returns passes that ended.
   * `images` holds the frame's images, null when the hits carry their crops and the frame
   * gives no context frame.
   */
  update(ptsMs: number, hits: WorkerHit[], images: FrameImages | null): FinishedTrack[] {
    const done = this.expire(ptsMs);
    const pairs: { score: number; t: number; h: number }[] = [];
    hits.forEach((hit, h) => {
      this.open.forEach((track, t) => {
        const s = this.match(track, hit, ptsMs);
        if (s > 0) pairs.push({ score: s, t, h });
      });
    });
    pairs.sort((a, b) => b.score - a.score || a.t - b.t || a.h - b.h);
    const usedT = new Set<number>();
    const usedH = new Set<number>();
    for (const p of pairs) {
      if (usedT.has(p.t) || usedH.has(p.h)) continue;
      usedT.add(p.t);
      usedH.add(p.h);
      this.extend(this.open[p.t]!, hits[p.h]!, p.h, ptsMs, images);
    }
    // Unmatched plates start passes; keyed by frame time and left-to-right order, which is
    // the same on every run over the same frames (resume relies on it).
    const fresh = hits
      .map((hit, h) => ({ hit, h }))
      .filter(({ h }) => !usedH.has(h))
      .sort((a, b) => a.hit.box.x - b.hit.box.x || a.hit.box.y - b.hit.box.y);
    fresh.forEach(({ hit, h }, i) => this.open.push(this.start(hit, h, ptsMs, i, images)));
    return done;
  }

  /** Ends every open pass (end of the file). */
  flush(): FinishedTrack[] {
    const all = this.open.map((t) => this.finish(t)).filter((f): f is FinishedTrack => f !== null);
    this.open = [];
    return all;
  }

  private expire(now: number): FinishedTrack[] {
    const out: FinishedTrack[] = [];
    this.open = this.open.filter((t) => {
      if (now - t.lastMs <= this.opts.maxGapMs) return true;
      const f = this.finish(t);
      if (f) out.push(f);
      return false;
    });
    return out;
  }

  private match(t: Track, hit: WorkerHit, now: number): number {
    const dt = now - t.lastMs;
    if (dt <= 0 || dt > this.opts.maxGapMs) return 0;
    const pred: Box = { ...t.lastBox, x: t.lastBox.x + t.vx * dt, y: t.lastBox.y + t.vy * dt };
    const overlap = Math.max(iou(pred, hit.box), iou(t.lastBox, hit.box));
    const a = centre(pred);
    const b = centre(hit.box);
    const dist = Math.hypot(a.x - b.x, a.y - b.y) / Math.max(t.lastBox.w, hit.box.w, 1);
    const lastText = t.readings.length ? t.readings[t.readings.length - 1]!.text : '';
    const sim = Math.max(similarity(lastText, hit.text), ...t.readings.slice(-3).map((r) => similarity(r.text, hit.text)));
    const near = overlap > 0.1 || dist < 1.5;
    if (near && sim >= 0.5) return 1 + overlap + sim;
    if (dist < 4 && sim >= 0.75) return 0.5 + sim;
    if (sim === 1 && hit.text.length >= 4) return 0.25; // same plate after an occlusion
    return 0;
  }

  private start(hit: WorkerHit, h: number, ptsMs: number, i: number, images: FrameImages | null): Track {
    const t: Track = {
      key: `${ptsMs}:${i}`,
      firstMs: ptsMs,
      lastMs: ptsMs,
      lastBox: hit.box,
      vx: 0,
      vy: 0,
      observations: 0,
      readings: [],
      colours: {},
      best: { ptsMs, quality: -1, box: hit.box, alternatives: [] },
    };
    this.observe(t, hit, h, ptsMs, images);
    return t;
  }

  private extend(t: Track, hit: WorkerHit, h: number, ptsMs: number, images: FrameImages | null): void {
    const dt = ptsMs - t.lastMs;
    const a = centre(t.lastBox);
    const b = centre(hit.box);
    // Smoothed velocity: a single jumpy box should not throw the prediction off.
    t.vx = t.observations > 1 ? 0.5 * t.vx + 0.5 * ((b.x - a.x) / dt) : (b.x - a.x) / dt;
    t.vy = t.observations > 1 ? 0.5 * t.vy + 0.5 * ((b.y - a.y) / dt) : (b.y - a.y) / dt;
    t.lastMs = ptsMs;
    t.lastBox = hit.box;
    this.observe(t, hit, h, ptsMs, images);
  }

  private observe(t: Track, hit: WorkerHit, h: number, ptsMs: number, images: FrameImages | null): void {
    t.observations++;
    t.readings.push({ text: hit.text, confidence: hit.confidence, charConfidences: hit.charConfidences });
    if (t.readings.length > this.opts.maxReadings) {
      // Drop the least confident older reading, but keep the newest for association.
      let worst = 0;
      for (let i = 1; i < t.readings.length - 1; i++) if (t.readings[i]!.confidence < t.readings[worst]!.confidence) worst = i;
      t.readings.splice(worst, 1);
    }
    addColour(t.colours, hit.colour, this.opts.minColourShare);
    // An observation without its context frame can be best only if no other has one.
    const q = qualityOf(hit) * (images?.framed ? 1 : 0.01);
    if (q > t.best.quality) {
      t.best = { ptsMs, quality: q, box: hit.box, corners: hit.corners, frameSize: hit.frameSize, alternatives: hit.alternatives, cropJpeg: hit.cropJpeg, images: images ?? undefined, hit: h };
    }
  }

  private finish(t: Track): FinishedTrack | null {
    const c = consensus(t.readings);
    if (!c || c.confidence < this.opts.minReadConfidence) return null;
    const alternatives = [...c.alternatives];
    for (const a of t.best.alternatives) {
      if (a.text !== c.text && !alternatives.some((x) => x.text === a.text)) alternatives.push(a);
    }
    alternatives.sort((a, b) => b.confidence - a.confidence);
    const colour = Object.entries(t.colours).sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
    return {
      key: t.key,
      firstMs: t.firstMs,
      lastMs: t.lastMs,
      bestMs: t.best.ptsMs,
      observations: t.observations,
      text: c.text,
      confidence: c.confidence,
      charConfidences: c.charConfidences,
      alternatives: alternatives.slice(0, 5),
      colour,
      box: t.best.box,
      ...(t.best.corners ? { corners: t.best.corners } : {}),
      ...(t.best.frameSize ? { frameSize: t.best.frameSize } : {}),
      cropJpeg: t.best.cropJpeg,
      images: t.best.images,
      hit: t.best.hit,
      cropSha: t.best.cropSha,
      frameSha: t.best.frameSha,
    };
  }

  /**
   * JSON-safe state; images are stored through `persist` (content-addressed) and kept by hash.
   * The images `needs` asked for must be filled in by then.
   */
  snapshot(persist: (bytes: Uint8Array) => string): Track[] {
    return this.open.map((t) => {
      const best = { ...t.best };
      const crop = best.cropJpeg ?? (best.hit !== undefined ? best.images?.crops.get(best.hit) : undefined);
      if (crop && !best.cropSha) best.cropSha = persist(crop);
      if (best.images?.framed && best.images.jpeg && !best.frameSha) best.frameSha = persist(best.images.jpeg);
      t.best.cropSha = best.cropSha;
      t.best.frameSha = best.frameSha;
      delete best.cropJpeg;
      delete best.images;
      delete best.hit;
      return { ...t, best, readings: t.readings.map((r) => ({ ...r })), colours: { ...t.colours } };
    });
  }

  restore(tracks: Track[]): void {
    this.open = tracks.map((t) => ({ ...t, best: { ...t.best } }));
  }
}

function addColour(votes: Record<string, number>, guess: ColourGuess | null, minShare: number): void {
  if (!guess || guess.share < minShare) return;
  votes[guess.colour] = (votes[guess.colour] ?? 0) + guess.share;
}
