// The browser tests' phone: the reference companion app (twostep-device) activated from
// an activation URI or QR image, printing TOTP codes and answering pushes; plus QR decoding
// (zbarimg) and TOTP codes of third-party app secrets (oathtool).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { program, run, stopChild, tempDir, track, waitFor } from './processes.mjs';
import { onCleanup } from './runner.mjs';

export function decodeQr(pngBytes) {
  const dir = tempDir('qr');
  const file = path.join(dir, 'qr.png');
  fs.writeFileSync(file, pngBytes);
  const result = run('zbarimg', ['--raw', '-q', file]);
  if (result.status !== 0) throw new Error(`zbarimg could not read the QR image (status ${result.status})`);
  return result.stdout.trim();
}

export function oathCode(secretBase32) {
  const result = run('oathtool', ['--totp', '-b', secretBase32]);
  if (result.status !== 0) throw new Error(`oathtool failed: ${result.stderr}`);
  return result.stdout.trim();
}

function jsonLines(text) {
  return text.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
}

class Listener {
  constructor(child) {
    this.child = child;
    this.lines = [];
    this.stderr = '';
    let buffer = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      const parts = buffer.split('\n');
      buffer = parts.pop();
      this.lines.push(...jsonLines(parts.join('\n')));
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      this.stderr += chunk;
    });
  }

  waitFor(type, { timeout = 20000, where = () => true } = {}) {
    return waitFor(() => this.lines.find((line) => line.type === type && where(line)), {
      timeout, interval: 50, message: `twostep-device listen to print "${type}" (so far: ${JSON.stringify(this.lines)} ${this.stderr})`,
    });
  }

  answer(text) {
    this.child.stdin.write(`${text}\n`);
  }

  stop() {
    return stopChild(this.child, 5000);
  }
}

export class Device {
  constructor(server, dir, activated) {
    this.server = server;
    this.statePath = path.join(dir, 'device.state');
    this.activated = activated;
    this.id = activated.device_id;
  }

  static async activate(server, { qrPng, uri, name = 'Browser test phone', platform = 'android' } = {}) {
    const dir = tempDir('device');
    const args = ['activate', '--state', path.join(dir, 'device.state'), '--ca', server.certPath,
      '--name', name, '--platform', platform];
    if (qrPng) {
      fs.writeFileSync(path.join(dir, 'qr.png'), qrPng);
      args.push('--qr', path.join(dir, 'qr.png'));
    } else {
      args.push('--uri', uri);
    }
    const result = run(program('twostep-device'), args);
    const activated = jsonLines(result.stdout).find((line) => line.type === 'activated');
    if (result.status !== 0 || !activated) {
      throw new Error(`twostep-device activate failed (${result.status}): ${result.stderr}${result.stdout}`);
    }
    return new Device(server, dir, activated);
  }

  code() {
    const result = run(program('twostep-device'), ['code', '--state', this.statePath]);
    if (result.status !== 0) throw new Error(`twostep-device code failed: ${result.stderr}`);
    return result.stdout.trim();
  }

  listen({ interactive = false, approveWith, deny = false, fraud = false, timeout = 60 } = {}) {
    const args = ['listen', '--state', this.statePath, '--timeout', String(timeout)];
    if (interactive) args.push('--interactive');
    if (approveWith !== undefined) args.push('--approve-with', String(approveWith));
    if (deny) args.push('--deny');
    if (fraud) args.push('--fraud');
    const child = track(spawn(program('twostep-device'), args, { stdio: ['pipe', 'pipe', 'pipe'] }));
    const listener = new Listener(child);
    onCleanup(() => listener.stop());
    return listener;
  }
}

export async function addDevice(server, user, { name } = {}) {
  const activation = await server.api('POST', `/v1/users/${user.id}/authenticators/activations`, {});
  return Device.activate(server, { uri: activation.activation_uri, name });
}
