'use strict';
// One load-client process of ReHome's load benchmark, used for BOTH stacks so the comparison is fair.
// Derived from ../shared/perfpeer/client.js; the benchmark copies it over client.js in its temp copy
// of perfpeer, so the peer's run.js forks this file too (and it finds perfpeer's node_modules).
//
// Opens CONNS connections (global ids CONN_START..CONN_START+CONNS-1); connection c watches thread
// floor(c / CLIENTS_PER_THREAD). Per connection it records every seq once (a seq seen again is a
// duplicate, one below the highest seen is out of order), and for a token inside the measurement
// window the latency of its FIRST receipt. No replay: it counts the live path's raw deliveries.
//
// KIND=socketio (the peer; payload {th, s, t, m}: latency = CLOCK_MONOTONIC µs now − t, window = m === 1)
// KIND=signalr  (ReHome; payload agent.thread.token {threadId, runId, streamId, seq, token, emittedAt, epoch}:
//                latency = wall clock now (performance.timeOrigin + performance.now(), sub-ms) − emittedAt
//                (Unix ms, fractional), window = emittedAt in [from, to) given with the stop command)
//
// Forked by run.js (process.send exists): IPC messages, as perfpeer's client. Started by the .NET
// benchmark: JSON lines on stdout ({type:'ready'}, {type:'result'}) and one stop command on stdin:
// {"type":"stop","from":<Unix ms>,"to":<Unix ms>,"ranges":{"<threadId>":[firstSeq,lastSeq]}}, the
// seqs each thread's log holds with emittedAt in the window (the truth lost deliveries are counted against).
// Besides the result message it writes OUT/lat-IDX.bin (Float32 µs, window latencies) and
// OUT/summary-IDX.json (counts).
const fs = require('fs');
const path = require('path');
const { performance } = require('perf_hooks');
const { nowUs } = require('./lib/common');

const KIND = process.env.KIND || 'socketio';
const URL = process.env.URL || 'http://127.0.0.1:3101';
const CONN_START = Number(process.env.CONN_START || 0);
const CONNS = Number(process.env.CONNS || 1);
const CPT = Number(process.env.CLIENTS_PER_THREAD || 1);
const EVENT = process.env.EVENT || (KIND === 'signalr' ? 'agent.thread.token' : 'token');
const JOIN = process.env.JOIN_METHOD || (KIND === 'signalr' ? 'Subscribe' : 'join');
const OUT = process.env.OUT || path.join(__dirname, 'results');
const IDX = process.env.CLIENT_INDEX || '0';
const ACCESS_TOKEN = process.env.ACCESS_TOKEN || '';
const THREAD_IDS = (process.env.THREAD_IDS || '').split(',').filter(Boolean); // ReHome thread ids; index = thread number
// The peer's schedule (set by the .NET benchmark on run.js's environment, which passes it on):
// token k at start + k/(THREADS*RATE) for thread k % THREADS; measured when scheduled after the warm-up.
const PEER_THREADS = Number(process.env.LOAD_THREADS || 0);
const PEER_RATE = Number(process.env.LOAD_RATE || 0);
const PEER_WARMUP_S = Number(process.env.LOAD_WARMUP_S || 0);
const PEER_MEASURE_S = Number(process.env.LOAD_MEASURE_S || 0);

const wallMs = () => performance.timeOrigin + performance.now();

// Per connection: seqs seen (byte per seq), counts.
const seen = Array.from({ length: CONNS }, () => new Uint8Array(1024));
const maxSeq = new Float64Array(CONNS).fill(-1);
const conn = Array.from({ length: CONNS }, () => ({ minM1: Infinity, maxM1: -1, maxM0: -1 }));
let received = 0, dups = 0, ooo = 0;
// First receipts: key (emittedAt for ReHome, m for the peer) and latency in µs.
let cap = 1 << 16, keys = new Float64Array(cap), lats = new Float32Array(cap), n = 0;

function record(ci, seq, key, latUs) {
  received++;
  let s = seen[ci];
  if (seq >= s.length) { let len = s.length; while (seq >= len) len *= 2; const b = new Uint8Array(len); b.set(s); seen[ci] = s = b; }
  if (s[seq]) { dups++; return; }
  s[seq] = 1;
  if (seq < maxSeq[ci]) ooo++; else maxSeq[ci] = seq;
  if (n === cap) {
    cap *= 2;
    const k = new Float64Array(cap); k.set(keys); keys = k;
    const l = new Float32Array(cap); l.set(lats); lats = l;
  }
  keys[n] = key; lats[n++] = latUs;
}

function onPeerToken(ci, p) {
  const r = nowUs();
  const c = conn[ci];
  if (p.m === 1) { c.minM1 = Math.min(c.minM1, p.s); c.maxM1 = Math.max(c.maxM1, p.s); } else c.maxM0 = Math.max(c.maxM0, p.s);
  record(ci, p.s, p.m, r - p.t);
}

function onReHomeToken(ci, p) {
  const r = wallMs();
  record(ci, p.seq, p.emittedAt, (r - p.emittedAt) * 1000);
}

