#!/usr/bin/env node
// A tiny webhook receiver for trying Jinba Webhooks locally. No dependencies; Node.js 20+.
//
//   node samples/receiver/receiver.mjs --port 5005 --secret whsec_...
//
// It checks both signatures of every delivery, answers 200 when both are valid and 401
// otherwise, and prints what it received. `--fail N` answers 500 to the first N
// requests so you can watch the service retry.

import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

const HOST = '127.0.0.1';
const TOLERANCE_SECONDS = 5 * 60;
const MAX_BODY_BYTES = 5 * 1024 * 1024;

const usage = `Usage: node receiver.mjs --port <port> --secret <whsec_...> [--fail <n>]

  --port    port to listen on at ${HOST} (default 5005)
  --secret  the webhook's signing secret (or set WEBHOOK_SECRET)
  --fail    answer 500 to the first <n> requests (default 0)`;

function fail(message) {
  console.error(`${message}\n\n${usage}`);
  process.exit(2);
}

let options;
try {
  ({ values: options } = parseArgs({
    options: {
      port: { type: 'string', default: '5005' },
      secret: { type: 'string' },
      fail: { type: 'string', default: '0' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (err) {
  fail(err.message);
}

if (options.help) {
  console.log(usage);
  process.exit(0);
}

const port = Number(options.port);
const failFirst = Number(options.fail);
const secret = options.secret ?? process.env.WEBHOOK_SECRET ?? '';

if (!Number.isInteger(port) || port < 1 || port > 65535) {
  fail(`Invalid --port: ${options.port}`);
}
if (!Number.isInteger(failFirst) || failFirst < 0) {
  fail(`Invalid --fail: ${options.fail}`);
}
if (!secret.startsWith('whsec_')) {
  fail('A secret starting with whsec_ is required (--secret or WEBHOOK_SECRET).');
}

// X-Webhook-Signature is keyed with the whole secret string; Standard Webhooks with the
// bytes that the base64 part after the prefix encodes.
const legacyKey = Buffer.from(secret, 'utf8');
const standardKey = Buffer.from(secret.slice('whsec_'.length), 'base64');

function sameBytes(a, b) {
  return a.length === b.length && timingSafeEqual(a, b);
}

// X-Webhook-Signature: sha256=<hex>[,sha256=<hex>...]
function verifyLegacy(header, body) {
  if (!header) {
    return 'missing header';
  }
  const expected = Buffer.from(
    'sha256=' + createHmac('sha256', legacyKey).update(body).digest('hex'));
  const candidates = header.split(',').map((value) => Buffer.from(value.trim()));
  return candidates.some((candidate) => sameBytes(candidate, expected))
    ? 'ok'
    : 'no matching signature';
}

// webhook-signature: v1,<base64>[ v1,<base64>...] over "<id>.<timestamp>.<body>"
function verifyStandard(id, timestamp, header, body) {
  if (!id || !timestamp || !header) {
    return 'missing webhook-id, webhook-timestamp or webhook-signature';
  }
  if (!/^\d+$/.test(timestamp)) {
    return 'malformed timestamp';
  }
  const age = Math.floor(Date.now() / 1000) - Number(timestamp);
  if (Math.abs(age) > TOLERANCE_SECONDS) {
    return `timestamp outside the 5 minute window (${age} s)`;
  }

  const expected = createHmac('sha256', standardKey)
    .update(`${id}.${timestamp}.`)
    .update(body)
    .digest();
  const matches = header
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .some((entry) => sameBytes(Buffer.from(entry.slice(3), 'base64'), expected));
  return matches ? 'ok' : 'no matching v1 signature';
}

function pretty(body) {
  const text = body.toString('utf8');
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text.length > 2000 ? `${text.slice(0, 2000)}... (not JSON)` : `${text} (not JSON)`;
  }
}

function reply(res, status, message) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(`${message}\n`);
}

let requests = 0;

const server = createServer((req, res) => {
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST');
    reply(res, 405, 'POST only');
    return;
  }

  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      reply(res, 413, 'body too large');
      req.destroy();
      return;
    }
    chunks.push(chunk);
  });

  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const number = ++requests;
    const legacy = verifyLegacy(req.headers['x-webhook-signature'], body);
    const standard = verifyStandard(
      req.headers['webhook-id'],
      req.headers['webhook-timestamp'],
      req.headers['webhook-signature'],
      body);

    let status = legacy === 'ok' && standard === 'ok' ? 200 : 401;
    let note = '';
    if (number <= failFirst) {
      status = 500;
      note = ` (simulated failure ${number}/${failFirst})`;
    }

    const event = req.headers['x-webhook-event'] ?? '-';
    const eventId = req.headers['x-webhook-id'] ?? '-';
    console.log(
      `${new Date().toISOString()} #${number} POST ${req.url} ${event} ${eventId} | ` +
      `X-Webhook-Signature: ${legacy} | webhook-signature: ${standard} | ${status}${note}`);
    console.log(pretty(body));

    const messages = { 200: 'ok', 401: 'bad signature', 500: 'simulated failure' };
    reply(res, status, messages[status]);
  });
});

server.on('error', (err) => {
  console.error(`Cannot listen on ${HOST}:${port}: ${err.message}`);
  process.exit(1);
});

server.listen(port, HOST, () => {
  console.log(`Listening on http://${HOST}:${port}/ (Ctrl+C to stop)`);
  if (failFirst > 0) {
    console.log(`The first ${failFirst} request(s) will get 500.`);
  }
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
