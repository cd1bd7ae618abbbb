// Commands of the canvass domain (issue 4, R11): partial-plate search, analyses, watches, cases.
// Declared with `cmd` from ../spec exactly like the base commands in ../contract. Every command
// that shows reads is `alpr: true`: the dispatcher then demands purpose + case (R1) and writes
// the pattern, areas and windows into the audit record (R3).
import { z } from 'zod';
import { accessSchema, alprCmd, cmd, id, isoDateTime } from '../spec';
import type * as C from '../types-canvass';

const lat = z.number().min(-90).max(90);
const lon = z.number().min(-180).max(180);

export const areaSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('circle'), lat, lon, radiusM: z.number().positive().max(100_000) }).strict(),
  z
    .object({
      kind: z.literal('polygon'),
      points: z
        .array(z.tuple([lat, lon]))
        .min(3)
        .max(500),
    })
    .strict(),
]);

export const sceneSchema = z
  .object({
    label: z.string().trim().min(1).max(80).optional(),
    area: areaSchema.optional(),
    from: isoDateTime.optional(),
    to: isoDateTime.optional(),
  })
  .strict();

/** Plate pattern: letters, digits, ? (one), * (any run), [8B] (class); spaces and dashes ignored. */
const pattern = z.string().trim().min(1, 'type the characters you know').max(64);
const plate = z.string().trim().min(1).max(128);

export const canvassCommands = {
  'canvass.search': alprCmd<C.CanvassSearchDto>()(
    z
      .object({
        access: accessSchema,
        pattern,
        tolerant: z.boolean().default(false),
        /** One scene given inline (area and/or window) … */
        area: areaSchema.optional(),
        from: isoDateTime.optional(),
        to: isoDateTime.optional(),
        /** … or several scenes at once. */
        scenes: z.array(sceneSchema).max(10).optional(),
        sourceIds: z.array(id).max(500).optional(),
        state: z.string().trim().length(2).optional(),
        color: z.string().trim().min(1).max(20).optional(),
        minConfidence: z.number().min(0).max(1).optional(),
        /** With `state` / `color`: reads whose state or colour was never read match too. */
        includeUnread: z.boolean().default(false),
        limit: z.number().int().min(1).max(500).default(50),
        readsPerPlate: z.number().int().min(1).max(200).default(20),
      })
      .strict(),
  ),
  'canvass.commonLink': alprCmd<C.CommonLinkDto>()(
    z
      .object({
        access: accessSchema,
        scenes: z.array(sceneSchema).min(2).max(10),
        minScenes: z.number().int().min(2).max(10).default(2),
        pattern: pattern.optional(),
        limit: z.number().int().min(1).max(1000).default(100),
      })
      .strict(),
  ),
  'canvass.convoy': alprCmd<C.ConvoyDto>()(
    z
      .object({
        access: accessSchema,
        plate,
        from: isoDateTime.optional(),
        to: isoDateTime.optional(),
        windowSeconds: z.number().int().min(1).max(3600).default(120),
        radiusM: z.number().positive().max(10_000).default(500),
        minPlaces: z.number().int().min(1).max(100).default(2),
        limit: z.number().int().min(1).max(1000).default(100),
      })
      .strict(),
  ),
  'canvass.frequentVisitors': alprCmd<C.FrequentVisitorDto>()(
    z
      .object({
        access: accessSchema,
        area: areaSchema,
        from: isoDateTime,
        to: isoDateTime,
        minDays: z.number().int().min(1).max(366).default(3),
        pattern: pattern.optional(),
        limit: z.number().int().min(1).max(1000).default(100),
      })
      .strict(),
  ),
  'canvass.locate': alprCmd<C.LocateDto>()(
    z.object({ access: accessSchema, plate, recent: z.number().int().min(1).max(500).default(20) }).strict(),
  ),

  // partial-plate watches (R11): the case and purpose of the access become the watch's own
  'watches.create': alprCmd<C.WatchDto>()(
    z
      .object({
        access: accessSchema,
        pattern,
        tolerant: z.boolean().default(false),
        description: z.string().trim().min(3).max(500),
      })
      .strict(),
  ),
  'watches.list': cmd<C.WatchDto[]>()({
    input: z.object({ activeOnly: z.boolean().default(false) }).strict(),
    gate: 'reads.view',
    audit: 'quiet',
    alpr: false,
  }),
  'watches.setActive': cmd<C.WatchDto>()({
    input: z.object({ id, active: z.boolean() }).strict(),
    gate: 'reads.view',
    audit: 'admin',
    alpr: false,
  }),
  'watches.alerts': alprCmd<{ total: number; results: C.WatchAlertDto[] }>()(
    z
      .object({
        access: accessSchema,
        watchId: id.optional(),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(1000).default(100),
      })
      .strict(),
  ),

  // minimal cases
  'cases.create': cmd<C.CaseDto>()({
    input: z
      .object({
        number: z
          .string()
          .trim()
          .min(1)
          .max(64)
          .regex(/^[A-Za-z0-9][A-Za-z0-9 ._\-/#:]*$/, 'use letters, digits and - _ . / # :'),
        title: z.string().trim().min(2).max(200),
      })
      .strict(),
    gate: 'reads.view',
    audit: 'admin',
    alpr: false,
  }),
  'cases.list': cmd<C.CaseDto[]>()({
    input: z.object({}).strict(),
    gate: 'reads.view',
    audit: 'quiet',
    alpr: false,
  }),
  'cases.get': alprCmd<C.CaseDetailDto>()(z.object({ access: accessSchema, id }).strict()),
  'cases.addReads': alprCmd<{ added: number; total: number }>()(
    z
      .object({
        access: accessSchema,
        caseId: id,
        readIds: z.array(id).min(1).max(10_000),
        note: z.string().trim().max(1000).optional(),
      })
      .strict(),
  ),
} as const;
