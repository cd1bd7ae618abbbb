// One canvas for all the canvass result reads (10,000 and more). Leaflet's own canvas renderer
// keeps a layer object per marker, re-projects and redraws each with its own path on every
// zoom, and walks them all on every hover; here the reads are typed arrays (readPoints.ts),
// projected once per zoom level, stamped as pre-rendered sprites into one pixel buffer
// (stamp.ts) that is put on the canvas at once, and found under the mouse through a pixel grid. Between redraws (while dragging, during the zoom
// animation) the canvas is only moved and scaled by CSS, like Leaflet's renderers; it covers
// half a view beyond each edge, so a drag shows markers up to there before the redraw at its end.
import L from 'leaflet';
import { NO_POINTS, PixelGrid, type ReadPoints } from './readPoints';
import { stampOver, type Stamp } from './stamp';

/** Canvas margin around the view, as a share of the view's size. */
const PAD = 0.5;
const OFF = -0x7fffffff;
/**
 * Stamping time per animation frame. A redraw of 10,000 markers (~16 ms on a quiet core, 2-4×
 * that on a busy one) is spread over frames; the last drawing stays on screen (moved or scaled
 * by CSS) until the new one is complete, so the map keeps moving at the display's rate.
 */
const BUDGET_MS = 6;

export interface MarkerStyle {
  radius: number;
  fill: string;
  stroke: string;
}

export const READ_STYLE: MarkerStyle = { radius: 5, fill: 'rgba(76,110,245,0.6)', stroke: '#1c2a80' };
export const SELECTED_STYLE: MarkerStyle = { radius: 8, fill: 'rgba(190,75,219,0.95)', stroke: '#862e9c' };

/** A marker rendered once by the canvas itself (antialiased), kept as pixels to stamp. */
function sprite(style: MarkerStyle, dpr: number): Stamp {
  const size = Math.ceil((style.radius * 2 + 2) * dpr);
  const image = document.createElement('canvas');
  image.width = image.height = size;
  const ctx = image.getContext('2d')!;
  ctx.beginPath();
  ctx.arc(size / 2, size / 2, style.radius * dpr, 0, Math.PI * 2);
  ctx.fillStyle = style.fill;
  ctx.fill();
  ctx.lineWidth = dpr;
  ctx.strokeStyle = style.stroke;
  ctx.stroke();
  return { w: size, h: size, data: ctx.getImageData(0, 0, size, size).data };
}

export interface ReadsLayerOptions {
  /** Called when a drawing is shown: markers in it, stamping time, frames it was spread over. */
  onDraw?(info: { drawn: number; ms: number; frames: number }): void;
}

export class ReadsLayer extends L.Layer {
  private pts: ReadPoints = NO_POINTS;
  private selectedPlate = -1;
  private canvas: HTMLCanvasElement | null = null;
  private x0 = new Float64Array(0);
  private y0 = new Float64Array(0);
  private x0Points: ReadPoints | null = null;
  private px = new Float64Array(0);
  private py = new Float64Array(0);
  private grid: PixelGrid | null = null;
  private projectedZoom = NaN;
  /** Absolute pixel position of the canvas's top-left corner, at `drawnZoom`. */
  private topLeft = L.point(0, 0);
  private drawnZoom = 0;
  private sprites: { dpr: number; read: Stamp; selected: Stamp } | null = null;
  private readonly onDraw: ReadsLayerOptions['onDraw'];
  /** Each read's stamp position in the last drawing (device pixels); OFF when out of view. */
  private sx = new Int32Array(0);
  private sy = new Int32Array(0);
  private frame: number | null = null;
  private job: DrawJob | null = null;
  /** Until a drawing is shown, stamp without BUDGET_MS (a new result set, nothing moves). */
  private whole = false;

  constructor(opts: ReadsLayerOptions = {}) {
    super();
    this.onDraw = opts.onDraw;
  }

  /** A new result set: projected and drawn in the next frame. */
  setPoints(pts: ReadPoints): void {
    this.pts = pts;
    this.projectedZoom = NaN;
    this.grid = null;
    this.redraw();
    // Nothing moves while the results arrive: the first drawing is done in one frame, soonest.
    this.whole = true;
  }

  /**
   * Draws again from the next animation frame: a drawing under way is started over (its view or
   * its points are stale), and however many changes ask in one frame, it is one drawing.
   */
  redraw(): void {
    this.job = null;
    if (this.frame !== null || !this._map) return;
    this.frame = requestAnimationFrame(() => this.step());
  }

