// The canvass in Chromium (issue 4 §8): an analyst types 7AB*, puts the scene circle on the
// map, gets ranked plates with their reasons, opens a read and adds the plate to a case — all
// under a purpose and case number (R1, R11) that end up in the audit log (R3).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp';
import { acknowledgePolicy, addOwnTraining, firstRunSetup, giveAccess, importFile } from './support/app';
import { bridgeCall, screenshot } from './support/browser';
import { hoverMarker } from './support/canvassMap';
import type { RunningHost } from './support/host';
import { withHostAndPage } from './support/session';
import { manyReadsCsv } from './support/manyReads';

const CASE = '26-007700';

/** Reads near 5th and Main, Los Angeles, an hour ago; one 7AB plate far away; another plate near. */
function sceneCsv(): string {
  const t = (min: number) => new Date(Date.now() - 3600_000 + min * 60_000).toISOString();
  const rows = [
    ['7ABC123', t(0), 34.0452, -118.2510, 'Cam 5th & Main', 'CA', '0.96', '', 'silver'],
    ['7ABC123', t(9), 34.0456, -118.2506, 'Cam 5th & Main', 'CA', '0.94', '', 'silver'],
    ['7ABX999', t(4), 34.0449, -118.2515, 'Cam 5th & Main', 'CA', '0.90', '', 'white'],
    ['8XYZ111', t(5), 34.0451, -118.2512, 'Cam 5th & Main', 'CA', '0.97', '', 'black'],
  ];
  return ['plate,timestamp,lat,lon,source,state,confidence,heading,color', ...rows.map((r) => r.join(','))].join('\n');
}

describe('canvass in the browser host', () => {
  let host: RunningHost;
  let page: Page;
  withHostAndPage({ viewport: { width: 1500, height: 950 } }, (h, p) => {
    host = h;
    page = p;
  });

  it('finds 7AB* inside a drawn circle, ranks it with reasons, opens a read and adds it to a case', async () => {
    try {
      await page.goto(host.url);
      await firstRunSetup(page);
      await acknowledgePolicy(page);
      await addOwnTraining(page);
      const csv = join(tempDir('canvass-e2e-'), 'scene.csv');
      writeFileSync(csv, sceneCsv());
      expect(await importFile(page, csv, 'Canvass CSV')).toBe(4);

      await page.click('[data-testid=nav-canvass]');
      await page.waitForSelector('body[data-canvass-page="canvass"]');
      await giveAccess(page, 'Crime Analysis', CASE);
      await page.waitForSelector('[data-testid=canvass-page]');

      // A first search without an area brings the map to the matching reads ...
      await page.fill('[data-testid=canvass-pattern] input, input[data-testid=canvass-pattern]', '7AB*');
      await page.click('[data-testid=canvass-search]');
      await page.waitForSelector('[data-testid=canvass-summary]');
      // ... then the analyst clicks the scene on the map to draw the circle and searches in it.
      const map = (await page.locator('[data-testid=canvass-map]').boundingBox())!;
      // (off the centre, where the fitted reads' markers sit and would take the click)
      await page.mouse.click(map.x + map.width / 2, map.y + map.height * 0.2);
      await page.getByRole('button', { name: 'Clear area' }).waitFor(); // the circle is placed
      await page.click('[data-testid=canvass-search]');
      // the second search ran in the circle once the results speak of the distance from its centre
      await page.locator('[data-testid=canvass-result]', { hasText: 'm from the centre' }).first().waitFor();

      const results = page.locator('[data-testid=canvass-result]');
      await results.first().waitFor();
      const plates = await results.evaluateAll((els) => els.map((e) => e.getAttribute('data-plate')));
      expect(plates).toEqual(['7ABC123', '7ABX999']); // two hits rank above one; 8XYZ111 does not match
      await expect(results.first().textContent()).resolves.toMatch(/matches 7AB\* exactly/);

      // open a read of the best plate
      await results.first().click();
      await page.getByRole('button', { name: 'Open read' }).first().click();
      await page.waitForSelector('[data-testid=read-detail]');
      await page.keyboard.press('Escape');

      // add the plate's reads to a new case named after the case number
      const add = page.locator('[data-testid=canvass-add-to-case]');
      await add.locator('input').last().fill('Burglary 5th and Main');
      await add.getByRole('button', { name: /Add 7ABC123 to case/ }).click();
      await page.getByText('2 read(s) of 7ABC123 added to the case').waitFor();
      const cases = (await bridgeCall(page, 'cases.list', {})) as { ok: boolean; result: { number: string; reads: number }[] };
      expect(cases.result).toEqual([expect.objectContaining({ number: CASE, reads: 2 })]);

      // the search is in the audit log with its pattern, purpose and case (R3)
      const audit = (await bridgeCall(page, 'audit.list', { command: 'canvass.search', caseNumber: CASE })) as {
        result: { records: { query: string; purpose: string }[] };
      };
      expect(audit.result.records.length).toBeGreaterThanOrEqual(2);
      expect(audit.result.records[0]!.query).toContain('7AB*');
      expect(audit.result.records[0]!.query).toMatch(/circle/); // the newest search ran inside the drawn circle
      expect(audit.result.records[1]!.query).not.toMatch(/circle/);
      expect(audit.result.records[0]!.purpose).toBe('Crime Analysis');

      // a state filter leaves out a read whose state was never read (a video import) unless
      // "or not read" is ticked; the ticked search takes it in, the plain one drops it again
      const video = join(tempDir('canvass-e2e-'), 'video.csv');
      const at = new Date(Date.now() - 3000_000).toISOString();
      writeFileSync(video, `plate,timestamp,lat,lon,source,state,confidence,heading,color\n7ABQ777,${at},34.0450,-118.2511,Video import,,0.90,,\n`);
      expect(await importFile(page, video, 'Canvass CSV')).toBe(1);
      await page.click('[data-testid=nav-canvass]');
      await page.waitForSelector('[data-testid=canvass-page]');
      await page.getByLabel('State', { exact: true }).fill('CA');
      await page.getByLabel('or not read').check();
      await page.click('[data-testid=canvass-search]');
      const unreadRow = page.locator('[data-testid=canvass-result][data-plate="7ABQ777"]');
      await unreadRow.waitFor();
      await page.getByLabel('or not read').uncheck();
      await page.click('[data-testid=canvass-search]');
      await unreadRow.waitFor({ state: 'detached' });
      const kept = await page.locator('[data-testid=canvass-result]').evaluateAll((els) => els.map((e) => e.getAttribute('data-plate')));
      expect(kept).toEqual(['7ABC123', '7ABX999']);
    } catch (e) {
      const shot = await screenshot(page, 'canvass');
      if (shot && e instanceof Error) e.message += `\n(screenshot: ${shot})`;
      throw e;
    }
  });
});

