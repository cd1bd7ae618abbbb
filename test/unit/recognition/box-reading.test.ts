// How a detected box becomes a reading (pure parts): the crop vote (session 7, adopted by its
// rule), the edge trim (session 10, adopted by its rule) and the geometry of the box-refinement
// pass (measured, off by default).
import { describe, expect, it } from 'vitest';
import { pickRefined, refineRegion } from '../../../native/recognition/detector';
import { lettersO, trimEdge, voteReadings, type PlateReading } from '../../../native/recognition/reader';

function reading(alts: [string, number][]): PlateReading {
  const [text, confidence] = alts[0]!;
  return { text, confidence, charConfidences: [...text].map(() => confidence), alternatives: alts.map(([t, c]) => ({ text: t, confidence: c })) };
}

describe('voteReadings', () => {
  it('keeps the text the crops support most, even against the most confident single crop', () => {
    const own = reading([['7ABC12', 0.55], ['7ABC123', 0.4]]); // the engine's crop cut the last character
    const tight = reading([['7ABC123', 0.5], ['7ABC12', 0.3]]);
    const wide = reading([['7ABC123', 0.45], ['17ABC123', 0.35]]);
    const r = voteReadings([own, tight, wide]);
    // 7ABC123: 0.4 + 0.5 + 0.45 = 1.35 against 7ABC12: 0.55 + 0.3 = 0.85
    expect(r.text).toBe('7ABC123');
    expect(r).toBe(tight); // taken whole from the crop that reads it top-1 most confidently
  });

  it('gives a tie to the first (the engine\'s own) crop and needs a reading', () => {
    const a = reading([['AB12', 0.5], ['AB13', 0.5]]);
    const b = reading([['AB13', 0.5], ['AB12', 0.5]]);
    expect(voteReadings([a, b]).text).toBe('AB12');
    expect(voteReadings([b, a]).text).toBe('AB13');
    expect(() => voteReadings([])).toThrow(/at least one reading/);
  });

  it('only ever returns one of the crops\' top readings', () => {
    const a = reading([['X1', 0.3], ['XY1', 0.29]]);
    const b = reading([['X7', 0.3], ['XY1', 0.29]]);
    const c = reading([['X9', 0.3], ['XY1', 0.29]]);
    // XY1 has the most mass in total, but no crop reads it first: the vote does not invent it
    expect(['X1', 'X7', 'X9']).toContain(voteReadings([a, b, c]).text);
  });
});

describe('trimEdge (a frame edge read as a character)', () => {
  const withChars = (alts: [string, number][], chars: number[]): PlateReading => ({ ...reading(alts), charConfidences: chars });

  it('drops an unsure end character when the reading without it is among the alternatives', () => {
    // the plate border read as a trailing I (training photo AMAIZNG read AMAIZNGI)
    const r = withChars([['AMAIZNGI', 0.45], ['AMAIZNG', 0.43], ['AMAIZNGY', 0.05]], [0.99, 0.98, 0.97, 0.99, 0.99, 0.99, 0.98, 0.49]);
    const t = trimEdge(r, 0.8);
    expect(t.text).toBe('AMAIZNG');
    expect(t.confidence).toBe(0.43);
    expect(t.charConfidences).toEqual([0.99, 0.98, 0.97, 0.99, 0.99, 0.99, 0.98]);
    expect(t.alternatives.map((a) => a.text)).toEqual(['AMAIZNG', 'AMAIZNGI', 'AMAIZNGY']);
    // a leading one: the weaker end decides which side goes
    const lead = withChars([['CDR3MBG', 0.37], ['DR3MBG', 0.03]], [0.41, 0.9, 0.95, 0.99, 0.97, 0.9, 0.7]);
    expect(trimEdge(lead, 0.8).text).toBe('DR3MBG');
  });

  it('keeps the reading when its ends are sure, when the shorter reading is not an alternative, or when too short', () => {
    const sure = withChars([['6RGF074', 0.9], ['6RGF07', 0.02]], [0.99, 0.99, 0.99, 0.99, 0.99, 0.99, 0.86]);
    expect(trimEdge(sure, 0.8)).toBe(sure);
    const noAlt = withChars([['I6FHZ367', 0.7], ['16FHZ367', 0.1]], [0.5, 0.99, 0.99, 0.99, 0.99, 0.99, 0.99, 0.99]);
    expect(trimEdge(noAlt, 0.8)).toBe(noAlt);
    const short = withChars([['AB', 0.5], ['B', 0.4]], [0.2, 0.9]);
    expect(trimEdge(short, 0.8)).toBe(short);
    // 0 turns it off
    const r = withChars([['AMAIZNGI', 0.45], ['AMAIZNG', 0.43]], [0.99, 0.98, 0.97, 0.99, 0.99, 0.99, 0.98, 0.49]);
    expect(trimEdge(r, 0)).toBe(r);
  });
});

