// The synthetic plate generator's California I (training/synth_plates.py, session 10): slab
// serifs top and bottom on the letter I, for a share of plates set by CANVASS_SERIF_I (off by
// default, so the shipped models' banks are drawn as they were). Real PIL, Debian's python3.
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const TRAINING = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'training');

function py(code: string, env: Record<string, string> = {}): string {
  const base = { ...process.env };
  delete base.CANVASS_SERIF_I; // a setting of the shell must not leak in
  const r = spawnSync('/usr/bin/python3', ['-c', code], { cwd: TRAINING, encoding: 'utf8', env: { ...base, ...env } });
  if (r.status !== 0) throw new Error(`python3 exited ${r.status}:\n${r.stderr}`);
  return r.stdout.trim();
}

describe('synthetic California I', () => {
  it('puts a bar wider than the stem across the top and bottom of each I, and nowhere else', () => {
    // ink width of the top and bottom rows inside each glyph's advance, with and without serifs
    const out = py(`
import json, numpy as np
from PIL import Image, ImageDraw, ImageFont
from synth_plates import serif_i
f = ImageFont.truetype('/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf', 80)
text = 'HIT'
res = {}
for s in (False, True):
    im = Image.new('L', (400, 100), 0); d = ImageDraw.Draw(im)
    d.text((10, 0), text, font=f, fill=255)
    if s: serif_i(d, text, f, (10, 0))
    a = np.asarray(im) > 127
    il, it, ir, ib = f.getbbox('I')
    row = {}
    for i, ch in enumerate(text):
        x0 = int(10 + f.getlength(text[:i])); x1 = int(10 + f.getlength(text[:i + 1]))
        row[ch] = [int(a[it + 2, x0:x1].sum()), int(a[ib - 2, x0:x1].sum())]
    res['serif' if s else 'plain'] = row
m = f.getmask('I').getbbox()
res['stem'] = m[2] - m[0]
print(json.dumps(res))
`);
    const r = JSON.parse(out) as { plain: Record<string, [number, number]>; serif: Record<string, [number, number]>; stem: number };
    // plain: the I is a bare stem at its top and bottom
    expect(r.plain.I![0]).toBeLessThanOrEqual(r.stem + 1);
    expect(r.plain.I![1]).toBeLessThanOrEqual(r.stem + 1);
    // serifed: both ends well wider than the stem (within the glyph's own advance), H and T untouched
    expect(r.serif.I![0]).toBeGreaterThanOrEqual(1.5 * r.stem);
    expect(r.serif.I![1]).toBeGreaterThanOrEqual(1.5 * r.stem);
    expect(r.serif.H).toEqual(r.plain.H);
    expect(r.serif.T).toEqual(r.plain.T);
  });

  it('is off by default, and a bank drawn with it is another file', () => {
    const names = (env: Record<string, string>) => py('from synth_bank import bank_path; from synth_plates import SERIF_I; print(SERIF_I, bank_path("reader", 64, 7).name)', env);
    expect(names({})).toBe('0.0 synth_reader_64_7.npz');
    expect(names({ CANVASS_SERIF_I: '0.5' })).toBe('0.5 synth_reader_64_7_serifI0.5.npz');
  });

  it('draws a share of the plates with an I that way, the same for the same seed', () => {
    // plates whose registration contains I, with the share at 1: every one of them is serifed, so
    // the rendered crops differ from the default generator's only for those plates
    const code = `
import random, numpy as np
from common import FONT_DIRS
from synth_plates import FontBank, render_crop
fonts = FontBank(FONT_DIRS)
rng = random.Random(11)
out = []
for _ in range(40):
    img, text = render_crop(rng, fonts, 160, 48)
    out.append((text, int(np.asarray(img, np.int64).sum())))
print(';'.join(f'{t}:{s}' for t, s in out))
`;
    const plain = py(code).split(';');
    const serif = py(code, { CANVASS_SERIF_I: '1' }).split(';');
    const again = py(code, { CANVASS_SERIF_I: '1' }).split(';');
    expect(serif).toEqual(again);
    // the texts are drawn from the same stream up to the first plate with an I
    const firstI = plain.findIndex((p) => p.split(':')[0]!.includes('I'));
    expect(firstI).toBeGreaterThanOrEqual(0);
    expect(serif.slice(0, firstI)).toEqual(plain.slice(0, firstI));
    expect(serif[firstI]!.split(':')[0]).toBe(plain[firstI]!.split(':')[0]);
    expect(serif[firstI]).not.toEqual(plain[firstI]);
  });
});
