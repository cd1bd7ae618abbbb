// greyCrop is part of the models' contract: the reader was evaluated on exactly these floats.
// Its fast form must give, bit for bit, what the plain loops it replaced gave. Those loops are
// frozen below (copied from native/recognition/preprocess.ts before the rewrite, names prefixed
// "ref", code unchanged) and
// compared element by element with Object.is on random images and rects (edges, off-frame,
// fractional, tiny and huge scale factors, odd byte offsets) and on real plate crops.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rng } from '../../../bench/canvass/synth'; // seeded (mulberry32): a failure can be replayed
import { decodeRgb, greyCrop, roundHalfUp, type Rect, type RgbImage } from '../../../native/recognition/preprocess';
import { sharedData } from '../../support/shared-data';

// ---- frozen reference (do not edit) ----
function refAxisTaps(start: number, len: number, dst: number, limit: number) {
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

let refScratch = new Float32Array(0);

function refGreyCrop(img: RgbImage, rect: Rect, dw: number, dh: number, out: Float32Array, offset = 0): void {
  const xs = refAxisTaps(rect.x, rect.w, dw, img.width);
  const ys = refAxisTaps(rect.y, rect.h, dh, img.height);
  const [x0, x1] = refSpan(xs.idx);
  const [y0, y1] = refSpan(ys.idx);
  const gw = x1 - x0 + 1;
  const gh = y1 - y0 + 1;
  const vAt = gw * gh; // after the grey window: dh filtered rows of gw
  if (refScratch.length < vAt + dh * gw) refScratch = new Float32Array(vAt + dh * gw);
  const buf = refScratch;
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

function refSpan(idx: Int32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of idx) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}
// ---- end of frozen reference ----

/** A colour whose grey level is exactly k + 0.5: sums of these sit on Math.round's edge. */
function halfLevel(rnd: () => number): [number, number, number] {
  for (;;) {
    const c: [number, number, number] = [Math.floor(rnd() * 256), Math.floor(rnd() * 256), Math.floor(rnd() * 256)];
    if ((299 * c[0] + 587 * c[1] + 114 * c[2]) % 1000 === 500) return c;
  }
}

type Texture = 'noise' | 'smooth' | 'halves';

/**
 * Random RGB image; its bytes sit at a random (often odd) offset in a larger buffer. 'noise':
 * independent bytes. 'smooth': plate-like gradients and flat areas. 'halves': flat blocks of
 * colours whose grey is k + 0.5, where a filtered value's last bits decide how it rounds, so
 * any change to the summation order shows in the output.
 */
function randomImage(rnd: () => number, width: number, height: number, texture: Texture): RgbImage {
  const pad = Math.floor(rnd() * 8);
  const data = new Uint8Array(new ArrayBuffer(width * height * 3 + pad + 5), pad, width * height * 3);
  if (texture === 'noise') {
    for (let i = 0; i < data.length; i++) data[i] = Math.floor(rnd() * 256);
  } else if (texture === 'smooth') {
    const [a, b, c] = [rnd() * 0.2, rnd() * 0.2, rnd() * 255];
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const base = (c + a * x * 7 + b * y * 5 + (rnd() < 0.05 ? rnd() * 120 : 0)) % 256;
        for (let ch = 0; ch < 3; ch++) data[(y * width + x) * 3 + ch] = Math.floor(base + ch * 17) & 255;
      }
    }
  } else {
    const bw = 1 + Math.floor(rnd() * Math.max(1, width / 2));
    const bh = 1 + Math.floor(rnd() * Math.max(1, height / 2));
    const colours = Array.from({ length: 4 }, () => halfLevel(rnd));
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const c = colours[(Math.floor(x / bw) + 2 * Math.floor(y / bh)) % 4]!;
        data.set(c, (y * width + x) * 3);
      }
    }
  }
  return { width, height, data };
}

/** A rect for an image of w x h: inside, across an edge, off the frame, fractional, tiny or huge. */
function randomRect(rnd: () => number, w: number, h: number): Rect {
  const kind = Math.floor(rnd() * 6);
  const frac = (v: number) => (rnd() < 0.5 ? Math.round(v) : v);
  switch (kind) {
    case 0: {
      // inside
      const rw = 1 + rnd() * (w - 1);
      const rh = 1 + rnd() * (h - 1);
      return { x: frac(rnd() * (w - rw)), y: frac(rnd() * (h - rh)), w: frac(rw), h: frac(rh) };
    }
    case 1: // across one or more edges
      return { x: frac(-w * 0.3 + rnd() * w * 1.1), y: frac(-h * 0.3 + rnd() * h * 1.1), w: frac(1 + rnd() * w * 0.8), h: frac(1 + rnd() * h * 0.8) };
    case 2: // wholly off the frame on some side
      return { x: frac(rnd() < 0.5 ? -50 - rnd() * 100 : w + rnd() * 100), y: frac(-20 + rnd() * (h + 40)), w: frac(1 + rnd() * 40), h: frac(1 + rnd() * 20) };
    case 3: // tiny: strong upscale
      return { x: frac(rnd() * w), y: frac(rnd() * h), w: 0.25 + rnd() * 4, h: 0.25 + rnd() * 3 };
    case 4: // huge: strong shrink, up to far past the frame
      return { x: frac(-rnd() * w), y: frac(-rnd() * h), w: frac(w * (1 + rnd() * 2)), h: frac(h * (1 + rnd() * 2)) };
    default: // the whole image
      return { x: 0, y: 0, w, h };
  }
}

