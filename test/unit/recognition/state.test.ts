// State recognition (issue 3, "state recognition is a plus"): the name/slogan matcher, and the
// real PP-OCRv4 recogniser on real US plate crops from the shared data.
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRgb } from '../../../native/recognition/preprocess';
import { matchLine, matchState, STATE_MODEL, STATE_STRIPS, stateModelFiles, StateReader } from '../../../native/recognition/state';
import { sharedDataDir } from '../../support/shared-data';

const US = join(sharedDataDir(), 'us-plate-crops', 'images');

describe('matchState', () => {
  it('names the state whose name or slogan is in the text', () => {
    expect(matchState('MAY California 2009')).toMatchObject({ code: 'CA', key: 'CALIFORNIA', distance: 0 });
    expect(matchState('SHOW-ME STATE')?.code).toBe('MO');
    expect(matchState('FAMOUS POTATOES')?.code).toBe('ID');
  });

  it('takes a lowercase l as the letter I only when the line names nothing as read (rule 6)', () => {
    // the recogniser's reading of Iowa's sans-serif capital I (tuning-half crops)
    expect(matchLine('lOWARO')).toEqual({ match: { code: 'IA', key: 'IOWA', distance: 0 }, evidence: 'IOWARO' });
    expect(matchLine('#lOWAD')?.match.code).toBe('IA');
    expect(matchLine('LOWA')).toBeNull(); // a capital L is an L
    expect(matchLine('lowell')).toBeNull();
    // a line that names a state as read keeps that name and evidence
    expect(matchLine('Florida')).toEqual({ match: { code: 'FL', key: 'FLORIDA', distance: 0 }, evidence: 'FLORIDA' });
    expect(matchLine('Bllinois')?.evidence).toBe('BLLINOIS');
    // a non-state name ends the line as before, with code ''
    expect(matchLine('ONTARlO')?.match.code).toBe('');
  });

  it('prefers the longer name that contains a shorter one', () => {
    expect(matchState('WILD WEST VIRGINIA')?.code).toBe('WV');
    expect(matchState('THE NATURAL STATE ARKANSAS')?.code).toBe('AR');
    expect(matchState('WASHINGTON DC')?.code).toBe('DC');
  });

  it('tolerates a misread letter in a long name, none in a short one', () => {
    expect(matchState('CALIFORNLA')).toMatchObject({ code: 'CA', distance: 1 });
    expect(matchState('PENSYLVANIA')?.code).toBe('PA');
    expect(matchState('OHIO')?.code).toBe('OH');
    expect(matchState('OHLO')).toBeNull();
    expect(matchState('MAINS')).toBeNull();
  });

  it('gives the trailing STATE of a slogan no edits of its own, and short names no dropped letter', () => {
    // other states' slogans must not pass for these (their STATE is shared, not distinctive)
    for (const other of ['TREASURE STATE', 'KEYSTONE STATE', 'THE NATURAL STATE', 'PEACH STATE', 'BEEHIVE STATE', 'EVERGREEN STATE', 'GOLDEN STATE', 'GREAT LAKES STATE']) {
      expect(matchState(other), other).toBeNull();
    }
    expect(matchState('EMPIRE STATE')?.code).toBe('NY');
    expect(matchState('SHOW ME STAT')?.code).toBe('MO');
    for (const word of ['MAIN', 'MINE', 'TOYOTA OF MAIN STREET', 'TEAS']) expect(matchState(word), word).toBeNull();
    expect(matchState('MAINE')?.code).toBe('ME');
    expect(matchState('ARIKANSAS')?.code).toBe('AR');
  });

  it('names no state where the line is a federal plate, a Canadian province or a Mexican state', () => {
    // U.S. GOVERNMENT with an N lost holds VERMENT, one edit from VERMONT
    for (const text of ['US GOVERMENT', 'U.S. GOVERNMENT FOR OFFICIAL USE ONLY', 'BAJA CALIFORNIA', 'ONTARIO', 'BRITISH COLUMBIA', 'QUEBEC'])
      expect(matchState(text), text).toBeNull();
    expect(matchState('VERMONT')?.code).toBe('VT');
  });

  it('gives CALIFORNIA\'s script a fourth edit, and no other long name', () => {
    // photo readings of the cursive name (training photos)
    for (const text of ['VALFORMA', 'ELIFONNA', 'SLOLIFOUNI']) expect(matchState(text)?.code, text).toBe('CA');
    // block-capital names keep three: PENNY LANE is four edits from PENNSYLVANIA
    expect(matchState('PENNYLANE')).toBeNull();
    expect(matchState('PENSYLVANA')?.code).toBe('PA');
    expect(matchState('CALIFORNIA')?.code).toBe('CA');
    expect(matchState('NEW MEXICO')?.code).toBe('NM');
  });

  it('names nothing for text that is no state', () => {
    expect(matchState('')).toBeNull();
    expect(matchState('B225RTK RO')).toBeNull();
    expect(matchState('DEALER FINANCING 555 0199')).toBeNull();
  });
});

