// What a walk through the app as its users found (analyst, investigator, administrator,
// auditor), held in place: times carry their zone and agree between the canvass, the reads and
// the read detail on a workstation that is not on UTC; a canvass result can be opened from the
// keyboard and its scene typed as coordinates; a first administrator is pointed at where to
// record training; import notes do not pile up and form errors are in words; provenance is
// readable; the audit list agrees with the chain it just verified; form controls have names.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp';
import { acknowledgePolicy, addOwnTraining, firstRunSetup, giveAccess, go, importFile } from './support/app';
import { withScreenshot } from './support/browser';
import type { RunningHost } from './support/host';
import { withHostAndPage } from './support/session';

const CASE = '26-009900';

/** 04:15 UTC on 2 Feb is 20:15 PST on 1 Feb: a day and eight hours apart. */
const CSV = [
  'plate,timestamp,lat,lon,source,state,confidence,heading,color',
  '7ABC123,2026-02-02T04:15:00Z,34.0452,-118.2510,Cam 5th & Main,CA,0.96,90,silver',
  '7ABC123,2026-02-02T04:24:00Z,34.0456,-118.2506,Cam 5th & Main,CA,0.94,,silver',
  '7ABX999,2026-02-02T04:19:00Z,34.0449,-118.2515,Cam 5th & Main,CA,0.90,,white',
].join('\n');

/**
 * Visible, focusable form controls and buttons that have no accessible name. Runs in the page
 * (a string, since this project's Node typings have no DOM).
 */
const UNNAMED_CONTROLS = `(() => {
  const out = [];
  for (const h of document.querySelectorAll('input, textarea, select, button, [role=button], [role=switch]')) {
    if (h.type === 'hidden' || h.tabIndex < 0 || h.closest('[aria-hidden=true]')) continue;
    const r = h.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const forId = h.id ? document.querySelector('label[for="' + CSS.escape(h.id) + '"]') : null;
    const named = (h.getAttribute('aria-labelledby') || '').split(' ')
      .map((id) => (document.getElementById(id) || {}).textContent || '').join('').trim();
    const clickable = h.tagName === 'BUTTON' || h.getAttribute('role') === 'button';
    const name = h.getAttribute('aria-label') || named || (forId && forId.textContent.trim()) ||
      (h.closest('label') && h.closest('label').textContent.trim()) || h.getAttribute('title') ||
      (clickable ? h.textContent.trim() : '');
    if (!name) out.push(h.tagName.toLowerCase() + ' ' + (h.dataset.testid || String(h.className).slice(0, 40)));
  }
  return out;
})()`;

async function unnamedControls(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(UNNAMED_CONTROLS);
}

