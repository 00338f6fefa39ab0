#!/usr/bin/env node
// A real Fedify server acting as a third-party fediverse peer in Guildhall's
// test suite. It federates ONE Person actor, alice, and exposes a small JSON
// control API so that tests can make her act and can see what she received.
//
// Usage:
//   (cd tests/fedify && npm ci)                 # once; pinned Fedify 2.3.6
//   node tests/fedify/peer.mjs --host fedify.test --port 8201
//        [--bind 127.0.0.1] [--log-level warning|info|debug] [--rsa-bits 2048]
// The host name must resolve to the bind address (tests use /etc/hosts:
// `127.0.0.1 alpha.test beta.test gamma.test fedify.test fedify2.test`).
// Start-up takes 1-2 s; poll GET /control/ready.
//
// Federation (plain http, origin http://<host>:<port>):
//   /users/alice          Person; keys made at start: RSA (publicKey: HTTP and
//                         LD signatures), Ed25519 (assertionMethod: FEP-8b32)
//   /users/alice/inbox    inbox; /inbox shared inbox
//   /users/alice/{outbox,followers,following}   collections
//   /users/alice/notes/<id>, /users/alice/activities/<id>   what alice sent
//   /.well-known/webfinger                       acct:alice@<host>:<port>
// Incoming activities are verified, queued in process and handled at once;
// a Follow of alice is auto-accepted (Accept{Follow} to the follower's inbox).
//
// Control API (same port, JSON in and out; errors are {"error": "..."} with
// 400 bad input, 404 unknown, 502 lookup or delivery failed):
//   GET  /control/ready        -> {"ok": true}
//   POST /control/follow       {"target": actorUrl}   -> {"id": followId}
//   POST /control/undo-follow  {"target": actorUrl}   -> {"id": undoId}
//   POST /control/note  {"group": groupActorUrl, "content": html,
//                        "inReplyTo"?: url, "name"?: title}
//        -> {"id": noteId, "activity": createId}
//        Create{Note} to: [Public, group], cc: [alice's followers], a Mention
//        of the group, audience: group; to the group's shared inbox (or inbox)
//   POST /control/like  {"object": url, "to": actorUrl}   -> {"id": likeId}
//   GET  /control/inbox[?type=Accept] -> {"items": [{type, id, actor,
//        objectId, objectType, innerObjectId?, innerObjectType?, inbox
//        ("alice" | "shared"), receivedAt, json}]}, in arrival order; json is
//        the activity exactly as POSTed; inner* describe the object's own
//        object (Announce{Create{Note}}, Undo{Follow}, Accept{Follow}).
// Targets are looked up by URL with signed GETs. Each POST is delivered before
// the control call answers (a failure is a 502 with the remote status and
// body); with "queue": true in the request body it goes through Fedify's queue
// instead (4 retries, backoff from 1-2 s; failures only on stderr).
//
// stdout: one JSON line per activity received, sent or queued.
// stderr: errors, plus Fedify's own log at --log-level (default warning;
// rejected signatures are logged there with the reason).
// SIGTERM / SIGINT: stops the queue and the server, exits 0.
//
// Fedify 2.x declares node >=22; on Node 20 it works once `navigator` exists,
// so it is set before Fedify is loaded (hence the dynamic imports).

globalThis.navigator ??= { userAgent: "node" };

import http from "node:http";
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";

const { values: opts } = parseArgs({
  options: {
    host: { type: "string", default: "fedify.test" },
    port: { type: "string", default: "8201" },
    bind: { type: "string", default: "127.0.0.1" },
    "log-level": { type: "string", default: "warning" },
    "rsa-bits": { type: "string", default: "2048" }, // Fedify's own default: 4096
  },
});
const [HOST, PORT, USER] = [opts.host, Number(opts.port), "alice"];
const ORIGIN = `http://${HOST}:${PORT}`;

const { configure, defaultTextFormatter } = await import("@logtape/logtape");
const { Temporal } = await import("@js-temporal/polyfill");
const F = await import("@fedify/fedify");
const V = await import("@fedify/vocab");

// Fedify's log line plus its structured properties (e.g. why a signature was
// rejected), cut short: they can hold whole activities.
const formatLog = (r) => {
  const { requestId: _r, traceId: _t, spanId: _s, ...props } = r.properties;
  const json = JSON.stringify(props, (_k, v) => (v instanceof Error ? String(v) : v instanceof URL ? v.href : v));
  return `${defaultTextFormatter(r).trimEnd()} ${json.slice(0, 1500)}\n`;
};
await configure({
  contextLocalStorage: new AsyncLocalStorage(),
  sinks: { stderr: (r) => process.stderr.write(formatLog(r)) },
  loggers: [
    { category: "fedify", lowestLevel: opts["log-level"], sinks: ["stderr"] },
    { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["stderr"] },
  ],
});

