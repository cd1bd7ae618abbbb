// Where a footage read's plate was in its context frame: the plate's corners (models/plate-
// corners.onnx) or, for reads made before them, its box, with the size of the frame they are
// measured in. Read from the read's provenance, which is stored JSON: every field is checked, and
// anything else gives no outline rather than a wrong one.

export interface PlateOutline {
  /** The frame the points are in (pixels); the context frame may be a smaller copy of it. */
  width: number;
  height: number;
  points: { x: number; y: number }[];
  /** 'corners' when the corner net outlined the plate, 'box' for the detector's rectangle. */
  kind: 'corners' | 'box';
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isPoint = (p: unknown): p is { x: number; y: number } =>
  typeof p === 'object' && p !== null && isNum((p as { x: unknown }).x) && isNum((p as { y: unknown }).y);

export function plateOutline(provenance: Record<string, unknown> | null | undefined): PlateOutline | null {
  if (!provenance) return null;
  const size = provenance.frameSize as { width?: unknown; height?: unknown } | undefined;
  if (!size || !isNum(size.width) || !isNum(size.height) || size.width <= 0 || size.height <= 0) return null;
  const { width, height } = size as { width: number; height: number };
  const corners = provenance.corners;
  if (Array.isArray(corners) && corners.length === 4 && corners.every(isPoint)) {
    return { width, height, points: corners.map((p) => ({ x: p.x, y: p.y })), kind: 'corners' };
  }
  const b = provenance.box as { x?: unknown; y?: unknown; w?: unknown; h?: unknown } | undefined;
  if (b && isNum(b.x) && isNum(b.y) && isNum(b.w) && isNum(b.h) && b.w > 0 && b.h > 0) {
    const [x, y, w, h] = [b.x, b.y, b.w, b.h];
    return { width, height, points: [{ x, y }, { x: x + w, y }, { x: x + w, y: y + h }, { x, y: y + h }], kind: 'box' };
  }
  return null;
}
