// Data shapes of the footage domain that cross the api door (jobs, their files, progress,
// source settings). Plain types only: the renderer imports this file.

export type JobStatus = 'queued' | 'running' | 'stopping' | 'cancelling' | 'interrupted' | 'done' | 'failed' | 'cancelled';

export type JobFileStatus = 'queued' | 'running' | 'done' | 'duplicate' | 'failed' | 'cancelled' | 'superseded';

export interface JobProgressDto {
  /** 0..100 over all files of the job (videos weighted by duration). */
  percent: number;
  framesDone: number;
  readsFound: number;
  filesDone: number;
  fileCount: number;
  currentFile: string | null;
  /** Seconds left at the current rate; null until it can be estimated. */
  etaSeconds: number | null;
  elapsedSeconds: number;
}

export interface JobFileDto {
  id: number;
  path: string;
  name: string;
  kind: 'video' | 'photo' | null;
  status: JobFileStatus;
  sha256: string | null;
  importId: number | null;
  durationMs: number | null;
  framesDone: number;
  readsFound: number;
  error: string | null;
}

export interface FootageSourceDto {
  name: string;
  kind: string;
  at: { lat: number; lon: number } | null;
  clockOffsetSeconds: number;
  timeZone: string;
}

export interface FootageParamsDto {
  paths: string[];
  source: FootageSourceDto;
  trackPath: string | null;
  fps: number;
  keyframes: boolean;
  startTime: string | null;
  /** States for videos too (true), for nothing (false), or the machine's default (absent). */
  readStates?: boolean;
}

export interface JobDto {
  id: number;
  kind: string;
  status: JobStatus;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  createdBy: string | null;
  params: FootageParamsDto;
  progress: JobProgressDto;
  error: string | null;
  files: JobFileDto[];
}

/** Payload of the `job.progress` and `job.finished` events on core.events. */
export interface JobEventDto extends JobProgressDto {
  jobId: number;
  status: JobStatus;
  error: string | null;
}

export interface SourceSettingsDto {
  id: number;
  name: string;
  kind: string;
  at: { lat: number; lon: number } | null;
  clockOffsetSeconds: number;
  timeZone: string | null;
}
