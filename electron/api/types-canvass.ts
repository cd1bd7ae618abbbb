// Result shapes of the canvass commands (issue 4, R11): ranked partial-plate results with
// their reasons, the analyses, watches and cases. Plain types only: the renderer imports this.

/** An area on the map: a circle (centre + radius in metres) or a polygon of [lat, lon] points. */
export type AreaDto =
  | { kind: 'circle'; lat: number; lon: number; radiusM: number }
  | { kind: 'polygon'; points: [number, number][] };

/** A scene: where and when (ISO 8601); either part may be left out. */
export interface SceneDto {
  label?: string;
  area?: AreaDto;
  from?: string;
  to?: string;
}

/** How a read came to match. */
export type MatchVia = 'exact' | 'tolerant' | 'alternative';

export interface CanvassReadDto {
  id: number;
  plate: string;
  /** UTC, ISO 8601. */
  timestamp: string;
  lat: number | null;
  lon: number | null;
  source: string | null;
  state: string | null;
  color: string | null;
  confidence: number | null;
  via: MatchVia;
  /** 0..1: how well this read fits the pattern. */
  quality: number;
  /** Indexes (0-based) of the scenes this read falls in. */
  scenes: number[];
}

export interface PlaceDto {
  lat: number;
  lon: number;
  reads: number;
}

export interface CanvassResultDto {
  plate: string;
  /** 0..100, best first. */
  score: number;
  /** Why it ranks here, in words. */
  reasons: string[];
  hits: number;
  firstSeen: string;
  lastSeen: string;
  /** Distinct places (about 100 m apart) among its reads in scope, busiest first. */
  places: PlaceDto[];
  scenes: number[];
  reads: CanvassReadDto[];
}

export interface CanvassSearchDto {
  pattern: string;
  tolerant: boolean;
  results: CanvassResultDto[];
  /** Plates that matched before the limit. */
  total: number;
  /** How the engine found candidates, for the curious and the benchmark. */
  plan: {
    /** Texts looked at: the index's candidates, or the texts a scan read before it stopped. */
    candidates: number;
    strategy: 'summary' | 'plate-first' | 'window-first';
    /** No index applied (`*`, tolerant `7*`): the plate text list was read in its order until 20,001 matched. */
    scanned: boolean;
    /** More than 20,000 plates matched; only 20,000 were counted and ranked (for a scan: the first it read). */
    truncated: boolean;
    ms: number;
  };
}

export interface CommonLinkDto {
  results: { plate: string; score: number; reasons: string[]; scenes: number[]; reads: CanvassReadDto[] }[];
  scenes: number;
  total: number;
}

export interface ConvoyDto {
  target: string;
  targetReads: number;
  results: {
    plate: string;
    score: number;
    reasons: string[];
    places: number;
    together: number;
    reads: CanvassReadDto[];
  }[];
  total: number;
}

export interface FrequentVisitorDto {
  results: {
    plate: string;
    score: number;
    reasons: string[];
    days: number;
    hits: number;
    firstSeen: string;
    lastSeen: string;
  }[];
  total: number;
}

export interface LocateDto {
  plate: string;
  hits: number;
  lastSeen: CanvassReadDto | null;
  firstSeen: string | null;
  /** Usual places, busiest first, with the hours of day they are seen there. */
  places: (PlaceDto & { lastSeen: string; hours: number[] })[];
  recent: CanvassReadDto[];
  /** `results` so the audit record counts them. */
  results: CanvassReadDto[];
}

export interface WatchDto {
  id: number;
  pattern: string;
  tolerant: boolean;
  description: string;
  caseNumber: string;
  active: boolean;
  createdBy: number | null;
  createdAt: number;
  alerts: number;
}

export interface WatchAlertDto {
  id: number;
  watchId: number;
  pattern: string;
  description: string;
  score: number;
  reasons: string[];
  createdAt: number;
  read: CanvassReadDto;
}

export interface CaseDto {
  id: number;
  number: string;
  title: string;
  createdBy: number | null;
  createdAt: number;
  reads: number;
}

export interface CaseDetailDto extends CaseDto {
  results: (CanvassReadDto & { note: string | null; addedAt: number; addedBy: number | null })[];
}
