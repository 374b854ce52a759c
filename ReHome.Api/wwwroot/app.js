// The live thread page: sign in, create or watch a thread, start and stop runs, watch tokens arrive.
// Everything the hub does goes through rehome-client, as any other page would use it.
import { ReHomeClient } from "/js/rehome-client.js";

const $ = (id) => document.getElementById(id);
const TerminalStatuses = new Set(["completed", "failed", "cancelled", "aborted"]);
const LatencySamples = 500;

/** @type {{ userId: string | null, token: string, expiresAt: number } | null} */
let session = null;
/** @type {ReHomeClient | null} */
let client = null;
/** @type {string | null} */
let threadId = null;
/** @type {Map<string, StreamView>} */
const streams = new Map();
/** @type {string | null} */
let currentStreamId = null;
const latencies = [];

// ---- REST -------------------------------------------------------------------------------------

async function api(method, path, body, { anonymous = false } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (!anonymous) headers.Authorization = `Bearer ${await accessToken()}`;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const json = text ? safeJson(text) : null;
  if (!response.ok) {
    const detail = json?.detail ?? (json?.errors ? Object.entries(json.errors).map(([k, v]) => `${k} ${v}`).join("; ") : "");
    throw new Error(`${method} ${path}: ${response.status} ${json?.title ?? response.statusText}${detail ? ` — ${detail}` : ""}`);
  }

  return json;
}

function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The current token; a dev token close to expiry is renewed, so reconnects keep working. */
async function accessToken() {
  if (!session) throw new Error("sign in first");
  if (session.userId && Date.now() > session.expiresAt - 60_000) {
    const fresh = await api("POST", "/api/dev/token", { userId: session.userId }, { anonymous: true });
    session = { ...session, token: fresh.accessToken, expiresAt: Date.parse(fresh.expiresAt) };
  }

  return session.token;
}

// ---- Connection -------------------------------------------------------------------------------

async function useSession(next, label) {
  await client?.stop();
  session = next;
  threadId = null;
  clearStreams();
  $("current-thread").textContent = "—";
  $("signed-in-as").textContent = `Signed in as ${label}.`;

  client = new ReHomeClient({ url: location.origin, accessTokenFactory: accessToken });
  client.onStateChange(renderConnection);
  await client.start();
  for (const id of ["create-thread", "watch"]) $(id).disabled = false;
  announce(`Signed in as ${label}, connected.`);
}

function renderConnection({ state, attempt, retryInMs, error }) {
  $("connection").dataset.state = state;
  $("connection-state").textContent = state;
  const status = $("reconnect-status");
  if (state === "reconnecting") {
    status.textContent = `attempt ${attempt}, retrying in ${(retryInMs / 1000).toFixed(1)} s${error ? ` (${error.message})` : ""}`;
  } else if (state === "connected" && client?.stats.reconnects) {
    status.textContent = `reconnected ${client.stats.reconnects}×`;
  } else {
    status.textContent = "";
  }

  renderCounters();
  if (state !== "reconnecting" || attempt === 1) announce(`Connection ${state}.`);
}

function renderCounters() {
  $("reconnects").textContent = String(client?.stats.reconnects ?? 0);
  $("replayed").textContent = String(client?.stats.replayedTokens ?? 0);
}

// ---- Threads and runs -------------------------------------------------------------------------

async function watch(id) {
  if (threadId) await client.unsubscribe(threadId);
  threadId = null;
  clearStreams();
  $("current-thread").textContent = "—";
  // After a reload: show what the page had shown of this thread and go on from there.
  const kept = readKept(id);
  for (const stream of kept?.streams ?? []) restoreView(stream);
  try {
    await client.subscribe(id, { onToken, onEnded, onError, onRunUpdated, onStreamReset, onSubscribed },
      { history: "all", since: kept?.positions });
  } catch (error) {
    clearStreams();
    showError(`Cannot watch thread ${id}: ${error.message}`, error.code);
    return;
  }

  threadId = id;
  keep();
  $("thread-id").value = id;
  $("current-thread").textContent = id;
  $("start-run").disabled = false;
  announce(`Watching thread ${id}.`);
}

async function startRun(input, priority) {
  const run = await api("POST", `/api/threads/${encodeURIComponent(threadId)}/runs`, { input, priority });
  const view = streamView(run.streamId, run.id);
  if (!view.started) setStatus(view, run.status);
  makeCurrent(view);
  announce(`Run ${run.id} ${run.status}.`);
}

