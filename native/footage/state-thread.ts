// The state reader's own thread. onnxruntime-node runs a model synchronously, so PP-OCRv4 on the
// thread that runs the core (Electron's main process) would stall the UI and IPC for 25-50 ms a
// read; the model's SHA-256 check reads 10 MB too. The footage job starts this thread on first
// need and asks it for one pass's state at a time (state-client.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { StateReader } from '../recognition/state';
import type { StateThreadReply, StateThreadRequest } from './state-client';

const port = parentPort!;
const { modelsDir } = workerData as { modelsDir?: string };
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
const reply = (m: StateThreadReply) => port.postMessage(m);

let reader: StateReader | null = null;
try {
  reader = await StateReader.create({ modelsDir, threads: 1 });
  reply({ type: 'ready' });
} catch (e) {
  reply({ type: 'fatal', error: message(e) });
}

// One read at a time, in the order asked: the session is not shared between runs.
let queue: Promise<void> = Promise.resolve();
port.on('message', (m: StateThreadRequest) => {
  queue = queue.then(async () => {
    if (m.type === 'close') {
      await reader?.release();
      reader = null;
      port.close();
      return;
    }
    if (!reader) return reply({ type: 'state', id: m.id, guess: null, error: 'state reader not loaded' });
    try {
      reply({ type: 'state', id: m.id, guess: await reader.read(Buffer.from(m.jpeg), m.box) });
    } catch (e) {
      reply({ type: 'state', id: m.id, guess: null, error: message(e) });
    }
  });
});
