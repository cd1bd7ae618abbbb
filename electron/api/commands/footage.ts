// Commands of the footage domain (issue 5): import jobs for video and photos, sources, progress.
// Declared with `cmd` from ../spec exactly like the base commands in ../contract. Paths name
// files on the machine running the core (the desktop app, the CLI): footage is gigabytes, so
// it is never sent through the api as bytes.
import { z } from 'zod';
import { cmd, id, isoDateTime } from '../spec';
import type { JobDto, SourceSettingsDto } from '../types-footage';

export const SOURCE_KINDS = ['dashcam', 'mobile', 'fixed', 'cctv', 'bodycam', 'photo', 'other'] as const;

const latLon = z.object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) }).strict();
const path = z.string().trim().min(1).max(4096);
const timeZone = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^(UTC|[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*|UTC[+-]\d{1,2}(:\d\d)?)$/, 'an IANA zone like America/Los_Angeles, or UTC');
/** "This camera runs 4 min 12 s fast" is +252; at most two days either way. */
const clockOffsetSeconds = z.number().min(-172_800).max(172_800);

export const footageSourceSchema = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    kind: z.enum(SOURCE_KINDS).optional(),
    at: latLon.optional(),
    clockOffsetSeconds: clockOffsetSeconds.optional(),
    timeZone: timeZone.optional(),
  })
  .strict();

export const footageCommands = {
  'footage.import': cmd<JobDto>()({
    input: z
      .object({
        /** Video files, photos or folders (searched recursively). */
        paths: z.array(path).min(1).max(1000),
        source: footageSourceSchema.default({}),
        /** GPX, NMEA or CSV (time, lat, lon) position track; per-frame positions are interpolated. */
        trackPath: path.optional(),
        /** Frames sampled per second (key frames are added). */
        fps: z.number().min(0.1).max(60).default(5),
        keyframes: z.boolean().default(true),
        /** Camera time of the first frame when the file carries none (overrides container/EXIF). */
        startTime: isoDateTime.optional(),
        /**
         * Read the state printed on each plate in videos too (photos always, unless the machine
         * says off): 25-50 ms a read, an hour of dense footage ~15% slower. Default: the
         * machine's CANVASS_FOOTAGE_STATES, else photos only.
         */
        readStates: z.boolean().optional(),
      })
      .strict()
      .refine((x) => !(x.trackPath && x.source.at), { message: 'give a position track or a fixed position, not both', path: ['source', 'at'] }),
    gate: 'reads.import',
    audit: 'import',
    alpr: false,
  }),
  // Listing jobs shows file names and counts, no ALPR data; the UI refreshes it often, so it
  // is audited only when refused or failed.
  'jobs.list': cmd<JobDto[]>()({
    input: z.object({ limit: z.number().int().min(1).max(500).default(50), active: z.boolean().default(false) }).strict(),
    gate: 'reads.import',
    audit: 'quiet',
    alpr: false,
  }),
  'jobs.get': cmd<JobDto>()({
    input: z.object({ id }).strict(),
    gate: 'reads.import',
    audit: 'quiet',
    alpr: false,
  }),
  'jobs.cancel': cmd<JobDto>()({
    input: z.object({ id }).strict(),
    gate: 'reads.import',
    audit: 'import',
    alpr: false,
  }),
  /** Resumes an interrupted job (crash, quit) from its checkpoints. */
  'jobs.resume': cmd<JobDto>()({
    input: z.object({ id }).strict(),
    gate: 'reads.import',
    audit: 'import',
    alpr: false,
  }),
  'sources.update': cmd<SourceSettingsDto>()({
    input: z
      .object({
        /** The source to change, by id, or by name (created when new). */
        id: id.optional(),
        name: z.string().trim().min(1).max(100).optional(),
        rename: z.string().trim().min(1).max(100).optional(),
        kind: z.enum(SOURCE_KINDS).optional(),
        at: latLon.nullable().optional(),
        clockOffsetSeconds: clockOffsetSeconds.optional(),
        timeZone: timeZone.nullable().optional(),
      })
      .strict()
      .refine((x) => x.id !== undefined || x.name !== undefined, { message: 'give the source id or name', path: ['id'] }),
    gate: 'reads.import',
    audit: 'import',
    alpr: false,
  }),
} as const;
