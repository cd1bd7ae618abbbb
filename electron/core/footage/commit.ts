// Finished passes → reads, committed with the file's checkpoint in one transaction. A pass is
// keyed by (source file SHA-256, tracker key); a key already in `footage_passes` is skipped,
// so a segment replayed after a crash can never write a read twice. Images go to the media
// folder first (content-addressed, so a crash leaves at worst an unreferenced file).
import type { Database } from 'better-sqlite3';
import type { FinishedTrack, StateRead } from '../../../native/footage/tracker';
import type { Segment } from '../../../native/footage/pipeline';
import type { FootageSourceDto } from '../../api/types-footage';
import type { Clock } from '../clock';
import type { MediaStore } from '../store/media';
import { MAX_PLATE_LENGTH, normalizePlate } from '../reads/plate';
import { insertReads, type NewRead } from '../reads/store';
import { placeAt, type Place, type PositionTrack } from './sidecar';
import { correct, type TimeBase } from './timebase';
import { STATE_SYNTAX_RULE, stateSyntax } from '../../../native/recognition/syntax';

/** Everything about a file that every read from it shares. */
export interface FileFacts {
  jobFileId: number;
  importId: number;
  path: string;
  name: string;
  sha256: string;
  mediaKind: 'video' | 'photo';
  time: TimeBase;
  source: FootageSourceDto;
  track: { file: string; format: string; fixes: PositionTrack['fixes'] } | null;
  /** Position from the photo's own EXIF GPS. */
  exifGps: { lat: number; lon: number } | null;
  models: Record<string, string>;
  thresholds: Record<string, number>;
  sampling: { fps: number; keyframes: boolean } | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

function placeOf(f: FileFacts, ts: number): { place: Place | null; how: string | null } {
  if (f.source.at) return { place: { ...f.source.at, heading: null }, how: 'fixed' };
  if (f.track) {
    const p = placeAt({ format: f.track.format as PositionTrack['format'], fixes: f.track.fixes }, ts);
    return { place: p, how: p ? 'track' : null };
  }
  if (f.exifGps) return { place: { ...f.exifGps, heading: null }, how: 'exif' };
  return { place: null, how: null };
}

export function modelVersion(models: Record<string, string>): string | null {
  const parts = Object.entries(models).map(([k, v]) => `${k}=${v}`);
  return parts.length ? parts.join(' ') : null;
}

/**
 * The state is a reading too: what was read on the plate, which name it matched and by which
 * model, or why it was not read, so an auditor can check it.
 */
function stateProvenance(s: StateRead): Record<string, unknown> {
  const g = s.guess;
  return {
    code: g?.code ?? null,
    ...(g ? { matched: g.key, read: g.evidence, line: g.strip, edits: g.distance } : {}),
    ...(s.model ? { model: s.model, ...(s.rule ? { rule: s.rule } : {}) } : {}),
    ...(s.skipped ? { skipped: s.skipped } : {}),
  };
}

/** Whether a pass's text is one the store keeps as a plate (readOf's test). */
export function isStorablePlate(text: string): boolean {
  const plate = normalizePlate(text);
  return plate.length >= 2 && plate.length <= MAX_PLATE_LENGTH;
}

/** One read from one pass; null when the text is not a plate the store can keep. */
export function readOf(f: FileFacts, t: FinishedTrack, media: MediaStore): NewRead | null {
  if (!isStorablePlate(t.text)) return null;
  // the named state's plate syntax decides a shared O/0 glyph (syntax.ts); plateRaw keeps the reader's text
  const state = t.stateRead?.guess?.code ?? null;
  const read = stateSyntax(t, state);
  const plate = normalizePlate(read.text);
  const offsetMs = Math.round(f.source.clockOffsetSeconds * 1000);
  const cam = (ms: number) => f.time.startMs + ms;
  const ts = correct(cam(t.bestMs), offsetMs);
  const { place, how } = placeOf(f, ts);
  const cropSha = t.cropSha ?? (t.cropJpeg ? media.put(t.cropJpeg) : null);
  const frameSha = t.frameSha ?? (t.frameJpeg ? media.put(t.frameJpeg) : null);
  return {
    plate,
    plateRaw: t.text,
    confidence: t.confidence,
    charConfidences: t.charConfidences,
    alternatives: read.alternatives,
    ts,
    lat: place?.lat ?? null,
    lon: place?.lon ?? null,
    heading: place?.heading ?? null,
    source: f.source.name,
    sourceKind: f.source.kind,
    color: t.colour,
    state,
    cropSha,
    frameSha,
    modelVersion: modelVersion(f.models),
    provenance: {
      kind: 'footage',
      file: f.name,
      path: f.path,
      sourceSha256: f.sha256,
      mediaKind: f.mediaKind,
      pass: t.key,
      frames: { firstMs: t.firstMs, bestMs: t.bestMs, lastMs: t.lastMs, observations: t.observations },
      time: {
        base: f.time.source,
        cameraStart: iso(f.time.startMs),
        original: iso(cam(t.bestMs)),
        corrected: iso(ts),
        firstCorrected: iso(correct(cam(t.firstMs), offsetMs)),
        lastCorrected: iso(correct(cam(t.lastMs), offsetMs)),
        clockOffsetSeconds: f.source.clockOffsetSeconds,
      },
      position: how ? { source: how, ...(f.track && how === 'track' ? { track: f.track.file, format: f.track.format } : {}) } : null,
      box: t.box,
      ...(t.frameSize ? { frameSize: t.frameSize } : {}),
      ...(t.corners ? { corners: t.corners.map((p) => ({ x: Math.round(p.x * 10) / 10, y: Math.round(p.y * 10) / 10 })) } : {}),
      ...(t.stateRead ? { state: stateProvenance(t.stateRead) } : {}),
      ...(read !== t ? { stateSyntax: { read: t.text, text: read.text, rule: STATE_SYNTAX_RULE } } : {}),
      models: f.models,
      thresholds: f.thresholds,
      ...(f.sampling ? { sampling: f.sampling } : {}),
    },
  };
}

export interface CommitTotals {
  framesDone: number;
  readsAdded: number;
}

/** The passes of `finished` not yet stored for this file (a replayed segment's are). */
export function freshPasses(db: Database, fileSha256: string, finished: FinishedTrack[]): FinishedTrack[] {
  const known = db.prepare('SELECT 1 FROM footage_passes WHERE file_sha256 = ? AND track_key = ?');
  return finished.filter((t) => !known.get(fileSha256, t.key));
}

/** Writes a segment: new reads, their pass keys, the checkpoint and the counters. */
export function commitSegment(db: Database, clock: Clock, media: MediaStore, f: FileFacts, seg: Segment): CommitTotals {
  const fresh = freshPasses(db, f.sha256, seg.finished);
  const pending = fresh.map((t) => ({ t, read: readOf(f, t, media) }));
  return db.transaction(() => {
    const keep = pending.filter((p): p is { t: FinishedTrack; read: NewRead } => p.read !== null);
    const ids = insertReads(db, clock, keep.map((p) => p.read), f.importId);
    const pass = db.prepare('INSERT INTO footage_passes (file_sha256, track_key, read_id) VALUES (?, ?, ?)');
    keep.forEach((p, i) => pass.run(f.sha256, p.t.key, ids[i]!));
    const checkpoint = seg.final ? null : JSON.stringify({ lastMs: seg.lastMs, open: seg.open });
    db.prepare(
      `UPDATE job_files SET checkpoint = ?, frames_done = ?, reads_found = reads_found + ?, status = CASE WHEN ? THEN 'done' ELSE status END
       WHERE id = ?`,
    ).run(checkpoint, seg.framesDone, ids.length, seg.final ? 1 : 0, f.jobFileId);
    db.prepare(
      `UPDATE imports SET rows_read = ?, rows_imported = rows_imported + ?, status = CASE WHEN ? THEN 'done' ELSE status END,
         finished_at = CASE WHEN ? THEN ? ELSE finished_at END WHERE id = ?`,
    ).run(seg.framesDone, ids.length, seg.final ? 1 : 0, seg.final ? 1 : 0, clock.now(), f.importId);
    return { framesDone: seg.framesDone, readsAdded: ids.length };
  })();
}