async function stopRun() {
  const view = currentStreamId && streams.get(currentStreamId);
  if (!view) return;
  $("stop-run").disabled = true;
  await client.cancel(threadId, view.runId);
  announce(`Stop requested for run ${view.runId}.`);
}

// ---- Events -----------------------------------------------------------------------------------

function onToken(e) {
  const view = streamView(e.streamId, e.runId);
  if (!view.started) {
    view.started = true;
    if (!TerminalStatuses.has(view.status)) setStatus(view, "streaming");
    if (e.source === "live") makeCurrent(view);
  }

  view.text.appendData(e.token);
  view.lastSeq = e.seq;
  view.el.dataset.lastSeq = String(e.seq);
  view.seq.textContent = `seq ${e.seq}`;
  keep();
  if (e.source === "live") recordLatency(e.latencyMs);
  if (view.streamId === currentStreamId) $("seq").textContent = String(e.seq);
  renderCounters();
}

function onEnded(e) {
  const view = streamView(e.streamId, e.runId);
  setStatus(view, e.status, e.reason);
  announce(`Run ${e.runId} ${e.status}${e.reason ? `: ${e.reason}` : ""}.`);
}

/** Queued and running show before the first token; the end itself comes from the stream, after its last token. */
function onRunUpdated(run) {
  const view = streamView(run.streamId, run.id);
  if (!view.started && (run.status === "queued" || run.status === "running")) setStatus(view, run.status);
  if (run.attempts > 1 && !TerminalStatuses.has(view.status)) view.reason.textContent = `attempt ${run.attempts}`;
  if (run.error) view.reason.textContent = run.error;
}

/** The stream restarted under a new epoch (its writer started the reply again): clear its text; its tokens come again from seq 1. */
function onStreamReset(e) {
  const view = streams.get(e.streamId);
  if (!view) return;
  view.text.data = "";
  view.lastSeq = 0;
  view.el.dataset.lastSeq = "0";
  view.el.dataset.epoch = e.epoch;
  view.seq.textContent = "seq 0";
  if (view.streamId === currentStreamId) $("seq").textContent = "0";
  announce(`Run ${e.runId} restarted its reply.`);
}

function onSubscribed(e) {
  if (!e.recovered) announce("Some of what this page showed could not be continued; it shows the server's streams again.");
}

function onError(error) {
  showError(error.message, error.code);
}

// ---- Kept across a reload (sessionStorage) ------------------------------------------------------

const keptKey = (id) => `rehome.thread.${id}`;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let keepTimer;

/** Saves soon (at most every 200 ms while tokens arrive), and at the latest when the page goes away. */
function keep() {
  keepTimer ??= setTimeout(keepNow, 200);
}

/** What the page shows of the thread and the client's positions, read together so they match. */
function keepNow() {
  clearTimeout(keepTimer);
  keepTimer = undefined;
  if (!threadId || !client) return;
  const kept = {
    positions: client.positions(threadId),
    streams: [...streams.values()].map((v) => ({
      streamId: v.streamId, runId: v.runId, text: v.text.data, status: v.status, reason: v.reason.textContent,
      lastSeq: v.lastSeq, started: v.started,
    })),
  };
  try {
    sessionStorage.setItem(keptKey(threadId), JSON.stringify(kept));
  } catch {
    // Storage full or off: a reload then shows the thread from the start.
  }
}

addEventListener("pagehide", keepNow);

function readKept(id) {
  try {
    return JSON.parse(sessionStorage.getItem(keptKey(id)) ?? "null");
  } catch {
    return null;
  }
}

function restoreView(kept) {
  const view = streamView(kept.streamId, kept.runId);
  view.text.data = kept.text;
  view.lastSeq = kept.lastSeq;
  view.started = kept.started;
  view.el.dataset.lastSeq = String(kept.lastSeq);
  view.seq.textContent = `seq ${kept.lastSeq}`;
  setStatus(view, kept.status, kept.reason);
}

// ---- Rendering --------------------------------------------------------------------------------

/**
 * @typedef {{ streamId: string, runId: string, el: HTMLLIElement, text: Text, seq: HTMLElement,
 *   badge: HTMLElement, reason: HTMLElement, status: string, lastSeq: number, started: boolean }} StreamView
 */

