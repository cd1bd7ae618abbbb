// Plate width buckets of `canvass eval` (recall_by_width): boundaries belong to the bucket above.
import { describe, expect, it } from 'vitest';
import { WIDTH_BUCKETS, widthBucket } from '../../../native/eval/evaluate';

describe('widthBucket', () => {
  it('puts each width in one bucket, boundaries going up', () => {
    expect(widthBucket(0)).toBe('<20');
    expect(widthBucket(19.9)).toBe('<20');
    expect(widthBucket(20)).toBe('20-40');
    expect(widthBucket(79.99)).toBe('40-80');
    expect(widthBucket(160)).toBe('>=160');
    expect(widthBucket(4000)).toBe('>=160');
    expect(WIDTH_BUCKETS.map((b) => b.label)).toEqual(['<20', '20-40', '40-80', '80-160', '>=160']);
  });
});
