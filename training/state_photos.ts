// State named on whole photos, the way a photo import names it: the engine finds and confirms
// the plates, then the state reader (native/recognition/state.ts) reads each confirmed box of at
// least 64 x 36 px (boxes it confirms; a photo import also keeps confident unconfirmed ones, so
// this is the import's path for confirmed plates). Scored against states read by eye where the plate's state name, or a slogan
// only that state uses, can be read on the photo (session 9):
//   --set valid  the 36 plates of the hand-read US photos (labels/openimages-valid-text.csv,
//                column `state`, empty where a frame, blur or glare hides it); a validation set,
//                never used to choose anything. Needs `python3 training/text_scenes.py` first.
//   --set train  openimages-plates/train, every box of at least 64 x 36 px
//                (labels/openimages-train-states.csv: a code, `hidden` for a US plate whose
//                state cannot be read, `none` for another country's plate); the photos the
//                rule was fixed on.
//
// node --import tsx training/state_photos.ts [--set valid|train]
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Papa from 'papaparse';
import { loadScenes } from '../native/eval/datasets';
import { iou } from '../native/recognition/detector';
import { RecognitionEngine } from '../native/recognition/index';
import { decodeRgb } from '../native/recognition/preprocess';
import { STATE_MODEL_TAG, STATE_TEXTS, StateReader, tooSmallForState } from '../native/recognition/state';

const here = fileURLToPath(new URL('.', import.meta.url));
const data = process.env.CANVASS_DATA ?? resolve(here, '..', '..', 'shared', 'data');
const { values: args } = parseArgs({ options: { set: { type: 'string', default: 'valid' } } });
const csv = (name: string) =>
  Papa.parse<Record<string, string>>(readFileSync(join(here, 'labels', name), 'utf8'), { header: true, skipEmptyLines: true }).data;

/** One labelled plate: its photo, box, and state (a code; '' when a US plate's state is hidden; null for another country's). */
interface Labelled {
  file: string;
  box: { x: number; y: number; w: number; h: number };
  name: string;
  state: string | null;
}

/** A label's state: a code of STATE_TEXTS, or '' where it cannot be read. */
function checkState(state: string, where: string): string {
  if (state && !Object.hasOwn(STATE_TEXTS, state)) throw new Error(`${where}: state "${state}" is not a two-letter code of a state or DC`);
  return state;
}

function labelled(set: string): Labelled[] {
  if (set === 'valid') {
    const dir = join(process.env.CANVASS_WORK ?? join(here, 'work'), 'openimages-valid-text', 'us');
    if (!existsSync(dir)) throw new Error(`${dir} is missing: run python3 training/text_scenes.py first`);
    const rows = csv('openimages-valid-text.csv');
    return loadScenes(dir).samples.flatMap((s) =>
      s.plates.map((g) => {
        // the scene folder's boxes are the CSV's: find the row by its box, not by its text
        const row = rows.find((r) => r.file === basename(s.file) && iou(g, { x: +r.x!, y: +r.y!, w: +r.w!, h: +r.h! }) >= 0.9);
        if (!row) throw new Error(`${basename(s.file)}: no row of labels/openimages-valid-text.csv has the box of plate ${g.text}`);
        return { file: s.file, box: g, name: g.text ?? '', state: checkState(row.state ?? '', `${row.file} ${row.plate}`) };
      }),
    );
  }
  if (set === 'train') {
    return csv('openimages-train-states.csv').map((r) => ({
      file: join(data, 'openimages-plates', 'train', r.file!),
      box: { x: Number(r.x), y: Number(r.y), w: Number(r.w), h: Number(r.h) },
      name: `#${r.annotation_id}`,
      state: r.state === 'none' ? null : r.state === 'hidden' ? '' : checkState(r.state ?? '', `annotation ${r.annotation_id}`),
    }));
  }
  throw new Error(`--set must be valid or train, not "${set}"`);
}

const plates = labelled(args.set!);
const byFile = new Map<string, Labelled[]>();
for (const p of plates) byFile.set(p.file, [...(byFile.get(p.file) ?? []), p]);
const engine = await RecognitionEngine.create({ threads: 1 });
const reader = await StateReader.create({ threads: 1 });
const n = { plates: plates.length, readable: 0, found: 0, tried: 0, named: 0, right: 0, namedWithoutReadableState: 0 };
const wrong: string[] = [];
const missed: string[] = [];
try {
  for (const [file, labels] of byFile) {
    const frame = await decodeRgb(file);
    const confirmed = (await engine.recognize(frame)).filter((p) => p.verified);
    for (const g of labels) {
      const readable = !!g.state;
      if (readable) n.readable++;
      const p = confirmed.find((q) => iou(q.box, g.box) >= 0.5);
      if (!p) continue;
      if (readable) n.found++;
      if (tooSmallForState(p.box)) continue;
      if (readable) n.tried++;
      const guess = await reader.read(frame, p.box);
      if (!guess) {
        if (readable) missed.push(`${g.name} (${g.state})`);
      } else if (!readable) {
        n.namedWithoutReadableState++;
        wrong.push(`${g.name}: named ${guess.code} from "${guess.evidence}" (${g.state === null ? 'not a US plate' : 'state not readable by eye'})`);
      } else {
        n.named++;
        if (guess.code === g.state) n.right++;
        else wrong.push(`${g.name}: ${g.state} named ${guess.code} from "${guess.evidence}"`);
      }
    }
  }
} finally {
  await Promise.all([engine.release(), reader.release()]);
}
const pct = (a: number, b: number) => (b ? Math.round((1000 * a) / b) / 10 : null);
console.log(JSON.stringify({
  set: args.set,
  ...n,
  named_of_readable: pct(n.named, n.readable),
  right_of_named: pct(n.right, n.named + n.namedWithoutReadableState),
  wrong,
  missed,
  models: `${engine.version}, ${STATE_MODEL_TAG}`,
}, null, 1));
