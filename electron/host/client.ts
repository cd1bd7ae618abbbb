// The browser host's bridge: gives the page the same `window.canvass` object the Electron
// preload gives, over HTTP (commands) and WebSocket (events). The session token lives only in
// this closure; the renderer never sees it. Built to dist/host-client.js and injected by the host.
import type { CanvassBridge } from '../api/contract';
import type { ApiResponse } from '../api/types';

(() => {
  let token: string | undefined;
  const listeners = new Set<(e: { type: string; payload: unknown }) => void>();
  let socket: WebSocket | null = null;

  function connectEvents(): void {
    if (socket || !token) return;
    const s = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/events`);
    socket = s;
    s.onopen = () => s.send(JSON.stringify({ token }));
    s.onmessage = (m) => {
      try {
        const e = JSON.parse(String(m.data)) as { type: string; payload: unknown };
        listeners.forEach((l) => l(e));
      } catch {
        // ignore malformed frames
      }
    };
    s.onclose = () => {
      socket = null;
    };
  }

  const bridge: CanvassBridge = {
    shell: 'browser',
    async call(name, input) {
      let res: Response;
      try {
        res = await fetch('/api/call', {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            ...(token ? { Authorization: `Bearer ${token}` } : {}),
          },
          body: JSON.stringify({ name, input }),
          credentials: 'omit',
          cache: 'no-store',
        });
      } catch {
        return {
          ok: false,
          error: {
            code: 'offline',
            message: `Canvass is not answering at ${location.host}: the program serving this page (canvass serve or npm start) has stopped. Start it again, then reload this page.`,
          },
        };
      }
      let body: ApiResponse<unknown>;
      try {
        body = (await res.json()) as ApiResponse<unknown>;
      } catch {
        return {
          ok: false,
          error: {
            code: 'offline',
            message: `Canvass at ${location.host} answered ${res.status} ${res.statusText} without a result; reload this page.`,
          },
        };
      }
      if (body.ok && body.result && typeof body.result === 'object' && 'token' in body.result) {
        const { token: t, ...rest } = body.result as { token?: string };
        token = t;
        connectEvents();
        return { ok: true, result: rest } as never;
      }
      if (body.ok && name === 'auth.signOut') {
        token = undefined;
        socket?.close();
      }
      if (!body.ok && body.error.code === 'unauthenticated') token = undefined;
      return body as never;
    },
    on(_event, listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    pathForFile: () => null,
  };
  Object.defineProperty(window, 'canvass', {
    value: Object.freeze(bridge),
    writable: false,
    configurable: false,
  });
})();
