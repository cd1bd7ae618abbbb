// Messages between the footage pool (main thread) and its worker threads. Plain data only:
// frames go in as slot numbers of a shared set (decode.ts FrameSlots; a photo as a transferred
// ArrayBuffer), JPEGs come back transferred. A worker keeps each
// frame after answering until the main thread releases it, saying what of it the passes need
// (the context frame, some plate crops): only those are encoded, and the frame's slot goes
// back to the decoder for the next frame.
import type { ColourGuess } from './colour';
import type { ModelVersions, PlateHit, RecognizerSpec, Size } from './recognizer';

export interface WorkerInit {
  recognizer: RecognizerSpec;
  /** Detections below this detector score are dropped in the worker. */
  minDetectorScore: number;
  /** A frame can give a context frame only when a plate in it has at least this text confidence. */
  minFrameConfidence: number;
  /** Context frames wider than this are scaled down before JPEG encoding. */
  contextMaxWidth: number;
}

export interface FrameJob {
  seq: number;
  ptsMs: number;
  width: number;
  height: number;
  /** The pixels (RGB24): a buffer of their own (transferred), or a slot of the shared set. */
  data: ArrayBuffer | { slot: number };
}

export interface WorkerHit extends PlateHit {
  /** Present when encoded with the hit; from a worker, crops come with `release`. */
  cropJpeg?: Uint8Array | undefined;
  colour: ColourGuess | null;
  /** The size of the frame the box and corners are in (pixels), for drawing them on its context frame. */
  frameSize?: Size | undefined;
}

export interface FrameResult {
  seq: number;
  ptsMs: number;
  hits: WorkerHit[];
  /** A plate in it is sure enough to become a read, so it can be asked for its context frame. */
  framed: boolean;
  /** The pool's number for the frame, to release it by. */
  ref: number;
  /** Worker time spent on this frame. */
  ms: number;
}

/** A released frame: the JPEGs asked for, and its slot back for reuse (null: it had none). */
export interface Released {
  jpeg: Uint8Array | null;
  /** Crops in the order their hit indices were asked for. */
  crops: Uint8Array[];
  slot: number | null;
}

/** What to encode of a frame before dropping it. */
export interface ReleaseRequest {
  frame: boolean;
  /** Indices into the frame's hits. */
  crops: number[];
}

export type WorkerRequest =
  | FrameJob
  | ({ type: 'release'; ref: number } & ReleaseRequest)
  /** The shared frame slots of the file about to be processed (replacing the last file's). */
  | { type: 'slots'; buffers: SharedArrayBuffer[] }
  | { type: 'close' };

export type WorkerReply =
  | { type: 'ready'; versions: ModelVersions }
  | { type: 'fatal'; error: string }
  | { type: 'result'; result: FrameResult }
  | { type: 'failed'; seq: number; error: string }
  | { type: 'released'; ref: number; jpeg: Uint8Array | null; crops: Uint8Array[]; slot: number | null; error?: string };
