// The state's plate syntax decides O or 0 where the glyph is shared (syntax.ts).
import { describe, expect, it } from 'vitest';
import type { PlateReading } from '../../../native/recognition/reader';
import { MAX_SYNTAX_FLIPS, STATE_FORMATS, plateShape, stateSyntax, syntaxCouldApply, syntaxText } from '../../../native/recognition/syntax';

const reading = (text: string, alternatives: string[] = []): PlateReading => ({
  text,
  confidence: 0.9,
  charConfidences: [...text].map(() => 0.9),
  alternatives: [{ text, confidence: 0.9 }, ...alternatives.map((t) => ({ text: t, confidence: 0.01 }))],
});

describe('state plate syntax', () => {
  it('reads the round glyph of a standard plate by its place: a letter group holds O, a digit group 0', () => {
    expect(syntaxText('3550CT', 'AR')).toBe('355OCT'); // Arkansas 123 ABC
    expect(syntaxText('5A0J230', 'CA')).toBe('5AOJ230'); // California 1ABC234
    expect(syntaxText('778A0S', 'IA')).toBe('778AOS');
    expect(syntaxText('V0820', 'RI')).toBe('VO820');
    expect(syntaxText('ABC1O34', 'PA')).toBe('ABC1034'); // the other way: O in a digit group
    expect(syntaxText('N00218', 'AR')).toBe('NOO218'); // two turns when one is not enough
    expect(syntaxText('T0D715', 'WI')).toBe('TOD715'); // a format the tuning labels added (revision 2)
  });

  it('leaves readings that fit, vanity plates, unknown states and far readings alone', () => {
    expect(syntaxText('PCM050', 'LA')).toBeNull(); // fits LLLDDD as read
    expect(syntaxText('CHICAG0', 'IL')).toBeNull(); // a vanity word fits no serial format
    expect(syntaxText('P0W9999', 'CA')).toBeNull(); // LLLDDDD is not California's format
    expect(syntaxText('3550CT', null)).toBeNull();
    expect(syntaxText('3550CT', 'DE')).toBeNull(); // digit-only states are not in the table
    expect(syntaxText('000000', 'AR')).toBeNull(); // three turns to DDDLLL: more than MAX_SYNTAX_FLIPS
    expect(MAX_SYNTAX_FLIPS).toBe(2);
  });

  it('keeps a reading that fits two formats with the same number of turns', () => {
    // Texas LLDLDDD and LLLDDDD: AB00123 turns either 0 to fit one of them
    expect(STATE_FORMATS.TX).toEqual(expect.arrayContaining(['LLDLDDD', 'LLLDDDD']));
    expect(syntaxText('AB00123', 'TX')).toBeNull();
  });

  it('changes only the text: confidences kept, the new text first among the alternatives', () => {
    const r = reading('3550CT', ['355OCT', '3558CT']);
    const out = stateSyntax(r, 'AR');
    expect(out.text).toBe('355OCT');
    expect(out.confidence).toBe(r.confidence);
    expect(out.charConfidences).toEqual(r.charConfidences);
    expect(out.alternatives.map((a) => a.text)).toEqual(['355OCT', '3550CT', '3558CT']);
    // a text the reader did not list joins at the front and the list keeps its length (top-k stays k)
    const listed = stateSyntax(reading('3550CT', ['3558CT', '3550GT']), 'AR');
    expect(listed.alternatives.map((a) => a.text)).toEqual(['355OCT', '3550CT', '3558CT']);
    const same = reading('355OCT');
    expect(stateSyntax(same, 'AR')).toBe(same);
    expect(stateSyntax(r, undefined)).toBe(r);
  });

  it('knows which readings no state could change, so their state need not be read for it', () => {
    expect(syntaxCouldApply('3550CT')).toBe(true); // Arkansas, Oklahoma...
    expect(syntaxCouldApply('6DZG261')).toBe(false); // no round glyph
    expect(syntaxCouldApply('CHICAG0')).toBe(false); // fits no format either way
    expect(syntaxCouldApply('ABC0123')).toBe(false); // fits LLLDDDD as read, and turning its 0 fits nothing
  });

  it('holds only letter/digit shapes of plate length', () => {
    expect(plateShape('7AB0123')).toBe('DLLDDDD');
    for (const [state, formats] of Object.entries(STATE_FORMATS)) {
      expect(state).toMatch(/^[A-Z]{2}$/);
      for (const f of formats) expect(f, state).toMatch(/^[LD]{5,8}$/);
    }
  });
});
