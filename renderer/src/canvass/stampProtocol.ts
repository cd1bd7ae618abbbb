// The stamping worker's answer (page side and worker side; DOM types, so not in stamp.ts,
// which the unit tests load without them).

/** The box's pixels, or the box as a bitmap when the request asked for one. */
export interface StampResponse {
  seq: number;
  data?: Uint8ClampedArray;
  bitmap?: ImageBitmap;
}