// Issue 4: "the map must stay smooth with 10,000 result markers". How smooth is measured by
// `canvass bench map`; here, that all 10,000 are on the map layer, and that hovering a marker
// names its read and clicking it opens the read, selects its plate and brings it into the list.
describe('canvass map with 10,000 results', () => {
  let host: RunningHost;
  let page: Page;
  withHostAndPage({ viewport: { width: 1500, height: 950 } }, (h, p) => {
    host = h;
    page = p;
  });

  it('draws 500 plates × 20 reads and opens the read under a clicked marker', async () => {
    try {
      await page.goto(host.url);
      await firstRunSetup(page);
      await acknowledgePolicy(page);
      await addOwnTraining(page);
      const csv = join(tempDir('canvass-e2e-'), 'many.csv');
      writeFileSync(csv, manyReadsCsv({ prefix: '9MK', plates: 500, readsPerPlate: 20 }));
      expect(await importFile(page, csv, 'Canvass CSV')).toBe(10_000);

      await page.click('[data-testid=nav-canvass]');
      await page.waitForSelector('body[data-canvass-page="canvass"]');
      await giveAccess(page, 'Crime Analysis', CASE);
      await page.fill('[data-testid=canvass-pattern] input, input[data-testid=canvass-pattern]', '9MK*');
      await page.click('[data-testid=canvass-search]');
      // every read is on the layer, and in the fitted view every one is drawn (stamped in the worker)
      const map = page.locator('[data-testid=canvass-map]');
      await page.waitForSelector('[data-testid=canvass-map][data-reads="10000"][data-drawn="10000"]');
      await expect(map.getAttribute('data-stamping')).resolves.toBe('worker');
      await expect(page.locator('[data-testid=canvass-summary]').textContent()).resolves.toMatch(
        /500 plate\(s\)/,
      );

      const at = await hoverMarker(page);
      expect(at).not.toBeNull();
      await page.waitForSelector('.leaflet-tooltip:has-text("9MK")'); // the hovered read is named
      await page.mouse.click(at!.x, at!.y);
      const detail = await page.waitForSelector(`[data-testid=read-detail][data-read-id="${at!.readId}"]`);
      await expect(detail.textContent()).resolves.toMatch(/9MK\d{4}/);
      const plate = (await map.getAttribute('data-selected'))!;
      expect(plate).toMatch(/^9MK\d{4}$/);
      await page.keyboard.press('Escape');
      // the list shows the clicked plate (scrolled to it, highlighted with its reads)
      await page
        .locator(`[data-testid=canvass-result][data-plate="${plate}"]`)
        .getByRole('button', { name: 'Open read' })
        .first()
        .waitFor();
      // and a plate picked in the list is the one the map highlights
      const other = page
        .locator('[data-testid=canvass-result]')
        .filter({ hasNot: page.getByRole('button', { name: 'Open read' }) })
        .first();
      const otherPlate = (await other.getAttribute('data-plate'))!;
      await other.click();
      await page.waitForSelector(`[data-testid=canvass-map][data-selected="${otherPlate}"]`);
      await expect(page.locator('[data-testid=canvass-truncated]').count()).resolves.toBe(0);

      // past 20,000 matching plates the ranking is of a cut, and the page says so
      const more = join(tempDir('canvass-e2e-'), 'more.csv');
      writeFileSync(more, manyReadsCsv({ prefix: '8TR', plates: 19_600, readsPerPlate: 1, seed: 5 }));
      expect(await importFile(page, more, 'Canvass CSV')).toBe(19_600);
      await page.click('[data-testid=nav-canvass]');
      await page.fill('[data-testid=canvass-pattern] input, input[data-testid=canvass-pattern]', '*');
      await page.click('[data-testid=canvass-search]');
      const note = await page.waitForSelector('[data-testid=canvass-truncated]');
      await expect(note.textContent()).resolves.toMatch(/More than 20,000 plates match \*: only 20,000 of them were ranked/);
    } catch (e) {
      const shot = await screenshot(page, 'canvass-map-10k');
      if (shot && e instanceof Error) e.message += `\n(screenshot: ${shot})`;
      throw e;
    }
  });
});
