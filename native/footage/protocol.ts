// Messages between the footage pool (main thread) and its worker threads. Plain data only:
// frames go in as transferred ArrayBuffers, JPEGs come back the same way.
import type { ColourGuess } from './colour';
import type { ModelVersions, PlateHit, RecognizerSpec } from './recognizer';

export interface WorkerInit {
  recognizer: RecognizerSpec;
  /** Detections below this detector score are dropped in the worker. */
  minDetectorScore: number;
  /** A context frame is encoded only when a plate in it has at least this text confidence. */
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
  /** The whole frame as JPEG, present only when it holds at least one plate. */
  frameJpeg: Uint8Array | null;
  /** Worker time spent on this frame. */
  ms: number;
}

export type WorkerReply =
  | { type: 'ready'; versions: ModelVersions }
  | { type: 'fatal'; error: string }
  | { type: 'result'; result: FrameResult }
  | { type: 'failed'; seq: number; error: string };
