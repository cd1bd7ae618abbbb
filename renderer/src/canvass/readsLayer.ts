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
  /** Called after each redraw with what it drew and how long it took. */
  onDraw?(info: { drawn: number; ms: number }): void;
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
  }

  /** Redraws in the next animation frame, once however many changes asked for it. */
  redraw(): void {
    if (this.frame !== null || !this._map) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      this.draw();
    });
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

  private draw(): void {
    const map = this._map;
    const canvas = this.canvas;
    if (!map || !canvas) return;
    const t0 = performance.now();
    const size = map.getSize();
    const pad = size.multiplyBy(PAD).round();
    const min = map.containerPointToLayerPoint(pad.multiplyBy(-1)).round();
    const w = size.x + 2 * pad.x;
    const h = size.y + 2 * pad.y;
    const dpr = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
      canvas.style.width = `${w}px`;
      canvas.style.height = `${h}px`;
    }
    L.DomUtil.setPosition(canvas, min);
    const zoom = map.getZoom();
    if (zoom !== this.projectedZoom) this.project(zoom);
    this.topLeft = map.getPixelOrigin().add(min);
    this.drawnZoom = zoom;
    if (this.sprites?.dpr !== dpr) {
      this.sprites = { dpr, read: sprite(READ_STYLE, dpr), selected: sprite(SELECTED_STYLE, dpr) };
    }

    // Where each stamp goes (device pixels), and the box they cover: only that box is written.
    const { n, plate } = this.pts;
    const W = canvas.width;
    const H = canvas.height;
    const ox = this.topLeft.x;
    const oy = this.topLeft.y;
    if (this.sx.length !== n) {
      this.sx = new Int32Array(n);
      this.sy = new Int32Array(n);
    }
    const { read, selected } = this.sprites;
    let bx0 = W;
    let by0 = H;
    let bx1 = 0;
    let by1 = 0;
    let drawn = 0;
    for (let i = 0; i < n; i++) {
      const s = plate[i] === this.selectedPlate ? selected : read;
      const x = Math.round((this.px[i]! - ox) * dpr - s.w / 2);
      const y = Math.round((this.py[i]! - oy) * dpr - s.h / 2);
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
    const ctx = canvas.getContext('2d')!;
    ctx.clearRect(0, 0, W, H);
    if (drawn) {
      bx0 = Math.max(0, bx0);
      by0 = Math.max(0, by0);
      const bw = Math.min(W, bx1) - bx0;
      const bh = Math.min(H, by1) - by0;
      const img = ctx.createImageData(bw, bh);
      // the selected plate's reads last, on top (as hit() assumes)
      for (const top of [false, true]) {
        const s = top ? selected : read;
        for (let i = 0; i < n; i++) {
          if (this.sx[i] === OFF || (plate[i] === this.selectedPlate) !== top) continue;
          stampOver(img.data, bw, bh, s, this.sx[i]! - bx0, this.sy[i]! - by0);
        }
      }
      ctx.putImageData(img, bx0, by0);
    }
    this.onDraw?.({ drawn, ms: performance.now() - t0 });
  }
}
