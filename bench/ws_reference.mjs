// The reference of the idle-device benchmark: a Node.js `ws` WSS server on Node's https
// server, speaking just enough of twostep's device protocol (hello, then `ready` after the
// device's auth frame, signature not checked) for `twostep-device load` to hold its devices
// on it exactly as on twostep. Usage: node bench/ws_reference.mjs CERT KEY PORT_FILE
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { WebSocketServer } from 'ws';

const [cert, key, portFile] = process.argv.slice(2);
const server = https.createServer({
  cert: readFileSync(cert),
  key: readFileSync(key),
  minVersion: 'TLSv1.3',
});
const wss = new WebSocketServer({ server, path: '/v1/device/ws', perMessageDeflate: false, maxPayload: 64 * 1024 });
wss.on('connection', (ws) => {
  ws.send(JSON.stringify({ type: 'hello', nonce: randomBytes(32).toString('base64url') }));
  ws.once('message', () => ws.send(JSON.stringify({ type: 'ready', pending: 0 })));
});
server.listen(0, '127.0.0.1', () => writeFileSync(portFile, `${server.address().port}\n`));
process.on('SIGTERM', () => process.exit(0));