describe('lettersO (the O of a word, for labels that write what a plate means)', () => {
  it('writes a 0 among letters, or between a letter and the end, as O, and leaves a 0 beside a digit', () => {
    const cases: [string, string][] = [
      ['RH0MBUS', 'RHOMBUS'],
      ['IDDUNN0', 'IDDUNNO'],
      ['0R0MIA', 'OROMIA'],
      ['M0000SE', 'MOOOOSE'],
      ['0RZ466', 'ORZ466'], // a letter group's first place: the letter (us-plate-crops writes 0RZ466)
      ['BT01671', 'BT01671'],
      ['7AB0123', '7AB0123'],
      ['100', '100'],
      ['0', '0'],
    ];
    for (const [read, want] of cases) expect(lettersO(reading([[read, 0.9], ['X', 0.05]])).text, read).toBe(want);
  });

  it('keeps the confidences and puts the new text first among the alternatives, once', () => {
    const r = reading([['P0LICE', 0.8], ['POLICE', 0.1], ['P0L1CE', 0.05]]);
    const o = lettersO(r);
    expect(o.text).toBe('POLICE');
    expect(o.charConfidences).toEqual(r.charConfidences);
    expect(o.alternatives.map((a) => a.text)).toEqual(['POLICE', 'P0LICE', 'P0L1CE']);
    expect(o.alternatives[0]!.confidence).toBe(0.8);
    const same = reading([['7ABC123', 0.9]]);
    expect(lettersO(same)).toBe(same);
  });
});

describe('box refinement geometry', () => {
  it('looks at 2 widths x 3 heights around the box, clamped to the frame, the box 128 px wide', () => {
    const r = refineRegion({ x: 500, y: 300, w: 64, h: 20 }, 1920, 1080);
    expect(r).toMatchObject({ x: 468, y: 280, w: 128, h: 60 });
    expect(r.iw).toBe(256); // scale 2: the box becomes 128 px wide
    const edge = refineRegion({ x: 5, y: 1070, w: 20, h: 8 }, 1920, 1080);
    expect(edge.x).toBe(0);
    expect(edge.y + edge.h).toBeLessThanOrEqual(1080);
    expect(edge.iw).toBe(Math.round(edge.w * 4)); // magnification capped at 4
  });

  it('takes the best local box whose centre lies in the original, keeping the original score', () => {
    const original = { x: 100, y: 100, w: 80, h: 20, score: 0.7 };
    const inside = { x: 95, y: 98, w: 92, h: 24, score: 0.5 };
    const better = { x: 97, y: 99, w: 88, h: 22, score: 0.9 };
    const away = { x: 300, y: 100, w: 80, h: 20, score: 0.99 };
    expect(pickRefined(original, [inside, better, away])).toEqual({ x: 97, y: 99, w: 88, h: 22, score: 0.7 });
    expect(pickRefined(original, [away])).toBe(original);
  });
});