  /** Highlights one plate's reads (an index into `pts.plates`, -1 for none): a redraw only. */
  setSelectedPlate(plate: number): void {
    if (plate === this.selectedPlate) return;
    this.selectedPlate = plate;
    this.redraw();
  }

  /** The read under a container point (topmost as drawn), or -1. */
  hit(at: L.Point): number {
    const map = this._map;
    if (!map || !this.pts.n || map.getZoom() !== this.projectedZoom) return -1;
    this.grid ??= new PixelGrid(this.px, this.py);
    const p = map.containerPointToLayerPoint(at).add(map.getPixelOrigin());
    const plate = this.pts.plate;
    const sel = this.selectedPlate;
    return this.grid.topmost(p.x, p.y, SELECTED_STYLE.radius + 1, (i) => plate[i] === sel);
  }

  override onAdd(map: L.Map): this {
    const canvas = L.DomUtil.create('canvas', 'canvass-reads-layer');
    const animated = map.options.zoomAnimation !== false && L.Browser.any3d;
    L.DomUtil.addClass(canvas, animated ? 'leaflet-zoom-animated' : 'leaflet-zoom-hide');
    canvas.style.pointerEvents = 'none'; // the map takes the events; hit() finds the read
    map.getPane('overlayPane')!.appendChild(canvas);
    this.canvas = canvas;
    this.redraw();
    return this;
  }

  override onRemove(): this {
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.frame = null;
    this.job = null;
    this.canvas?.remove();
    this.canvas = null;
    return this;
  }

  override getEvents(): { [name: string]: L.LeafletEventHandlerFn } {
    return {
      viewreset: this.redraw,
      moveend: this.redraw,
      resize: this.redraw,
      zoomanim: this.animateZoom as L.LeafletEventHandlerFn,
    };
  }

  /** During the zoom animation: scale the last drawing around the zoom's new pixel origin. */
  private animateZoom(e: L.ZoomAnimEvent): void {
    const map = this._map;
    if (!map || !this.canvas) return;
    this.job = null; // drawn for the old view: the moveend after the zoom starts a new one
    const scale = map.getZoomScale(e.zoom, this.drawnZoom);
    const panePos = L.DomUtil.getPosition(map.getPane('mapPane')!) ?? L.point(0, 0);
    const newOrigin = map.project(e.center, e.zoom).subtract(map.getSize().divideBy(2)).add(panePos).round();
    L.DomUtil.setTransform(this.canvas, this.topLeft.multiplyBy(scale).subtract(newOrigin), scale);
  }

