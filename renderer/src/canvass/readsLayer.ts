// One canvas for all the canvass result reads (10,000 and more). Leaflet's own canvas renderer
// keeps a layer object per marker, re-projects and redraws each with its own path on every
// zoom, and walks them all on every hover; here the reads are typed arrays (readPoints.ts),
// projected once per zoom level, stamped as pre-rendered sprites into one pixel buffer by a
// worker (stamp.ts, stampWorker.ts) that hands back a bitmap the canvas shows without a copy,
// and found under the mouse through a pixel grid. Between drawings (while dragging, during the
// zoom animation, while the worker stamps) the last drawing stays, only moved and scaled by CSS
// like Leaflet's renderers do. A drawing covers a quarter of a view beyond each edge, so a drag
// shows markers up to there before the drawing for the new view arrives, and the canvas is only
// as big as the box its markers take.
import L from 'leaflet';
import { NO_POINTS, PixelGrid, type ReadPoints } from './readPoints';
import { stampAll, type Stamp, type StampRequest } from './stamp';
import type { StampResponse } from './stampProtocol';

/**
 * Canvas margin around the view, as a share of the view's size. Half a view (a canvas 4× the
 * view's area) cost more to composite and transfer than it saved: measured with `bench map`.
 */
const PAD = 0.25;

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
  /**
   * Called when a drawing is shown: markers in it, ms from its start to shown, ms of the page's
   * main thread, where it was stamped.
   */
  onDraw?(info: { drawn: number; ms: number; mainMs: number; stamping: 'worker' | 'page' }): void;
}

/** Where the stamping runs: the worker when the page can start one, else the page itself. */
interface Stamper {
  readonly kind: 'worker' | 'page';
  /** The worker failed: the layer goes on stamping in the page. */
  readonly failed: boolean;
  /** Answers are ImageBitmaps of the whole canvas (shown through a bitmaprenderer context). */
  readonly bitmaps: boolean;
  stamp(req: StampRequest, done: (r: StampResponse) => void): void;
  dispose(): void;
}

function pageStamper(): Stamper {
  return {
    kind: 'page',
    failed: false,
    bitmaps: false,
    stamp: (req, cb) => cb({ seq: req.seq, data: stampAll(req) }),
    dispose: () => {},
  };
}

function createStamper(): Stamper {
  try {
    const worker = new Worker(new URL('./stampWorker.ts', import.meta.url), { type: 'module' });
    let done: ((r: StampResponse) => void) | null = null;
    let failed = false;
    worker.onmessage = (e: MessageEvent<StampResponse>) => done?.(e.data);
    // An answer that never comes would leave the map blank: fail over to the page instead.
    worker.onerror = worker.onmessageerror = (e: Event) => {
      e.preventDefault();
      failed = true;
      done?.({ seq: -1 });
    };
    return {
      kind: 'worker',
      get failed() {
        return failed;
      },
      bitmaps: typeof OffscreenCanvas !== 'undefined' && typeof ImageBitmapRenderingContext !== 'undefined',
      stamp: (req, cb) => {
        done = cb;
        worker.postMessage(req, [req.xs.buffer, req.ys.buffer, req.kinds.buffer]);
      },
      dispose: () => worker.terminate(),
    };
  } catch {
    return pageStamper();
  }
}

/** The view a drawing is for. */
interface View {
  seq: number;
  pts: ReadPoints;
  dpr: number;
  /** Layer point of the canvas's top-left corner, and the same as an absolute pixel. */
  min: L.Point;
  topLeft: L.Point;
  zoom: number;
  /** Canvas size in CSS pixels and in device pixels. */
  w: number;
  h: number;
  W: number;
  H: number;
  /** The markers' box, device pixels. */
  bx: number;
  by: number;
  bw: number;
  bh: number;
  drawn: number;
  started: number;
  /** Time the page's main thread spent on it (positions, then putting the pixels). */
  mainMs: number;
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
  /** Absolute pixel position of the shown canvas's top-left corner (CSS px), at `drawnZoom`. */
  private topLeft = L.point(0, 0);
  private drawnZoom = 0;
  private sprites: { dpr: number; read: Stamp; selected: Stamp } | null = null;
  private readonly onDraw: ReadsLayerOptions['onDraw'];
  private stamper: Stamper | null = null;
  private frame: number | null = null;
  /** Numbers the drawings: an answer for an older one than `seq` is dropped. */
  private seq = 0;
  /** The drawing the stamper is working on, and whether another was asked for meanwhile. */
  private inFlight: View | null = null;
  private again = false;
  /** Between zoomanim and zoomend nothing is drawn or shown (the view is between two zooms). */
  private zooming = false;

