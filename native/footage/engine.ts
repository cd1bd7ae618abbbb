// The default recognizer of the footage pipeline: the app's RecognitionEngine (native/
// recognition, models in models/*.onnx) behind the PlateRecognizer seam. Loaded by URL inside
// each worker; one ONNX thread per model per worker, since the pool already has a worker per
// core. Which model versions run is the engine's business; they travel into provenance.
import type { PlateHit, PlateRecognizer, RecognizerSpec, RgbImage } from './recognizer';

/** The part of RecognitionEngine this adapter uses (kept structural so it follows the engine). */
interface Engine {
  readonly models: Record<string, { name: string; version: string; sha256: string }>;
  recognize(image: RgbImage): Promise<
    {
      box: { x: number; y: number; w: number; h: number; score: number };
      text: string;
      confidence: number;
      charConfidences: number[];
      alternatives: { text: string; confidence: number }[];
    }[]
  >;
  release(): Promise<void>;
}

interface EngineModule {
  RecognitionEngine: { create(opts: Record<string, unknown>): Promise<Engine> };
}

export async function createRecognizer(options: Record<string, unknown>): Promise<PlateRecognizer> {
  const url = new URL('../recognition/index.ts', import.meta.url).href;
  const mod = (await import(url)) as EngineModule;
  const engine = await mod.RecognitionEngine.create({ threads: 1, ...options });
  const versions: Record<string, string> = {};
  for (const [role, m] of Object.entries(engine.models)) versions[role] = `${m.name}@${m.version}+${m.sha256.slice(0, 8)}`;
  return {
    versions,
    async recognize(image: RgbImage): Promise<PlateHit[]> {
      const plates = await engine.recognize(image);
      return plates.map((p) => ({
        box: { x: p.box.x, y: p.box.y, w: p.box.w, h: p.box.h },
        score: p.box.score,
        text: p.text,
        confidence: p.confidence,
        charConfidences: p.charConfidences,
        alternatives: p.alternatives.slice(1).map((a) => ({ text: a.text, confidence: a.confidence })),
      }));
    },
    close: () => engine.release(),
  };
}

/**
 * The recognizer workers build: the engine, unless CANVASS_RECOGNIZER names another module
 * (tests and benchmarks on machines without models; options as JSON in
 * CANVASS_RECOGNIZER_OPTIONS). Never taken from api input: it is code that gets loaded.
 */
export function recognizerSpec(env: NodeJS.ProcessEnv = process.env): RecognizerSpec {
  const custom = env.CANVASS_RECOGNIZER;
  if (custom) {
    const module = /^[a-z]+:/.test(custom) ? custom : new URL(`file://${custom}`).href;
    return { module, options: env.CANVASS_RECOGNIZER_OPTIONS ? (JSON.parse(env.CANVASS_RECOGNIZER_OPTIONS) as Record<string, unknown>) : {} };
  }
  return { module: new URL('./engine.ts', import.meta.url).href, options: {} };
}