/** @returns {StreamView} */
function streamView(streamId, runId) {
  let view = streams.get(streamId);
  if (view) return view;

  const el = document.createElement("li");
  el.className = "stream";
  el.dataset.streamId = streamId;
  el.dataset.runId = runId;
  const header = document.createElement("div");
  header.className = "stream-header";
  const title = document.createElement("span");
  title.append("Run ", code(runId));
  if (streamId !== runId) title.append(" · stream ", code(streamId));
  const badge = document.createElement("span");
  badge.className = "badge";
  const seq = document.createElement("span");
  seq.className = "muted stream-seq";
  seq.textContent = "seq 0";
  header.append(title, badge, seq);
  const pre = document.createElement("pre");
  pre.className = "stream-text";
  const text = document.createTextNode("");
  pre.append(text);
  const reason = document.createElement("p");
  reason.className = "stream-reason muted";
  el.append(header, pre, reason);
  $("streams").append(el);
  $("no-streams").hidden = true;

  view = { streamId, runId, el, text, seq, badge, reason, status: "", lastSeq: 0, started: false };
  streams.set(streamId, view);
  setStatus(view, "waiting");
  if (!currentStreamId) makeCurrent(view);
  return view;
}

function code(text) {
  const el = document.createElement("code");
  el.textContent = text;
  return el;
}

function setStatus(view, status, reason) {
  view.status = status;
  view.el.dataset.status = status;
  view.badge.dataset.status = status;
  view.badge.textContent = status;
  if (reason) view.reason.textContent = reason;
  if (view.streamId === currentStreamId) renderCurrent(view);
}

function makeCurrent(view) {
  currentStreamId = view.streamId;
  renderCurrent(view);
}

function renderCurrent(view) {
  $("current-run").textContent = view.runId;
  const badge = $("stream-status");
  badge.textContent = view.status;
  badge.dataset.status = view.status;
  $("seq").textContent = String(view.lastSeq);
  $("stop-run").disabled = TerminalStatuses.has(view.status);
}

function clearStreams() {
  streams.clear();
  currentStreamId = null;
  latencies.length = 0;
  $("streams").replaceChildren();
  $("no-streams").hidden = false;
  $("current-run").textContent = "—";
  $("stream-status").textContent = "—";
  $("stream-status").dataset.status = "none";
  $("seq").textContent = "0";
  $("latency").textContent = "—";
  $("start-run").disabled = true;
  $("stop-run").disabled = true;
  hideError();
}

function recordLatency(ms) {
  latencies.push(ms);
  if (latencies.length > LatencySamples) latencies.shift();
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const latency = $("latency");
  latency.textContent = `${fmt(ms)} ms (p50 ${fmt(at(0.5))}, p95 ${fmt(at(0.95))}, n=${sorted.length})`;
  latency.dataset.p50 = String(at(0.5));
  latency.dataset.p95 = String(at(0.95));
  latency.dataset.max = String(sorted[sorted.length - 1]);
}

const fmt = (ms) => (ms < 10 ? ms.toFixed(1) : Math.round(ms).toString());

function showError(message, code) {
  const error = $("error");
  error.textContent = message;
  error.dataset.code = code ?? "";
  error.hidden = false;
}

function hideError() {
  const error = $("error");
  error.hidden = true;
  error.textContent = "";
  error.dataset.code = "";
}

function announce(message) {
  $("announcer").textContent = message;
}

// ---- Wiring -----------------------------------------------------------------------------------

/** Runs a form action with its submit button disabled; failures go to the error area. */
function handle(form, action, enabled = () => true) {
  $(form).addEventListener("submit", async (event) => {
    event.preventDefault();
    const target = event.currentTarget;
    const button = target.querySelector("button[type=submit]");
    button.disabled = true;
    hideError();
    try {
      await action(new FormData(target));
    } catch (error) {
      showError(error.message, error.code);
    } finally {
      button.disabled = !enabled();
    }
  });
}

handle("sign-in-form", async (data) => {
  const userId = String(data.get("userId")).trim();
  const token = await api("POST", "/api/dev/token", { userId }, { anonymous: true });
  await useSession({ userId, token: token.accessToken, expiresAt: Date.parse(token.expiresAt) }, userId);
});

handle("token-form", async (data) => {
  await useSession({ userId: null, token: String(data.get("accessToken")).trim(), expiresAt: Infinity }, "the pasted token's user");
});

const signedIn = () => client !== null;

handle("create-thread-form", async (data) => {
  const title = String(data.get("title")).trim();
  const thread = await api("POST", "/api/threads", { title: title || undefined });
  await watch(thread.id);
}, signedIn);

handle("watch-form", async (data) => watch(String(data.get("threadId")).trim()), signedIn);

handle("run-form", async (data) => startRun(String(data.get("input")), String(data.get("priority"))), () => threadId !== null);

$("stop-run").addEventListener("click", () => {
  hideError();
  stopRun().catch((error) => {
    showError(`Stop failed: ${error.message}`, error.code);
    $("stop-run").disabled = false;
  });
});
