// The seam between the footage pipeline and a plate recognition engine. The pipeline only knows
// this interface, so it runs unchanged whichever engine (or model version) sits behind it. A
// recognizer is named by a module URL plus JSON options, because it is built inside each worker
// thread (each worker owns its own inference sessions) and functions cannot cross threads.

/** An 8-bit RGB image, row-major, 3 bytes per pixel, no padding. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** A point in frame pixels. */
export interface Point {
  x: number;
  y: number;
}

/** A frame's size in pixels. */
export interface Size {
  width: number;
  height: number;
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** One plate found in one image: where, how sure, and what it says. */
export interface PlateHit {
  box: Box;
  /** Detector score 0..1. */
  score: number;
  /** Normalised plate text (A-Z, 0-9); may be empty when the reader found nothing legible. */
  text: string;
  /** Reader confidence for the whole text, 0..1. */
  confidence: number;
  charConfidences: number[];
  alternatives: { text: string; confidence: number }[];
  /** The plate's corners inside its box (top-left, top-right, bottom-right, bottom-left, frame
   * pixels), when the engine finds them. */
  corners?: Point[] | undefined;
}

/** Version strings of the models in use, and `reading`: how boxes were read (the engine's
 * `readingMethod`); copied into every read's provenance. */
export type ModelVersions = Record<string, string>;

export interface PlateRecognizer {
  readonly versions: ModelVersions;
  recognize(image: RgbImage): Promise<PlateHit[]>;
  close?(): Promise<void> | void;
}

/** How a worker builds its recognizer: `import(module)` then `createRecognizer(options)`. */
export interface RecognizerSpec {
  module: string;
  options?: Record<string, unknown>;
}

export interface RecognizerModule {
  createRecognizer(options: Record<string, unknown>): Promise<PlateRecognizer> | PlateRecognizer;
}

export async function loadRecognizer(spec: RecognizerSpec): Promise<PlateRecognizer> {
  const mod = (await import(spec.module)) as Partial<RecognizerModule>;
  if (typeof mod.createRecognizer !== 'function') {
    throw new Error(`${spec.module} does not export createRecognizer(options)`);
  }
  return mod.createRecognizer(spec.options ?? {});
}
