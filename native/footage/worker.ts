// One footage worker thread: owns one recognizer (and so its own inference sessions), takes
// frames from the pool, and answers with the plates found, each with a colour guess. It keeps
// the frame until the main thread releases it, and only then encodes what the tracker still
// needs of it: the JPEG context frame and the plate crops of a pass's best observation (most
// frames are never anyone's best, so most are never encoded). Images are encoded here so the
// main thread never touches pixels and only small JPEGs travel back, with the frame's slot
// for the decoder to fill again.
import { parentPort, workerData } from 'node:worker_threads';
import sharp from 'sharp';
import { estimateColour, greyWorldGains } from './colour';
import { cropRegion } from './crop';
import { BUILTIN_ENGINE, createRecognizer } from './engine';
import { loadRecognizer, type Box, type PlateRecognizer, type RgbImage } from './recognizer';
import type { FrameJob, FrameResult, ReleaseRequest, WorkerHit, WorkerInit, WorkerReply, WorkerRequest } from './protocol';

const init = workerData as WorkerInit;
// Every frame is new, so libvips' operation cache only grows; and this thread is already one
// of a pool sized to the cores, so libvips gets no threads of its own.
sharp.cache(false);
sharp.concurrency(1);
const port = parentPort!;

/** A frame answered and not yet released: its pixels, its slot (if shared) and its plates' boxes. */
interface Held {
  img: RgbImage;
  slot: number | null;
  boxes: Box[];
}

async function handle(recognizer: PlateRecognizer, job: FrameJob, img: RgbImage): Promise<{ result: FrameResult; boxes: Box[] }> {
  const started = performance.now();
  const plates = (await recognizer.recognize(img)).filter((p) => p.score >= init.minDetectorScore);
  const gains = plates.length > 0 ? greyWorldGains(img) : undefined;
  const frameSize = { width: img.width, height: img.height };
  const hits: WorkerHit[] = plates.map((p) => ({ ...p, colour: estimateColour(img, p.box, gains), frameSize }));
  // A frame whose plates are all too unsure to become a read is never a read's context frame
  // (the tracker prefers observations with a frame).
  const framed = hits.some((h) => h.confidence >= init.minFrameConfidence);
  const result = { seq: job.seq, ptsMs: job.ptsMs, hits, framed, ref: job.seq, ms: performance.now() - started };
  return { result, boxes: plates.map((p) => p.box) };
}

function rawOf(img: RgbImage) {
  return { raw: { width: img.width, height: img.height, channels: 3 as const } };
}

async function contextJpeg(img: RgbImage): Promise<Uint8Array> {
  const pipeline = sharp(img.data, rawOf(img));
  if (img.width > init.contextMaxWidth) pipeline.resize({ width: init.contextMaxWidth });
  // Huffman optimisation would cost two thirds of the encode for a few percent of size.
  return new Uint8Array(await pipeline.jpeg({ quality: 85, optimiseCoding: false }).toBuffer());
}

async function cropJpeg(img: RgbImage, box: Box): Promise<Uint8Array> {
  return new Uint8Array(await sharp(img.data, rawOf(img)).extract(cropRegion(box, img.width, img.height)).jpeg({ quality: 92 }).toBuffer());
}

async function encode(h: Held, want: ReleaseRequest): Promise<{ jpeg: Uint8Array | null; crops: Uint8Array[] }> {
  const [jpeg, ...crops] = await Promise.all([
    want.frame ? contextJpeg(h.img) : null,
    ...want.crops.map((i) => {
      const box = h.boxes[i];
      if (!box) throw new Error(`no plate ${i} in this frame`);
      return cropJpeg(h.img, box);
    }),
  ]);
  return { jpeg: jpeg ?? null, crops: crops as Uint8Array[] };
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
  const held = new Map<number, Held>();
  // The current file's shared frame slots (decode.ts FrameSlots), viewed once.
  let slots: Uint8Array[] = [];
  port.on('message', (msg: WorkerRequest) => {
    if (!('type' in msg)) {
      const slot = msg.data instanceof ArrayBuffer ? null : msg.data.slot;
      const data = slot === null ? new Uint8Array(msg.data as ArrayBuffer) : slots[slot];
      if (!data) {
        port.postMessage({ type: 'failed', seq: msg.seq, error: `no frame slot ${slot}` } satisfies WorkerReply);
        return;
      }
      const img: RgbImage = { width: msg.width, height: msg.height, data: data.subarray(0, msg.width * msg.height * 3) };
      handle(recognizer, msg, img).then(
        ({ result, boxes }) => {
          held.set(msg.seq, { img, slot, boxes });
          port.postMessage({ type: 'result', result } satisfies WorkerReply);
        },
        (e: unknown) => port.postMessage({ type: 'failed', seq: msg.seq, error: e instanceof Error ? e.message : String(e) } satisfies WorkerReply),
      );
    } else if (msg.type === 'release') {
      const h = held.get(msg.ref);
      held.delete(msg.ref);
      const reply = (jpeg: Uint8Array | null, crops: Uint8Array[], error?: string) => {
        const transfer = [jpeg?.buffer, ...crops.map((c) => c.buffer)].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
        port.postMessage({ type: 'released', ref: msg.ref, jpeg, crops, slot: h?.slot ?? null, ...(error ? { error } : {}) } satisfies WorkerReply, transfer);
      };
      if (!h) reply(null, [], `frame ${msg.ref} is not held`);
      else if (!msg.frame && msg.crops.length === 0) reply(null, []);
      else encode(h, msg).then(
        (r) => reply(r.jpeg, r.crops),
        (e: unknown) => reply(null, [], e instanceof Error ? e.message : String(e)),
      );
    } else if (msg.type === 'slots') {
      slots = msg.buffers.map((b) => new Uint8Array(b));
    } else {
      void Promise.resolve(recognizer.close?.()).finally(() => port.close());
    }
  });
}

void main();
