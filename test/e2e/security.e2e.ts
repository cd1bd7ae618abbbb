// The browser host's page runs under a strict CSP and the api refuses anyone not signed in:
// the document carries the header, an injected inline script does not run, and calls made
// before sign-in are refused (R3).
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { bridgeCall, screenshot, waitForPhase } from './support/browser';
import type { RunningHost } from './support/host';
import { withHostAndPage } from './support/session';

describe('browser host security', () => {
  let host: RunningHost;
  let page: Page;
  withHostAndPage({}, (h, p) => {
    host = h;
    page = p;
  });

  async function guarded(name: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      await screenshot(page, `security-${name}`);
      throw e;
    }
  }

  it('serves the app with a strict Content-Security-Policy that blocks inline scripts', () =>
    guarded('csp', async () => {
      const response = await page.goto(host.url);
      const csp = response?.headers()['content-security-policy'] ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-eval');
      expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
      await waitForPhase(page, 'setup');
      // Page scripts cannot add code either: an inline <script> and an inline handler stay inert.
      // (The probes are strings: they run in the page, whose types are not this file's.)
      const ran = await page.evaluate(`(async () => {
        const s = document.createElement('script');
        s.textContent = 'window.__inlineRan = true;';
        document.head.appendChild(s);
        await new Promise((r) => setTimeout(r, 50));
        return window.__inlineRan === true;
      })()`);
      expect(ran).toBe(false);
      const handlerRan = await page.evaluate(`(async () => {
        const img = document.createElement('img');
        img.setAttribute('onerror', 'window.__handlerRan = true');
        img.src = 'data:,broken';
        document.body.appendChild(img);
        await new Promise((r) => setTimeout(r, 100));
        img.remove();
        return window.__handlerRan === true;
      })()`);
      expect(handlerRan).toBe(false);
    }));

  it('refuses data calls from a browser that is not signed in', () =>
    guarded('signed-out', async () => {
      await page.goto(host.url);
      await waitForPhase(page, 'setup');
      const res = await bridgeCall(page, 'reads.sources', {});
      expect(res).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
      const search = await bridgeCall(page, 'reads.search', {
        access: { purpose: 'Crime Analysis', caseNumber: '26-1' },
        filter: {},
      });
      expect(search).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
      // The raw endpoint without a token is refused the same way.
      const status = await page.evaluate(`fetch('/api/call', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'audit.list', input: {} }),
      }).then((r) => r.json())`);
      expect(status).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    }));
});
