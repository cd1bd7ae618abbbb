// When and where a file's frames were taken: the container's creation time (ffprobe) for a
// video, EXIF time and GPS for a photo, an explicit start time, or, as the last resort, the
// file's modification time. The per-source clock correction is applied here and both the
// camera's own time and the corrected time are returned, so provenance can show both.
import { statSync } from 'node:fs';
import exifr from 'exifr';
import { DateTime } from 'luxon';

export type TimeSource = 'given' | 'container' | 'exif' | 'file-mtime';

export interface TimeBase {
  /** Camera time of the file's first frame (video) or of the photo, epoch ms. */
  startMs: number;
  source: TimeSource;
}

export interface PhotoMeta {
  time: TimeBase;
  gps: { lat: number; lon: number } | null;
}

/**
 * The start of a video. Cameras commonly write the creation time when recording *starts*; a
 * file without one falls back to its modification time minus its duration (the moment the
 * camera closed the file, less the recording).
 */
export function videoTimeBase(file: string, creationTime: number | null, durationMs: number, givenStart: number | null): TimeBase {
  if (givenStart !== null) return { startMs: givenStart, source: 'given' };
  if (creationTime !== null) return { startMs: creationTime, source: 'container' };
  return { startMs: Math.round(statSync(file).mtimeMs) - durationMs, source: 'file-mtime' };
}

interface ExifFields {
  DateTimeOriginal?: string;
  CreateDate?: string;
  DateTime?: string;
  ModifyDate?: string;
  OffsetTimeOriginal?: string;
  OffsetTime?: string;
  SubSecTimeOriginal?: string;
  latitude?: number;
  longitude?: number;
}

/** EXIF time (naive EXIF times are read in `timeZone`, the source's zone) and GPS of a photo. */
export async function photoMeta(file: string, timeZone: string, givenStart: number | null): Promise<PhotoMeta> {
  let exif: ExifFields | undefined;
  try {
    exif = (await exifr.parse(file, { tiff: true, exif: true, gps: true, reviveValues: false })) as ExifFields | undefined;
  } catch {
    exif = undefined; // no or broken EXIF: the photo itself may still be fine
  }
  const gps =
    exif && typeof exif.latitude === 'number' && typeof exif.longitude === 'number' && Number.isFinite(exif.latitude)
      ? { lat: exif.latitude, lon: exif.longitude }
      : null;
  if (givenStart !== null) return { time: { startMs: givenStart, source: 'given' }, gps };
  const raw = exif?.DateTimeOriginal ?? exif?.CreateDate ?? exif?.DateTime ?? exif?.ModifyDate;
  if (raw) {
    const offset = exif?.OffsetTimeOriginal ?? exif?.OffsetTime;
    const zone = offset ? `UTC${offset}` : timeZone;
    const dt = DateTime.fromFormat(String(raw).trim(), 'yyyy:MM:dd HH:mm:ss', { zone });
    if (dt.isValid) {
      const sub = exif?.SubSecTimeOriginal ? Number(`0.${exif.SubSecTimeOriginal}`) * 1000 : 0;
      return { time: { startMs: dt.toMillis() + Math.round(sub), source: 'exif' }, gps };
    }
  }
  return { time: { startMs: Math.round(statSync(file).mtimeMs), source: 'file-mtime' }, gps };
}

/** Camera time → true time. A positive offset means the camera's clock runs fast. */
export function correct(cameraMs: number, clockOffsetMs: number): number {
  return cameraMs - clockOffsetMs;
}
