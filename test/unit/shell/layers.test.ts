// Layer rules of the design (STYLE 4), checked on the source tree so a violation fails a test
// even if lint is skipped: the core never imports Electron or a shell; the renderer never
// imports the core or Node; the shell's window is isolated and sandboxed.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '../../..');

function files(dir: string, ext: RegExp): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (ext.test(name)) out.push(p);
    }
  };
  try {
    walk(join(root, dir));
  } catch {
    // a folder not there yet has nothing to break
  }
  return out;
}

const importsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm)].map(
    (m) => m[1] ?? m[2]!,
  );

describe('layers', () => {
  it('the core and the engine never import electron or a shell', () => {
    const bad = [...files('electron/core', /\.ts$/), ...files('native', /\.ts$/)].flatMap((f) =>
      importsOf(f)
        .filter((i) => i === 'electron' || /\/(shell|host|cli)\//.test(i))
        .map((i) => `${relative(root, f)} imports ${i}`),
    );
    expect(bad).toEqual([]);
  });

  it('the renderer never imports the core, native modules or Node', () => {
    const bad = files('renderer/src', /\.tsx?$/).flatMap((f) =>
      importsOf(f)
        .filter((i) => /electron\/core|\/core\/|^node:|^electron$|better-sqlite3|onnxruntime|^fs$|^path$/.test(i) && !i.startsWith('@mantine/'))
        .map((i) => `${relative(root, f)} imports ${i}`),
    );
    expect(bad).toEqual([]);
  });

  it('the window is created isolated, sandboxed, without Node', () => {
    const src = readFileSync(join(root, 'electron/shell/security.ts'), 'utf8');
    expect(src).toMatch(/contextIsolation: true/);
    expect(src).toMatch(/sandbox: true/);
    expect(src).toMatch(/nodeIntegration: false/);
    expect(src).toMatch(/webviewTag: false/);
    expect(readFileSync(join(root, 'electron/shell/main.ts'), 'utf8')).toMatch(/webPreferences: secureWebPreferences\(/);
  });
});
