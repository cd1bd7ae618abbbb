// Turning "import these paths" into a queued footage job: folders are searched (recursively,
// in name order) for videos and photos, named files of another type are listed as failed
// with the reason, the position track is checked up front, and the source settings the job
// will use are resolved and frozen into its parameters.
import { readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { FootageParamsDto } from '../../api/types-footage';
import { mediaKindOf, PHOTO_EXTENSIONS, VIDEO_EXTENSIONS } from '../../../native/footage/ffmpeg';
import type { Clock } from '../clock';
import { CanvassError } from '../errors';
import { createJob, type NewJobFile } from '../jobs/queue';
import { readTrack } from './sidecar';
import { resolveSource } from './sources';

export interface FootageRequest {
  paths: string[];
  source: { name?: string | undefined; kind?: string | undefined; at?: { lat: number; lon: number } | undefined; clockOffsetSeconds?: number | undefined; timeZone?: string | undefined };
  trackPath?: string | undefined;
  fps: number;
  keyframes: boolean;
  startTime?: string | undefined;
  readStates?: boolean | undefined;
}

const SUPPORTED = [...VIDEO_EXTENSIONS, ...PHOTO_EXTENSIONS].join(', ');
const MAX_FILES = 100_000;

function walk(dir: string, out: NewJobFile[]): void {
  const names = readdirSync(dir).sort();
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const p = join(dir, name);
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) walk(p, out);
    else if (st.isFile()) {
      const kind = mediaKindOf(p);
      if (kind) out.push({ path: p, mediaKind: kind, size: st.size });
    }
    if (out.length > MAX_FILES) throw new CanvassError('invalid_input', `${dir}: more than ${MAX_FILES} files; import it in parts.`);
  }
}

/** Expands files and folders into the job's file list. */
export function expandPaths(paths: string[]): NewJobFile[] {
  const out: NewJobFile[] = [];
  for (const given of paths) {
    const p = resolve(given);
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) throw new CanvassError('invalid_input', `${given}: no such file or folder.`, { field: 'paths' });
    if (st.isDirectory()) {
      const before = out.length;
      walk(p, out);
      if (out.length === before) throw new CanvassError('invalid_input', `${given}: no video or photo files in this folder (looked for ${SUPPORTED}).`, { field: 'paths' });
    } else {
      const kind = mediaKindOf(p);
      out.push({ path: p, mediaKind: kind, size: st.size, error: kind ? undefined : `${basename(p)}: unsupported file type (supported: ${SUPPORTED})` });
    }
  }
  return out;
}

export function enqueueFootage(db: Database, clock: Clock, req: FootageRequest, userId: number | null): number {
  const files = expandPaths(req.paths);
  const trackPath = req.trackPath ? resolve(req.trackPath) : null;
  if (trackPath) readTrack(trackPath); // a bad track fails the request now, not an hour into the job
  const params: FootageParamsDto = {
    paths: req.paths.map((p) => resolve(p)),
    source: resolveSource(db, req.source, trackPath !== null),
    trackPath,
    fps: req.fps,
    keyframes: req.keyframes,
    startTime: req.startTime ?? null,
    ...(req.readStates !== undefined ? { readStates: req.readStates } : {}),
  };
  return createJob(db, clock, 'footage', params, userId, files);
}
