// The canvass results map from a test's side: its readiness signals are attributes of
// [data-testid=canvass-map] (data-reads: reads on the layer, data-drawn: in the drawing shown,
// data-stamping: worker|page, data-hover: the read under the mouse, data-selected: the selected
// plate).
import type { Page } from 'playwright-core';

/** Waits two frames, so the map's once-a-frame hover test has run. */
const twoFrames = (page: Page) =>
  page.evaluate('new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)))');

/**
 * Moves the mouse from the map's centre outwards until it is over a read (the map names it in
 * data-hover); returns where, and the read's id. Null when no read is found.
 */
export async function hoverMarker(page: Page): Promise<{ x: number; y: number; readId: number } | null> {
  const map = page.locator('[data-testid=canvass-map]');
  const box = (await map.boundingBox())!;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  for (let k = 0; k < 400; k++) {
    const r = 3 * Math.sqrt(k) * 4;
    const a = k * 2.4; // golden-angle spiral
    const x = cx + r * Math.cos(a);
    const y = cy + r * Math.sin(a);
    if (x < box.x + 5 || x > box.x + box.width - 5 || y < box.y + 5 || y > box.y + box.height - 5) continue;
    await page.mouse.move(x, y);
    await twoFrames(page);
    const id = await map.getAttribute('data-hover');
    if (id) return { x, y, readId: Number(id) };
  }
  return null;
}