  constructor(opts: ReadsLayerOptions = {}) {
    super();
    this.onDraw = opts.onDraw;
  }

  /** Where the stamping runs, for tests and support. */
  get stamping(): 'worker' | 'page' | null {
    return this.stamper?.kind ?? null;
  }

  /** A new result set: projected and drawn from the next frame. */
  setPoints(pts: ReadPoints): void {
    this.pts = pts;
    this.projectedZoom = NaN;
    this.grid = null;
    this.redraw();
  }

  /** Highlights one plate's reads (an index into `pts.plates`, -1 for none): a redraw only. */
  setSelectedPlate(plate: number): void {
    if (plate === this.selectedPlate) return;
    this.selectedPlate = plate;
    this.redraw();
  }

  /**
   * Draws again from the next animation frame: a drawing under way is dropped (its view or its
   * points are stale), and however many changes ask in one frame, it is one drawing.
   */
  redraw(): void {
    this.seq++;
    if (this.frame !== null || !this._map) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      this.start();
    });
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
    this.canvas = this.newCanvas(map);
    this.stamper = createStamper();
    this.redraw();
    return this;
  }

  /** A fresh canvas in the overlay pane (also when a failed worker's bitmap context must go). */
  private newCanvas(map: L.Map): HTMLCanvasElement {
    this.canvas?.remove();
    const canvas = L.DomUtil.create('canvas', 'canvass-reads-layer');
    const animated = map.options.zoomAnimation !== false && L.Browser.any3d;
    L.DomUtil.addClass(canvas, animated ? 'leaflet-zoom-animated' : 'leaflet-zoom-hide');
    canvas.style.pointerEvents = 'none'; // the map takes the events; hit() finds the read
    map.getPane('overlayPane')!.appendChild(canvas);
    return canvas;
  }

  override onRemove(): this {
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.frame = null;
    this.seq++;
    this.inFlight = null;
    this.stamper?.dispose();
    this.stamper = null;
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
      zoomend: this.zoomEnd,
    };
  }

  private zoomEnd(): void {
    this.zooming = false;
    this.redraw();
  }

  /** During the zoom animation: scale the last drawing around the zoom's new pixel origin. */
  private animateZoom(e: L.ZoomAnimEvent): void {
    const map = this._map;
    if (!map || !this.canvas) return;
    this.zooming = true;
    this.seq++; // a drawing under way is for the old view: the moveend after the zoom asks anew
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
    if (this.x0Points !== this.pts) {
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

  /** Starts a drawing of the current view (one at a time: a later ask waits for it). */
  private start(): void {
    const map = this._map;
    if (!map || !this.canvas || !this.stamper || this.zooming) return; // zoomend asks again
    if (this.inFlight) {
      this.again = true;
      return;
    }
    const started = performance.now();
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
    const { read, selected } = this.sprites;
    const topLeft = map.getPixelOrigin().add(min);

    // Stamps in drawing order (the selected plate's last, on top, as hit() assumes) and their box.
    const { n, plate } = this.pts;
    const xs = new Int32Array(n);
    const ys = new Int32Array(n);
    const kinds = new Uint8Array(n);
    let m = 0;
    let bx0 = W;
    let by0 = H;
    let bx1 = 0;
    let by1 = 0;
    for (const top of [false, true]) {
      const s = top ? selected : read;
      for (let i = 0; i < n; i++) {
        if ((plate[i] === this.selectedPlate) !== top) continue;
        const x = Math.round((this.px[i]! - topLeft.x) * dpr - s.w / 2);
        const y = Math.round((this.py[i]! - topLeft.y) * dpr - s.h / 2);
        if (x >= W || y >= H || x + s.w <= 0 || y + s.h <= 0) continue;
        xs[m] = x;
        ys[m] = y;
        kinds[m] = top ? 1 : 0;
        m++;
        bx0 = Math.min(bx0, x);
        by0 = Math.min(by0, y);
        bx1 = Math.max(bx1, x + s.w);
        by1 = Math.max(by1, y + s.h);
      }
    }
    bx0 = Math.max(0, bx0);
    by0 = Math.max(0, by0);
    const bw = Math.max(0, Math.min(W, bx1) - bx0);
    const bh = Math.max(0, Math.min(H, by1) - by0);
    for (let k = 0; k < m; k++) {
      xs[k] = xs[k]! - bx0;
      ys[k] = ys[k]! - by0;
    }
    const view: View = {
      seq: this.seq,
      pts: this.pts,
      dpr,
      min,
      topLeft,
      zoom,
      w,
      h,
      W,
      H,
      bx: bx0,
      by: by0,
      bw,
      bh,
      drawn: m,
      started,
      mainMs: 0,
    };
    view.mainMs = performance.now() - started;
    this.inFlight = view;
    this.stamper.stamp(
      {
        seq: view.seq,
        W,
        H,
        bx: bx0,
        by: by0,
        bitmap: this.stamper.bitmaps,
        bw,
        bh,
        xs: xs.subarray(0, m).slice(),
        ys: ys.subarray(0, m).slice(),
        kinds: kinds.subarray(0, m).slice(),
        sprites: [read, selected],
      },
      (r) => this.stamped(view, r),
    );
  }

  /**
   * The stamper's answer. Shown unless the zoom or the points changed since it started (a drawing
   * for an older pan or selection is still right where it is, and better than the last one), and
   * the next drawing started if one was asked for meanwhile.
   */
  private stamped(view: View, r: StampResponse): void {
    if (this.inFlight !== view) return; // the layer was removed
    this.inFlight = null;
    const map = this._map;
    if (this.stamper?.failed && map) {
      this.stamper.dispose();
      this.stamper = pageStamper();
      this.canvas = this.newCanvas(map);
      this.redraw();
      return;
    }
    if (map && this.canvas && !this.zooming && view.zoom === map.getZoom() && view.pts === this.pts) {
      this.show(view, r);
    } else r.bitmap?.close();
    if (this.again || r.seq !== this.seq) {
      this.again = false;
      if (this.frame === null) this.redraw();
    }
  }

  /** Shows a drawing: the canvas moves to the drawn view and takes the pixels at once. */
  private show(view: View, r: StampResponse): void {
    const t0 = performance.now();
    const canvas = this.canvas!;
    // The canvas is the markers' box only: less to composite while it is moved and scaled.
    const bw = Math.max(1, view.bw);
    const bh = Math.max(1, view.bh);
    if (canvas.width !== bw || canvas.height !== bh) {
      canvas.width = bw;
      canvas.height = bh;
    }
    canvas.style.width = `${bw / view.dpr}px`;
    canvas.style.height = `${bh / view.dpr}px`;
    canvas.style.visibility = view.bw > 0 && view.bh > 0 ? '' : 'hidden';
    const offset = L.point(view.bx / view.dpr, view.by / view.dpr);
    L.DomUtil.setPosition(canvas, view.min.add(offset));
    if (r.bitmap) {
      canvas.getContext('bitmaprenderer')!.transferFromImageBitmap(r.bitmap);
    } else {
      const ctx = canvas.getContext('2d')!;
      ctx.clearRect(0, 0, bw, bh);
      if (r.data && view.bw > 0 && view.bh > 0) {
        ctx.putImageData(new ImageData(r.data as Uint8ClampedArray<ArrayBuffer>, view.bw, view.bh), 0, 0);
      }
    }
    this.topLeft = view.topLeft.add(offset);
    this.drawnZoom = view.zoom;
    view.mainMs += performance.now() - t0;
    this.onDraw?.({
      drawn: view.drawn,
      ms: performance.now() - view.started,
      mainMs: view.mainMs,
      stamping: this.stamper?.kind ?? 'page',
    });
  }
}
