// Frames travel between the reader thread, the pipeline and the workers as slots of a shared
// set (decode.ts FrameSlots). A decode that keeps its slots must deliver the same frames,
// byte for byte and time for time, as one that copies each frame out, and must wait, not
// fail or overwrite, while every slot is still held.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeFrames, FrameSlots, type DecodedFrame } from '../../../native/footage/decode';
import { ffmpegPath, probeVideo } from '../../../native/footage/ffmpeg';
import { tempDir } from './support';

function clip(): string {
  const out = join(tempDir(), 'testsrc.mp4');
  const r = spawnSync(ffmpegPath(), ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=30', '-t', '3', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '15', '-pix_fmt', 'yuv420p', out], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return out;
}

describe('frame slots', () => {
  it('deliver the same frames as copies, waiting while all slots are held', async () => {
    const file = clip();
    const info = await probeVideo(file);
    const copies: { ptsMs: number; data: Uint8Array }[] = [];
    for await (const f of decodeFrames(file, info, { fps: 5, keyframes: true })) copies.push({ ptsMs: f.ptsMs, data: f.data });
    expect(copies.length).toBeGreaterThanOrEqual(15);

    // Three slots, two of them always held back: the reader must wait for each one given back.
    const slots = new FrameSlots(3, info.width * info.height * 3);
    const held: DecodedFrame[] = [];
    const seen: { ptsMs: number; data: Uint8Array }[] = [];
    const used = new Set<number>();
    for await (const f of decodeFrames(file, info, { fps: 5, keyframes: true, slots, ahead: 1 })) {
      seen.push({ ptsMs: f.ptsMs, data: f.data.slice() });
      used.add(f.slot);
      held.push(f);
      if (held.length > 2) slots.give(held.shift()!.slot);
    }
    expect(seen.map((f) => f.ptsMs)).toEqual(copies.map((f) => f.ptsMs));
    seen.forEach((f, i) => expect(Buffer.compare(f.data, copies[i]!.data)).toBe(0));
    expect([...used].sort()).toEqual([0, 1, 2]);
  }, 60_000);
});
