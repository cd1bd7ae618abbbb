// State named on whole US photos, the way a photo import names it: the engine finds and confirms
// the plates, then the state reader (native/recognition/state.ts) reads each confirmed box at
// least 64 x 36 px. Scored against the states read by eye in labels/openimages-valid-text.csv
// (`state`: the two-letter code where the plate's state name or a slogan only that state uses can
// be read on the photo, empty where a frame, blur or glare hides it; session 9, the 36 plates of
// the `us` folder). A validation set: never used to choose anything.
//
// /usr/bin/python3 training/text_scenes.py      # builds training/work/openimages-valid-text/us
// node --import tsx training/state_photos.ts [--dir training/work/openimages-valid-text/us]
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Papa from 'papaparse';
import { loadScenes } from '../native/eval/datasets';
import { iou } from '../native/recognition/detector';
import { RecognitionEngine } from '../native/recognition/index';
import { decodeRgb } from '../native/recognition/preprocess';
import { STATE_MODEL_TAG, StateReader, tooSmallForState } from '../native/recognition/state';

const here = fileURLToPath(new URL('.', import.meta.url));
const { values: args } = parseArgs({ options: { dir: { type: 'string', default: join(here, 'work', 'openimages-valid-text', 'us') } } });
const labels = Papa.parse<Record<string, string>>(readFileSync(join(here, 'labels', 'openimages-valid-text.csv'), 'utf8'), { header: true, skipEmptyLines: true }).data;
const stateOf = new Map(labels.map((r) => [`${r.file}|${r.plate}`, r.state ?? '']));

const engine = await RecognitionEngine.create({ threads: 1 });
const reader = await StateReader.create({ threads: 1 });
const n = { plates: 0, readable: 0, found: 0, tried: 0, named: 0, right: 0, namedUnreadable: 0 };
const wrong: string[] = [];
const missed: string[] = [];
try {
  for (const s of loadScenes(args.dir!).samples) {
    const frame = await decodeRgb(s.file);
    const plates = (await engine.recognize(frame)).filter((p) => p.verified);
    for (const g of s.plates) {
      const truth = stateOf.get(`${basename(s.file)}|${g.text}`);
      if (truth === undefined) throw new Error(`${basename(s.file)}: plate ${g.text} is not in labels/openimages-valid-text.csv`);
      n.plates++;
      if (truth) n.readable++;
      const p = plates.find((q) => iou(q.box, g) >= 0.5);
      if (!p) continue;
      if (truth) n.found++;
      if (tooSmallForState(p.box)) continue;
      const guess = await reader.read(frame, p.box);
      if (truth) n.tried++;
      if (!guess) {
        if (truth) missed.push(`${g.text} (${truth})`);
        continue;
      }
      if (!truth) {
        n.namedUnreadable++;
        wrong.push(`${g.text}: named ${guess.code} from "${guess.evidence}", not readable by eye`);
      } else if (guess.code === truth) {
        n.named++;
        n.right++;
      } else {
        n.named++;
        wrong.push(`${g.text}: ${truth} named ${guess.code} from "${guess.evidence}"`);
      }
    }
  }
} finally {
  await Promise.all([engine.release(), reader.release()]);
}
const pct = (a: number, b: number) => (b ? Math.round((1000 * a) / b) / 10 : null);
console.log(JSON.stringify({
  ...n,
  named_of_readable: pct(n.named, n.readable),
  right_of_named: pct(n.right, n.named + n.namedUnreadable),
  wrong,
  missed,
  models: `${engine.version}, ${STATE_MODEL_TAG}`,
}, null, 1));
