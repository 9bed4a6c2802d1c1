// The browser tests' server: a real `twostep serve` in a fresh temporary data directory
// (--listen 127.0.0.1:0, the port read from DATA_DIR/listen.port), an admin token from the
// CLI, the admin API over HTTPS trusting the server's own certificate, and its SMS outbox.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';

import { program, run, stopChild, tempDir, track, waitFor } from './processes.mjs';
import { currentTest, onCleanup } from './runner.mjs';

export const kPassword = 'Quiet-Harbor-Lantern-4417';

export class HttpError extends Error {
  constructor(method, target, response) {
    const error = (response.json && response.json.error) || {};
    super(`${method} ${target} -> ${response.status} ${error.code || ''} ${error.message || response.text}`);
    this.status = response.status;
    this.code = error.code || '';
    this.correlationId = error.correlation_id || response.headers['x-correlation-id'] || '';
    this.body = response.json;
  }
}

class Server {
  constructor(root, dataDir, child) {
    this.root = root;
    this.dataDir = dataDir;
    this.child = child;
    this.certPath = path.join(dataDir, 'tls', 'cert.pem');
    this.port = 0;
    this.url = '';
    this.adminToken = '';
  }

  log() {
    const read = (name) => {
      try {
        return fs.readFileSync(path.join(this.root, name), 'utf8');
      } catch {
        return '';
      }
    };
    return read('stdout.log') + read('server.log');
  }

  cli(args) {
    return run(program('twostep'), [...args, '--data-dir', this.dataDir]);
  }

  request(method, target, body, { token, headers = {} } = {}) {
    const bearer = token === undefined ? this.adminToken : token;
    const payload = body === undefined ? null : Buffer.from(JSON.stringify(body));
    const allHeaders = { Accept: 'application/json', ...headers };
    if (bearer) allHeaders.Authorization = `Bearer ${bearer}`;
    if (payload) {
      allHeaders['Content-Type'] = 'application/json';
      allHeaders['Content-Length'] = payload.length;
    }
    const ca = fs.readFileSync(this.certPath);
    return new Promise((resolve, reject) => {
      const req = https.request({
        host: '127.0.0.1', port: this.port, path: target, method, headers: allHeaders, ca,
        checkServerIdentity: () => undefined, timeout: 40000,
      }, (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json = null;
          try {
            json = text ? JSON.parse(text) : null;
          } catch {
            json = null;
          }
          resolve({ status: res.statusCode, headers: res.headers, text, json });
        });
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${target} timed out`)));
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  }

  async api(method, target, body, options) {
    const response = await this.request(method, target, body, options);
    if (response.status < 200 || response.status > 299) throw new HttpError(method, target, response);
    return response.json;
  }

  outbox() {
    const file = path.join(this.dataDir, 'outbox.jsonl');
    if (!fs.existsSync(file)) return [];
    return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
  }

  lastCode(to) {
    const lines = this.outbox().filter((line) => line.code && (!to || line.to === to));
    return lines.length ? lines[lines.length - 1].code : '';
  }

  async stop() {
    if (!this.child) return 0;
    const child = this.child;
    this.child = null;
    return stopChild(child, 15000);
  }
}

export async function startServer({ config = '', args = [], env = {} } = {}) {
  const state = currentTest();
  const root = tempDir('server');
  const dataDir = path.join(root, 'data');
  const argv = ['serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir];
  if (config) {
    fs.writeFileSync(path.join(root, 'twostep.toml'), config);
    argv.push('--config', path.join(root, 'twostep.toml'));
  }
  argv.push(...args);
  const out = fs.openSync(path.join(root, 'stdout.log'), 'w');
  const err = fs.openSync(path.join(root, 'server.log'), 'w');
  const child = track(spawn(program('twostep'), argv, {
    stdio: ['ignore', out, err],
    env: { ...process.env, ...env },
  }));
  fs.closeSync(out);
  fs.closeSync(err);
  const server = new Server(root, dataDir, child);
  state.servers.push(server);
  onCleanup(async () => {
    const status = await server.stop();
    if (status !== 0) throw new Error(`twostep serve exited with status ${status} on SIGTERM\n${server.log().slice(-4000)}`);
  });
  const portFile = path.join(dataDir, 'listen.port');
  await waitFor(() => {
    if (child.exitCode !== null) throw new Error(`twostep serve exited with status ${child.exitCode}`);
    return fs.existsSync(portFile) && fs.readFileSync(portFile, 'utf8').trim();
  }, { timeout: 60000, interval: 20, message: 'twostep serve to write listen.port' }).then((text) => {
    server.port = Number.parseInt(text, 10);
  });
  server.url = `https://127.0.0.1:${server.port}`;
  const token = server.cli(['admin', 'token', 'create', '--name', 'browser-tests']);
  if (token.status !== 0) throw new Error(`admin token create failed: ${token.stderr}`);
  server.adminToken = token.stdout.trim();
  return server;
}

export async function createUser(server, { username, displayName, password, role } = {}) {
  const body = { username, display_name: displayName || username };
  if (password) body.password = password;
  if (role) body.role = role;
  return server.api('POST', '/v1/users', body);
}
