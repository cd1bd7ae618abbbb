// The thread that reads ffmpeg's raw frames (decode.ts starts one per file). Reading a pipe
// allocates a buffer per 64 KB read: 6 MB per 1080p frame, which made the main thread's heap
// collect every few frames (a third of its time). In a thread of its own, with a heap of a few
// megabytes, that costs little and leaves the main thread free. Each frame is copied into a
// slot, one of a fixed set of shared buffers (decode.ts FrameSlots) that the main thread and
// the workers also hold, and only the slot's number travels, with the frame's time and key
// flag from showinfo: no buffer is transferred, so no thread's heap counts megabytes of
// "external memory" per frame and collects for it. At most `ahead` frames are out
// unacknowledged before the pipe is paused, and so it is while no slot is free; slots come
// back ('spare') once the workers are done with their pixels.
// Plain JavaScript so the thread starts in a few milliseconds from source too (no TypeScript
// loader to boot per file); the messages are typed in decode.ts (DecoderInit, DecoderReply,
// DecoderRequest).
import { spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parentPort, threadId, workerData } from 'node:worker_threads';

const SHOWINFO = /Parsed_showinfo.*\bn:\s*\d+\s+pts:\s*-?\d+\s+pts_time:(-?[\d.]+).*?iskey:(\d)/;
const PROBLEM = /error|invalid|corrupt|partial file|truncat|missing/i;

/**
 * A connected pair of local stream sockets: `child` for ffmpeg's stdout, `reader` for us,
 * reading with `onread`, i.e. straight into the buffers `buffer()` names: the frame's slot.
 * A pipe (what `stdio: 'pipe'` makes) can only be read into a fresh 64 KB buffer per read,
 * ~100 of them per 1080p frame, each allocated, copied once more and swept; this way the
 * kernel copies into the slot and nothing is allocated. Unix only (a socket path in tmpdir);
 * elsewhere, or if it fails, the pipe.
 * @param {{ buffer: () => Uint8Array, callback: (n: number, buf: Uint8Array) => boolean }} onread
 * @returns {Promise<{ child: import('node:net').Socket, reader: import('node:net').Socket } | null>}
 */
async function socketPair(onread) {
  if (process.platform === 'win32') return null;
  const path = join(tmpdir(), `canvass-ffmpeg-${process.pid}-${threadId}-${Date.now().toString(36)}.sock`);
  const server = createServer();
  try {
    await new Promise((resolve, reject) => server.once('error', reject).listen(path, () => resolve(undefined)));
    const accepted = new Promise((resolve, reject) => server.once('connection', resolve).once('error', reject));
    const reader = connect({ path, onread });
    await new Promise((resolve, reject) => reader.once('connect', () => resolve(undefined)).once('error', reject));
    const child = /** @type {import('node:net').Socket} */ (await accepted);
    return { child, reader };
  } catch {
    return null;
  } finally {
    server.close(); // removes the path; the connected pair lives on
  }
}

