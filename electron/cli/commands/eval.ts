// `canvass eval` — measures the recognition models on a labelled folder through the same
// RecognitionEngine the app uses. `--scenes DIR` (per-image .txt, COCO or dash-cam boxes.json
// layout, detected automatically) or `--crops DIR --labels CSV`. `--json` prints exactly one
// JSON object on stdout; otherwise a short table.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { evaluateCrops, evaluateScenes, type EvalReport } from '../../../native/eval/evaluate';
import type { CropSplit } from '../../../native/eval/datasets';
import { measureSpeed } from '../../../native/eval/speed';
import { modelsDirFor } from '../../../native/footage/engine';
import { RecognitionEngine, type EngineOptions } from '../../../native/recognition/index';
import { StateReader } from '../../../native/recognition/state';

interface EvalFlags {
  scenes?: string;
  crops?: string;
  labels?: string;
  split: string;
  models?: string;
  limit?: string;
  threads: string;
  json?: boolean;
  speed?: string;
  crop?: string;
  detectorSizes: string;
  refineBoxes?: string;
  cropVote?: string;
  cropMargin?: string;
  minVerifyWidth?: string;
  voteReader?: string;
  edgeTrim?: string;
  minReadConfidence?: string;
  review?: string;
  wordO?: boolean;
  states?: boolean;
  stateSyntax?: string;
  insetVote?: string;
  corners?: string;
  rectify?: string;
  cornerBoxes?: string;
  plateCheck?: string;
}

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);

function printTable(r: EvalReport): void {
  const lines = [
    `set                 ${r.set}${r.split ? ` (${r.split})` : ''}${r.layout ? ` [${r.layout}]` : ''}`,
    `models              ${r.models}`,
    ...(r.reading_method ? [`reading             ${r.reading_method}`] : []),
    `images              ${r.images}   plates ${r.plates}${r.detections !== null ? `   detections ${r.detections}` : ''}`,
  ];
  if (r.detection_recall !== null) {
    lines.push(`detection recall    ${pct(r.detection_recall)}  (IoU >= ${r.iou_threshold})`);
    lines.push(`detection precision ${pct(r.detection_precision)}  (reader-verified boxes)`);
    for (const [g, v] of Object.entries(r.recall_by_group ?? {})) lines.push(`  recall ${g.padEnd(13)} ${pct(v.recall)}  (${v.plates} plates)`);
    for (const [w, v] of Object.entries(r.recall_by_width ?? {})) {
      lines.push(`  plates ${(w + ' px').padEnd(10)} ${String(v.plates).padStart(4)}   recall ${pct(v.recall)}   detector alone ${pct(v.detector_recall)}`);
    }
    if (r.detector_only) lines.push(`detector alone      recall ${pct(r.detector_only.recall)}  precision ${pct(r.detector_only.precision)}  (${r.detector_only.detections} boxes)`);
  }
  // scenes and crops alike
  if (r.failed_images?.length) lines.push(`unreadable images   ${r.failed_images.length} (plates counted as missed): ${r.failed_images.map((f) => f.file).join(', ')}`);
  if (r.damaged_images?.length) lines.push(`damaged images      ${r.damaged_images.length} (read as far as they decode): ${r.damaged_images.map((f) => f.file).join(', ')}`);
  if (r.exact_top1 !== null) {
    lines.push(`exact top-1         ${pct(r.exact_top1)}`);
    lines.push(`exact top-${r.topk}         ${pct(r.exact_topk)}`);
    lines.push(`exact top-1, O = 0  ${pct(r.exact_top1_o_is_0)}`);
    lines.push(`char accuracy       ${pct(r.char_accuracy)}`);
  }
  lines.push(`ms per image        ${r.ms_per_image.toFixed(1)}${r.ms_per_crop !== null ? `   ms per crop (reader) ${r.ms_per_crop.toFixed(2)}` : ''}`);
  if (r.state) {
    const v = r.state;
    lines.push(`state               ${v.right}/${v.guessed} right where named (${pct(v.precision)}), named for ${pct(v.coverage)} of ${v.labelled}, ${pct(v.accuracy)} overall, ${v.ms_per_crop.toFixed(1)} ms a crop`);
  }
  if (r.state_syntax) {
    const changed = r.state_syntax.changed;
    const shown = changed.slice(0, 5).map((c) => `${c.read}->${c.text} (${c.state})`).join(', ');
    lines.push(`state syntax        ${changed.length} reading${changed.length === 1 ? '' : 's'} changed${shown ? `: ${shown}${changed.length > 5 ? ', ...' : ''}` : ''}${r.plate_states ? `; ${r.plate_states.read} plates read for a state, ${r.plate_states.named} named` : ''}`);
  }
  if (r.corners) {
    const c = r.corners;
    lines.push(`corners             ${c.found}/${c.plates} matched plates; mean IoU with the label: corner bounds ${c.corner_bounds_iou ?? '—'}, detector box ${c.box_iou ?? '—'} (same plates)`);
  }
  if (r.plate_check) {
    const c = r.plate_check;
    lines.push(`plate check         ${c.vetoed} of ${c.checked} confirmed boxes vetoed (plate probability < ${c.threshold}), ${c.vetoed_labelled} of them on a labelled plate`);
  }
  const conf = Object.entries(r.confusions).map(([k, v]) => `${k}:${v}`).join(' ');
  if (conf) lines.push(`top confusions      ${conf}`);
  process.stdout.write(lines.join('\n') + '\n');
}