const now = () => new Date().toISOString();
const out = (o) => process.stdout.write(JSON.stringify({ ts: now(), ...o }) + "\n");
const logErr = (msg, e, extra = {}) =>
  process.stderr.write(JSON.stringify({ ts: now(), error: msg, ...extra, detail: String(e?.stack ?? e) }) + "\n");

class HttpError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

// ---- state (in memory, for the life of the process) ----
const keys = [
  await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: Number(opts["rsa-bits"]), publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true, ["sign", "verify"]),
  await F.generateCryptoKeyPair("Ed25519"),
];
const objects = new Map(); // our note / activity URL -> vocab object
const sent = []; // activities alice sent (her outbox)
const follows = new Map(); // target actor URL -> the Follow we sent
const followers = new Set(); // ids of alice's followers
const following = new Set(); // actor ids that accepted alice's Follow
const received = []; // /control/inbox items
const rawBodies = new Map(); // activity id -> JSON as POSTed to an inbox

const retry = F.createExponentialBackoffPolicy({ initialDelay: { seconds: 1 }, maxAttempts: 5 });
const federation = F.createFederation({
  kv: new F.MemoryKvStore(),
  queue: new F.ParallelMessageQueue(new F.InProcessMessageQueue(), 4),
  manuallyStartQueue: true,
  origin: ORIGIN,
  allowPrivateAddress: true,
  circuitBreaker: false,
  outboxRetryPolicy: retry,
  inboxRetryPolicy: retry,
  onOutboxError: (e, activity) => logErr("outbox delivery failed", e, { activity: activity?.id?.href ?? null }),
});

// ---- actor, keys, collections, objects ----
const mine = (identifier, value) => (identifier === USER ? value : null);
federation
  .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
    if (identifier !== USER) return null;
    const pairs = await ctx.getActorKeyPairs(identifier);
    return new V.Person({
      id: ctx.getActorUri(identifier),
      preferredUsername: identifier,
      name: `Alice (${HOST})`,
      summary: "<p>Fedify test peer</p>",
      url: ctx.getActorUri(identifier),
      inbox: ctx.getInboxUri(identifier),
      outbox: ctx.getOutboxUri(identifier),
      followers: ctx.getFollowersUri(identifier),
      following: ctx.getFollowingUri(identifier),
      endpoints: new V.Endpoints({ sharedInbox: ctx.getInboxUri() }),
      publicKey: pairs[0].cryptographicKey,
      assertionMethods: pairs.map((p) => p.multikey),
      manuallyApprovesFollowers: false,
      discoverable: true,
    });
  })
  .mapHandle((_ctx, username) => mine(username, USER))
  .setKeyPairsDispatcher((_ctx, identifier) => mine(identifier, keys) ?? []);

federation.setFollowersDispatcher("/users/{identifier}/followers", (_ctx, identifier) =>
  mine(identifier, { items: [...followers].map((u) => new URL(u)) })); // ids, not embedded actors
federation.setFollowingDispatcher("/users/{identifier}/following", (_ctx, identifier) =>
  mine(identifier, { items: [...following].map((u) => new URL(u)) }));
federation.setOutboxDispatcher("/users/{identifier}/outbox", (_ctx, identifier) =>
  mine(identifier, { items: [...sent].reverse() }));
for (const [cls, path] of [
  [V.Note, "/users/{identifier}/notes/{id}"],
  [V.Activity, "/users/{identifier}/activities/{id}"],
]) federation.setObjectDispatcher(cls, path, (ctx, values) => objects.get(ctx.getObjectUri(cls, values).href) ?? null);

// ---- inbox ----
const typeOf = (o) => (typeof o?.type === "string" ? o.type : null);
const idOf = (o) => (typeof o === "string" ? o : typeof o?.id === "string" ? o.id : null);
const first = (v) => (Array.isArray(v) ? v[0] : v);

async function record(ctx, activity) {
  const id = activity.id?.href ?? null;
  const json = rawBodies.get(id) ?? await activity.toJsonLd({ format: "compact", contextLoader: ctx.contextLoader });
  const obj = first(json.object);
  const item = {
    type: typeOf(json) ?? V.getTypeId(activity).hash.slice(1),
    id,
    actor: activity.actorId?.href ?? idOf(first(json.actor)),
    objectId: activity.objectId?.href ?? idOf(obj),
    objectType: typeOf(obj),
  };
  const inner = obj != null && typeof obj === "object" ? first(obj.object) : null;
  if (inner != null) Object.assign(item, { innerObjectId: idOf(inner), innerObjectType: typeOf(inner) });
  Object.assign(item, { inbox: ctx.recipient ?? "shared", receivedAt: now(), json });
  received.push(item);
  out({ event: "received", ...item });
  return item;
}

