// The plates read by eye (issue 3's real-photo evaluation and training data): the contact sheets
// they were read from (training/sheets.py) and the scene folders built from the labels
// (training/text_scenes.py), for the validation and the training split. Real data, Debian's python3.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenes } from '../../../native/eval/datasets';
import { sharedDataDir } from '../../support/shared-data';

const TRAINING = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'training');
const env = { ...process.env, CANVASS_DATA: sharedDataDir() };

function py(args: string[]): string {
  const r = spawnSync('/usr/bin/python3', args, { cwd: TRAINING, encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`python3 ${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  return r.stdout;
}

describe('plates read by eye', () => {
  const dir = mkdtempSync(join(tmpdir(), 'canvass-labels-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('contact sheets: one cell per box at least 40 px wide, indexed by annotation id', async () => {
    const out = join(dir, 'sheets');
    expect(py(['sheets.py', '--split', 'train', '--out', out, '--limit', '14'])).toMatch(/14 boxes on 2 sheets/);
    const index = Papa.parse<Record<string, string>>(readFileSync(join(out, 'index.csv'), 'utf8'), { header: true, skipEmptyLines: true }).data;
    expect(index).toHaveLength(14);
    expect(index.map((r) => r.sheet)).toEqual([...Array(12).fill('0'), '1', '1']);
    for (const r of index) expect(Number(r.w)).toBeGreaterThanOrEqual(40);
    const meta = await sharp(join(out, 'sheet-000.png')).metadata();
    expect([meta.width, meta.height]).toEqual([3 * 420, 4 * (190 + 8)]);
    expect(existsSync(join(out, 'sheet-001.png'))).toBe(true);
  });

  it('every training label names a box of the COCO file, and the scene folders hold only read images', () => {
    const labels = Papa.parse<Record<string, string>>(readFileSync(join(TRAINING, 'labels', 'openimages-train-text.csv'), 'utf8'), { header: true, skipEmptyLines: true }).data;
    expect(labels).toHaveLength(571);
    expect(labels.filter((r) => r.plate).length).toBe(361);
    for (const r of labels) expect(r.plate).toMatch(/^[A-Z0-9]{0,10}$/);
    const counts = JSON.parse(py(['text_scenes.py', '--split', 'train', '--out', join(dir, 'train-text')]).trim()) as Record<string, { images: number; plates: number }>;
    expect(counts).toEqual({ legible: { images: 242, plates: 266 }, us: { images: 74, plates: 80 } });
    const { samples } = loadScenes(join(dir, 'train-text', 'us'));
    expect(samples).toHaveLength(74);
    // every plate of those images has a text, and each comes from a US row of the labels
    const us = new Set(labels.filter((r) => r.region === 'US' && r.plate).map((r) => `${r.file}|${r.plate}`));
    for (const s of samples) for (const p of s.plates) expect(us.has(`${s.file.split('/').pop()}|${p.text}`)).toBe(true);
    expect(readdirSync(join(dir, 'train-text', 'legible')).filter((f) => f.endsWith('.txt'))).toHaveLength(242);
  });
});
