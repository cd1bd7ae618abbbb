// The pure parts of the footage pipeline: the text vote, the tracker's pass logic (merge,
// split, occlusion, resumable state), position tracks (GPX, NMEA, CSV) with interpolation,
// the colour names, the sampling expression and the MP4 truncation check.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nameOf, estimateColour, greyWorldGains } from '../../../native/footage/colour';
import { checkIsoBoxes, FootageError, unpacked } from '../../../native/footage/ffmpeg';
import { modelsDirFor, recognizerSpec } from '../../../native/footage/engine';
import { selectExpression } from '../../../native/footage/decode';
import type { WorkerHit } from '../../../native/footage/protocol';
import { consensus, editDistance } from '../../../native/footage/text';
import { DEFAULT_TRACKER, resolveImages, Tracker, type FinishedTrack, type FrameImages } from '../../../native/footage/tracker';
import { HeldFrames } from '../../../native/footage/held';
import type { FramePool } from '../../../native/footage/pool';
import type { ReleaseRequest } from '../../../native/footage/protocol';
import { placeAt, readTrack } from '../../../electron/core/footage/sidecar';
import { correct } from '../../../electron/core/footage/timebase';
import { tempDir } from './support';

function hit(x: number, text: string, confidence = 0.9, y = 300, w = 100): WorkerHit {
  return {
    box: { x, y, w, h: w / 4 },
    score: 0.8,
    text,
    confidence,
    charConfidences: [...text].map(() => confidence),
    alternatives: [],
    cropJpeg: new Uint8Array([x & 255]),
    colour: { colour: 'blue', share: 0.8 },
  };
}

describe('text vote', () => {
  it('votes characters across readings and lists the runner-up as an alternative', () => {
    const c = consensus([
      { text: 'ABC123', confidence: 0.9, charConfidences: [0.9, 0.9, 0.9, 0.9, 0.9, 0.9] },
      { text: 'ABC123', confidence: 0.8, charConfidences: [0.8, 0.8, 0.8, 0.8, 0.8, 0.8] },
      { text: 'A8C123', confidence: 0.6, charConfidences: [0.9, 0.5, 0.9, 0.9, 0.9, 0.9] },
      { text: 'ABC12', confidence: 0.3, charConfidences: [0.3, 0.3, 0.3, 0.3, 0.3] },
    ])!;
    expect(c.text).toBe('ABC123');
    expect(c.charConfidences[1]).toBeLessThan(c.charConfidences[0]!);
    expect(c.alternatives.map((a) => a.text)).toContain('A8C123');
    expect(c.alternatives.map((a) => a.text)).toContain('ABC12');
    expect(c.confidence).toBeLessThanOrEqual(0.9);
  });

  it('measures edit distance', () => {
    expect(editDistance('B225RTK', 'B225RIK')).toBe(1);
    expect(editDistance('ABC', '')).toBe(3);
  });
});

