// Vehicle colour from the body around a plate (R16): the pixels of a band above the plate
// (boot lid or bonnet, where paint dominates) vote for a name in a small vocabulary after an
// HSV split. Crude on purpose: it must be fast in the worker and honest about doubt, so it
// returns the winning share and the caller keeps only confident guesses.
import type { Box, RgbImage } from './recognizer';

export const COLOURS = ['white', 'black', 'silver', 'grey', 'red', 'orange', 'yellow', 'green', 'blue', 'purple', 'brown'] as const;
export type Colour = (typeof COLOURS)[number];

export interface ColourGuess {
  colour: Colour;
  /** Share of the sampled pixels that voted for it. */
  share: number;
}

/** Names one pixel. Hue in degrees, saturation and value 0..1. */
export function nameOf(r: number, g: number, b: number): Colour {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const v = max / 255;
  const s = max === 0 ? 0 : (max - min) / max;
  if (v < 0.2) return 'black';
  if (s < 0.18 || (v < 0.4 && s < 0.4)) {
    if (v > 0.78) return 'white';
    if (v > 0.55) return 'silver';
    return v < 0.3 ? 'black' : 'grey';
  }
  const d = max - min;
  let h: number;
  if (max === r) h = ((g - b) / d) % 6;
  else if (max === g) h = (b - r) / d + 2;
  else h = (r - g) / d + 4;
  h = (h * 60 + 360) % 360;
  if (h < 15 || h >= 340) return v < 0.45 && s < 0.6 ? 'brown' : 'red';
  if (h < 40) return v < 0.6 ? 'brown' : 'orange';
  if (h < 70) return v < 0.5 ? 'brown' : 'yellow';
  if (h < 170) return 'green';
  if (h < 260) return 'blue';
  return 'purple';
}

/** The band above the plate that the vote samples, clipped to the image; null if too small. */
export function bodyRegion(img: RgbImage, plate: Box): Box | null {
  const cx = plate.x + plate.w / 2;
  const w = plate.w * 2.4;
  const top = plate.y - plate.h * 2.6;
  const bottom = plate.y - plate.h * 0.4;
  const x0 = Math.max(0, Math.round(cx - w / 2));
  const x1 = Math.min(img.width, Math.round(cx + w / 2));
  const y0 = Math.max(0, Math.round(top));
  const y1 = Math.min(img.height, Math.round(bottom));
  if (x1 - x0 < 4 || y1 - y0 < 2) return null;
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/**
 * Grey-world white balance: per-channel gains that make the frame's mean colour grey. Dash
 * cams often cast the whole picture (magenta, blue at night); without this every car takes
 * the cast's colour.
 */
export function greyWorldGains(img: RgbImage): [number, number, number] {
  const sum: [number, number, number] = [0, 0, 0];
  const stride = Math.max(1, Math.floor(Math.sqrt((img.width * img.height) / 20_000)));
  let n = 0;
  for (let y = 0; y < img.height; y += stride) {
    for (let x = 0, i = y * img.width * 3; x < img.width; x += stride, i += 3 * stride) {
      sum[0] += img.data[i]!;
      sum[1] += img.data[i + 1]!;
      sum[2] += img.data[i + 2]!;
      n++;
    }
  }
  const mean = (sum[0] + sum[1] + sum[2]) / 3 / Math.max(1, n);
  const gain = (c: number) => (c > 0 ? Math.min(2, Math.max(0.5, (mean * n) / c)) : 1);
  return [gain(sum[0]), gain(sum[1]), gain(sum[2])];
}

export function estimateColour(img: RgbImage, plate: Box, gains: [number, number, number] = [1, 1, 1]): ColourGuess | null {
  const region = bodyRegion(img, plate);
  if (!region) return null;
  const [gr, gg, gb] = gains;
  const clamp = (x: number) => (x > 255 ? 255 : x);
  const votes = new Map<Colour, number>();
  // Sample at most ~4000 pixels: the answer does not change, the cost does.
  const step = Math.max(1, Math.floor(Math.sqrt((region.w * region.h) / 4000)));
  let n = 0;
  for (let y = region.y; y < region.y + region.h; y += step) {
    let i = (y * img.width + region.x) * 3;
    for (let x = 0; x < region.w; x += step, i += 3 * step) {
      const c = nameOf(clamp(img.data[i]! * gr), clamp(img.data[i + 1]! * gg), clamp(img.data[i + 2]! * gb));
      votes.set(c, (votes.get(c) ?? 0) + 1);
      n++;
    }
  }
  let best: Colour = 'grey';
  let bestN = -1;
  for (const [c, k] of votes) {
    if (k > bestN) {
      best = c;
      bestN = k;
    }
  }
  return n === 0 ? null : { colour: best, share: bestN / n };
}
