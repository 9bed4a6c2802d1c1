// The browser tests' harness: a real `twostep serve` in a temporary data directory, the
// admin API, the reference companion app (`twostep-device`), Debian's Chromium driven by
// playwright-core, and a tiny test runner. Each *.spec.mjs file is one ctest
// (tests/browser/CMakeLists.txt); TWOSTEP_BINARY_DIR names the build directory. Specs
// import everything from here; the work is in runner.mjs (the test runner), processes.mjs
// (children, temp folders), server.mjs, device.mjs (companion app, QR, OATH) and
// browser.mjs (Chromium and the sign-in page's steps).
//
// Exports (all async unless noted):
//   test(name, fn)                       (sync) registers a test; fn(t) gets
//       t.defer(fn)   run fn after the test (in reverse order), pass or fail
//       t.log(...)    print a line prefixed with the test's name
//     Call test() at the top level of a spec (no top-level await before it). The tests of
//     a file run one after the other; the process exits 1 if any failed. On a failure the
//     harness prints the error, the page URLs and a screenshot path, and the tail of the log
//     of every server the test started. Every child process is killed at the end.
//   startServer({config?: string (TOML), args?: string[], env?: object}) -> Server
//       started with --listen 127.0.0.1:0 in a fresh temp dir; stopped (SIGTERM) after the
//       test by itself. A Server has:
//         url            "https://127.0.0.1:PORT" (also the public URL the server uses)
//         port, dataDir, certPath
//         adminToken     from `twostep admin token create --name browser-tests`
//         api(method, path, body?, {token?, headers?}) -> parsed JSON (null when empty);
//                        throws HttpError {status, code, message, correlationId, body}
//                        for a non-2xx answer. Uses adminToken unless token is given
//                        (token: null sends no Authorization).
//         request(method, path, body?, {token?, headers?}) -> {status, headers, text, json}
//         cli(args[])    -> {status, stdout, stderr}: `twostep ARGS --data-dir DIR`
//         outbox()       -> the SMS/voice outbox lines (objects) written so far
//         lastCode(to?)  -> the newest outbox code (optionally for number `to`)
//         log()          -> the server's log text
//         stop()         -> exit status (SIGTERM, SIGKILL after 15 s)
//   class HttpError extends Error {status, code, correlationId, body}   what server.api throws
//   createUser(server, {username, displayName?, password?, role?: 'user'|'admin'})
//       -> the POST /v1/users answer ({id, username, ..., registration_url}).
//   kPassword                             (const) a password the server accepts
//   openBrowser({width = 1280, height = 800} = {}) -> {browser, context, page}
//       Chromium (/usr/bin/chromium, headless, --no-sandbox), a context that ignores the
//       self-signed certificate; closed after the test by itself. The test fails if any
//       page of it reported a Content-Security-Policy violation or an uncaught script error.
//   decodeQr(pngBytes: Buffer) -> string  the text of a QR image (zbarimg --raw -q)
//   qrFromImage(page, selector) -> string  fetches the <img>'s src in the page (with the
//       page's cookies) and decodes it
//   oathCode(secretBase32) -> string      the current TOTP code of a secret (oathtool)
//   class Device — the reference companion app:
//       Device.activate(server, {qrPng?: Buffer, uri?: string, name?, platform?}) -> Device
//       addDevice(server, user, {name?}) -> Device   (an admin activation, then activate)
//       device.id, device.statePath, device.activated (the activate command's JSON line)
//       device.code() -> string                      `twostep-device code`
//       device.listen({interactive?, approveWith?, deny?, fraud?, timeout = 60})
//           -> Listener (stopped after the test by itself):
//              listener.lines            JSON lines printed so far
//              listener.waitFor(type, {timeout = 20000, where?: line => bool}) -> line
//              listener.answer(text)     writes "text\n" to --interactive's stdin
//              listener.stop()           SIGTERM, resolves with the exit status
//   enterPassword(page, server, {username, password = kPassword}) -> void
//       opens the sign-in page (/), types the username and password and presses Enter
//       (it waits for nothing after that).
//   signIn(page, server, {username, password = kPassword, device}) -> void
//       drives the sign-in page (/) with the password and device.code() (TOTP) and waits
//       until the browser is at /security-info.
//   waitFor(fn, {timeout = 15000, interval = 100, message?}) -> fn's first truthy value
//   assert                                 node:assert/strict, re-exported
import assert from 'node:assert/strict';

export { assert };
export { waitFor } from './processes.mjs';
export { test } from './runner.mjs';
export { HttpError, kPassword, startServer, createUser } from './server.mjs';
export { Device, addDevice, decodeQr, oathCode } from './device.mjs';
export { openBrowser, qrFromImage, enterPassword, signIn } from './browser.mjs';
