// Headless system Chromium for the end-to-end tests, with everything that could reach the
// network on its own turned off, and a screenshot helper for failures (into test-results/).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT } from './host';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CANVASS_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-gpu',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Saves a full-page screenshot named after the test; never throws (it runs on failure paths). */
export async function screenshot(page: Page | undefined, name: string): Promise<string | null> {
  if (!page || page.isClosed()) return null;
  const dir = join(ROOT, 'test-results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name.replace(/[^a-z0-9-]+/gi, '_').slice(0, 100)}.png`);
  try {
    await page.screenshot({ path: file, fullPage: true });
    return file;
  } catch {
    return null;
  }
}

/** Waits for the app's readiness signal on <body data-canvass-ready>. */
export async function waitForPhase(page: Page, phase: string, timeout = 30_000): Promise<void> {
  await page.waitForSelector(`body[data-canvass-ready="${phase}"]`, { timeout });
}

/** Calls the page's bridge (window.canvass) directly, as any script in the page could. */
export async function bridgeCall(page: Page, name: string, input: unknown): Promise<unknown> {
  return page.evaluate(
    ([n, i]) =>
      (globalThis as unknown as { canvass: { call(n: unknown, i: unknown): Promise<unknown> } }).canvass.call(
        n,
        i,
      ),
    [name, input] as const,
  );
}

/** Runs one step of a test; when it fails, saves a screenshot and names it in the error. */
export async function withScreenshot<T>(
  page: Page | undefined,
  name: string,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const shot = await screenshot(page, name);
    if (shot && e instanceof Error) e.message += `\n(screenshot: ${shot})`;
    throw e;
  }
}
