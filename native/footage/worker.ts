// One footage worker thread: owns one recognizer (and so its own inference sessions), takes
// frames from the pool, and answers with the plates found, each with its JPEG crop and a colour
// guess. It keeps the frame until the main thread releases it, and encodes the JPEG context
// frame only if the tracker made the frame a pass's best observation (most frames never are).
// Images are encoded here so the main thread never touches pixels and only small JPEGs travel
// back, with the frame's buffer for the decoder to fill again.
import { parentPort, workerData } from 'node:worker_threads';
import sharp from 'sharp';
import { estimateColour, greyWorldGains } from './colour';
import { BUILTIN_ENGINE, createRecognizer } from './engine';
import { loadRecognizer, type Box, type PlateRecognizer, type RgbImage } from './recognizer';
import type { FrameJob, FrameResult, WorkerHit, WorkerInit, WorkerReply, WorkerRequest } from './protocol';

const init = workerData as WorkerInit;
// Every frame is new, so libvips' operation cache only grows; and this thread is already one
// of a pool sized to the cores, so libvips gets no threads of its own.
sharp.cache(false);
sharp.concurrency(1);
const port = parentPort!;

function pad(img: RgbImage, b: Box, margin: number): { left: number; top: number; width: number; height: number } {
  const mx = b.w * margin;
  const my = b.h * margin;
  const left = Math.max(0, Math.floor(b.x - mx));
  const top = Math.max(0, Math.floor(b.y - my));
  const right = Math.min(img.width, Math.ceil(b.x + b.w + mx));
  const bottom = Math.min(img.height, Math.ceil(b.y + b.h + my));
  return { left, top, width: Math.max(1, right - left), height: Math.max(1, bottom - top) };
}

async function handle(recognizer: PlateRecognizer, job: FrameJob, img: RgbImage): Promise<FrameResult> {
  const started = performance.now();
  const plates = await recognizer.recognize(img);
  const raw = { raw: { width: img.width, height: img.height, channels: 3 as const } };
  const hits: WorkerHit[] = [];
  const gains = plates.length > 0 ? greyWorldGains(img) : undefined;
  for (const p of plates) {
    if (p.score < init.minDetectorScore) continue;
    const region = pad(img, p.box, 0.15);
    const crop = await sharp(img.data, raw).extract(region).jpeg({ quality: 92 }).toBuffer();
    const colour = estimateColour(img, p.box, gains);
    hits.push({ ...p, cropJpeg: new Uint8Array(crop), colour });
  }
  // A frame whose plates are all too unsure to become a read is never a read's context frame
  // (the tracker prefers observations with a frame).
  const framed = hits.some((h) => h.confidence >= init.minFrameConfidence);
  return { seq: job.seq, ptsMs: job.ptsMs, hits, framed, ref: job.seq, ms: performance.now() - started };
}

async function contextJpeg(img: RgbImage): Promise<Uint8Array> {
  const pipeline = sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } });
  if (img.width > init.contextMaxWidth) pipeline.resize({ width: init.contextMaxWidth });
  // Huffman optimisation would cost two thirds of the encode for a few percent of size.
  return new Uint8Array(await pipeline.jpeg({ quality: 85, optimiseCoding: false }).toBuffer());
}

async function main(): Promise<void> {
  let recognizer: PlateRecognizer;
  try {
    recognizer =
      init.recognizer.module === BUILTIN_ENGINE ? await createRecognizer(init.recognizer.options ?? {}) : await loadRecognizer(init.recognizer);
  } catch (e) {
    port.postMessage({ type: 'fatal', error: e instanceof Error ? e.message : String(e) } satisfies WorkerReply);
    return;
  }
  port.postMessage({ type: 'ready', versions: recognizer.versions } satisfies WorkerReply);
  // Frames answered but not yet released, by the pool's number.
  const held = new Map<number, RgbImage>();
  port.on('message', (msg: WorkerRequest) => {
    if (!('type' in msg)) {
      const img: RgbImage = { width: msg.width, height: msg.height, data: new Uint8Array(msg.data) };
      handle(recognizer, msg, img).then(
        (result) => {
          held.set(msg.seq, img);
          port.postMessage({ type: 'result', result } satisfies WorkerReply, result.hits.map((h) => h.cropJpeg.buffer as ArrayBuffer));
        },
        (e: unknown) => port.postMessage({ type: 'failed', seq: msg.seq, error: e instanceof Error ? e.message : String(e) } satisfies WorkerReply),
      );
    } else if (msg.type === 'release') {
      const img = held.get(msg.ref);
      held.delete(msg.ref);
      const reply = (jpeg: Uint8Array | null, error?: string) => {
        const data = img ? (img.data.buffer as ArrayBuffer) : null;
        const transfer = [jpeg?.buffer as ArrayBuffer, data].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
        port.postMessage({ type: 'released', ref: msg.ref, jpeg, data, ...(error ? { error } : {}) } satisfies WorkerReply, transfer);
      };
      if (!img || !msg.encode) reply(null);
      else contextJpeg(img).then(reply, (e: unknown) => reply(null, e instanceof Error ? e.message : String(e)));
    } else {
      void Promise.resolve(recognizer.close?.()).finally(() => port.close());
    }
  });
}

void main();
