// The server's clock for browser tests: test builds of `twostep serve` add the number of
// seconds held in the file TWOSTEP_TEST_CLOCK_FILE to their time (core/server_clock.hpp;
// release builds ignore it). Pass `clock.env` to startServer({env}) and move time forward
// with clock.advance(seconds) instead of waiting.
//
//   const clock = testClock(t);
//   const server = await startServer({ env: clock.env });
//   clock.advance(100 * 86400);          // the server now lives 100 days ahead
//   clock.now()                          // Unix seconds on the server's clock
//   totpAt(secret, clock.now())          // an OATH code for the server's time
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const kDay = 86400;

/** A clock file starting at offset 0, removed after the test (t.defer). */
export function testClock(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twostep-clock-'));
  const file = path.join(dir, 'offset');
  fs.writeFileSync(file, '0');
  t.defer(() => fs.rmSync(dir, { recursive: true, force: true }));
  let offset = 0;
  return {
    env: { TWOSTEP_TEST_CLOCK_FILE: file },
    advance(seconds) {
      offset += seconds;
      // Write-then-rename, so the server never reads a half-written number.
      fs.writeFileSync(`${file}.new`, String(offset));
      fs.renameSync(`${file}.new`, file);
    },
    now() {
      return Math.floor(Date.now() / 1000) + offset;
    },
  };
}

/** The TOTP code of a base32 secret at Unix time `unixSeconds` (oathtool). */
export function totpAt(secretBase32, unixSeconds) {
  const result = spawnSync('oathtool', ['--totp', '-b', `--now=@${unixSeconds}`, secretBase32], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`oathtool failed: ${result.stderr}`);
  return result.stdout.trim();
}