async function openSocketIo(ci, thread) {
  const { io } = require('socket.io-client');
  const s = io(URL, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: 20000 });
  s.on(EVENT, (p) => onPeerToken(ci, p));
  await new Promise((res, rej) => { s.once('connect', res); s.once('connect_error', rej); });
  await new Promise((res) => s.emit(JOIN, [thread], res));
  return () => s.close();
}

let rehomeClientModule;
/** @rehome/client (ESM), from REHOME_CLIENT_MODULE: the package's entry in the repository. */
function rehomeClient() {
  rehomeClientModule ??= import(require('url').pathToFileURL(process.env.REHOME_CLIENT_MODULE).href);
  return rehomeClientModule;
}

async function openSignalR(ci, thread) {
  const threadId = THREAD_IDS[thread];
  if (!threadId) throw new Error(`no thread id for thread ${thread} (THREAD_IDS has ${THREAD_IDS.length})`);
  // Built as @rehome/client builds its connection, bare: every live delivery is counted, duplicates
  // included, and nothing is replayed — what the socket.io side's clients see too.
  const { createHubConnection } = await rehomeClient();
  const c = createHubConnection({ url: URL, accessTokenFactory: () => ACCESS_TOKEN, logLevel: 4 /* LogLevel.Error */ });
  c.on(EVENT, (p) => onReHomeToken(ci, p));
  await c.start();
  await c.invoke(JOIN, threadId);
  return () => c.stop();
}

// The measured seqs of a connection: [first, last] of its thread, and how many of them it received.
function measuredRange(ci, ranges) {
  const thread = Math.floor((CONN_START + ci) / CPT);
  if (KIND === 'signalr') {
    const r = ranges && ranges[THREAD_IDS[thread]];
    return r ? [r[0], r[1]] : [1, 0];
  }
  // The peer: thread th's seq q is global token k = q*THREADS + th; measured iff k in [W*total, (W+M)*total).
  // Float rounding in the emitter can move a boundary by one token; the m flags seen correct it.
  const total = PEER_THREADS * PEER_RATE;
  let first = Math.ceil((PEER_WARMUP_S * total - thread) / PEER_THREADS);
  let last = Math.ceil(((PEER_WARMUP_S + PEER_MEASURE_S) * total - thread) / PEER_THREADS) - 1;
  const c = conn[ci];
  if (c.maxM0 >= first) first = c.maxM0 + 1;
  if (c.minM1 < first) first = c.minM1;
  if (c.maxM1 > last) last = c.maxM1;
  return [first, last];
}

function result(stop) {
  let expected = 0, measured = 0;
  for (let ci = 0; ci < CONNS; ci++) {
    const [first, last] = measuredRange(ci, stop.ranges);
    const s = seen[ci];
    for (let q = Math.max(0, first); q <= last; q++) { expected++; if (q < s.length && s[q]) measured++; }
  }
  const inWindow = KIND === 'signalr' ? (k) => k >= stop.from && k < stop.to : (k) => k === 1;
  const out = new Float32Array(n); let m = 0;
  for (let i = 0; i < n; i++) if (inWindow(keys[i])) out[m++] = lats[i];
  const file = path.join(OUT, `lat-${IDX}.bin`);
  fs.writeFileSync(file, Buffer.from(out.buffer, 0, m * 4));
  const summary = { conns: CONNS, received, expected, measured, lost: expected - measured, dups, ooo, latencies: m };
  fs.writeFileSync(path.join(OUT, `summary-${IDX}.json`), JSON.stringify(summary));
  // measuredRecv / gaps / ooo: the fields perfpeer's run.js reads.
  return { type: 'result', file, measuredRecv: measured, gaps: expected - measured, ...summary };
}

async function main() {
  const send = process.send ? (m) => process.send(m) : (m) => process.stdout.write(JSON.stringify(m) + '\n');
  const open = KIND === 'signalr' ? openSignalR : openSocketIo;
  const closers = [];
  const BATCH = 50; // open connections in small batches
  for (let i = 0; i < CONNS; i += BATCH) {
    const ps = [];
    for (let j = i; j < Math.min(CONNS, i + BATCH); j++) ps.push(open(j, Math.floor((CONN_START + j) / CPT)));
    closers.push(...(await Promise.all(ps)));
  }
  const onStop = (m) => {
    if (!m || m.type !== 'stop') return;
    send(result(m));
    for (const c of closers) { try { c(); } catch (e) { /* closing anyway */ } }
    setTimeout(() => process.exit(0), 100);
  };
  if (process.send) process.on('message', onStop);
  else {
    let buf = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (d) => {
      buf += d; let i;
      while ((i = buf.indexOf('\n')) >= 0) { const line = buf.slice(0, i); buf = buf.slice(i + 1); if (line.trim()) onStop(JSON.parse(line)); }
    });
    process.stdin.on('end', () => process.exit(0)); // the benchmark went away
  }
  send({ type: 'ready', conns: closers.length });
}
main().catch((e) => {
  const m = { type: 'error', error: String((e && e.stack) || e) };
  if (process.send) process.send(m); else process.stdout.write(JSON.stringify(m) + '\n');
  process.exit(1);
});
