// `npm start`: builds if needed, then opens Canvass in Electron when its binary is on this
// machine, otherwise serves the same app through the browser host on 127.0.0.1 and says so.
// It never triggers Electron's binary download (electron >= 45 fetches it on first launch).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

function electronBinary() {
  const pkg = join(root, 'node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, existsSync(pathFile) ? readFileSync(pathFile, 'utf8') : 'electron');
    return existsSync(p) ? p : null;
  }
  if (!existsSync(pathFile)) return null;
  const bin = join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

const built = ['dist/renderer/index.html', 'dist/electron/main.cjs', 'dist/host-client.js'].every((f) => existsSync(join(root, f)));
if (!built || process.env.CANVASS_REBUILD === '1') {
  console.log('Building Canvass (renderer + shells)…');
  const r = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const bin = electronBinary();
const child = bin
  ? spawn(bin, [join(root, 'dist/electron/main.cjs'), ...args], { cwd: root, stdio: 'inherit' })
  : (console.log(
      'The Electron binary is not installed on this machine (it is never downloaded here), so Canvass runs in the\n' +
        'browser host instead: open the address below in a browser on this computer. Same app, same data.',
    ),
    spawn(process.execPath, [join(root, 'bin/canvass.js'), 'serve', ...args], { cwd: root, stdio: 'inherit' }));
child.on('exit', (code) => process.exit(code ?? 0));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
