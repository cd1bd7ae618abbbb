// Image decoding and tensor preparation for the recognition models. Owns the one place where
// bytes become pixels (sharp), so errors name the offending file, and the resampling rules the
// models were trained with (PIL-style antialiased bilinear, ITU-R 601 grey).
import { readFile } from 'node:fs/promises';
import sharp, { type Sharp } from 'sharp';

/** Interleaved 8-bit RGB pixels. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
  /**
   * Set when the file was damaged (a JPEG cut short, corrupt entropy data) and decoded only as far
   * as it could: what the strict decoder said (`tolerant`). A file cut short is grey below what it
   * holds; corrupt data in mid-stream may decode as noise from there on.
   */
  damage?: string;
}

/** An image given by path, encoded bytes, or already-decoded pixels. */
export type ImageInput = string | Buffer | RgbImage;

export class ImageDecodeError extends Error {
  /** What the decoder said, without the file's name. */
  readonly reason: string;
  constructor(
    readonly source: string,
    cause: unknown,
  ) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`cannot decode image ${source}: ${why}`);
    this.name = 'ImageDecodeError';
    this.reason = why;
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

/**
 * Full-resolution RGB decode, turned upright by the EXIF orientation tag as every viewer shows it
 * (and as the app's photo import reads it): a phone photo stored sideways would put its plates on
 * their side, where neither model reads them, and labels drawn on the photo as shown would miss.
 * Every decode of a file or of encoded bytes here does the same, so boxes from any pass share the
 * upright frame.
 */
export async function decodeRgb(input: ImageInput, label?: string): Promise<RgbImage> {
  if (isRgbImage(input)) return input;
  const loaded = await loadBytes(input);
  const name = label ?? loaded.name;
  const { value, damage } = await tolerant(loaded.bytes, name, async (s) => {
    const { data, info } = await s.autoOrient().removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`unexpected ${info.channels} channels`);
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  });
  return damage === undefined ? value : { ...value, damage };
}

/**
 * Runs `use` over sharp failing at `strictLevel` (by default sharp's own, 'warning': libjpeg's
 * complaints about corrupt data count); when that fails, once more with `failOn: 'none'`, which
 * decodes what a damaged file holds (a JPEG cut short keeps its top rows, the rest grey), as OpenCV,
 * browsers and photo viewers show such a file: a card pulled out mid-write or a partial download
 * still shows its plates. `damage` is the strict decoder's complaint. A file that does
 * not decode even so (not an image, no header) throws ImageDecodeError with the first complaint.
 */
export async function tolerant<T>(
  bytes: Buffer,
  name: string,
  use: (s: Sharp) => Promise<T>,
  strictLevel: 'warning' | 'error' | 'truncated' = 'warning',
): Promise<{ value: T; damage?: string }> {
  let strict: unknown;
  try {
    return { value: await use(sharp(bytes, { failOn: strictLevel })) };
  } catch (err) {
    strict = err;
  }
  try {
    const value = await use(sharp(bytes, { failOn: 'none' }));
    return { value, damage: strict instanceof Error ? strict.message.split('\n')[0]! : String(strict) };
  } catch {
    throw new ImageDecodeError(name, strict);
  }
}

