// A damaged image (a JPEG cut short: a card pulled out mid-write, a partial download) is read as far
// as it decodes, as OpenCV, browsers and viewers show it, and says that it was damaged; a file that
// is no image at all still fails by name (issue 3: the engine reads real-world files; the eval's
// numbers must not lose a plate to a decoder stricter than the peers').
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { RecognitionEngine } from '../../../native/recognition/index';
import { decodeRgb, ImageDecodeError, resizeRgb } from '../../../native/recognition/preprocess';
import { sharedData } from '../../support/shared-data';

describe('damaged images', () => {
  const dir = mkdtempSync(join(tmpdir(), 'canvass-damaged-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // eu1.jpg (1000 x 750, baseline): its plate M5XSX lies at rows 340-386; the cut keeps ~80% of the bytes
  const whole = readFileSync(sharedData('scenes-eu', 'eu1.jpg'));
  const cut = whole.subarray(0, Math.floor(whole.length * 0.8));

  it('decodes the rows a cut-off JPEG holds, greys the rest, and names the damage', async () => {
    const a = await decodeRgb(whole);
    const b = await decodeRgb(cut, 'cut.jpg');
    expect(a.damage).toBeUndefined();
    expect(b.damage).toMatch(/premature end of JPEG/i);
    expect([b.width, b.height]).toEqual([a.width, a.height]);
    const row = (img: typeof a, y: number) => img.data.subarray(y * img.width * 3, (y + 1) * img.width * 3);
    // the plate's rows are intact ...
    for (const y of [0, 340, 386, 400]) expect(Buffer.compare(row(a, y), row(b, y)), `row ${y}`).toBe(0);
    // ... and the last row, which the file no longer holds, is flat grey
    const last = row(b, b.height - 1);
    expect(Math.max(...last) - Math.min(...last)).toBeLessThanOrEqual(2);
    expect(Buffer.compare(row(a, a.height - 1), last)).not.toBe(0);
    // the detector's resize from the bytes takes the same way
    expect((await resizeRgb(cut, 320, 240, 'cut.jpg')).length).toBe(320 * 240 * 3);
  });

  it('still refuses bytes that are no image, by name', async () => {
    await expect(decodeRgb(Buffer.from('not a jpeg at all'), 'text.jpg')).rejects.toThrow(ImageDecodeError);
    await expect(decodeRgb(Buffer.from('not a jpeg at all'), 'text.jpg')).rejects.toThrow(/cannot decode image text\.jpg/);
    // a JPEG header and nothing that decodes
    const header = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(300, 1)]);
    await expect(decodeRgb(header, 'header.jpg')).rejects.toThrow(/cannot decode image header\.jpg/);
  });

  it('reads the plate of a cut-off photo given by path, as of the whole one', async () => {
    const file = join(dir, 'cut.jpg');
    writeFileSync(file, cut);
    const engine = await RecognitionEngine.create({ threads: 1 });
    try {
      const plates = (await engine.recognize(file)).filter((p) => p.verified).map((p) => p.text);
      const wholePlates = (await engine.recognize(whole)).filter((p) => p.verified).map((p) => p.text);
      expect(plates).toContain('M5XSX');
      expect(plates).toEqual(wholePlates);
    } finally {
      await engine.release();
    }
  });

  it('reads a JPEG with corrupt data in mid-stream (a stray marker) and names the damage', async () => {
    const jpg = await sharp(whole).resize(320).jpeg().toBuffer();
    const bad = Buffer.from(jpg);
    const at = Math.floor(jpg.length * 0.6);
    bad[at] = 0xff;
    bad[at + 1] = 0xd3; // a restart marker where none belongs
    const img = await decodeRgb(bad, 'stray.jpg');
    expect(img.damage).toMatch(/Corrupt JPEG data/);
    expect([img.width, img.height]).toEqual([320, 240]);
  });
});