async function onActivity(ctx, activity) {
  const item = await record(ctx, activity);
  if (activity instanceof V.Follow && item.objectId === ctx.getActorUri(USER).href) {
    const follower = await activity.getActor(ctx);
    if (follower?.id == null || follower.inboxId == null) {
      throw new Error(`cannot accept ${item.id}: follower ${item.actor} unreachable`);
    }
    followers.add(follower.id.href);
    // Embed the Follow as {id, type, actor, object}: getActor() above cached
    // the fetched actor inside `activity`, which would embed it whole.
    const follow = new V.Follow({ id: activity.id, actor: follower.id, object: activity.objectId });
    const accept = new V.Accept({ id: newUri(ctx), actor: ctx.getActorUri(USER), object: follow, to: follower.id });
    await send(ctx, follower, accept, { queue: true });
  } else if (activity instanceof V.Undo && item.objectType === "Follow") {
    followers.delete(item.actor);
  } else if (activity instanceof V.Accept) {
    following.add(item.actor);
  } else if (activity instanceof V.Reject) {
    following.delete(item.actor);
  }
}

const inbox = federation
  .setInboxListeners("/users/{identifier}/inbox", "/inbox")
  .setSharedKeyDispatcher(() => ({ identifier: USER })) // signed key fetches
  .onError((_ctx, e) => logErr("inbox listener failed", e));
// Activity is the catch-all: types not listed here are recorded too.
for (const cls of [
  V.Accept, V.Reject, V.Announce, V.Create, V.Update, V.Delete, V.Undo,
  V.Like, V.Follow, V.Add, V.Remove, V.Block, V.Activity,
]) inbox.on(cls, onActivity);

// ---- sending ----
const newUri = (ctx, cls = V.Activity) => ctx.getObjectUri(cls, { identifier: USER, id: randomUUID() });

async function send(ctx, recipient, activity, { shared = false, queue = false } = {}) {
  objects.set(activity.id.href, activity);
  const target = (shared && recipient.endpoints?.sharedInbox) || recipient.inboxId;
  const started = performance.now();
  try {
    await ctx.sendActivity({ identifier: USER }, recipient, activity, { preferSharedInbox: shared, immediate: !queue });
  } catch (e) {
    objects.delete(activity.id.href);
    logErr(`sending ${activity.id.href} to ${target?.href} failed`, e);
    const why = e?.statusCode ? ` (${e.statusCode}): ${e.responseBody ?? ""}` : `: ${e?.message ?? e}`;
    throw new HttpError(502, `delivery to ${target?.href} failed${why}`);
  }
  sent.push(activity);
  out({
    event: queue ? "queued" : "sent",
    type: V.getTypeId(activity).hash.slice(1),
    id: activity.id.href,
    inbox: target?.href ?? null,
    ms: Math.round(performance.now() - started),
    json: await activity.toJsonLd({ format: "compact", contextLoader: ctx.contextLoader }),
  });
}

async function lookupActor(ctx, url, field) {
  if (typeof url !== "string" || !URL.canParse(url)) throw new HttpError(400, `"${field}" must be a URL`);
  let actor;
  try {
    const documentLoader = await ctx.getDocumentLoader({ identifier: USER }); // signed GETs
    actor = await ctx.lookupObject(url, { documentLoader, allowPrivateAddress: true });
  } catch (e) {
    throw new HttpError(502, `lookup of ${url} failed: ${e?.message ?? e}`);
  }
  if (!V.isActor(actor)) {
    throw new HttpError(502, `${url} is not an actor (${actor?.constructor?.name ?? "lookup returned nothing"})`);
  }
  if (actor.id == null || actor.inboxId == null) throw new HttpError(502, `${url}: actor has no id or inbox`);
  return actor;
}

