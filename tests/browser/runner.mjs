// The browser tests' runner: test(name, fn) registers a test; the tests of a spec file run
// one after the other, each with its own cleanups; a failure prints the error, the open
// pages (text and a screenshot) and the logs of the servers the test started; the process
// exits 1 if any test failed. Other harness modules reach the running test through
// currentTest() and onCleanup(), and add checks run before the first test through
// addPrerequisite().
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { binaryDir, killAll } from './processes.mjs';

const specName = path.basename(process.argv[1] || 'spec', '.spec.mjs');
const prerequisites = [];

const tests = [];
let current = null;
let scheduled = false;

export function test(name, fn) {
  tests.push({ name, fn });
  if (!scheduled) {
    scheduled = true;
    setImmediate(runAll);
  }
}

export function addPrerequisite(check) {
  prerequisites.push(check);
}

export function currentTest() {
  if (!current) throw new Error('harness resources must be made inside a test');
  return current;
}

export function onCleanup(fn) {
  currentTest().cleanups.push(fn);
}

async function reportFailure(state, error) {
  console.error(`not ok - ${state.name}\n${error && error.stack ? error.stack : error}`);
  for (const page of state.pages) {
    if (page.isClosed()) continue;
    const shot = path.join(binaryDir || os.tmpdir(), 'browser-failures',
      `${specName}-${state.name.replace(/[^a-z0-9]+/gi, '_')}-${state.pages.indexOf(page)}.png`);
    try {
      fs.mkdirSync(path.dirname(shot), { recursive: true });
      await page.screenshot({ path: shot, fullPage: true, timeout: 5000 });
      const text = await page.locator('body').innerText({ timeout: 2000 });
      console.error(`---- page ${page.url()} (screenshot ${shot}) ----\n${text}`);
    } catch (shotError) {
      console.error(`---- page ${page.url()} (no screenshot: ${shotError.message}) ----`);
    }
  }
  for (const server of state.servers) {
    const text = server.log();
    const tail = text.length > 20000 ? text.slice(-20000) : text;
    console.error(`---- server log ${server.url} (last ${tail.length} bytes) ----\n${tail}`);
  }
}

async function runOne(entry) {
  const state = { name: entry.name, cleanups: [], servers: [], pages: [] };
  current = state;
  const t = {
    defer: (fn) => state.cleanups.push(fn),
    log: (...args) => console.log(`# [${entry.name}]`, ...args),
  };
  const started = Date.now();
  let failure = null;
  try {
    await entry.fn(t);
  } catch (error) {
    failure = error;
  }
  if (failure) await reportFailure(state, failure);
  for (const cleanup of state.cleanups.reverse()) {
    try {
      await cleanup();
    } catch (error) {
      if (!failure) {
        failure = error;
        console.error(`not ok - ${entry.name} (cleanup)\n${error.stack || error}`);
      }
    }
  }
  current = null;
  if (!failure) console.log(`ok - ${entry.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return !failure;
}

async function runAll() {
  let failed = 0;
  try {
    for (const check of prerequisites) await check();
    for (const entry of tests) {
      if (!(await runOne(entry))) failed += 1;
    }
  } catch (error) {
    console.error(`not ok - ${specName}: ${error.message}`);
    failed += 1;
  }
  console.log(`# ${tests.length - failed}/${tests.length} passed`);
  killAll();
  process.exit(failed ? 1 : 0);
}