/** A flag's number from 0 to `max`, or undefined when the flag is not given. */
function fraction(flag: string, raw: string | undefined, max: number, what: string): number | undefined {
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (raw.trim() === '' || !(v >= 0 && v <= max)) throw new Error(`${flag}: "${raw}" is not ${what}`);
  return v;
}

/** Engine options from the eval flags (`--detector-sizes 640,960`: main pass, then extra passes). */
function engineOptions(flags: EvalFlags): EngineOptions {
  const sizes = flags.detectorSizes.split(',').map((t) => {
    const n = Number(t.trim());
    if (!/^\d+$/.test(t.trim()) || n < 64 || n > 4096) throw new Error(`--detector-sizes: "${t}" is not a size in pixels from 64 to 4096`);
    return n;
  });
  if (new Set(sizes).size !== sizes.length) throw new Error(`--detector-sizes: ${flags.detectorSizes} names a size twice`);
  for (const [flag, v] of [['--refine-boxes', flags.refineBoxes], ['--crop-vote', flags.cropVote], ['--corners', flags.corners], ['--rectify', flags.rectify], ['--corner-boxes', flags.cornerBoxes]] as const) {
    if (v !== undefined && v !== 'on' && v !== 'off') throw new Error(`${flag}: "${v}" is neither on nor off`);
  }
  const margin = fraction('--crop-margin', flags.cropMargin, 0.5, 'a fraction of the box from 0 to 0.5');
  const floor = flags.minVerifyWidth === undefined ? undefined : Number(flags.minVerifyWidth);
  if (floor !== undefined && !(/^\d+$/.test(flags.minVerifyWidth!.trim()) && floor <= 4096)) throw new Error(`--min-verify-width: "${flags.minVerifyWidth}" is not a width in pixels from 0 to 4096`);
  if (flags.voteReader !== undefined) {
    if (!flags.voteReader.trim()) throw new Error('--vote-reader: give the path of a reader model (.onnx)');
    if (!existsSync(flags.voteReader)) throw new Error(`--vote-reader: no file at ${flags.voteReader}`);
    if (flags.cropVote === 'off') throw new Error('--vote-reader joins the crop vote: it does nothing with --crop-vote off');
  }
  if (flags.plateCheck !== undefined && !['on', 'off'].includes(flags.plateCheck) && !existsSync(flags.plateCheck)) {
    throw new Error(`--plate-check: "${flags.plateCheck}" is neither on, off nor a plate check model file (.onnx)`);
  }
  const trim = fraction('--edge-trim', flags.edgeTrim, 1, 'a confidence from 0 to 1');
  const floorConf = fraction('--min-read-confidence', flags.minReadConfidence, 1, 'a confidence from 0 to 1');
  const inset = fraction('--inset-vote', flags.insetVote, 1, 'a confidence from 0 to 1');
  return {
    // the same lookup as the footage workers, so the bundled CLI (dist/cli.mjs) finds models/ too
    modelsDir: flags.models ?? modelsDirFor(),
    threads: Number(flags.threads),
    detector: { inputSize: sizes[0]! },
    extraDetectorSizes: sizes.slice(1),
    ...(flags.refineBoxes ? { refineBoxes: flags.refineBoxes === 'on' } : {}),
    ...(flags.cropVote ? { cropVote: flags.cropVote === 'on' } : {}),
    ...(margin !== undefined ? { cropMargin: margin } : {}),
    ...(floor !== undefined ? { minVerifyWidth: floor } : {}),
    ...(flags.voteReader !== undefined ? { voteReader: flags.voteReader } : {}),
    ...(trim !== undefined ? { edgeTrim: trim } : {}),
    ...(floorConf !== undefined ? { minReadConfidence: floorConf } : {}),
    ...(inset !== undefined ? { insetVote: inset } : {}),
    ...(flags.wordO ? { lettersO: true } : {}),
    ...(flags.corners ? { corners: flags.corners === 'on' } : {}),
    ...(flags.rectify ? { rectify: flags.rectify === 'on' } : {}),
    ...(flags.cornerBoxes ? { cornerBoxes: flags.cornerBoxes === 'on' } : {}),
    ...(flags.plateCheck ? { plateCheck: flags.plateCheck === 'on' ? true : flags.plateCheck === 'off' ? false : flags.plateCheck } : {}),
  };
}

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('Evaluate the recognition models on a labelled folder')
    .option('--scenes <dir>', 'folder of full images with plate boxes (scenes .txt, COCO or boxes.json)')
    .option('--crops <dir>', 'folder of plate crops (images beside the CSV or in images/)')
    .option('--labels <csv>', 'labels CSV for --crops (columns file and plate or text)')
    .option('--split <which>', 'crops subset: all, tune or held-out (training split rule)', 'all')
    .option('--models <dir>', 'folder holding plate-detector.onnx and plate-reader.onnx')
    .option('--limit <n>', 'evaluate only the first n images')
    .option('--threads <n>', 'ONNX threads per model', '2')
    .option('--json', 'print one JSON object on stdout')
    .option('--detector-sizes <list>', 'detector input sizes, comma-separated: the main pass, then extra whole-frame passes (e.g. 640,960)', '640')
    .option('--refine-boxes <on|off>', 'look at each detected box again with a local detector pass before reading (scenes only; default: the engine\'s)')
    .option('--crop-vote <on|off>', 'read each confirmed box in three crops and keep the best-supported reading (scenes only; default: the engine\'s)')
    .option('--crop-margin <fraction>', 'margin added around each detected box before reading, as a fraction of its size (scenes only; default: the engine\'s 0.04)')
    .option('--min-verify-width <px>', 'never confirm a box narrower than this many frame pixels (scenes only; default: the engine\'s 0, no floor)')
    .option('--vote-reader <file>', 'a second reader model (ONNX) that joins the crop vote (scenes only; default none)')
    .option('--edge-trim <confidence>', 'drop a reading\'s weaker end character below this confidence when the reading without it is a top-k alternative, 0 = off (crops and scenes; default: the engine\'s 0.8)')
    .option('--min-read-confidence <confidence>', 'confirm a detected box as a plate only when its own crop reads with at least this confidence (scenes only; default: the engine\'s 0.1)')
    .option('--word-o', 'write a 0 between letters (or a letter and the plate\'s end) as the letter O, the convention of labels that write what a plate means (crops and scenes; default off: us-plate-crops writes the digit)')
    .option('--review <dir>', 'write a crop and a misreads.csv row for every misread plate into this new or empty folder (found, found but not confirmed, or missed; what was read, how sure, the top-k)')
    .option('--states', 'crops only: also read each plate\'s state and score it against the labels\' state column')
    .option('--inset-vote <confidence>', 'crops only: read a crop again with its sides inset (2% and 6%) when its reading has a character below this confidence, and keep the text the three readings support most; 0 = off (default: the engine\'s 0.9)')
    .option('--state-syntax <on|off>', 'read each plate\'s state (crops, and confirmed boxes of at least 64 x 36 px) and turn a reading\'s O or 0 into the other where that state\'s standard plate format puts a letter or a digit (default on; off reports the reader\'s own text)')
    .option('--corners <on|off>', 'find each confirmed plate\'s corners with models/plate-corners.onnx and report how their bounds fit the labelled boxes (scenes only; default on when the model is there)')
    .option('--rectify <on|off>', 'read each confirmed plate once more, rectified through its corners, in the crop vote (scenes only; default off)')
    .option('--corner-boxes <on|off>', 'report each confirmed plate\'s box as its corners\' bounds (scenes only; default off)')
    .option('--plate-check <on|off|file>', 'let a plate check veto confirmed boxes that are not plates (badges, signs, dates on photos): on = the models folder\'s plate-check.onnx, or a candidate model file (scenes only; default on when the models folder has one, which models/ does not ship)')
    .option('--speed <frame>', 'time the detector on this frame resized to 1080p, and the reader on --crop')
    .option('--crop <file>', 'plate crop for --speed')
    .action(async (flags: EvalFlags) => {
      if (flags.speed) {
        if (!flags.crop) throw new Error('--speed needs --crop FILE');
        const engine = await RecognitionEngine.create(engineOptions(flags));
        try {
          const r = await measureSpeed(engine, flags.speed, flags.crop);
          process.stdout.write((flags.json ? JSON.stringify(r) : JSON.stringify(r, null, 2)) + '\n');
        } finally {
          await engine.release();
        }
        return;
      }
      if (!flags.scenes === !flags.crops) throw new Error('give exactly one of --scenes DIR or --crops DIR --labels CSV');
      if (flags.crops && !flags.labels) throw new Error('--crops needs --labels CSV');
      if (!['all', 'tune', 'held-out'].includes(flags.split)) throw new Error(`unknown --split ${flags.split}`);
      if (flags.states && !flags.crops) throw new Error('--states needs --crops DIR --labels CSV with a state column');
      if (flags.insetVote !== undefined && !flags.crops) throw new Error('--inset-vote: crops only (a box found in a frame has the crop vote: --crop-vote)');
      if (flags.stateSyntax !== undefined && !['on', 'off'].includes(flags.stateSyntax)) throw new Error(`--state-syntax must be on or off, got ${flags.stateSyntax}`);
      if (flags.crops) {
        // a crop is read as it is: these only change how a frame's detected boxes become readings
        const sceneOnly = [['--crop-vote', flags.cropVote], ['--refine-boxes', flags.refineBoxes], ['--crop-margin', flags.cropMargin], ['--min-verify-width', flags.minVerifyWidth], ['--vote-reader', flags.voteReader], ['--min-read-confidence', flags.minReadConfidence], ['--corners', flags.corners], ['--rectify', flags.rectify], ['--corner-boxes', flags.cornerBoxes], ['--plate-check', flags.plateCheck],
          ['--detector-sizes', flags.detectorSizes === '640' ? undefined : flags.detectorSizes]];
        const given = sceneOnly.filter(([, v]) => v !== undefined).map(([f]) => f);
        if (given.length) throw new Error(`${given.join(', ')}: scenes only (with --crops each crop is read whole, without detection)`);
      }
      const limit = flags.limit ? Number(flags.limit) : undefined;
      const engine = await RecognitionEngine.create(engineOptions(flags));
      let states: StateReader | undefined;
      const onProgress = flags.json ? undefined : (done: number, total: number) => {
        if (done % 25 === 0 || done === total) process.stderr.write(`\r${done}/${total}`);
        if (done === total) process.stderr.write('\n');
      };
      const onError = (file: string, err: Error) => process.stderr.write(`warning: ${err.message} (${file}): its plates count as missed\n`);
      try {
        let syntax = flags.stateSyntax !== 'off';
        if (flags.states || syntax) {
          try {
            states = await StateReader.create({ modelsDir: flags.models ?? modelsDirFor(), threads: Number(flags.threads) });
          } catch (e) {
            // asked for by name (--states, --state-syntax on): a failure stops the run; the default
            // syntax is a refinement, so the run goes on without it and says so
            if (flags.states || flags.stateSyntax === 'on') throw e;
            process.stderr.write(`warning: ${e instanceof Error ? e.message : String(e)}: reading without the state plate syntax\n`);
            syntax = false;
          }
        }
        const report = flags.scenes
          ? await evaluateScenes(engine, flags.scenes, { limit, onProgress, onError, states, stateSyntax: syntax, review: flags.review })
          : await evaluateCrops(engine, flags.crops!, flags.labels!, flags.split as CropSplit, { limit, onProgress, onError, states, scoreStates: flags.states, stateSyntax: syntax, review: flags.review });
        if (flags.review) process.stderr.write(`review: ${report.misreads.length} misread plates in ${flags.review} (misreads.csv, crops/)\n`);
        if (flags.json) process.stdout.write(JSON.stringify(report) + '\n');
        else printTable(report);
      } finally {
        await engine.release();
        await states?.release();
      }
    });
}
