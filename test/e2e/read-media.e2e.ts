// An investigator imports a photo on the Footage page, the camera's position picked on the map,
// and opens the read it gives: the read stands there, and its detail shows the plate crop and
// the context frame from the media folder, each marked as matching its SHA-256 (reads.media,
// audited with the session's purpose and case), the plate outlined on the frame by its corners.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../support/shared-data';
import { tempDir } from '../support/temp';
import { acknowledgePolicy, addOwnTraining, firstRunSetup, giveAccess, go } from './support/app';
import { withScreenshot } from './support/browser';
import type { RunningHost } from './support/host';
import { withHostAndPage } from './support/session';

const IMG_LOADED = (sel: string) => `(() => { const i = document.querySelector(${JSON.stringify(sel)});
  return !!i && i.complete && i.naturalWidth > 0 ? i.naturalWidth : 0; })()`;

describe('read media in the read detail', () => {
  let host: RunningHost;
  let page: Page;
  withHostAndPage({ viewport: { width: 1366, height: 900 } }, (h, p) => {
    host = h;
    page = p;
  });

  it('places a fixed camera on the map, and shows the crop and frame of its read, SHA-256 verified', () =>
    withScreenshot(page, 'read-media', async () => {
      const photo = join(tempDir('canvass-e2e-'), 'scene.jpg');
      await sharp(sharedData('dashcam-ro', 'dayride_type1_001_t342.jpg')).jpeg({ quality: 90 }).toFile(photo);
      await page.goto(host.url);
      await firstRunSetup(page);
      await acknowledgePolicy(page);
      await addOwnTraining(page);
      await go(page, 'footage');
      // "Choose files…" opens the file dialog; a browser never reveals the chosen file's path
      // (Electron's bridge does), so the page says to type it
      await page.setInputFiles('[data-testid=footage-dropzone] input[type=file]', photo);
      await page.getByText('This window cannot see where chosen files are').waitFor();
      await page.fill('[data-testid=footage-paths]', photo);
      // a fixed camera's position: typed, then moved by a click on the map beside the marker
      await page.fill('[data-testid=footage-at]', '34.05, -118.25');
      const map = page.locator('[data-testid=footage-position-map]');
      await expect(map.getAttribute('data-at')).resolves.toBe('34.050000,-118.250000');
      const box = (await map.boundingBox())!;
      await map.click({ position: { x: box.width / 2 + 60, y: box.height / 2 } });
      const picked = await page.locator('[data-testid=footage-at]').inputValue();
      const [lat, lon] = picked.split(',').map(Number) as [number, number];
      expect(lat).toBeCloseTo(34.05, 3);
      expect(lon).toBeGreaterThan(-118.25); // east of the typed point
      await expect(map.getAttribute('data-at')).resolves.toBe(`${lat.toFixed(6)},${lon.toFixed(6)}`);
      await page.click('[data-testid=footage-start]');
      await page.locator('[data-testid^=footage-job-]', { hasText: 'done' }).waitFor({ timeout: 120_000 });
      await go(page, 'reads');
      await giveAccess(page, 'Crime Analysis', '26-004242');
      const row = page.locator('[data-testid=read-row]', { hasText: 'B225RTK' });
      await row.waitFor({ timeout: 60_000 });
      await row.click();
      for (const kind of ['crop', 'frame']) {
        const box = page.locator(`[data-testid=read-${kind}]`);
        await box.getByText('SHA-256 verified').waitFor();
        await page.waitForFunction(IMG_LOADED(`[data-testid=read-${kind}] img`));
      }
      // the read stands where the camera was put on the map
      await expect(page.locator('[data-testid=read-detail]').textContent()).resolves.toContain(
        `${lat.toFixed(5)}, ${lon.toFixed(5)}`,
      );
      const cropW = await page.evaluate<number>(IMG_LOADED('[data-testid=read-crop] img'));
      const frameW = await page.evaluate<number>(IMG_LOADED('[data-testid=read-frame] img'));
      expect(cropW).toBeGreaterThan(20);
      expect(frameW).toBeGreaterThan(cropW); // the whole frame around the plate
      // the plate is outlined on the frame by its corners, inside the picture and plate-sized
      const outline = page.locator('[data-testid=read-frame-outline]');
      await expect(outline.getAttribute('data-kind')).resolves.toBe('corners');
      const shown = (await page.locator('[data-testid=read-frame] img').boundingBox())!;
      const plate = (await outline.locator('polygon').boundingBox())!;
      expect(plate.x).toBeGreaterThanOrEqual(shown.x);
      expect(plate.y).toBeGreaterThanOrEqual(shown.y);
      expect(plate.x + plate.width).toBeLessThanOrEqual(shown.x + shown.width);
      expect(plate.y + plate.height).toBeLessThanOrEqual(shown.y + shown.height);
      expect(plate.width / shown.width).toBeGreaterThan(0.02);
      expect(plate.width / shown.width).toBeLessThan(0.4);
      expect(plate.width).toBeGreaterThan(plate.height); // a plate, wider than tall
      await expect(page.locator('[data-testid=read-crop] img').getAttribute('alt')).resolves.toMatch(
        /^Plate crop of read \d+$/,
      );
    }));

  it('says in words when the program serving the page has stopped', async () => {
    await page.keyboard.press('Escape');
    await page.locator('[data-testid=read-detail]').waitFor({ state: 'detached' });
    await host.stop();
    await page.click('[data-testid=filter-apply]');
    const error = page.locator('[data-testid=reads-error]');
    await error.waitFor();
    const text = (await error.textContent())!;
    expect(text).toMatch(
      /Canvass is not answering at 127\.0\.0\.1:\d+: the program serving this page .* has stopped/,
    );
    expect(text).not.toMatch(/TypeError|Failed to fetch/);
  });
});
