// The default recognizer of the footage pipeline: the app's RecognitionEngine (native/
// recognition, models in models/*.onnx) behind the PlateRecognizer seam. Built inside each
// worker; one ONNX thread per model per worker, since the pool already has a worker per core.
// Which model versions run is the engine's business; they travel into provenance.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PLATE_CHECK_THRESHOLD, RecognitionEngine, modelTag, type EngineOptions } from '../recognition/index';
import type { PlateHit, PlateRecognizer, RecognizerSpec, RgbImage } from './recognizer';

/** The spec naming this recognizer; the worker builds it without a dynamic import. */
export const BUILTIN_ENGINE = 'builtin:engine';

/**
 * Options: `minScore` (default 0.45), the detector score a box needs to be read at all; the rest
 * (`cropMargin`, `refineBoxes`, ...) goes to RecognitionEngine.create, which reads the boxes.
 * Detecting, then reading only the likely plates, spends the reader on plates rather than on
 * the wheel arches and signs a dash cam also sees. Boxes are tracked whether or not the reader
 * confirmed them in this frame (a plate confirmed in some frames of a pass is read from all), except
 * those a plate check vetoed (when the engine has one, `plateCheck`: a badge or a sign the reader confirmed), which
 * are dropped, so a car's badge followed through a clip cannot become a read.
 */
export async function createRecognizer(options: Record<string, unknown>): Promise<PlateRecognizer> {
  const { minScore = 0.45, ...engineOptions } = options as { minScore?: number } & EngineOptions;
  const engine = await RecognitionEngine.create({ threads: 1, ...engineOptions });
  const versions: Record<string, string> = {};
  for (const [role, m] of Object.entries(engine.models)) versions[role] = modelTag(m);
  versions.reading = engine.readingMethod; // the same models read differently with or without the crop vote
  return {
    versions,
    async recognize(image: RgbImage): Promise<PlateHit[]> {
      const found = await engine.recognize(image, { keepUnverified: true, minScore });
      return found.filter((r) => !(r.plateCheck !== undefined && r.plateCheck < PLATE_CHECK_THRESHOLD)).map((r) => {
        const b = r.box;
        return {
          box: { x: b.x, y: b.y, w: b.w, h: b.h },
          score: b.score,
          text: r.text,
          confidence: r.confidence,
          charConfidences: r.charConfidences,
          alternatives: r.alternatives.slice(1).map((a) => ({ text: a.text, confidence: a.confidence })),
          ...(r.corners ? { corners: r.corners.map((p) => ({ x: p.x, y: p.y })) } : {}),
        };
      });
    },
    close: () => engine.release(),
  };
}

/**
 * Where the models are, decided once in the main thread and handed to every worker:
 * CANVASS_MODELS_DIR, else a packaged app's resources folder (electron-builder puts models/
 * there, outside the asar archive), else models/ one or two folders above this code (source
 * tree, dist/cli.mjs, dist/electron/main.cjs). A bundled worker cannot find them on its own: its
 * bundle sits at another depth than the source it came from. Undefined: the engine's default.
 */
export function modelsDirFor(
  env: NodeJS.ProcessEnv = process.env,
  resourcesPath = (process as { resourcesPath?: string }).resourcesPath,
  here = dirname(fileURLToPath(import.meta.url)),
): string | undefined {
  if (env.CANVASS_MODELS_DIR) return env.CANVASS_MODELS_DIR;
  const candidates = [...(resourcesPath ? [join(resourcesPath, 'models')] : []), join(here, '..', 'models'), join(here, '..', '..', 'models')];
  return candidates.find((dir) => existsSync(join(dir, 'plate-detector.onnx')));
}

/**
 * The recognizer workers build: the engine, unless CANVASS_RECOGNIZER names another module
 * exporting createRecognizer (options as JSON in CANVASS_RECOGNIZER_OPTIONS). Never taken
 * from api input: it is code that gets loaded.
 */
export function recognizerSpec(minScore: number, env: NodeJS.ProcessEnv = process.env, modelsDir = modelsDirFor(env)): RecognizerSpec {
  const custom = env.CANVASS_RECOGNIZER;
  if (custom) {
    const module = /^[a-z]+:/.test(custom) ? custom : new URL(`file://${custom}`).href;
    return { module, options: env.CANVASS_RECOGNIZER_OPTIONS ? (JSON.parse(env.CANVASS_RECOGNIZER_OPTIONS) as Record<string, unknown>) : {} };
  }
  return { module: BUILTIN_ENGINE, options: modelsDir ? { minScore, modelsDir } : { minScore } };
}