// ---- control API ----
async function control(method, url, body) {
  const ctx = federation.createContext(new URL(ORIGIN));
  const alice = ctx.getActorUri(USER);
  const queue = body.queue === true;
  switch (`${method} ${url.pathname}`) {
    case "GET /control/ready":
      return { ok: true };
    case "GET /control/inbox": {
      const type = url.searchParams.get("type");
      return { items: type ? received.filter((i) => i.type === type) : received };
    }
    case "POST /control/follow": {
      const target = await lookupActor(ctx, body.target, "target");
      const follow = new V.Follow({ id: newUri(ctx), actor: alice, object: target.id, to: target.id });
      follows.set(body.target, follow).set(target.id.href, follow);
      await send(ctx, target, follow, { queue });
      return { id: follow.id.href };
    }
    case "POST /control/undo-follow": {
      const follow = follows.get(body.target);
      if (follow == null) throw new HttpError(404, `alice has not followed ${body.target}`);
      const target = await lookupActor(ctx, body.target, "target");
      const undo = new V.Undo({ id: newUri(ctx), actor: alice, object: follow, to: target.id });
      await send(ctx, target, undo, { queue });
      for (const u of [body.target, target.id.href]) follows.delete(u);
      following.delete(target.id.href);
      return { id: undo.id.href };
    }
    case "POST /control/note": {
      if (typeof body.content !== "string") throw new HttpError(400, `"content" must be a string`);
      if (body.inReplyTo != null && !URL.canParse(body.inReplyTo)) throw new HttpError(400, `"inReplyTo" must be a URL`);
      const group = await lookupActor(ctx, body.group, "group");
      const addressing = { tos: [V.PUBLIC_COLLECTION, group.id], ccs: [ctx.getFollowersUri(USER)], audience: group.id };
      const published = Temporal.Now.instant();
      const note = new V.Note({
        id: newUri(ctx, V.Note),
        attribution: alice,
        content: body.content,
        name: typeof body.name === "string" ? body.name : null,
        replyTarget: body.inReplyTo != null ? new URL(body.inReplyTo) : null,
        tags: [new V.Mention({ href: group.id, name: `@${group.preferredUsername}@${group.id.host}` })],
        published,
        ...addressing,
      });
      objects.set(note.id.href, note);
      const create = new V.Create({ id: newUri(ctx), actor: alice, object: note, published, ...addressing });
      try {
        await send(ctx, group, create, { shared: true, queue });
      } catch (e) {
        objects.delete(note.id.href);
        throw e;
      }
      return { id: note.id.href, activity: create.id.href };
    }
    case "POST /control/like": {
      if (typeof body.object !== "string" || !URL.canParse(body.object)) throw new HttpError(400, `"object" must be a URL`);
      const target = await lookupActor(ctx, body.to, "to");
      const like = new V.Like({ id: newUri(ctx), actor: alice, object: new URL(body.object), to: target.id });
      await send(ctx, target, like, { queue });
      return { id: like.id.href };
    }
    default:
      throw new HttpError(404, `no control endpoint ${method} ${url.pathname}`);
  }
}

// ---- HTTP server (Node http <-> fetch API) ----
const INBOX_PATHS = new Set(["/inbox", `/users/${USER}/inbox`]);
const text = (status, body) => new Response(body, { status, headers: { "content-type": "text/plain" } });

async function handle(req, res) {
  const url = new URL(req.url, `http://${req.headers.host ?? `${HOST}:${PORT}`}`);
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const body = Buffer.concat(chunks);

  if (url.pathname.startsWith("/control/")) {
    let status = 200, result;
    try {
      result = await control(req.method, url, body.length ? JSON.parse(body.toString("utf8")) ?? {} : {});
    } catch (e) {
      status = e instanceof HttpError ? e.status : e instanceof SyntaxError ? 400 : 500;
      if (status === 500) logErr(`control ${req.method} ${url.pathname} failed`, e);
      result = { error: e?.message ?? String(e) };
    }
    res.writeHead(status, { "content-type": "application/json" });
    return res.end(JSON.stringify(result));
  }

  if (req.method === "POST" && INBOX_PATHS.has(url.pathname)) {
    try {
      const json = JSON.parse(body.toString("utf8"));
      if (typeof json?.id === "string") rawBodies.set(json.id, json);
    } catch {
      // not JSON: Fedify answers 400 itself
    }
  }
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const response = await federation.fetch(new Request(url, { method: req.method, headers, body: hasBody ? body : undefined }), {
    contextData: undefined,
    onNotFound: () => text(404, "Not found\n"),
    onNotAcceptable: () => text(406, "Not acceptable: ask for application/activity+json\n"),
  });
  if (response.status >= 400 && INBOX_PATHS.has(url.pathname)) {
    logErr(`inbox ${url.pathname} answered ${response.status}`, await response.clone().text());
  }
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}

// No AbortSignal: InProcessMessageQueue adds an abort listener per poll and
// never removes it (MaxListenersExceededWarning); exiting stops the queue.
federation.startQueue().catch((e) => logErr("queue stopped", e));

const server = http.createServer((req, res) =>
  handle(req, res).catch((e) => {
    logErr(`${req.method} ${req.url} failed`, e);
    if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
    res.end("Internal server error\n");
  }));
server.listen(PORT, opts.bind, () =>
  out({ event: "listening", origin: ORIGIN, bind: `${opts.bind}:${PORT}`, actor: `${ORIGIN}/users/${USER}` }));

function shutdown(signal) {
  out({ event: "shutdown", signal });
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));
