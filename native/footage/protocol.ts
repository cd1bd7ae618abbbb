// Messages between the footage pool (main thread) and its worker threads. Plain data only:
// frames go in as transferred ArrayBuffers, JPEGs come back the same way. A worker keeps each
// frame after answering until the main thread releases it, saying whether the tracker made it
// some pass's best observation: only then is its context frame encoded. The frame's buffer
// then goes back to the decoder for the next frame.
import type { ColourGuess } from './colour';
import type { ModelVersions, PlateHit, RecognizerSpec } from './recognizer';

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
  data: ArrayBuffer;
}

export interface WorkerHit extends PlateHit {
  cropJpeg: Uint8Array;
  colour: ColourGuess | null;
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

/** A released frame: its context JPEG if asked for, and its buffer back for reuse. */
export interface Released {
  jpeg: Uint8Array | null;
  data: ArrayBuffer;
}

export type WorkerRequest = FrameJob | { type: 'release'; ref: number; encode: boolean } | { type: 'close' };

export type WorkerReply =
  | { type: 'ready'; versions: ModelVersions }
  | { type: 'fatal'; error: string }
  | { type: 'result'; result: FrameResult }
  | { type: 'failed'; seq: number; error: string }
  | { type: 'released'; ref: number; jpeg: Uint8Array | null; data: ArrayBuffer | null; error?: string };