describe('walk-through findings', () => {
  let host: RunningHost;
  let page: Page;
  withHostAndPage({ viewport: { width: 1366, height: 768 }, timezoneId: 'America/Los_Angeles' }, (h, p) => {
    host = h;
    page = p;
  });

  const step = <T>(name: string, fn: () => Promise<T>) => withScreenshot(page, `ux-${name}`, fn);

  it('keeps times, keyboard, provenance, audit and labels right for the people who use them', async () => {
    await step('first-admin-training', async () => {
      await page.goto(host.url);
      await firstRunSetup(page);
      await acknowledgePolicy(page);
      await go(page, 'canvass');
      // the first administrator has no training yet, and is shown where to record it
      await page.waitForSelector('[data-testid=training-required]');
      await page.click('[data-testid=training-go-admin]');
      await page.waitForSelector('body[data-canvass-page="admin"]');
      await addOwnTraining(page);
      const csv = join(tempDir('canvass-e2e-'), 'tz.csv');
      writeFileSync(csv, CSV);
      expect(await importFile(page, csv, 'Canvass CSV')).toBe(3);
    });

    await step('import-notes-and-errors', async () => {
      // a second import right after the first: one "new reads" note, not a stack of them
      const other = join(tempDir('canvass-e2e-'), 'other.csv');
      writeFileSync(
        other,
        `${CSV.split('\n')[0]}\n9ZZZ999,2026-02-02T05:00:00Z,34.1,-118.3,Cam 2,CA,0.9,,red`,
      );
      expect(await importFile(page, other, 'Canvass CSV')).toBe(1);
      const notes = page.locator('.mantine-Notification-root', { hasText: 'New reads were imported' });
      await notes.first().waitFor();
      await expect(notes.count()).resolves.toBe(1);
      // an empty column mapping is answered in words, next to the fields, not with zod's
      await page.setInputFiles('[data-testid=import-file]', other);
      await page.getByText('Other CSV (mapping)', { exact: true }).click();
      await page.click('[data-testid=import-run]');
      await page.getByText('Check the column fields marked in red; nothing was imported.').waitFor();
      await expect(page.getByText('Required.').count()).resolves.toBeGreaterThanOrEqual(4);
      await expect(page.getByText(/Too small|expected string/).count()).resolves.toBe(0);
    });

    await step('canvass-times', async () => {
      await go(page, 'canvass');
      await giveAccess(page, 'Crime Analysis', CASE);
      await page.fill('[data-testid=canvass-pattern] input, input[data-testid=canvass-pattern]', '7AB*');
      await page.click('[data-testid=canvass-search]');
      const first = page.locator('[data-testid=canvass-result]').first();
      await first.waitFor();
      const text = (await first.textContent())!;
      // local time with its zone, the same as the window fields (which say their zone)
      expect(text).toContain('2026-02-01 20:15 → 20:24 PST');
      expect(text).toContain('2026-02-01 20:24 PST'); // the read line
      expect(text).not.toMatch(/04:15|2026-02-02T/); // no bare UTC, not even in the reasons
      await expect(page.getByText('From (PST)').count()).resolves.toBe(1);
    });

    await step('canvass-keyboard', async () => {
      // the second plate, chosen and opened without the mouse
      const second = page.locator('[data-testid=canvass-result][data-plate="7ABX999"]');
      await second.locator('[data-testid=canvass-result-select]').focus();
      await page.keyboard.press('Enter');
      const open = second.getByRole('button', { name: 'Open read' });
      await open.waitFor();
      await expect(
        second.locator('[data-testid=canvass-result-select]').getAttribute('aria-expanded'),
      ).resolves.toBe('true');
      await page.keyboard.press('Tab');
      const focused = `(() => { const a = document.activeElement;
        return a.closest('[data-testid=canvass-result]').getAttribute('data-plate') + ': ' + a.textContent; })()`;
      await expect(page.evaluate<string>(focused)).resolves.toBe('7ABX999: Open read');
      await page.keyboard.press('Enter');
      const detail = page.locator('[data-testid=read-detail]');
      await detail.waitFor();
      await expect(detail.textContent()).resolves.toContain('2026-02-01 20:19:00 PST');
      await page.keyboard.press('Escape');
      await detail.waitFor({ state: 'detached' });
      // the scene typed as coordinates (no mouse): Enter places the circle and searches in it
      await page.fill(
        '[data-testid=canvass-scene] input, input[data-testid=canvass-scene]',
        '34.0452, -118.2510',
      );
      await page.press('[data-testid=canvass-scene] input, input[data-testid=canvass-scene]', 'Enter');
      await page.getByRole('button', { name: 'Clear area' }).waitFor();
      await page.locator('[data-testid=canvass-result]', { hasText: 'm from the centre' }).first().waitFor();
    });

    await step('read-detail', async () => {
      await go(page, 'reads');
      const row = page.locator('[data-testid=read-row]', { hasText: '7ABC123' }).last();
      await row.waitFor();
      await expect(row.textContent()).resolves.toContain('2026-02-01 20:15:00 PST');
      await row.click();
      const detail = page.locator('[data-testid=read-detail]');
      await detail.waitFor();
      const text = (await detail.textContent())!;
      expect(text).toContain('90° (0° north, clockwise)'); // a heading with its unit
      // provenance as rows, not a JSON dump
      const prov = page.locator('[data-testid=read-provenance]');
      await expect(prov.textContent()).resolves.toMatch(/line\s*2/);
      expect(text).not.toContain('{');
      expect(await unnamedControls(page)).toEqual([]); // the drawer's close button has a name
      await page.keyboard.press('Escape');
    });

    await step('labels', async () => {
      await go(page, 'canvass');
      expect(await unnamedControls(page)).toEqual([]);
      await go(page, 'admin');
      await page.click('[data-testid=admin-tab-users]');
      await page.waitForSelector('[data-testid=user-row]');
      expect(await unnamedControls(page)).toEqual([]); // the per-member role picker included
    });

    await step('audit', async () => {
      // an invalid pattern, so the audit has an "invalid" outcome to show
      await go(page, 'canvass');
      await page.fill('[data-testid=canvass-pattern] input, input[data-testid=canvass-pattern]', '7AB[');
      await page.click('[data-testid=canvass-search]');
      await page.getByText(/never closed/).waitFor();
      await go(page, 'audit');
      await page.waitForSelector('[data-testid=audit-total]:not([data-total=""])');
      await page.click('[data-testid=audit-verify]');
      const result = page.locator('[data-testid=audit-verify-result]');
      await result.waitFor();
      await expect(result.getAttribute('data-ok')).resolves.toBe('true');
      const verified = Number(
        /([\d,]+) records verified/.exec((await result.textContent())!)![1]!.replace(/,/g, ''),
      );
      // the list is reloaded (it used to lag behind): its newest record is this verification,
      // written right after the records it verified
      await page.waitForSelector(`[data-testid=audit-total][data-total="${verified + 1}"]`);
      await expect(
        page.locator('[data-testid=audit-row]').first().getAttribute('data-command'),
      ).resolves.toBe('audit.verify');
      // outcomes are readable in full at 1366 px ("invalid", not "INVAL…")
      const label = page
        .locator('[data-testid=audit-row] .mantine-Badge-label', { hasText: 'invalid' })
        .first();
      const fits = await label.evaluate((el) => el.scrollWidth <= el.clientWidth);
      expect(fits).toBe(true);
      await expect(page.getByText('When', { exact: true }).count()).resolves.toBe(1);
      await expect(page.locator('[data-testid=audit-row]').first().textContent()).resolves.toMatch(/P[SD]T/);
      expect(await unnamedControls(page)).toEqual([]); // pagination arrows have names
    });
  });
});
