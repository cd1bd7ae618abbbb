// One footage worker thread: owns one recognizer (and so its own inference sessions), takes
// frames from the pool, and answers with the plates found, each with its JPEG crop and a colour
// guess, plus the JPEG context frame when the frame holds a plate. Images are encoded here so
// the main thread never touches pixels and only small JPEGs travel back.
import { parentPort, workerData } from 'node:worker_threads';
import sharp from 'sharp';
import { estimateColour, greyWorldGains } from './colour';
import { BUILTIN_ENGINE, createRecognizer } from './engine';
import { loadRecognizer, type Box, type PlateRecognizer, type RgbImage } from './recognizer';
import type { FrameJob, FrameResult, WorkerHit, WorkerInit, WorkerReply } from './protocol';

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

async function handle(recognizer: PlateRecognizer, job: FrameJob): Promise<FrameResult> {
  const img: RgbImage = { width: job.width, height: job.height, data: new Uint8Array(job.data) };
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
  let frameJpeg: Uint8Array | null = null;
  // A frame whose plates are all too unsure to become a read is never a read's context frame
  // (the tracker prefers observations with a frame), so its encode is skipped.
  if (hits.some((h) => h.confidence >= init.minFrameConfidence)) {
    const pipeline = sharp(img.data, raw);
    if (img.width > init.contextMaxWidth) pipeline.resize({ width: init.contextMaxWidth });
    // Huffman optimisation would cost two thirds of the encode for a few percent of size.
    frameJpeg = new Uint8Array(await pipeline.jpeg({ quality: 85, optimiseCoding: false }).toBuffer());
  }
  return { seq: job.seq, ptsMs: job.ptsMs, hits, frameJpeg, ms: performance.now() - started };
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
  port.on('message', (msg: FrameJob | { type: 'close' }) => {
    if ('type' in msg) {
      void Promise.resolve(recognizer.close?.()).finally(() => port.close());
      return;
    }
    handle(recognizer, msg).then(
      (result) => {
        const transfer = [...result.hits.map((h) => h.cropJpeg.buffer as ArrayBuffer)];
        if (result.frameJpeg) transfer.push(result.frameJpeg.buffer as ArrayBuffer);
        port.postMessage({ type: 'result', result } satisfies WorkerReply, transfer);
      },
      (e: unknown) => port.postMessage({ type: 'failed', seq: msg.seq, error: e instanceof Error ? e.message : String(e) } satisfies WorkerReply),
    );
  });
}

void main();
