// The preload exposes exactly one object, `window.canvass` (the CanvassBridge of the api
// contract), over two fixed channels. No ipcRenderer, no generic invoke. The session token
// stays in this closure; the renderer never sees it.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { CanvassBridge } from '../api/contract';
import type { ApiResponse } from '../api/types';

let token: string | undefined;
const listeners = new Set<(e: { type: string; payload: unknown }) => void>();
ipcRenderer.on('canvass:event', (_e, ev: { type: string; payload: unknown }) => listeners.forEach((l) => l(ev)));

const bridge = {
  shell: 'electron',
  async call(name, input) {
    const body = (await ipcRenderer.invoke('canvass:call', { name, input, token })) as ApiResponse<unknown>;
    if (body.ok && body.result && typeof body.result === 'object' && 'token' in body.result) {
      const { token: t, ...rest } = body.result as { token?: string };
      token = t;
      return { ok: true, result: rest } as never;
    }
    if ((body.ok && name === 'auth.signOut') || (!body.ok && body.error.code === 'unauthenticated')) token = undefined;
    return body as never;
  },
  on(_event, listener) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  pathForFile(file) {
    return webUtils.getPathForFile(file) || null;
  },
} satisfies CanvassBridge;

contextBridge.exposeInMainWorld('canvass', bridge);