/** Runs both on the same case; returns the number of floats compared. */
function compare(img: RgbImage, r: Rect, dw: number, dh: number, label: string): number {
  const offset = 1 + (dw % 7);
  const got = new Float32Array(offset + dw * dh + 3).fill(-1);
  const want = new Float32Array(offset + dw * dh + 3).fill(-1);
  greyCrop(img, r, dw, dh, got, offset);
  refGreyCrop(img, r, dw, dh, want, offset);
  for (let i = 0; i < got.length; i++) {
    if (!Object.is(got[i], want[i])) {
      throw new Error(`${label}: rect ${JSON.stringify(r)} -> ${dw}x${dh}, float ${i - offset}: ${got[i]} != ${want[i]}`);
    }
  }
  return dw * dh;
}

describe('greyCrop is bit-identical to the frozen reference', () => {
  it('the integer grey form equals float32(0.299 R + 0.587 G + 0.114 B) for all 2^24 colours', () => {
    const a = new Float32Array(1);
    const b = new Float32Array(1);
    let unequal = 0;
    for (let r = 0; r < 256; r++) {
      for (let g = 0; g < 256; g++) {
        for (let bl = 0; bl < 256; bl++) {
          a[0] = 0.299 * r + 0.587 * g + 0.114 * bl;
          b[0] = (299 * r + 587 * g + 114 * bl) * 0.001;
          if (!Object.is(a[0], b[0])) unequal++;
        }
      }
    }
    expect(unequal).toBe(0);
  });

  it('random images and rects, reader size and random sizes', () => {
    const rnd = rng(20261127);
    let cases = 0;
    let floats = 0;
    for (let n = 0; n < 60; n++) {
      const width = n < 6 ? 1 + n : 1 + Math.floor(rnd() * (n % 5 === 0 ? 1920 : 400));
      const height = n < 6 ? 1 + ((n * 3) % 4) : 1 + Math.floor(rnd() * (n % 5 === 0 ? 1080 : 200));
      const img = randomImage(rnd, width, height, (['noise', 'smooth', 'halves'] as const)[n % 3]!);
      for (let c = 0; c < 40; c++) {
        const r = randomRect(rnd, width, height);
        const [dw, dh] = c % 3 === 0 ? [1 + Math.floor(rnd() * 200), 1 + Math.floor(rnd() * 80)] : [160, 48];
        floats += compare(img, r, dw, dh, `image ${n} (${width}x${height})`);
        // the same rect again (taps reused) and on another size of image (taps not reused)
        if (c % 5 === 0) floats += compare(img, r, dw, dh, `image ${n} again`);
        cases++;
      }
    }
    expect(cases).toBe(2400);
    expect(floats).toBeGreaterThan(10_000_000);
  });

  it('a Buffer-backed 1080p frame: plate-sized regions as the reader sees them', () => {
    const rnd = rng(7);
    const img = randomImage(rnd, 1920, 1080, 'smooth');
    const frame: RgbImage = { width: 1920, height: 1080, data: Buffer.from(img.data) };
    for (let c = 0; c < 100; c++) {
      const w = 60 + rnd() * 400;
      const h = w * (0.25 + rnd() * 0.3);
      compare(frame, { x: -30 + rnd() * 1920, y: -10 + rnd() * 1080, w, h }, 160, 48, '1080p frame');
    }
  });

  it('real plate crops from us-plate-crops: whole and sub-rects', async () => {
    const dir = sharedData('us-plate-crops', 'images');
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.jpg'))
      .sort()
      .filter((_, i) => i % 25 === 0);
    expect(files.length).toBeGreaterThan(20);
    const rnd = rng(99);
    for (const f of files) {
      const img = await decodeRgb(`${dir}/${f}`);
      compare(img, { x: 0, y: 0, w: img.width, h: img.height }, 160, 48, f);
      for (let c = 0; c < 5; c++) compare(img, randomRect(rnd, img.width, img.height), 160, 48, f);
    }
  });
});

describe('roundHalfUp', () => {
  it('equals Math.round on ties, their neighbours and random values in 0..300', () => {
    const rnd = rng(3);
    const f64 = new Float64Array(1);
    const bits = new BigInt64Array(f64.buffer);
    const step = (x: number, by: bigint) => {
      f64[0] = x;
      bits[0]! += by;
      return f64[0]!;
    };
    const values = [0, 0.49999999999999994, 0.5, Number.MIN_VALUE, 1e-300];
    for (let k = 0; k <= 300; k++) {
      for (const x of [k, k + 0.5]) for (let d = -3n; d <= 3n; d++) if (x > 0 || d >= 0n) values.push(step(x, d));
    }
    for (let i = 0; i < 1_000_000; i++) values.push(rnd() * 300);
    for (const x of values) {
      if (!Object.is(roundHalfUp(x), Math.round(x))) throw new Error(`roundHalfUp(${x}) = ${roundHalfUp(x)}, Math.round: ${Math.round(x)}`);
    }
  });
});
