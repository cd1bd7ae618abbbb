// Image decoding and tensor preparation for the recognition models. Owns the one place where
// bytes become pixels (sharp), so errors name the offending file, and the resampling rules the
// models were trained with (PIL-style antialiased bilinear, ITU-R 601 grey).
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';

/** Interleaved 8-bit RGB pixels. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** An image given by path, encoded bytes, or already-decoded pixels. */
export type ImageInput = string | Buffer | RgbImage;

export class ImageDecodeError extends Error {
  constructor(
    readonly source: string,
    cause: unknown,
  ) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`cannot decode image ${source}: ${why}`);
    this.name = 'ImageDecodeError';
  }
}

export function isRgbImage(x: unknown): x is RgbImage {
  return typeof x === 'object' && x !== null && 'data' in x && 'width' in x && !Buffer.isBuffer(x);
}

/** Encoded bytes of an input, reading the file if given a path. */
export async function loadBytes(input: string | Buffer): Promise<{ bytes: Buffer; name: string }> {
  if (typeof input !== 'string') return { bytes: input, name: '<buffer>' };
  try {
    return { bytes: await readFile(input), name: input };
  } catch (err) {
    throw new ImageDecodeError(input, err);
  }
}

/** Full-resolution RGB decode (EXIF orientation is not applied: labels use stored pixels). */
export async function decodeRgb(input: ImageInput, label?: string): Promise<RgbImage> {
  if (isRgbImage(input)) return input;
  const loaded = await loadBytes(input);
  const bytes = loaded.bytes;
  const name = label ?? loaded.name;
  try {
    const { data, info } = await sharp(bytes).removeAlpha().toColourspace('srgb').raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`unexpected ${info.channels} channels`);
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  } catch (err) {
    throw new ImageDecodeError(name, err);
  }
}

/** Resize with sharp straight from encoded bytes or pixels (JPEG shrink-on-load makes 4K cheap). */
export async function resizeRgb(input: Buffer | RgbImage, width: number, height: number, name: string): Promise<Uint8Array> {
  try {
    const s = Buffer.isBuffer(input)
      ? sharp(input)
      : sharp(Buffer.from(input.data.buffer, input.data.byteOffset, input.data.length), {
          raw: { width: input.width, height: input.height, channels: 3 },
        });
    const out = await s.removeAlpha().toColourspace('srgb').resize(width, height, { fit: 'fill', kernel: 'linear' }).raw().toBuffer();
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  } catch (err) {
    throw new ImageDecodeError(name, err);
  }
}

/** Copy of a rectangle of interleaved RGB pixels (must lie inside the image). */
export function cropRgb(img: RgbImage, x: number, y: number, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h * 3);
  for (let r = 0; r < h; r++) {
    const start = ((y + r) * img.width + x) * 3;
    out.set(img.data.subarray(start, start + w * 3), r * w * 3);
  }
  return out;
}

