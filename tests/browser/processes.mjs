// The browser tests' child processes and temporary folders: started programs are tracked
// and killed when the test process ends, however it ends; temporary folders are removed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const binaryDir = process.env.TWOSTEP_BINARY_DIR || '';

const children = new Set();
const tempDirs = new Set();

export function killAll() {
  for (const child of children) {
    try {
      child.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  }
  children.clear();
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

export function tempDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `twostep-browser-${prefix}-`));
  tempDirs.add(dir);
  return dir;
}

export function program(name) {
  if (!binaryDir) throw new Error('TWOSTEP_BINARY_DIR is not set (ctest sets it; see tests/browser/CMakeLists.txt)');
  const file = path.join(binaryDir, 'bin', name);
  if (!fs.existsSync(file)) throw new Error(`${file} does not exist: build it first (ninja twostep twostep-device)`);
  return file;
}

export function track(child) {
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

function exited(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? 128);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 0))));
}

export async function stopChild(child, graceMs) {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode ?? 128;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  const status = await exited(child);
  clearTimeout(timer);
  return status;
}

export function run(file, args, options = {}) {
  const result = spawnSync(file, args, { encoding: 'utf8', timeout: 30000, ...options });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export async function waitFor(fn, { timeout = 15000, interval = 100, message = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
  throw new Error(`timed out after ${timeout} ms waiting for ${message}${lastError ? `: ${lastError.message}` : ''}`);
}
