// Starts the browser host as a child process on a fresh, temporary data folder and a free
// port, exactly as a person would (`canvass serve --json`), and stops it afterwards.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

// From import.meta (not __dirname) so the map benchmark can start a host through tsx's ESM loader too.
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface RunningHost {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

export async function startHost(): Promise<RunningHost> {
  const dataDir = mkdtempSync(join(tmpdir(), 'canvass-e2e-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [join(ROOT, 'bin/canvass.js'), 'serve', '--data-dir', dataDir, '--port', '0', '--json'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      }
    }
    rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 });
  };
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`canvass serve did not report a URL within 60 s.\n${stderr}`)),
      60_000,
    );
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      try {
        const msg = JSON.parse(line) as { url?: string; error?: { message: string } };
        if (msg.url) {
          clearTimeout(timer);
          resolve(msg.url);
        } else if (msg.error) {
          clearTimeout(timer);
          reject(new Error(`canvass serve failed: ${msg.error.message}`));
        }
      } catch {
        // not the JSON line; ignore
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`canvass serve exited with ${code} before listening.\n${stderr}`));
    });
  }).catch(async (e: unknown) => {
    // never started: stop what did start and leave no data folder behind
    await stop();
    throw e;
  });
  return { url, dataDir, stop };
}
