// Footage import (issue 5): the paths and source settings the member is about to import, and
// the job list kept current by the core's `job.progress` / `job.finished` events. Footage
// stays where it is on disk: only paths cross the bridge.
import { create } from 'zustand';
import type { JobDto, JobEventDto } from '../../../electron/api/types-footage';
import { ApiError, bridge, call, messageOf } from '../api';

export type SourceKind = 'dashcam' | 'mobile' | 'fixed' | 'cctv' | 'bodycam' | 'photo' | 'other';

export interface FootageDraft {
  paths: string;
  sourceName: string;
  kind: SourceKind;
  /** "lat, lon" for a fixed camera. */
  at: string;
  /** Seconds the camera's clock runs ahead (negative: behind). */
  clockOffset: string;
  timeZone: string;
  trackPath: string;
  fps: string;
  /** Read plate states in videos too (slower); photos always get them. */
  videoStates: boolean;
}

interface FootageState {
  draft: FootageDraft;
  jobs: JobDto[];
  busy: boolean;
  error: string | null;
  fieldErrors: Record<string, string>;
  edit(patch: Partial<FootageDraft>): void;
  addPaths(paths: string[]): void;
  load(): Promise<void>;
  start(): Promise<void>;
  cancel(id: number): Promise<void>;
  resume(id: number): Promise<void>;
  /** Applies a job event to the list; returns an unsubscribe function. */
  listen(): () => void;
}

const EMPTY: FootageDraft = {
  paths: '',
  sourceName: '',
  kind: 'dashcam',
  at: '',
  clockOffset: '',
  timeZone: '',
  trackPath: '',
  fps: '5',
  videoStates: false,
};

/** "lat, lon" as typed in the Fixed position field; undefined when it is not two numbers. */
export function parseAt(s: string): { lat: number; lon: number } | undefined {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(s);
  return m ? { lat: Number(m[1]), lon: Number(m[2]) } : undefined;
}

export const useFootageStore = create<FootageState>((set, get) => ({
  draft: EMPTY,
  jobs: [],
  busy: false,
  error: null,
  fieldErrors: {},
  edit: (patch) => set((s) => ({ draft: { ...s.draft, ...patch }, fieldErrors: {} })),
  addPaths: (paths) =>
    set((s) => {
      const have = s.draft.paths
        .split('\n')
        .map((p) => p.trim())
        .filter(Boolean);
      return { draft: { ...s.draft, paths: [...new Set([...have, ...paths])].join('\n') } };
    }),
  async load() {
    try {
      set({ jobs: await call('jobs.list', { limit: 50 }) });
    } catch (e) {
      set({ error: messageOf(e) });
    }
  },
  async start() {
    const d = get().draft;
    const paths = d.paths
      .split('\n')
      .map((p) => p.trim())
      .filter(Boolean);
    const fieldErrors: Record<string, string> = {};
    if (paths.length === 0) fieldErrors.paths = 'Add at least one video, photo or folder.';
    const at = d.at.trim() ? parseAt(d.at) : undefined;
    if (d.at.trim() && !at)
      fieldErrors['source.at'] = 'Write the position as latitude, longitude (e.g. 37.7749, -122.4194).';
    const offset = d.clockOffset.trim() ? Number(d.clockOffset) : undefined;
    if (offset !== undefined && !Number.isFinite(offset))
      fieldErrors['source.clockOffsetSeconds'] = 'Seconds, e.g. 252 for a clock 4 min 12 s fast.';
    if (Object.keys(fieldErrors).length) return set({ fieldErrors });
    set({ busy: true, error: null });
    try {
      const job = await call('footage.import', {
        paths,
        source: {
          ...(d.sourceName.trim() ? { name: d.sourceName.trim() } : {}),
          kind: d.kind,
          ...(at ? { at } : {}),
          ...(offset !== undefined ? { clockOffsetSeconds: offset } : {}),
          ...(d.timeZone.trim() ? { timeZone: d.timeZone.trim() } : {}),
        },
        ...(d.trackPath.trim() ? { trackPath: d.trackPath.trim() } : {}),
        fps: Number(d.fps) || 5,
        ...(d.videoStates ? { readStates: true } : {}),
      });
      // A job that fails at once can finish before this answer arrives: the listener has then
      // already fetched it finished, and this (queued) copy must not take its place.
      set((s) => ({
        jobs: s.jobs.some((j) => j.id === job.id) ? s.jobs : [job, ...s.jobs],
        draft: { ...s.draft, paths: '' },
      }));
    } catch (e) {
      set({ error: messageOf(e), fieldErrors: e instanceof ApiError ? e.fieldErrors() : {} });
    } finally {
      set({ busy: false });
    }
  },
  async cancel(id) {
    try {
      const job = await call('jobs.cancel', { id });
      set((s) => ({ jobs: s.jobs.map((j) => (j.id === id ? job : j)) }));
    } catch (e) {
      set({ error: messageOf(e) });
    }
  },
  async resume(id) {
    try {
      const job = await call('jobs.resume', { id });
      set((s) => ({ jobs: s.jobs.map((j) => (j.id === id ? job : j)) }));
    } catch (e) {
      set({ error: messageOf(e) });
    }
  },
  listen() {
    const b = bridge();
    if (!b) return () => undefined;
    return b.on('event', (e) => {
      if (e.type !== 'job.progress' && e.type !== 'job.finished') return;
      const p = e.payload as JobEventDto;
      const known = get().jobs.some((j) => j.id === p.jobId);
      if (!known || e.type === 'job.finished') {
        // a job started elsewhere, or the end: fetch the whole job (files, errors)
        void call('jobs.get', { id: p.jobId }).then(
          (job) =>
            set((s) => ({
              jobs: [job, ...s.jobs.filter((j) => j.id !== job.id)].sort((a, b) => b.id - a.id),
            })),
          () => undefined,
        );
        return;
      }
      const { jobId, status, error, ...progress } = p;
      set((s) => ({ jobs: s.jobs.map((j) => (j.id === jobId ? { ...j, status, error, progress } : j)) }));
    });
  },
}));
