#!/usr/bin/env node
// Third-party interop check: Fedify (a real ActivityPub implementation, from
// npm) dereferences a Guildhall community (Group) actor and a user (Person)
// actor and must accept both.
//
// Usage:
//   (cd tests/fedify && npm ci)        # once; installs the pinned Fedify
//   node tests/fedify/lookup.mjs <group-url> <person-url>
//   e.g. node tests/fedify/lookup.mjs http://localhost:8093/c/fedicop \
//                                      http://localhost:8093/u/fedi
//
// Each actor is looked up by its URL (plain http is fine; private/loopback
// addresses are allowed). Lookups by `acct:` handle are deliberately not
// supported: Fedify's WebFinger client always uses https.
//
// Checks, per actor: Fedify's lookupObject() returns an instance of the
// expected @fedify/vocab class (Group, then Person); getPublicKey() yields a
// CryptographicKey with a parsed publicKey whose owner is the actor id; and
// preferredUsername, inbox, outbox, followers and endpoints.sharedInbox are
// present.
//
// Exit 0 and one line of JSON on stdout on success. Exit 1 with a message on
// stderr on failure; when Fedify rejects a document, the raw JSON it got and
// the parse error Fedify raised are printed too. Exit 2 on bad usage.
//
// JSON-LD: Fedify expands every document, so each remote @context URL must
// be one Fedify ships preloaded (no network here besides the target server).
// Inline context objects are fine. Remote context URLs that are not preloaded
// are listed in the failure output.
//
// Fedify 2.x declares node >=22; on Node 20 it works once `navigator` exists,
// so it is set before Fedify is loaded (hence the dynamic imports).

globalThis.navigator ??= { userAgent: "node" };

const { getDocumentLoader, preloadedContexts } = await import("@fedify/fedify");
const vocab = await import("@fedify/vocab");
const { lookupObject, Group, Person, CryptographicKey } = vocab;

const TIMEOUT_MS = 20_000;

let fedifyVersion = null;
try {
  const { readFile } = await import("node:fs/promises");
  fedifyVersion = JSON.parse(
    await readFile(
      new URL("./node_modules/@fedify/fedify/package.json", import.meta.url),
      "utf8",
    ),
  ).version;
} catch {
  // informational only
}

function usage() {
  process.stderr.write(
    "usage: node tests/fedify/lookup.mjs <group-url> <person-url>\n",
  );
  process.exit(2);
}