/** @param {{ bin: string, args: string[], frameBytes: number, ahead: number, slots: SharedArrayBuffer[] }} init */
async function run(init) {
  const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
  const { frameBytes } = init;
  /** @type {{ ms: number, key: boolean }[]} */
  const times = [];
  /** Filled slots waiting for their time. @type {number[]} */
  const frames = [];
  const views = init.slots.map((b) => new Uint8Array(b));
  /** Free slots, lowest last (so the same few are reused and the rest never touched). @type {number[]} */
  const spare = views.map((_, i) => views.length - 1 - i);
  /** @type {string[]} */
  const tail = [];
  /** @type {string | null} */
  let error = null;
  /** @type {number | null} */
  let code = null;
  let outstanding = 0;
  let partial = '';
  let stderrDone = false;
  let stdoutDone = false;
  let ended = false;

  /** The slot being filled (-1: none yet), how much of it is, and bytes waiting for a slot. */
  let slot = -1;
  let filled = 0;
  /** @type {Buffer | null} */
  let pending = null;

  const consume = (/** @type {Buffer} */ chunk) => {
    let off = 0;
    while (off < chunk.length) {
      if (slot < 0) {
        slot = spare.pop() ?? -1;
        if (slot < 0) {
          pending = chunk.subarray(off);
          return;
        }
      }
      const n = Math.min(frameBytes - filled, chunk.length - off);
      /** @type {Uint8Array} */ (views[slot]).set(chunk.subarray(off, off + n), filled);
      filled += n;
      off += n;
      if (filled === frameBytes) {
        frames.push(slot);
        slot = -1;
        filled = 0;
      }
    }
    pending = null;
  };

  // Socket reads land in the slot being filled; only if none is free (the socket is paused
  // then, but a read may be under way) do they land in `scratch`, and go into a slot as soon as
  // one is free, waiting in `pending` until then.
  const scratch = new Uint8Array(1 << 16);
  const onread = {
    buffer: () => {
      if (pending) return scratch; // bytes already waiting go first
      if (slot < 0) slot = spare.pop() ?? -1;
      return slot < 0 ? scratch : /** @type {Uint8Array} */ (views[slot]).subarray(filled);
    },
    callback: (/** @type {number} */ n, /** @type {Uint8Array} */ buf) => {
      if (buf === scratch) {
        // (the next read's buffer is chosen when the last one lands: this one was chosen
        // while no slot was free, or while older bytes waited)
        const copy = Buffer.from(scratch.subarray(0, n));
        consume(pending ? Buffer.concat([pending, copy]) : copy);
      } else {
        filled += n;
        if (filled === frameBytes) {
          frames.push(slot);
          slot = -1;
          filled = 0;
        }
      }
      pump();
      return !paused;
    },
  };
  const pair = await socketPair(onread);
  const proc = spawn(init.bin, init.args, { stdio: ['ignore', pair ? pair.child : 'pipe', 'pipe'] });
  pair?.child.destroy(); // ffmpeg has its own copy; ours would keep the reader from seeing the end
  const out = pair ? pair.reader : /** @type {import('node:stream').Readable} */ (proc.stdout);
  let paused = false;

  // Frames go out once their time is known; the end once everything is out and ffmpeg is gone.
  const pump = () => {
    while (frames.length > 0 && times.length > 0) {
      const t = /** @type {{ ms: number, key: boolean }} */ (times.shift());
      outstanding++;
      port.postMessage({ type: 'frame', ptsMs: t.ms, key: t.key, slot: frames.shift() });
    }
    paused = outstanding >= init.ahead || frames.length >= init.ahead || pending !== null;
    if (paused) out.pause();
    else if (!stdoutDone) out.resume();
    if (frames.length > 0 && stderrDone && !error) error = 'ffmpeg delivered a frame without a timestamp';
    if (!ended && stdoutDone && stderrDone && code !== null && !pending && (frames.length === 0 || error)) {
      ended = true;
      port.postMessage({ type: 'end', code, tail, partial: filled, error });
      port.close();
    }
  };

  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (/** @type {string} */ s) => {
    const lines = (partial + s).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const m = SHOWINFO.exec(line);
      if (m) times.push({ ms: Math.round(Number(m[1]) * 1000), key: m[2] === '1' });
      else if (!line.includes('Parsed_showinfo') && line.trim()) {
        tail.push(line.trim());
        if (tail.length > 20) tail.shift();
        if (PROBLEM.test(line)) port.postMessage({ type: 'problem', line: line.trim() });
      }
    }
    pump();
  });
  proc.stderr.on('end', () => {
    stderrDone = true;
    pump();
  });
  if (!pair) {
    out.on('data', (/** @type {Buffer} */ chunk) => {
      if (pending) pending = Buffer.concat([pending, chunk]); // a read already under way when paused
      else consume(chunk);
      pump();
    });
  }
  out.on('end', () => {
    stdoutDone = true;
    pump();
  });
  out.on('error', (e) => {
    error ??= e.message;
    stdoutDone = true;
    pump();
  });
  proc.on('error', (e) => {
    error ??= e.message;
    stdoutDone = stderrDone = true;
    code ??= 1;
    pump();
  });
  proc.on('close', (c, sig) => {
    code = c ?? (sig ? 255 : 1);
    pump();
  });
  port.on('message', (/** @type {{ type: 'ack' } | { type: 'spare', slot: number } | { type: 'stop' }} */ m) => {
    if (m.type === 'ack') {
      outstanding--;
      pump();
    } else if (m.type === 'spare') {
      spare.push(m.slot);
      if (pending) consume(pending);
      pump();
    } else if (proc.exitCode === null) proc.kill('SIGKILL');
  });
}

if (workerData?.entry === 'decoder') void run(workerData);