describe('StateReader (real ONNX)', () => {
  let reader: StateReader;
  beforeAll(async () => {
    reader = await StateReader.create({ threads: 1 });
  });
  afterAll(async () => {
    await reader.release();
  });

  it('reads the state printed above or below the characters', async () => {
    // tuning-half crops: California (script name on top), Kansas, North Dakota (name below)
    expect(await reader.read(join(US, 'ca359.jpg'))).toMatchObject({ code: 'CA', strip: 'top' });
    expect((await reader.read(join(US, 'ks50.jpg')))?.code).toBe('KS');
    expect((await reader.read(join(US, 'nd563.jpg')))?.code).toBe('ND');
  });

  it('finds the name under a dealer frame\'s text with a thinner strip', async () => {
    // a frame's line pasted over the top of a California crop: the top third now holds two lines
    // of text and reads as a mix of both; the strip below the frame's line reads the name
    const { width = 0, height = 0 } = await sharp(join(US, 'ca359.jpg')).metadata();
    const band = Math.round(height * 0.13);
    const svg = `<svg width="${width}" height="${band}"><rect width="100%" height="100%" fill="black"/><text x="50%" y="${band * 0.8}" font-size="${band * 0.9}" fill="white" text-anchor="middle" font-family="DejaVu Sans" font-weight="bold">BELLEVUE MOTORS</text></svg>`;
    const img = await decodeRgb(await sharp(join(US, 'ca359.jpg')).composite([{ input: Buffer.from(svg), left: 0, top: 0 }]).jpeg({ quality: 95 }).toBuffer());
    expect(matchState(await reader.readLine(img, 0, 0, width, height * STATE_STRIPS.top[1]))).toBeNull();
    expect(await reader.read(img)).toMatchObject({ code: 'CA', strip: 'middle' });
  });

  it('finds the plate inside a larger image by its box', async () => {
    const crop = await sharp(join(US, 'ca359.jpg')).metadata();
    const canvas = await sharp({ create: { width: 900, height: 500, channels: 3, background: { r: 90, g: 90, b: 90 } } })
      .composite([{ input: join(US, 'ca359.jpg'), left: 400, top: 200 }])
      .jpeg({ quality: 95 })
      .toBuffer();
    const img = await decodeRgb(canvas);
    expect((await reader.read(img, { x: 400, y: 200, w: crop.width!, h: crop.height! }))?.code).toBe('CA');
    // a box with no plate in it names no state
    expect(await reader.read(img, { x: 20, y: 20, w: 300, h: 150 })).toBeNull();
  });

  it('names no state on a plate from another country', async () => {
    const br = join(sharedDataDir(), 'br-plate-crops');
    const dir = readdirSync(br).includes('images') ? join(br, 'images') : br;
    const files = readdirSync(dir).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort().slice(0, 5);
    expect(files.length).toBe(5);
    for (const f of files) expect(await reader.read(join(dir, f))).toBeNull();
  });
});

describe('stateModelFiles', () => {
  it('refuses a recogniser whose SHA-256 is not the pinned one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'canvass-state-'));
    const real = stateModelFiles();
    copyFileSync(real.keys, join(dir, STATE_MODEL.keys));
    writeFileSync(join(dir, STATE_MODEL.rec), 'not the model');
    try {
      expect(() => stateModelFiles(dir)).toThrow(/SHA-256 [0-9a-f]{64}, expected 06b3e6af/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('uses the models folder first when it holds the files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'canvass-state-'));
    const real = stateModelFiles();
    copyFileSync(real.rec, join(dir, STATE_MODEL.rec));
    copyFileSync(real.keys, join(dir, STATE_MODEL.keys));
    try {
      expect(stateModelFiles(dir).rec).toBe(join(dir, STATE_MODEL.rec));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
