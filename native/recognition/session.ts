// One way to open an ONNX model for the engine: a fixed number of intra-op threads (a worker
// thread per core runs its own sessions), no inter-op parallelism, every graph optimisation.
import * as ort from 'onnxruntime-node';

export function openSession(modelPath: string, threads = 2): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(modelPath, { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
}