const args = process.argv.slice(2);
if (args.length !== 2 || args.some((a) => a.startsWith("-"))) usage();
for (const a of args) {
  let u;
  try {
    u = new URL(a);
  } catch {
    usage();
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") usage();
}
const [groupUrl, personUrl] = args;

const documentLoader = getDocumentLoader({ allowPrivateAddress: true });
const lookupOptions = {
  documentLoader,
  contextLoader: documentLoader,
  allowPrivateAddress: true, // passed on to any WebFinger fallback
};

class CheckFailed extends Error {}

// Error text including the nested cause jsonld attaches (e.g. a FetchError).
function describe(e) {
  let text = String(e?.stack ?? e);
  const cause = e?.details?.cause ?? e?.cause;
  if (cause != null) text += `\n  caused by: ${cause?.message ?? cause}`;
  return text;
}

function fail(msg) {
  throw new CheckFailed(msg);
}

// Collects every remote (string) @context URL in a JSON-LD document.
function contextUrls(doc, out = new Set()) {
  if (Array.isArray(doc)) {
    for (const d of doc) contextUrls(d, out);
  } else if (doc != null && typeof doc === "object") {
    for (const [k, v] of Object.entries(doc)) {
      if (k === "@context") {
        for (const c of Array.isArray(v) ? v : [v]) {
          if (typeof c === "string") out.add(c);
          else contextUrls(c, out);
        }
      } else {
        contextUrls(v, out);
      }
    }
  }
  return out;
}

function notPreloaded(urls) {
  return [...urls].filter((u) => {
    try {
      return !(new URL(u).href in preloadedContexts);
    } catch {
      return true;
    }
  });
}

// Re-runs the steps of lookupObject() by hand so that the error Fedify
// swallowed (it returns null on fetch or parse failure) can be shown.
async function diagnose(url, expected) {
  const lines = [];
  let remote;
  try {
    remote = await documentLoader(url, {
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (e) {
    lines.push(`fetching ${url} failed: ${describe(e)}`);
    return lines.join("\n");
  }
  lines.push(`document URL: ${remote.documentUrl}`);
  lines.push(`document:\n${JSON.stringify(remote.document, null, 2)}`);
  const missing = notPreloaded(contextUrls(remote.document));
  if (missing.length > 0) {
    lines.push(
      `remote @context URLs NOT preloaded by Fedify (will be fetched): ${
        missing.join(", ")
      }`,
    );
  }
  try {
    const obj = await vocab.Object.fromJsonLd(remote.document, {
      documentLoader,
      contextLoader: documentLoader,
      baseUrl: new URL(remote.documentUrl),
    });
    lines.push(
      `Object.fromJsonLd() parsed it as ${obj?.constructor?.name} ` +
        `(expected ${expected.name}), id ${obj?.id?.href}`,
    );
    if (
      obj?.id != null &&
      obj.id.origin !== new URL(remote.documentUrl).origin
    ) {
      lines.push(
        `id origin ${obj.id.origin} differs from document origin ` +
          `${new URL(remote.documentUrl).origin}: lookupObject() refuses such ` +
          "objects",
      );
    }
  } catch (e) {
    lines.push(`Object.fromJsonLd() threw: ${describe(e)}`);
  }
  return lines.join("\n");
}

async function check(url, expected) {
  let actor;
  try {
    actor = await lookupObject(url, {
      ...lookupOptions,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (e) {
    fail(
      `lookupObject(${url}) threw: ${describe(e)}\n` +
        (await diagnose(url, expected)),
    );
  }
  if (actor == null) {
    fail(
      `lookupObject(${url}) returned null (Fedify could not fetch or ` +
        `parse it)\n${await diagnose(url, expected)}`,
    );
  }
  if (!(actor instanceof expected)) {
    fail(
      `${url}: expected a ${expected.name}, got ${actor.constructor?.name}\n` +
        (await diagnose(url, expected)),
    );
  }
  const id = actor.id?.href;
  if (id == null) fail(`${url}: actor has no id`);

  const problems = [];
  let key = null;
  try {
    key = await actor.getPublicKey(lookupOptions);
  } catch (e) {
    problems.push(`getPublicKey() threw: ${describe(e)}`);
  }
  if (key == null) {
    if (problems.length === 0) problems.push("no publicKey");
  } else if (!(key instanceof CryptographicKey)) {
    problems.push(`publicKey is a ${key.constructor?.name}, not CryptographicKey`);
  } else {
    if (key.id == null) problems.push("publicKey has no id");
    if (key.publicKey == null) {
      problems.push("publicKey.publicKeyPem could not be parsed into a key");
    }
    if (key.ownerId?.href !== id) {
      problems.push(`publicKey owner is ${key.ownerId?.href}, not ${id}`);
    }
  }
  const username = actor.preferredUsername?.toString() ?? null;
  if (!username) problems.push("no preferredUsername");
  if (actor.inboxId == null) problems.push("no inbox");
  if (actor.outboxId == null) problems.push("no outbox");
  if (actor.followersId == null) problems.push("no followers");
  const sharedInbox = actor.endpoints?.sharedInbox?.href ?? null;
  if (sharedInbox == null) problems.push("no endpoints.sharedInbox");
  if (problems.length > 0) {
    fail(
      `${url} (${expected.name} ${id}):\n  - ${problems.join("\n  - ")}\n` +
        (await diagnose(url, expected)),
    );
  }
  return {
    type: expected.name,
    id,
    preferredUsername: username,
    name: actor.name?.toString() ?? null,
    inbox: actor.inboxId.href,
    outbox: actor.outboxId.href,
    followers: actor.followersId.href,
    following: actor.followingId?.href ?? null,
    sharedInbox,
    keyId: key.id?.href ?? null,
    keyAlgorithm: key.publicKey.algorithm?.name ?? null,
  };
}

try {
  const group = await check(groupUrl, Group);
  const person = await check(personUrl, Person);
  process.stdout.write(
    JSON.stringify({ ok: true, fedify: fedifyVersion, group, person }) + "\n",
  );
  process.exit(0);
} catch (e) {
  if (e instanceof CheckFailed) {
    process.stderr.write(`FEDIFY INTEROP FAILED: ${e.message}\n`);
  } else {
    process.stderr.write(`FEDIFY INTEROP FAILED (unexpected): ${describe(e)}\n`);
  }
  process.exit(1);
}