describe('tracker', () => {
  it('merges a moving plate across frames into one pass and keeps the best observation', () => {
    const t = new Tracker();
    const done = [];
    for (let i = 0; i < 6; i++) done.push(...t.update(i * 200, [hit(100 + i * 30, i === 2 ? 'ABC1Z3' : 'ABC123', i === 4 ? 0.99 : 0.8)], null));
    done.push(...t.flush());
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({ text: 'ABC123', firstMs: 0, lastMs: 1000, bestMs: 800, observations: 6, colour: 'blue' });
  });

  it('keeps two plates side by side apart and ends a pass after the gap', () => {
    const t = new Tracker();
    const out = [];
    for (let i = 0; i < 3; i++) out.push(...t.update(i * 200, [hit(100, 'ABC123'), hit(700, 'XYZ789')], null));
    // 2 s later the same text in the same place is a new pass (gap > maxGapMs)
    out.push(...t.update(2600, [hit(100, 'ABC123')], null));
    out.push(...t.flush());
    expect(out.map((f) => f.text).sort()).toEqual(['ABC123', 'ABC123', 'XYZ789']);
  });

  it('bridges a short occlusion when the text matches', () => {
    const t = new Tracker();
    t.update(0, [hit(100, 'ABC123')], null);
    t.update(200, [hit(130, 'ABC123')], null);
    t.update(1200, [hit(600, 'ABC123')], null); // far away, but within the gap and the same plate
    expect(t.flush()).toHaveLength(1);
  });

  it('drops passes whose text is too unsure', () => {
    const t = new Tracker();
    t.update(0, [hit(100, 'Q7', 0.2)], null);
    expect(t.flush()).toHaveLength(0);
  });

  it('snapshots open passes (images by hash) and resumes them', () => {
    const a = new Tracker();
    const images = { framed: true, jpeg: null as Uint8Array | null, crops: new Map<number, Uint8Array>() };
    a.update(0, [{ ...hit(100, 'ABC123'), cropJpeg: undefined }], images);
    expect(a.adopted(images)).toBe(true);
    expect(a.needs(images)).toEqual({ frame: true, crops: [0] });
    // the encodes the caller was asked for
    images.jpeg = new Uint8Array([1, 2, 3]);
    images.crops.set(0, new Uint8Array([4]));
    expect(a.needs(images)).toBeNull();
    const stored: Uint8Array[] = [];
    const snap = JSON.parse(JSON.stringify(a.snapshot((b) => (stored.push(b), `sha${stored.length}`)))) as ReturnType<Tracker['snapshot']>;
    expect(stored).toHaveLength(2); // crop and frame
    const b = new Tracker(DEFAULT_TRACKER);
    b.restore(snap);
    b.update(200, [hit(120, 'ABC123', 0.5)], null);
    const [f] = b.flush();
    expect(f).toMatchObject({ key: '0:0', observations: 2, cropSha: 'sha1', frameSha: 'sha2' });
  });
});

describe('kept frames (images encoded only for a pass\'s best observation)', () => {
  /** A pool whose workers "encode" a frame as [ref] and a crop as [ref, hit]. */
  function fakePool() {
    const calls: { ref: number; want: ReleaseRequest }[] = [];
    const pool = {
      release: (ref: number, want: ReleaseRequest) => {
        calls.push({ ref, want });
        return Promise.resolve({ jpeg: want.frame ? new Uint8Array([ref]) : null, crops: want.crops.map((h) => new Uint8Array([ref, h])), data: new ArrayBuffer(8) });
      },
    };
    return { pool: pool as unknown as FramePool, calls };
  }
  const imagesOf = (framed = true): FrameImages => ({ framed, jpeg: null, crops: new Map() });
  const noHit = (h: ReturnType<typeof hit>) => ({ ...h, cropJpeg: undefined });

  it('lets a frame go unencoded once a later one is the best, and encodes the best when the pass ends', async () => {
    const { pool, calls } = fakePool();
    const t = new Tracker();
    const held = new HeldFrames(pool, null, 4);
    const finished: FinishedTrack[] = [];
    const confidences = [0.7, 0.9, 0.8];
    confidences.forEach((c, i) => {
      const images = imagesOf();
      finished.push(...t.update(i * 200, [noHit(hit(100 + i * 10, 'ABC123', c))], images));
      held.settle(t, finished, images, i);
    });
    // frame 0 was beaten by frame 1; frame 2 never beat it: both went back unencoded
    expect(calls).toEqual([
      { ref: 0, want: { frame: false, crops: [] } },
      { ref: 2, want: { frame: false, crops: [] } },
    ]);
    expect(held.size).toBe(1);
    const images = imagesOf();
    finished.push(...t.update(3000, [], images)); // the pass ends
    held.settle(t, finished, images, 3);
    expect(calls).toContainEqual({ ref: 1, want: { frame: true, crops: [0] } });
    await held.flush(t, finished);
    finished.forEach(resolveImages);
    expect(finished).toHaveLength(1);
    expect(finished[0]).toMatchObject({ bestMs: 200, frameJpeg: new Uint8Array([1]), cropJpeg: new Uint8Array([1, 0]) });
    expect(held.encoded).toEqual({ frames: 1, crops: 1 });
  });

  it('keeps at most `max` frames, encoding the oldest, and encodes open passes\' best at a checkpoint', async () => {
    const { pool, calls } = fakePool();
    const t = new Tracker();
    const held = new HeldFrames(pool, null, 1);
    const a = imagesOf();
    t.update(0, [noHit(hit(100, 'ABC123'))], a);
    held.settle(t, [], a, 0);
    const b = imagesOf(false); // its plate is too unsure for a context frame
    t.update(100, [noHit(hit(100, 'ABC123')), noHit(hit(700, 'XYZ789', 0.3))], b);
    held.settle(t, [], b, 1);
    expect(calls).toEqual([{ ref: 0, want: { frame: true, crops: [0] } }]);
    await held.flush(t, []);
    expect(calls[1]).toEqual({ ref: 1, want: { frame: false, crops: [1] } });
    const snap = t.snapshot((bytes) => `sha:${[...bytes].join(',')}`);
    expect(snap.map((s) => [s.best.cropSha, s.best.frameSha])).toEqual([
      ['sha:0,0', 'sha:0'],
      ['sha:1,1', undefined],
    ]);
  });
});

