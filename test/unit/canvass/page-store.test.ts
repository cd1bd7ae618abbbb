// The canvass page's store against the real core: a bridge like the shells' hands its calls
// to the real dispatcher over an in-memory store, so the page's queries, its pattern-error
// position and add-to-case are checked end to end without a browser.
import { beforeAll, describe, expect, it } from 'vitest';
import type { CanvassBridge } from '../../../electron/api/contract';
import { insertReads } from '../../../electron/core/reads/store';
import { ACCESS, harness, T0, type Harness } from '../../support/core';

let h: Harness;

beforeAll(async () => {
  h = await harness();
  const token = await h.member('analyst');
  const bridge: CanvassBridge = {
    call: (name, input) => h.api.call(name, input, { token, origin: 'test' }) as never,
    on: () => () => undefined,
    shell: 'browser',
    pathForFile: () => null,
  };
  (globalThis as { canvass?: CanvassBridge }).canvass = bridge; // what the preload puts on window
  const at = { lat: 47.6097, lon: -122.3331, source: 'CAR-1' };
  h.core.store.db.transaction(() =>
    insertReads(
      h.core.store.db,
      h.clock,
      [
        { plate: '7ABC123', ts: T0, ...at },
        { plate: '7ABD999', ts: T0 + 60_000, ...at },
      ],
      null,
    ),
  )();
});

describe('canvass page store', () => {
  it('searches with the drawn circle and window, and adds a plate to a new case', async () => {
    const { useCanvassStore } = await import('../../../renderer/src/canvass/store');
    const s = useCanvassStore.getState();
    s.edit({ pattern: '7AB*', circle: { lat: 47.6097, lon: -122.3331, radiusM: 500 } });
    await useCanvassStore.getState().search(ACCESS);
    const st = useCanvassStore.getState();
    expect(st.error).toBeNull();
    expect(st.result!.results.map((r) => r.plate)).toEqual(['7ABC123', '7ABD999']);
    expect(st.selected).toBe('7ABC123');

    const c = await st.createCase('26-777', 'Robbery');
    const added = await useCanvassStore.getState().addToCase(
      ACCESS,
      c.id,
      st.result!.results[0]!.reads.map((r) => r.id),
    );
    expect(added).toBe(1);
    expect(useCanvassStore.getState().cases[0]!.reads).toBe(1);
  });

  it('puts the core’s pattern error, with its position, beside the input', async () => {
    const { useCanvassStore } = await import('../../../renderer/src/canvass/store');
    useCanvassStore.getState().edit({ pattern: '7A%*' });
    await useCanvassStore.getState().search(ACCESS);
    expect(useCanvassStore.getState().patternError).toMatchObject({ position: 3 });
    expect(useCanvassStore.getState().patternError!.message).toContain('"%"');
  });
});
