// The images a read keeps (its plate crop and context frame, content-addressed in the media
// folder), fetched for the read detail. Each is checked against the SHA-256 the read records:
// the media is evidence, and a file changed after import is reported, never shown silently.
import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { ReadMediaDto, ReadMediaKind } from '../../api/types';
import { CanvassError } from '../errors';
import type { MediaStore } from '../store/media';

const LABEL: Record<ReadMediaKind, string> = { crop: 'plate crop', frame: 'context frame' };

/** Image type from the first bytes (the pipeline writes JPEG; PNG is accepted). */
function mimeOf(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png';
  return 'application/octet-stream';
}

export function readMedia(db: Database, media: MediaStore, id: number, kind: ReadMediaKind): ReadMediaDto {
  const row = db.prepare('SELECT crop_sha, frame_sha FROM reads WHERE id = ?').get(id) as
    { crop_sha: string | null; frame_sha: string | null } | undefined;
  if (!row) throw new CanvassError('not_found', `No read with id ${id}.`);
  const sha = kind === 'crop' ? row.crop_sha : row.frame_sha;
  if (!sha) {
    throw new CanvassError(
      'not_found',
      `Read #${id} has no ${LABEL[kind]} (reads imported from other systems' exports keep none).`,
    );
  }
  if (!media.has(sha)) {
    throw new CanvassError(
      'not_found',
      `The ${LABEL[kind]} of read #${id} (SHA-256 ${sha}) is missing from the media folder ${media.root}.`,
    );
  }
  const bytes = media.get(sha);
  return {
    id,
    kind,
    sha256: sha,
    mime: mimeOf(bytes),
    bytes: bytes.length,
    base64: bytes.toString('base64'),
    intact: createHash('sha256').update(bytes).digest('hex') === sha,
  };
}