describe('position tracks', () => {
  const dir = tempDir();

  it('reads GPX and interpolates position and heading', () => {
    const f = join(dir, 't.gpx');
    writeFileSync(
      f,
      `<gpx><trk><trkseg><trkpt lat="10" lon="20"><time>2026-01-01T00:00:00Z</time></trkpt>
       <trkpt lat="10.001" lon="20"><time>2026-01-01T00:00:10Z</time></trkpt></trkseg></trk></gpx>`,
    );
    const t = readTrack(f);
    const p = placeAt(t, Date.parse('2026-01-01T00:00:05Z'))!;
    expect(p.lat).toBeCloseTo(10.0005, 7);
    expect(p.lon).toBe(20);
    expect(p.heading).toBe(0); // due north
    expect(placeAt(t, Date.parse('2026-01-01T00:05:00Z'))).toBeNull();
  });

  it('reads NMEA RMC sentences and skips broken ones', () => {
    const f = join(dir, 't.nmea');
    writeFileSync(
      f,
      [
        '$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A',
        '$GPRMC,garbage',
        '$GPGGA,123520,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47',
      ].join('\n'),
    );
    const t = readTrack(f);
    expect(t.format).toBe('nmea');
    expect(t.fixes).toHaveLength(1);
    expect(t.fixes[0]!.lat).toBeCloseTo(48.1173, 4);
  });

  it('reads CSV with time, lat, lon columns in any order and refuses one without them', () => {
    const f = join(dir, 't.csv');
    writeFileSync(f, 'Latitude,Longitude,Time\n1,2,2026-01-01T00:00:00Z\n1.1,2,2026-01-01 00:00:10\n');
    const t = readTrack(f);
    expect(placeAt(t, Date.parse('2026-01-01T00:00:05Z'))!.lat).toBeCloseTo(1.05, 7);
    const g = join(dir, 'u.csv');
    writeFileSync(g, 'a,b\n1,2\n');
    expect(() => readTrack(g)).toThrow(/u\.csv: a CSV track needs time, lat and lon columns/);
  });

  it('corrects a camera that runs fast', () => {
    expect(correct(Date.parse('2026-01-01T00:04:12Z'), 252_000)).toBe(Date.parse('2026-01-01T00:00:00Z'));
  });
});

