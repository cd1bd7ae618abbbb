// Benchmark: the canvass results map with 10,000 markers (issue 4: "the map must stay smooth").
// A fresh store gets 500 plates × 20 reads (7AB0000…7AB0499) around one point through the
// import page; the canvass search 7AB* (500 plates, 20 reads each) puts all 10,000 on the map.
// Then requestAnimationFrame timestamps are recorded in the page while the map is panned with
// mouse drags and zoomed with the wheel, the way an analyst does it. Needs `npm run build` and
// Chromium (/usr/bin/chromium or CANVASS_CHROMIUM).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import {
  acknowledgePolicy,
  addOwnTraining,
  firstRunSetup,
  giveAccess,
  importFile,
} from '../../test/e2e/support/app';
import { launchBrowser } from '../../test/e2e/support/browser';
import { hoverMarker } from '../../test/e2e/support/canvassMap';
import { startHost } from '../../test/e2e/support/host';
import { manyReadsCsv } from '../../test/e2e/support/manyReads';

export interface MapBenchOptions {
  /** Markers on the map: plates = markers / 20 (the search's 20 reads a plate), at most 500. */
  markers?: number;
  /** Pan and zoom rounds. */
  rounds?: number;
}

interface FrameStats {
  frames: number;
  p50_ms: number;
  p95_ms: number;
  max_ms: number;
  /** Share of frame intervals over 25 ms (at least one 60 Hz frame missed). */
  dropped_share: number;
}

const pct = (xs: number[], q: number) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? 0;
const r1 = (x: number) => Math.round(x * 10) / 10;

function stats(intervals: number[]): FrameStats {
  const s = [...intervals].sort((a, b) => a - b);
  return {
    frames: s.length,
    p50_ms: r1(pct(s, 0.5)),
    p95_ms: r1(pct(s, 0.95)),
    max_ms: r1(s[s.length - 1] ?? 0),
    dropped_share: Math.round((s.filter((x) => x > 25).length / Math.max(1, s.length)) * 1000) / 1000,
  };
}

/** The layer's redraws during a recording: from asked to shown, and main-thread time. */
function drawStats(draws: [number, number][]) {
  const wall = draws.map((d) => d[0]).sort((a, b) => a - b);
  const main = draws.map((d) => d[1]).sort((a, b) => a - b);
  return {
    redraws: wall.length,
    p50_ms: r1(pct(wall, 0.5)),
    max_ms: r1(wall[wall.length - 1] ?? 0),
    main_thread_p50_ms: r1(pct(main, 0.5)),
    main_thread_max_ms: r1(main[main.length - 1] ?? 0),
  };
}

/** Starts recording rAF timestamps in the page (window.__frames). A string, so the loader's
 * helpers (tsx names functions with __name) never reach the page. */
