// The Import page with small files the test writes itself: a Canvass CSV with one bad row
// (rejections listed by line), the same file again (refused as a duplicate by SHA-256), a
// vendor CSV through a column mapping saved by name, a file dropped on the page; then one of
// those reads found on the map and opened from its point.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acknowledgePolicy, addOwnTraining, firstRunSetup, giveAccess, go } from './support/app';
import { launchBrowser, withScreenshot } from './support/browser';
import { startHost, type RunningHost } from './support/host';

const CANVASS_CSV = [
  'plate,timestamp,lat,lon,source,state,confidence,color',
  'ABC1234,2026-03-01T10:00:00Z,47.61,-122.33,cam-1,WA,0.97,white',
  'XYZ987,2026-03-01T10:01:00Z,47.62,-122.34,cam-1,WA,0.91,black',
  'BAD0001,not-a-time,47.62,-122.34,cam-1,WA,0.90,red',
  'JKL555,2026-03-01T10:03:00Z,47.63,-122.35,cam-2,OR,0.88,blue',
].join('\n');

const VENDOR_CSV = [
  'Tag|When|Y|X|Cam',
  'VEN100|2026-03-02T08:00:00Z|47.6|-122.3|north',
  'VEN200|2026-03-02T08:05:00Z|47.7|-122.4|north',
].join('\n');

describe('import page', () => {
  let host: RunningHost;
  let browser: Browser;
  let page: Page;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'canvass-e2e-files-'));
    writeFileSync(join(dir, 'reads.csv'), CANVASS_CSV);
    writeFileSync(join(dir, 'vendor.csv'), VENDOR_CSV);
    host = await startHost();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const step = <T>(name: string, fn: () => Promise<T>) => withScreenshot(page, `import-${name}`, fn);

  const value = async (testId: string) =>
    Number(await page.getAttribute(`[data-testid=${testId}]`, 'data-value'));

  it('imports, lists rejections by line, refuses duplicates, maps vendor columns, accepts a drop, and opens a read from the map', async () => {
    await step('setup', async () => {
      await page.goto(host.url);
      await firstRunSetup(page);
      await acknowledgePolicy(page);
      await go(page, 'import');
    });

    await step('canvass-csv', async () => {
      await page.setInputFiles('[data-testid=import-file]', join(dir, 'reads.csv'));
      await page.getByText('Canvass CSV', { exact: true }).click();
      await page.click('[data-testid=import-run]');
      await page.waitForSelector('[data-testid=import-rows-imported]');
      expect(await value('import-rows-read')).toBe(4);
      expect(await value('import-rows-imported')).toBe(3);
      expect(await value('import-rows-rejected')).toBe(1);
      const rejections = await page.innerText('[data-testid=import-rejections]');
      expect(rejections).toMatch(/\b4\b/); // the bad row is on line 4 of the file
    });

    await step('duplicate', async () => {
      await page.click('[data-testid=import-run]');
      await page.waitForSelector('[data-testid=import-result][data-duplicate-of]');
    });

    await step('mapping', async () => {
      await page.setInputFiles('[data-testid=import-file]', join(dir, 'vendor.csv'));
      await page.getByText('Other CSV (mapping)', { exact: true }).click();
      await page.fill('[data-testid=mapping-plate]', 'Tag');
      await page.fill('[data-testid=mapping-timestamp]', 'When');
      await page.fill('[data-testid=mapping-lat]', 'Y');
      await page.fill('[data-testid=mapping-lon]', 'X');
      await page.fill('[data-testid=mapping-source]', 'Cam');
      await page.fill('[data-testid=mapping-delimiter]', '|');
      await page.fill('[data-testid=mapping-save-as]', 'vendor-x');
      await page.click('[data-testid=import-run]');
      await page.waitForSelector('[data-testid=import-rows-imported]');
      expect(await value('import-rows-imported')).toBe(2);
    });

    await step('drop', async () => {
      // A file dragged onto the page; the same vendor layout, now through the saved mapping.
      const dropped = ['Tag|When|Y|X|Cam', 'DRP300|2026-03-03T09:00:00Z|47.5|-122.2|south'].join('\n');
      const transfer = await page.evaluateHandle(`(() => {
        const dt = new DataTransfer();
        dt.items.add(new File([${JSON.stringify(dropped)}], 'dropped.csv', { type: 'text/csv' }));
        return dt;
      })()`);
      await page.dispatchEvent('[data-testid=import-dropzone]', 'drop', { dataTransfer: transfer });
      await page.waitForSelector('[data-testid=import-dropzone]:has-text("dropped.csv")');
      await page.click('[data-testid=import-saved-mapping]');
      await page.getByRole('option', { name: 'vendor-x', exact: true }).click();
      await page.click('[data-testid=import-run]');
      await page.waitForSelector('[data-testid=import-result]:has-text("dropped.csv")');
      expect(await value('import-rows-imported')).toBe(1);
    });

    await step('map-point', async () => {
      // The imported reads on the map: one plate, one point; clicking it opens that read (R1 first).
      await addOwnTraining(page);
      await go(page, 'map');
      await giveAccess(page, 'Crime Analysis', '26-000777');
      await page.waitForSelector('[data-testid=map][data-points="6"]');
      await page.click('[data-testid=filters-toggle]');
      await page.fill('[data-testid=filter-plate]', 'ABC1234');
      await page.click('[data-testid=filter-apply]');
      const map = await page.waitForSelector('[data-testid=map][data-points="1"]');
      const box = (await map.boundingBox())!;
      // fitBounds centres a single point; Leaflet hit-tests its canvas there. Under load the
      // view may still be moving when the point count is set, so click again until it opens.
      let detail = null;
      for (let attempt = 0; attempt < 10 && !detail; attempt++) {
        await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
        detail = await page.waitForSelector('[data-testid=read-detail]', { timeout: 2000 }).catch(() => null);
      }
      if (!detail) throw new Error('clicking the only point on the map did not open its read');
      expect(await detail.innerText()).toContain('ABC1234');
    });
  });
});