describe('colour, sampling and container checks', () => {
  it('names colours', () => {
    expect(nameOf(240, 240, 240)).toBe('white');
    expect(nameOf(15, 15, 15)).toBe('black');
    expect(nameOf(170, 170, 175)).toBe('silver');
    expect(nameOf(200, 20, 30)).toBe('red');
    expect(nameOf(20, 60, 180)).toBe('blue');
    expect(nameOf(230, 200, 40)).toBe('yellow');
  });

  it('estimates the body colour above a plate after removing a colour cast', () => {
    const w = 200;
    const h = 200;
    const data = new Uint8Array(w * h * 3);
    for (let i = 0; i < w * h; i++) data.set([60, 60, 60], i * 3); // grey scene
    for (let y = 40; y < 140; y++) for (let x = 40; x < 160; x++) data.set([30, 50, 170], (y * w + x) * 3); // blue car
    const img = { width: w, height: h, data };
    const g = estimateColour(img, { x: 80, y: 140, w: 40, h: 12 }, greyWorldGains(img))!;
    expect(g.colour).toBe('blue');
    expect(g.share).toBeGreaterThan(0.6);
  });

  it('samples a frame per 1/fps bucket plus key frames', () => {
    expect(selectExpression(5, true)).toBe("select='eq(pict_type\\,PICT_TYPE_I)+isnan(prev_t)+gt(floor(t*5)\\,floor(prev_t*5))'");
    expect(selectExpression(2.5, false)).not.toContain('PICT_TYPE_I');
  });

  it('finds models and binaries where a packaged app has them', () => {
    const root = join(__dirname, '../../..');
    const res = tempDir();
    const nowhere = join(res, 'a', 'b', 'c');
    expect(modelsDirFor({}, res, nowhere)).toBeUndefined(); // nowhere: the engine's default
    expect(modelsDirFor({}, undefined, join(root, 'native', 'footage'))).toBe(join(root, 'models')); // from source
    expect(modelsDirFor({}, undefined, join(root, 'dist'))).toBe(join(root, 'models')); // dist/cli.mjs
    mkdirSync(join(res, 'models'));
    copyFileSync(join(root, 'models/plate-detector.onnx'), join(res, 'models', 'plate-detector.onnx'));
    expect(modelsDirFor({}, res, join(root, 'dist', 'electron'))).toBe(join(res, 'models')); // packaged: resources first
    expect(modelsDirFor({ CANVASS_MODELS_DIR: '/m' }, res)).toBe('/m');
    expect(recognizerSpec(0.45, {}, join(res, 'models')).options).toEqual({ minScore: 0.45, modelsDir: join(res, 'models') });
    expect(recognizerSpec(0.45, {}).options).toEqual({ minScore: 0.45, modelsDir: join(root, 'models') });
    expect(unpacked('/opt/Canvass/resources/app.asar/node_modules/@ffmpeg-installer/linux-x64/ffmpeg')).toBe(
      '/opt/Canvass/resources/app.asar.unpacked/node_modules/@ffmpeg-installer/linux-x64/ffmpeg',
    );
    expect(unpacked('C:\\Canvass\\resources\\app.asar\\node_modules\\f.exe')).toBe('C:\\Canvass\\resources\\app.asar.unpacked\\node_modules\\f.exe');
    expect(unpacked('/work/node_modules/ffmpeg')).toBe('/work/node_modules/ffmpeg');
  });

  it('finds a cut-off MP4 by its box sizes', () => {
    const dir = tempDir();
    const f = join(dir, 'x.mp4');
    const box = (type: string, len: number) => {
      const b = Buffer.alloc(8);
      b.writeUInt32BE(len, 0);
      b.write(type, 4, 'latin1');
      return b;
    };
    writeFileSync(f, Buffer.concat([box('ftyp', 16), Buffer.alloc(8), box('mdat', 1000), Buffer.alloc(100)]));
    expect(() => checkIsoBoxes(f)).toThrow(FootageError);
    expect(() => checkIsoBoxes(f)).toThrow(/x\.mp4: truncated: box "mdat"/);
  });
});
