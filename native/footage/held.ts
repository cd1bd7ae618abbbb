// The frames workers keep for the passes. After the tracker has seen a frame, the worker that
// recognised it still holds its pixels; here it is decided what becomes of them: a frame no
// pass needs goes back at once (its slot to the decoder), a frame that is an open pass's
// best observation is kept, since a later frame may still beat it, and a frame only finished
// passes need is encoded (context frame, crops) and then dropped. So a frame is encoded only
// if it ends up as a read's evidence, or is some pass's best at a checkpoint, or is pushed out
// because more than `max` frames are kept (memory stays bounded by `max` frames).
import type { FrameSlots } from './decode';
import type { FramePool } from './pool';
import type { Released, ReleaseRequest } from './protocol';
import type { FinishedTrack, FrameImages, Tracker } from './tracker';

const NOTHING: ReleaseRequest = { frame: false, crops: [] };

/** Copies what a worker encoded into the frame's holder. */
export function fillImages(images: FrameImages, want: ReleaseRequest, r: Released): void {
  if (want.frame) images.jpeg = r.jpeg;
  want.crops.forEach((hit, i) => {
    const crop = r.crops[i];
    if (crop) images.crops.set(hit, crop);
  });
}

export class HeldFrames {
  /** Kept frames and their pool numbers, oldest first. */
  private readonly held = new Map<FrameImages, number>();
  private pending: Promise<void>[] = [];
  /** Frames encoded (context frames) and crops encoded, for the record. */
  readonly encoded = { frames: 0, crops: 0 };

  constructor(
    private readonly pool: FramePool,
    private readonly slots: FrameSlots | null,
    readonly max: number,
  ) {}

  get size(): number {
    return this.held.size;
  }

  /**
   * After the tracker has seen a frame (`images`, pool number `ref`): keeps it if a pass may
   * still want it, and lets go of kept frames that nobody or only finished passes need.
   */
  settle(tracker: Tracker, finished: readonly FinishedTrack[], images?: FrameImages, ref?: number): void {
    if (images && ref !== undefined) this.held.set(images, ref);
    for (const [img, r] of this.held) {
      const need = tracker.needs(img, finished);
      if (!need) this.release(img, r, NOTHING);
      else if (!tracker.adopted(img)) this.release(img, r, need);
    }
    for (const [img, r] of this.held) {
      if (this.held.size <= this.max) break;
      this.release(img, r, tracker.needs(img, finished) ?? NOTHING);
    }
  }

  /** Encodes what passes need of every kept frame, lets them all go and waits for it all. */
  async flush(tracker: Tracker, finished: readonly FinishedTrack[]): Promise<void> {
    for (const [img, r] of this.held) this.release(img, r, tracker.needs(img, finished) ?? NOTHING);
    const all = this.pending;
    this.pending = [];
    await Promise.all(all);
  }

  /** Lets every kept frame go unencoded (the run stops); never throws. */
  async drop(): Promise<void> {
    for (const [img, r] of this.held) this.release(img, r, NOTHING);
    const all = this.pending;
    this.pending = [];
    await Promise.allSettled(all);
  }

  private release(images: FrameImages, ref: number, want: ReleaseRequest): void {
    this.held.delete(images);
    if (want.frame) this.encoded.frames++;
    this.encoded.crops += want.crops.length;
    const p = this.pool.release(ref, want).then((r) => {
      fillImages(images, want, r);
      this.slots?.give(r.slot);
    });
    p.catch(() => undefined); // surfaced by flush
    this.pending.push(p);
  }
}