  /**
   * Pixel positions at `zoom`. Positions at zoom 0 are computed once per result set; Leaflet's
   * projections scale linearly with zoom, so each zoom level is one multiplication a read.
   */
  private project(zoom: number): void {
    const map = this._map!;
    const { n, lat, lon } = this.pts;
    if (this.x0.length !== n || this.x0Points !== this.pts) {
      this.x0 = new Float64Array(n);
      this.y0 = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const p = map.project([lat[i]!, lon[i]!], 0);
        this.x0[i] = p.x;
        this.y0[i] = p.y;
      }
      this.x0Points = this.pts;
      this.px = new Float64Array(n);
      this.py = new Float64Array(n);
    }
    const k = map.getZoomScale(zoom, 0);
    for (let i = 0; i < n; i++) {
      this.px[i] = this.x0[i]! * k;
      this.py[i] = this.y0[i]! * k;
    }
    this.grid = null; // built at the first hit test at this zoom
    this.projectedZoom = zoom;
  }

  /** One frame's share of the drawing: begin it, stamp for up to BUDGET_MS, show it when done. */
  private step(): void {
    this.frame = null;
    const started = performance.now();
    this.job ??= this.begin();
    const job = this.job;
    if (!job) return;
    const { plate } = this.pts;
    const sel = this.selectedPlate;
    const { sx, sy } = this;
    const data = job.img?.data;
    // the selected plate's reads in a second pass, on top (as hit() assumes)
    for (; job.pass < 2; job.pass++, job.next = 0) {
      const top = job.pass === 1;
      const s = top ? job.sprites.selected : job.sprites.read;
      for (let i = job.next; i < this.pts.n; i++) {
        if ((i & 511) === 0 && i > job.next && !this.whole && performance.now() - started > BUDGET_MS) {
          job.next = i;
          job.ms += performance.now() - started;
          job.frames++;
          this.frame = requestAnimationFrame(() => this.step());
          return;
        }
        if (!data || sx[i] === OFF || (plate[i] === sel) !== top) continue;
        stampOver(data, job.bw, job.bh, s, sx[i]! - job.bx, sy[i]! - job.by);
      }
    }
    this.commit(job);
    job.ms += performance.now() - started;
    this.job = null;
    this.whole = false;
    this.onDraw?.({ drawn: job.drawn, ms: job.ms, frames: job.frames + 1 });
  }

  /** The view to draw: stamp positions (device pixels) and the box they cover. */
  private begin(): DrawJob | null {
    const map = this._map;
    if (!map || !this.canvas) return null;
    const size = map.getSize();
    const pad = size.multiplyBy(PAD).round();
    const min = map.containerPointToLayerPoint(pad.multiplyBy(-1)).round();
    const w = size.x + 2 * pad.x;
    const h = size.y + 2 * pad.y;
    const dpr = window.devicePixelRatio || 1;
    const W = Math.round(w * dpr);
    const H = Math.round(h * dpr);
    const zoom = map.getZoom();
    if (zoom !== this.projectedZoom) this.project(zoom);
    if (this.sprites?.dpr !== dpr) {
      this.sprites = { dpr, read: sprite(READ_STYLE, dpr), selected: sprite(SELECTED_STYLE, dpr) };
    }
    const sprites = this.sprites;
    const topLeft = map.getPixelOrigin().add(min);
    const { n, plate } = this.pts;
    if (this.sx.length !== n) {
      this.sx = new Int32Array(n);
      this.sy = new Int32Array(n);
    }
    let bx0 = W;
    let by0 = H;
    let bx1 = 0;
    let by1 = 0;
    let drawn = 0;
    for (let i = 0; i < n; i++) {
      const s = plate[i] === this.selectedPlate ? sprites.selected : sprites.read;
      const x = Math.round((this.px[i]! - topLeft.x) * dpr - s.w / 2);
      const y = Math.round((this.py[i]! - topLeft.y) * dpr - s.h / 2);
      if (x >= W || y >= H || x + s.w <= 0 || y + s.h <= 0) {
        this.sx[i] = OFF;
        continue;
      }
      this.sx[i] = x;
      this.sy[i] = y;
      bx0 = Math.min(bx0, x);
      by0 = Math.min(by0, y);
      bx1 = Math.max(bx1, x + s.w);
      by1 = Math.max(by1, y + s.h);
      drawn++;
    }
    bx0 = Math.max(0, bx0);
    by0 = Math.max(0, by0);
    const bw = Math.min(W, bx1) - bx0;
    const bh = Math.min(H, by1) - by0;
    const img = drawn ? new ImageData(bw, bh) : null;
    return {
      min,
      topLeft,
      zoom,
      w,
      h,
      W,
      H,
      img,
      bx: bx0,
      by: by0,
      bw,
      bh,
      sprites,
      drawn,
      pass: 0,
      next: 0,
      ms: 0,
      frames: 0,
    };
  }

  /** Shows a finished drawing: the canvas moves to the drawn view and takes the pixels at once. */
  private commit(job: DrawJob): void {
    const canvas = this.canvas!;
    if (canvas.width !== job.W || canvas.height !== job.H) {
      canvas.width = job.W;
      canvas.height = job.H;
      canvas.style.width = `${job.w}px`;
      canvas.style.height = `${job.h}px`;
    }
    L.DomUtil.setPosition(canvas, job.min);
    const ctx = canvas.getContext('2d')!;
    ctx.clearRect(0, 0, job.W, job.H);
    if (job.img) ctx.putImageData(job.img, job.bx, job.by);
    this.topLeft = job.topLeft;
    this.drawnZoom = job.zoom;
  }
}

/** A drawing under way: the view it is for and how far the stamping got. */
interface DrawJob {
  /** Layer point of the canvas's top-left corner, and the same as an absolute pixel. */
  min: L.Point;
  topLeft: L.Point;
  zoom: number;
  /** Canvas size in CSS pixels and in device pixels. */
  w: number;
  h: number;
  W: number;
  H: number;
  /** The markers' box (device pixels) and its pixels. */
  img: ImageData | null;
  bx: number;
  by: number;
  bw: number;
  bh: number;
  sprites: { read: Stamp; selected: Stamp };
  drawn: number;
  pass: number;
  next: number;
  ms: number;
  frames: number;
}