async function startFrames(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    const run = (window.__run = (window.__run || 0) + 1);
    window.__frames = [];
    window.__draws = [];
    window.__recording = true;
    const map = document.querySelector('[data-testid=canvass-map]');
    window.__drawObserver?.disconnect();
    window.__drawObserver = new MutationObserver(() => window.__draws.push([Number(map.getAttribute('data-draw-ms')), Number(map.getAttribute('data-draw-main-ms'))]));
    window.__drawObserver.observe(map, { attributes: true, attributeFilter: ['data-draw-ms'] });
    const tick = (t) => {
      if (!window.__recording || window.__run !== run) return;
      window.__frames.push(t);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })()`);
}

/** Stops recording; the intervals between consecutive frames, and the layer's redraw times. */
async function stopFrames(page: Page): Promise<{ intervals: number[]; draws: [number, number][] }> {
  const { ts, draws } = (await page.evaluate(
    '(() => { window.__recording = false; window.__drawObserver.disconnect(); return { ts: window.__frames, draws: window.__draws }; })()',
  )) as { ts: number[]; draws: [number, number][] };
  return { intervals: ts.slice(1).map((t, i) => t - ts[i]!), draws };
}

async function record(page: Page, what: () => Promise<void>) {
  await startFrames(page);
  await what();
  const { intervals, draws } = await stopFrames(page);
  return { ...stats(intervals), layer_redraw: drawStats(draws) };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Mouse drags across the map: each a 360 px stroke in 30 moves, ~60 moves a second. */
async function pan(page: Page, box: { x: number; y: number; width: number; height: number }, rounds: number) {
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const strokes: [number, number][] = [
    [300, 0],
    [0, 200],
    [-300, 0],
    [0, -200],
    [220, 160],
    [-220, -160],
  ];
  for (let r = 0; r < rounds; r++) {
    for (const [dx, dy] of strokes) {
      await page.mouse.move(cx - dx / 2, cy - dy / 2);
      await page.mouse.down();
      for (let i = 1; i <= 30; i++) {
        await page.mouse.move(cx - dx / 2 + (dx * i) / 30, cy - dy / 2 + (dy * i) / 30);
        await pause(16);
      }
      await page.mouse.up();
      await pause(120); // the drag's end: inertia, then the layer redraws for the new view
    }
  }
}

/** Wheel zooms around the map centre: in three levels and out again, one notch every 150 ms. */
async function zoom(
  page: Page,
  box: { x: number; y: number; width: number; height: number },
  rounds: number,
) {
  await page.mouse.move(box.x + box.width * 0.55, box.y + box.height * 0.45);
  for (let r = 0; r < rounds; r++) {
    for (const dy of [-100, -100, -100, 100, 100, 100]) {
      await page.mouse.wheel(0, dy);
      await pause(300); // Leaflet's 40 ms wheel debounce + its 250 ms zoom animation
    }
  }
}

export async function benchMap(o: MapBenchOptions = {}) {
  const markers = o.markers ?? 10_000;
  const rounds = o.rounds ?? 3;
  const plates = Math.ceil(markers / 20);
  if (plates > 500) throw new Error('at most 10,000 markers (500 plates × 20 reads, the search limits)');
  const dir = mkdtempSync(join(tmpdir(), 'canvass-bench-map-'));
  const csv = join(dir, 'reads.csv');
  writeFileSync(csv, manyReadsCsv({ prefix: '7AB', plates, readsPerPlate: 20 }));
  const load_before = loadavg().map(r1);
  const host = await startHost();
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
    await page.goto(host.url);
    await firstRunSetup(page);
    await acknowledgePolicy(page);
    await addOwnTraining(page);
    const imported = await importFile(page, csv, 'Canvass CSV');
    await page.click('[data-testid=nav-canvass]');
    await page.waitForSelector('body[data-canvass-page="canvass"]');
    await giveAccess(page, 'Crime Analysis', '26-000010');
    await page.waitForSelector('[data-testid=canvass-page]');
    await page.fill('[data-testid=canvass-pattern] input, input[data-testid=canvass-pattern]', '7AB*');

    // First draw: from the click on Search to the first frame after the layer holds the markers.
    // (resource timing tells when the search's answer had arrived: /api/call's responseEnd)
    await page.evaluate('performance.clearResourceTimings(); window.__t0 = performance.now()');
    await page.click('[data-testid=canvass-search]');
    const mapEl = await page.waitForSelector(`[data-testid=canvass-map][data-drawn="${plates * 20}"]`, {
      timeout: 120_000,
    });
    const first_draw_ms = (await page.evaluate(
      'new Promise((ok) => requestAnimationFrame(() => ok(performance.now() - window.__t0)))',
    )) as number;
    const answered_ms = (await page.evaluate(`Math.max(...performance.getEntriesByType('resource')
      .filter((e) => e.name.endsWith('/api/call') && e.startTime >= window.__t0)
      .map((e) => e.responseEnd)) - window.__t0`)) as number;
    const search_ms = Number(
      ((await page.textContent('[data-testid=canvass-summary]')) ?? '').match(/(\d+) ms/)?.[1] ?? NaN,
    );
    const layer_draw_ms = Number((await mapEl.getAttribute('data-draw-ms')) ?? NaN);
    const layer_draw_main_ms = Number((await mapEl.getAttribute('data-draw-main-ms')) ?? NaN);
    const stamping = await mapEl.getAttribute('data-stamping');
    const box = (await mapEl.boundingBox())!;
    await pause(500);

    const panStats = await record(page, () => pan(page, box, rounds));
    const zoomStats = await record(page, () => zoom(page, box, rounds));

    // Hover: the mouse crosses the map (no button), as when looking for a marker.
    const hoverStats = await record(page, async () => {
      for (let i = 0; i <= 60; i++) {
        await page.mouse.move(
          box.x + box.width * (0.2 + (0.6 * i) / 60),
          box.y + box.height * (0.3 + (0.4 * i) / 60),
        );
        await pause(16);
      }
    });

    // Selection from the list: the frame in which the map restyles the selected plate's reads.
    const selectFrames: number[] = [];
    const cards = page.locator('[data-testid=canvass-result]');
    for (let i = 1; i <= 5; i++) {
      await startFrames(page);
      await cards.nth(i).click();
      await pause(400);
      selectFrames.push(Math.max(...(await stopFrames(page)).intervals));
    }
    selectFrames.sort((a, b) => a - b);

    // Hovering a read names it (data-hover); clicking it opens the read.
    await page.keyboard.press('Escape');
    const at = await hoverMarker(page);
    let opened = false;
    if (at) {
      await page.mouse.click(at.x, at.y);
      opened = await page
        .waitForSelector('[data-testid=read-detail]', { timeout: 10_000 })
        .then(() => true)
        .catch(() => false);
    }

    // The search's own round trip (core + bridge + JSON), to tell it from the page's rendering.
    const search_roundtrip_ms = (await page.evaluate(`(async () => {
      const t = performance.now();
      const r = await window.canvass.call('canvass.search', {
        access: { purpose: 'Crime Analysis', caseNumber: '26-000010' },
        pattern: '7AB*', tolerant: false, limit: 500, readsPerPlate: 20,
      });
      if (!r.ok) throw new Error(JSON.stringify(r));
      return performance.now() - t;
    })()`)) as number;
    const markersNow = await page.getAttribute('[data-testid=canvass-map]', 'data-reads');

    // The same pans and zooms over the same view with no markers: the floor this machine sets.
    await page.keyboard.press('Escape');
    await page.fill('[data-testid=canvass-pattern] input, input[data-testid=canvass-pattern]', 'ZZZ9*');
    await page.click('[data-testid=canvass-search]');
    await page.waitForSelector('[data-testid=canvass-map][data-reads="0"]');
    await pause(500);
    const emptyPan = await record(page, () => pan(page, box, rounds));
    const emptyZoom = await record(page, () => zoom(page, box, rounds));

    return {
      markers: Number(markersNow),
      imported,
      first_draw_ms: Math.round(first_draw_ms),
      // of which: click → the search's answer received, then → parsed, rendered, drawn, painted
      answer_received_ms: Math.round(answered_ms),
      render_and_draw_ms: Math.round(first_draw_ms - answered_ms),
      search_ms,
      search_roundtrip_ms: Math.round(search_roundtrip_ms),
      layer_draw_ms: Number.isNaN(layer_draw_ms) ? null : layer_draw_ms,
      layer_draw_main_thread_ms: layer_draw_main_ms,
      stamping,
      pan: panStats,
      zoom: zoomStats,
      hover: hoverStats,
      empty_map: { pan: emptyPan, zoom: emptyZoom },
      select_frame_ms: {
        p50: r1(pct(selectFrames, 0.5)),
        max: r1(selectFrames[selectFrames.length - 1] ?? 0),
      },
      marker_click_opens_read: opened,
      load_avg_before: load_before,
      load_avg_after: loadavg().map(r1),
      machine: {
        cpus: cpus().length,
        cpu: cpus()[0]?.model ?? 'unknown',
        memory_gb: Math.round(totalmem() / 2 ** 30),
        node: process.version,
        chromium: browser.version(),
        viewport: '1500x950',
      },
    };
  } finally {
    await browser.close();
    await host.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
