// The canvass map's stamping worker: blends a drawing's 10,000 marker sprites into a pixel
// buffer off the page's main thread (~15 ms, more on a busy machine), puts it on an
// OffscreenCanvas the size of the markers' box and hands back an ImageBitmap the page shows
// without copying (or the buffer itself, transferred, without OffscreenCanvas). It keeps no state
// between drawings.
import { stampAll, type StampRequest } from './stamp';
import type { StampResponse } from './stampProtocol';

interface WorkerScope {
  onmessage: ((e: MessageEvent<StampRequest>) => void) | null;
  postMessage(message: StampResponse, transfer: Transferable[]): void;
}

function serve(scope: WorkerScope): void {
  scope.onmessage = (e) => {
    const req = e.data;
    const data = stampAll(req);
    if (req.bitmap && typeof OffscreenCanvas !== 'undefined') {
      const canvas = new OffscreenCanvas(Math.max(1, req.bw), Math.max(1, req.bh));
      const ctx = canvas.getContext('2d')!; // (a bitmap needs a context, also when it is empty)
      if (req.bw > 0 && req.bh > 0) ctx.putImageData(new ImageData(data, req.bw, req.bh), 0, 0);
      const bitmap = canvas.transferToImageBitmap();
      scope.postMessage({ seq: req.seq, bitmap }, [bitmap]);
    } else {
      scope.postMessage({ seq: req.seq, data }, [data.buffer]);
    }
  };
}

serve(self as unknown as WorkerScope);
