// The canvass map's stamping worker: blends a drawing's 10,000 marker sprites into a pixel
// buffer off the page's main thread (~15 ms, more on a busy machine) and hands the buffer back
// (transferred, not copied). It keeps no state between drawings.
import { stampAll, type StampRequest, type StampResponse } from './stamp';

interface WorkerScope {
  onmessage: ((e: MessageEvent<StampRequest>) => void) | null;
  postMessage(message: StampResponse, transfer: Transferable[]): void;
}

function serve(scope: WorkerScope): void {
  scope.onmessage = (e) => {
    const data = stampAll(e.data);
    scope.postMessage({ seq: e.data.seq, data }, [data.buffer]);
  };
}

serve(self as unknown as WorkerScope);