/** Resize with sharp straight from encoded bytes or pixels (JPEG shrink-on-load makes 4K cheap). */
export async function resizeRgb(input: Buffer | RgbImage, width: number, height: number, name: string): Promise<Uint8Array> {
  const resize = async (s: Sharp) => {
    const out = await s.removeAlpha().toColourspace('srgb').resize(width, height, { fit: 'fill', kernel: 'linear' }).raw().toBuffer();
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  };
  if (Buffer.isBuffer(input)) return (await tolerant(input, name, (s) => resize(s.autoOrient()))).value;
  try {
    return await resize(sharp(Buffer.from(input.data.buffer, input.data.byteOffset, input.data.length), { raw: { width: input.width, height: input.height, channels: 3 } }));
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

/** Width and height of encoded bytes, upright (EXIF orientation applied), without decoding pixels. */
export async function probeSize(bytes: Buffer, name: string): Promise<{ width: number; height: number }> {
  try {
    const m = await sharp(bytes).metadata();
    if (!m.width || !m.height) throw new Error('no dimensions');
    return m.autoOrient ? { width: m.autoOrient.width, height: m.autoOrient.height } : { width: m.width, height: m.height };
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
 * `idx` / `wts`, source positions clamped to [0, limit). `lo` / `hi`: the smallest and largest
 * position. `runFrom` <= o < `runTo`: outputs whose taps are consecutive positions (all but
 * those clamped at a frame edge). `stride` 2 or 4 when no output has more taps than that (else
 * 0): `padded` holds the weights again at `stride` per output, zeros after an output's own
 * (adding 0 * a finite value after the last tap leaves a sum unchanged), so those rows run
 * without a loop per output.
 */
interface AxisTaps {
  dst: number;
  idx: Int32Array;
  wts: Float32Array;
  first: Int32Array;
  count: Int32Array;
  lo: number;
  hi: number;
  runFrom: number;
  runTo: number;
  stride: number;
  padded: Float32Array;
}

let tapW = new Float64Array(64); // one output's weights before normalising

function axisTaps(start: number, len: number, dst: number, limit: number): AxisTaps {
  const scale = len / dst;
  const support = Math.max(scale, 1);
  let idx = new Int32Array(dst * (Math.ceil(2 * support) + 3));
  let wts = new Float32Array(idx.length);
  const first = new Int32Array(dst);
  const count = new Int32Array(dst);
  let n = 0;
  let maxCount = 0;
  for (let o = 0; o < dst; o++) {
    const centre = start + (o + 0.5) * scale;
    const a = Math.floor(centre - support);
    const b = Math.ceil(centre + support);
    const room = b - a + 2;
    if (tapW.length < room) tapW = new Float64Array(room);
    if (idx.length < n + room) {
      const i2 = new Int32Array(2 * (n + room));
      i2.set(idx);
      idx = i2;
      const w2 = new Float32Array(i2.length);
      w2.set(wts);
      wts = w2;
    }
    first[o] = n;
    let c = 0;
    let sum = 0;
    for (let i = a; i <= b; i++) {
      const w = Math.max(0, 1 - Math.abs(i + 0.5 - centre) / support);
      if (w <= 0) continue;
      idx[n + c] = Math.min(limit - 1, Math.max(0, i)); // outside the frame: edge pixels
      tapW[c++] = w;
      sum += w;
    }
    if (sum === 0) {
      idx[n] = Math.min(limit - 1, Math.max(0, Math.round(centre)));
      tapW[0] = 1;
      c = 1;
      sum = 1;
    }
    for (let k = 0; k < c; k++) wts[n + k] = tapW[k]! / sum; // rounded to float32 by the store
    count[o] = c;
    n += c;
    if (c > maxCount) maxCount = c;
  }
  let lo = Infinity;
  let hi = -Infinity;
  const run = new Uint8Array(dst); // 1: consecutive positions
  for (let o = 0; o < dst; o++) {
    const f = first[o]!;
    const e = f + count[o]!;
    let consecutive = 1;
    for (let k = f; k < e; k++) {
      const v = idx[k]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      if (k > f && v !== idx[k - 1]! + 1) consecutive = 0;
    }
    run[o] = consecutive;
  }
  let runFrom = 0;
  while (runFrom < dst && !run[runFrom]) runFrom++;
  let runTo = dst;
  while (runTo > runFrom && !run[runTo - 1]) runTo--;
  for (let o = runFrom; o < runTo; o++) if (!run[o]) runFrom = runTo = 0; // not one block: no runs
  const stride = maxCount <= 2 ? 2 : maxCount <= 4 ? 4 : 0;
  const padded = new Float32Array(stride * dst);
  for (let o = 0; o < dst && stride; o++) for (let k = 0; k < count[o]!; k++) padded[stride * o + k] = wts[first[o]! + k]!;
  return { dst, idx, wts, first, count, lo, hi, runFrom, runTo, stride, padded };
}

// Module state (one copy per worker thread): the grey window and the vertically filtered rows.
// The taps are made per call: footage and crop folders never repeat a rect, so a cache of the
// last ones would only flatter a benchmark that reads the same crop again and again.
let greyBuf = new Float32Array(0);
let vBuf = new Float32Array(0);

/**
 * Grey crop of `rect` (may extend past the borders; edges are clamped) resized to dw x dh,
 * as floats 0..1 written into `out` at `offset` (row-major). Matches PIL convert('L') +
 * resize(BILINEAR), which the reader was trained with. Separable over only the source window
 * the taps reach: each pixel is made grey once (float32), then columns are filtered (a running
 * float32 sum per tap, in tap order; plate crops shrink most in height), then rows (a float64
 * sum in tap order), rounded to a grey level. The float results are part of the models'
 * contract: the unit test holds this to a frozen copy of the plain loops, bit for bit.
 */
export function greyCrop(img: RgbImage, rect: Rect, dw: number, dh: number, out: Float32Array, offset = 0): void {
  const xs = axisTaps(rect.x, rect.w, dw, img.width);
  const ys = axisTaps(rect.y, rect.h, dh, img.height);
  const x0 = xs.lo;
  const y0 = ys.lo;
  const gw = xs.hi - x0 + 1;
  const gh = ys.hi - y0 + 1;
  if (greyBuf.length < gw * gh) greyBuf = new Float32Array(gw * gh);
  if (vBuf.length < dh * gw + 4) vBuf = new Float32Array(dh * gw + 4); // + 4: reads past a row's end meet zero weights
  const g = greyBuf;
  const v = vBuf;
  const d = img.data;
  const view = new DataView(d.buffer, d.byteOffset, d.byteLength);
  for (let r = 0; r < gh; r++) greyRow(view, d, ((y0 + r) * img.width + x0) * 3, g, r * gw, gw);
  const { idx: yi, wts: yw, first: yf, count: yc } = ys;
  const at = (t: number) => (yi[t]! - y0) * gw; // where source row yi[t] starts in the window
  for (let oy = 0; oy < dh; oy++) {
    const vo = oy * gw;
    v.fill(0, vo, vo + gw);
    const e = yf[oy]! + yc[oy]!;
    let k = yf[oy]!;
    for (; k + 4 <= e; k += 4) taps4(v, vo, g, gw, yw[k]!, at(k), yw[k + 1]!, at(k + 1), yw[k + 2]!, at(k + 2), yw[k + 3]!, at(k + 3));
    if (k + 3 === e) taps3(v, vo, g, gw, yw[k]!, at(k), yw[k + 1]!, at(k + 1), yw[k + 2]!, at(k + 2));
    else if (k + 2 === e) taps2(v, vo, g, gw, yw[k]!, at(k), yw[k + 1]!, at(k + 1));
    else if (k + 1 === e) taps2(v, vo, g, gw, yw[k]!, at(k), 0, at(k)); // + 0 * g: unchanged
    rowTaps(v, vo - x0, xs, out, offset + oy * dw);
  }
}

/**
 * n pixels of interleaved RGB from byte p into grey floats at g[s]. The integer form
 * (299 R + 587 G + 114 B) * 0.001, stored as float32, equals float32(0.299 R + 0.587 G +
 * 0.114 B) for every byte triple (the unit test checks all 2^24); it reads 4 pixels as three
 * 32-bit words.
 */
function greyRow(dv: DataView, d: Uint8Array, p: number, g: Float32Array, s: number, n: number): void {
  const e = s + n;
  for (const e4 = e - 3; s < e4; s += 4, p += 12) {
    const a = dv.getUint32(p, true);
    const b = dv.getUint32(p + 4, true);
    const c = dv.getUint32(p + 8, true);
    g[s] = (299 * (a & 255) + 587 * ((a >>> 8) & 255) + 114 * ((a >>> 16) & 255)) * 0.001;
    g[s + 1] = (299 * (a >>> 24) + 587 * (b & 255) + 114 * ((b >>> 8) & 255)) * 0.001;
    g[s + 2] = (299 * ((b >>> 16) & 255) + 587 * (b >>> 24) + 114 * (c & 255)) * 0.001;
    g[s + 3] = (299 * ((c >>> 8) & 255) + 587 * ((c >>> 16) & 255) + 114 * (c >>> 24)) * 0.001;
  }
  for (; s < e; s++, p += 3) g[s] = (299 * d[p]! + 587 * d[p + 1]! + 114 * d[p + 2]!) * 0.001;
}

// Vertical taps: v[vo + x] plus w * (grey row at s) for each tap in turn, rounded to float32
// after every tap exactly as storing each partial sum in the Float32Array would.
function taps4(v: Float32Array, vo: number, g: Float32Array, n: number, w0: number, s0: number, w1: number, s1: number, w2: number, s2: number, w3: number, s3: number): void {
  for (let x = 0; x < n; x++) {
    let a = Math.fround(v[vo + x]! + w0 * g[s0 + x]!);
    a = Math.fround(a + w1 * g[s1 + x]!);
    a = Math.fround(a + w2 * g[s2 + x]!);
    v[vo + x] = a + w3 * g[s3 + x]!;
  }
}

function taps3(v: Float32Array, vo: number, g: Float32Array, n: number, w0: number, s0: number, w1: number, s1: number, w2: number, s2: number): void {
  for (let x = 0; x < n; x++) {
    let a = Math.fround(v[vo + x]! + w0 * g[s0 + x]!);
    a = Math.fround(a + w1 * g[s1 + x]!);
    v[vo + x] = a + w2 * g[s2 + x]!;
  }
}

function taps2(v: Float32Array, vo: number, g: Float32Array, n: number, w0: number, s0: number, w1: number, s1: number): void {
  for (let x = 0; x < n; x++) v[vo + x] = Math.fround(v[vo + x]! + w0 * g[s0 + x]!) + w1 * g[s1 + x]!;
}

/**
 * One output row: a float64 sum over each output's taps in order (a product of two float32
 * values is exact in float64) from the filtered row at v[vo + source x], rounded to a grey level.
 */
function rowTaps(v: Float32Array, vo: number, xs: AxisTaps, out: Float32Array, o: number): void {
  const { idx, wts, first, count, runFrom, runTo, stride, padded } = xs;
  for (let ox = 0; ox < runFrom; ox++) out[o + ox] = roundHalfUp(sumAt(v, vo, idx, wts, first[ox]!, count[ox]!)) / 255;
  if (stride === 2) {
    for (let ox = runFrom, q = 2 * runFrom; ox < runTo; ox++, q += 2) {
      const p = vo + idx[first[ox]!]!;
      out[o + ox] = roundHalfUp(padded[q]! * v[p]! + padded[q + 1]! * v[p + 1]!) / 255;
    }
  } else if (stride === 4) {
    for (let ox = runFrom, q = 4 * runFrom; ox < runTo; ox++, q += 4) {
      const p = vo + idx[first[ox]!]!;
      let acc = padded[q]! * v[p]!;
      acc += padded[q + 1]! * v[p + 1]!;
      acc += padded[q + 2]! * v[p + 2]!;
      acc += padded[q + 3]! * v[p + 3]!;
      out[o + ox] = roundHalfUp(acc) / 255;
    }
  } else {
    for (let ox = runFrom; ox < runTo; ox++) {
      let k = first[ox]!;
      const e = k + count[ox]!;
      let p = vo + idx[k]!;
      let acc = 0;
      for (; k + 1 < e; k += 2, p += 2) {
        acc += wts[k]! * v[p]!;
        acc += wts[k + 1]! * v[p + 1]!;
      }
      if (k < e) acc += wts[k]! * v[p]!;
      out[o + ox] = roundHalfUp(acc) / 255;
    }
  }
  for (let ox = runTo; ox < xs.dst; ox++) out[o + ox] = roundHalfUp(sumAt(v, vo, idx, wts, first[ox]!, count[ox]!)) / 255;
}

/**
 * Math.round for finite a >= 0, without its data-dependent branch (on grey levels that branch
 * goes either way at random and its mispredictions cost more than the rest of a row). With
 * n = Math.round(a) = floor(a + 0.5) exactly: the float sum a + 0.5 is at least n and at most
 * n + 1 (rounding is monotonic, integers are exact), so q is n or n + 1, and q - 0.5 > a holds
 * exactly when q = n + 1. The rare correction is a branch that is almost never taken.
 */
export function roundHalfUp(a: number): number {
  const q = Math.floor(a + 0.5);
  return q - 0.5 > a ? q - 1 : q;
}

/** Taps f .. f + n - 1 at their (clamped) positions, in order. */
function sumAt(v: Float32Array, vo: number, idx: Int32Array, wts: Float32Array, f: number, n: number): number {
  let acc = 0;
  for (let k = f; k < f + n; k++) acc += wts[k]! * v[vo + idx[k]!]!;
  return acc;
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
