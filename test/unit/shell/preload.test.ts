// The Electron preload (issue 2 §9): it exposes exactly one object, the typed bridge, over
// fixed channels. Electron cannot run here, so the bundle is executed in a VM with a stand-in
// for the two Electron objects it may touch, recording what it exposes and sends.
import { build } from 'esbuild';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';

async function loadPreload() {
  const out = await build({
    entryPoints: [join(__dirname, '../../../electron/shell/preload.ts')],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'cjs',
    external: ['electron'],
  });
  const exposed: Record<string, unknown> = {};
  const invoked: { channel: string; msg: unknown }[] = [];
  const subscribed: string[] = [];
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
    webUtils: { getPathForFile: () => '/media/usb/clip.mp4' },
    ipcRenderer: {
      invoke: async (channel: string, msg: { name: string }) => {
        invoked.push({ channel, msg });
        return msg.name === 'auth.signIn' ? { ok: true, result: { me: {}, token: 'secret-token' } } : { ok: true, result: {} };
      },
      on: (channel: string) => subscribed.push(channel),
    },
  };
  const requireShim = (id: string) => {
    if (id === 'electron') return electron;
    throw new Error(`the preload may not require ${id}`);
  };
  const module = { exports: {} };
  runInNewContext(out.outputFiles[0]!.text, { require: requireShim, module, exports: module.exports });
  return { exposed, invoked, subscribed };
}

describe('preload', () => {
  it('exposes only window.canvass with call, on and shell', async () => {
    const { exposed, subscribed } = await loadPreload();
    expect(Object.keys(exposed)).toEqual(['canvass']);
    expect(Object.keys(exposed.canvass as object).sort()).toEqual(['call', 'on', 'pathForFile', 'shell']);
    expect((exposed.canvass as { shell: string }).shell).toBe('electron');
    expect(subscribed).toEqual(['canvass:event']);
  });

  it('uses one fixed channel and keeps the session token from the page', async () => {
    const { exposed, invoked } = await loadPreload();
    const bridge = exposed.canvass as { call(n: string, i: unknown): Promise<{ ok: boolean; result: Record<string, unknown> }> };
    const r = await bridge.call('auth.signIn', { username: 'a', password: 'b' });
    expect(r.result).not.toHaveProperty('token');
    await bridge.call('auth.me', {});
    expect(invoked.map((i) => i.channel)).toEqual(['canvass:call', 'canvass:call']);
    expect(invoked[1]!.msg).toMatchObject({ name: 'auth.me', token: 'secret-token' });
  });
});