/** Width and height of encoded bytes without decoding pixels. */
export async function probeSize(bytes: Buffer, name: string): Promise<{ width: number; height: number }> {
  try {
    const m = await sharp(bytes).metadata();
    if (!m.width || !m.height) throw new Error('no dimensions');
    return { width: m.width, height: m.height };
  } catch (err) {
    throw new ImageDecodeError(name, err);
  }
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * Triangle-filter taps for one axis, PIL style (the support widens with the shrink factor, so
 * downscaling averages instead of aliasing). Flattened: `first[o]`, `count[o]` index into
 * `idx` / `wts`, source positions clamped to [0, limit).
 */
function axisTaps(start: number, len: number, dst: number, limit: number) {
  const scale = len / dst;
  const support = Math.max(scale, 1);
  const idx: number[] = [];
  const wts: number[] = [];
  const first = new Int32Array(dst);
  const count = new Int32Array(dst);
  for (let o = 0; o < dst; o++) {
    const centre = start + (o + 0.5) * scale;
    first[o] = idx.length;
    let sum = 0;
    for (let i = Math.floor(centre - support); i <= Math.ceil(centre + support); i++) {
      const w = Math.max(0, 1 - Math.abs(i + 0.5 - centre) / support);
      if (w <= 0) continue;
      idx.push(Math.min(limit - 1, Math.max(0, i))); // outside the frame: edge pixels
      wts.push(w);
      sum += w;
    }
    if (sum === 0) {
      idx.push(Math.min(limit - 1, Math.max(0, Math.round(centre))));
      wts.push(1);
      sum = 1;
    }
    count[o] = idx.length - first[o]!;
    for (let k = first[o]!; k < idx.length; k++) wts[k] = wts[k]! / sum;
  }
  return { idx: Int32Array.from(idx), wts: Float32Array.from(wts), first, count };
}

let scratch = new Float32Array(0);

/**
 * Grey crop of `rect` (may extend past the borders; edges are clamped) resized to dw x dh,
 * as floats 0..1 written into `out` at `offset` (row-major). Matches PIL convert('L') +
 * resize(BILINEAR), which the reader was trained with. Separable over only the source window
 * the taps reach: each pixel is made grey once, then columns are filtered (plate crops shrink
 * most in height), then rows. The scratch buffer is module state: one per worker thread.
 */
export function greyCrop(img: RgbImage, rect: Rect, dw: number, dh: number, out: Float32Array, offset = 0): void {
  const xs = axisTaps(rect.x, rect.w, dw, img.width);
  const ys = axisTaps(rect.y, rect.h, dh, img.height);
  const [x0, x1] = span(xs.idx);
  const [y0, y1] = span(ys.idx);
  const gw = x1 - x0 + 1;
  const gh = y1 - y0 + 1;
  const vAt = gw * gh; // after the grey window: dh filtered rows of gw
  if (scratch.length < vAt + dh * gw) scratch = new Float32Array(vAt + dh * gw);
  const buf = scratch;
  const d = img.data;
  const W = img.width;
  for (let r = 0; r < gh; r++) {
    let p = ((y0 + r) * W + x0) * 3;
    const g = r * gw;
    for (let x = 0; x < gw; x++, p += 3) buf[g + x] = 0.299 * d[p]! + 0.587 * d[p + 1]! + 0.114 * d[p + 2]!;
  }
  for (let oy = 0; oy < dh; oy++) {
    const f = ys.first[oy]!;
    const e = f + ys.count[oy]!;
    const row = vAt + oy * gw;
    buf.fill(0, row, row + gw);
    for (let k = f; k < e; k++) {
      const w = ys.wts[k]!;
      const src = (ys.idx[k]! - y0) * gw;
      for (let x = 0; x < gw; x++) buf[row + x] = buf[row + x]! + w * buf[src + x]!;
    }
  }
  const { idx, wts, first, count } = xs;
  for (let oy = 0; oy < dh; oy++) {
    const row = vAt + oy * gw - x0;
    const o = offset + oy * dw;
    for (let ox = 0; ox < dw; ox++) {
      const f = first[ox]!;
      const e = f + count[ox]!;
      let acc = 0;
      for (let k = f; k < e; k++) acc += wts[k]! * buf[row + idx[k]!]!;
      out[o + ox] = Math.round(acc) / 255;
    }
  }
}

/** Smallest and largest value of a tap index list. */
function span(idx: Int32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of idx) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** Interleaved RGB bytes (w x h) into a zero-padded planar float tensor (pw x ph), 0..1. */
export function toPlanar(rgb: Uint8Array, w: number, h: number, pw: number, ph: number): Float32Array {
  return toPlanarInto(new Float32Array(3 * pw * ph), rgb, w, h, pw, ph);
}

/**
 * toPlanar into a tensor of 3 x pw x ph floats that may hold an earlier frame: the padding is
 * zeroed again. Reusing it spares a 3 MB allocation per 640 px frame and the collections it
 * brings.
 */
export function toPlanarInto(out: Float32Array, rgb: Uint8Array, w: number, h: number, pw: number, ph: number): Float32Array {
  const plane = pw * ph;
  if (out.length !== 3 * plane) throw new Error(`tensor of ${out.length} floats for ${pw}x${ph}x3`);
  for (let c = 0; c < 3; c++) {
    const base = c * plane;
    if (pw > w) for (let y = 0; y < h; y++) out.fill(0, base + y * pw + w, base + (y + 1) * pw);
    out.fill(0, base + h * pw, base + plane);
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s = (y * w + x) * 3;
      const t = y * pw + x;
      out[t] = rgb[s]! / 255;
      out[plane + t] = rgb[s + 1]! / 255;
      out[2 * plane + t] = rgb[s + 2]! / 255;
    }
  }
  return out;
}
