// The plate crop kept with each read: the best observation's box and a margin around it. The
// worker cuts it; the state step (job side) finds the box again inside the stored JPEG.
import type { Box } from './recognizer';

/** Margin around the box, as a fraction of its width (sides) and height (top and bottom). */
export const CROP_MARGIN = 0.15;

/** The region of a `width` x `height` frame that the crop of `b` covers. */
export function cropRegion(b: Box, width: number, height: number, margin = CROP_MARGIN): { left: number; top: number; width: number; height: number } {
  const mx = b.w * margin;
  const my = b.h * margin;
  const left = Math.max(0, Math.floor(b.x - mx));
  const top = Math.max(0, Math.floor(b.y - my));
  const right = Math.min(width, Math.ceil(b.x + b.w + mx));
  const bottom = Math.min(height, Math.ceil(b.y + b.h + my));
  return { left, top, width: Math.max(1, right - left), height: Math.max(1, bottom - top) };
}

/** Where box `b` (frame pixels) lies inside its crop (the crop's left and top clamp at 0 only). */
export function boxInCrop(b: Box, margin = CROP_MARGIN): Box {
  const left = Math.max(0, Math.floor(b.x - b.w * margin));
  const top = Math.max(0, Math.floor(b.y - b.h * margin));
  return { x: b.x - left, y: b.y - top, w: b.w, h: b.h };
}
