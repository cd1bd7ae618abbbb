// A footage read's plate crop and context frame through the api (reads.media): real photos
// recognised by the real pipeline, the images read back from the content-addressed media
// folder, checked against their SHA-256, and every fetch audited with purpose and case (R1, R3).
import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACCESS, harness, type Harness } from '../../support/core';
import { jobFinished, makePhoto, tempDir } from './support';

describe('read media (reads.media)', () => {
  let h: Harness;
  let token: string;
  let id: number;

  beforeAll(async () => {
    h = await harness();
    token = await h.member('analyst');
    const photo = await makePhoto(join(tempDir(), 'scene.jpg'), 342, '2026:03:03 09:15:00');
    const job = await h.call(token, 'footage.import', { paths: [photo], source: { name: 'phone' } } as never);
    const end = await jobFinished(h.core, job.id);
    expect(end.status, end.error ?? '').toBe('done');
    id = (h.core.store.db.prepare("SELECT id FROM reads WHERE plate = 'B225RTK'").get() as { id: number }).id;
  }, 120_000);

  it('returns the crop and the frame as JPEG, their SHA-256 checked, and audits each fetch', async () => {
    const detail = await h.call(token, 'reads.get', { access: ACCESS, id });
    const crop = await h.call(token, 'reads.media', { access: ACCESS, id, kind: 'crop' });
    expect(crop).toMatchObject({
      id,
      kind: 'crop',
      sha256: detail.cropRef,
      mime: 'image/jpeg',
      intact: true,
    });
    const bytes = Buffer.from(crop.base64, 'base64');
    expect(bytes.length).toBe(crop.bytes);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(detail.cropRef);
    const frame = await h.call(token, 'reads.media', { access: ACCESS, id, kind: 'frame' });
    expect(frame).toMatchObject({ sha256: detail.frameRef, mime: 'image/jpeg', intact: true });
    const [c, f] = await Promise.all([
      sharp(bytes).metadata(),
      sharp(Buffer.from(frame.base64, 'base64')).metadata(),
    ]);
    expect(c.width!).toBeLessThan(f.width!); // a crop, and the whole frame around it
    const audit = h.core.store.db
      .prepare("SELECT purpose, case_number, detail FROM audit WHERE command = 'reads.media' ORDER BY seq")
      .all() as { purpose: string; case_number: string; detail: string }[];
    expect(audit).toEqual([
      {
        purpose: ACCESS.purpose,
        case_number: ACCESS.caseNumber,
        detail: `crop of read #${id}, SHA-256 ${detail.cropRef}`,
      },
      {
        purpose: ACCESS.purpose,
        case_number: ACCESS.caseNumber,
        detail: `frame of read #${id}, SHA-256 ${detail.frameRef}`,
      },
    ]);
  });

  it('needs a purpose and a case, like every ALPR access (R1)', async () => {
    const r = await h.raw(token, 'reads.media', { id, kind: 'crop' });
    expect(r).toMatchObject({ ok: false });
    const v = await h.raw(await h.member('vendor-maintenance'), 'reads.media', {
      access: ACCESS,
      id,
      kind: 'crop',
    });
    expect(v).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('flags an image changed after import, and names a missing one', async () => {
    const { cropRef, frameRef } = await h.call(token, 'reads.get', { access: ACCESS, id });
    const media = h.core.store.media;
    const original = media.get(frameRef!);
    writeFileSync(media.pathOf(frameRef!), Buffer.concat([original, Buffer.from('edited')]));
    const frame = await h.call(token, 'reads.media', { access: ACCESS, id, kind: 'frame' });
    expect(frame.intact).toBe(false);
    const last = h.core.store.db
      .prepare("SELECT detail FROM audit WHERE command = 'reads.media' ORDER BY seq DESC LIMIT 1")
      .get() as { detail: string };
    expect(last.detail).toMatch(/does NOT match: changed after import/);
    writeFileSync(media.pathOf(frameRef!), original);
    rmSync(media.pathOf(cropRef!));
    await expect(h.call(token, 'reads.media', { access: ACCESS, id, kind: 'crop' })).rejects.toThrow(
      new RegExp(
        `not_found: The plate crop of read #${id} \\(SHA-256 ${cropRef}\\) is missing from the media folder`,
      ),
    );
  });

  it('says that a read imported from another system has no images', async () => {
    const csv = 'plate,timestamp,lat,lon,source\n7ABC123,2026-02-01T21:15:00Z,34.05,-118.24,Cam 5th\n';
    await h.call(token, 'reads.import', {
      format: 'canvass',
      fileName: 'x.csv',
      contentBase64: Buffer.from(csv).toString('base64'),
    });
    const other = (
      h.core.store.db.prepare("SELECT id FROM reads WHERE plate = '7ABC123'").get() as { id: number }
    ).id;
    await expect(h.call(token, 'reads.media', { access: ACCESS, id: other, kind: 'frame' })).rejects.toThrow(
      /has no context frame/,
    );
    await expect(h.call(token, 'reads.media', { access: ACCESS, id: 999_999, kind: 'crop' })).rejects.toThrow(
      /No read with id 999999/,
    );
  });
});
