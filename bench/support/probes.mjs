// The attacker's side of the exposure-window benchmark: a probe keeps using one credential and
// records when each use was accepted, and a TCP relay adds latency in front of PostgreSQL (the
// HTTP sandboxes add theirs themselves).
import { Agent, request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createConnection, createServer } from 'node:net';

/**
 * Starts using a credential every `intervalMs`, with at most `maxInFlight` uses outstanding, until
 * stopped or bounded by `maxUses` / `maxMs`. `useOnce()` resolves true when the credential was
 * accepted, false when it was refused; a throw counts as refused, with the message kept.
 * Times are performance.now() at the moment each use was sent: the sandboxes decide on arrival
 * and add their latency to the response, so the send time is when the use happened.
 *
 * Dense (every `intervalMs`) only while `dense()` says the revocation is under way and the last
 * answer was an acceptance; otherwise every `sparseMs`. Thirteen credentials used every 10 ms
 * the whole time would take most of two cores from the run being measured. The window ends at
 * the first refused use (see exposureOf): within `intervalMs` of the kill, as the probe is dense
 * from its system's first change on; a credential that comes back is still seen.
 */
export function startProbe(name, useOnce, { intervalMs = Number(process.env.BENCH_PROBE_MS ?? 10), sparseMs = 100, dense = () => true, maxInFlight = 8, maxUses = 5000, maxMs = 60_000 } = {}) {
  const uses = [];
  const started = performance.now();
  let lastAnswerAccepted = true;
  let inFlight = 0;
  let stopped = false;
  let settle;
  const settled = new Promise((resolve) => (settle = resolve));
  const finishIfDone = () => {
    if (stopped && inFlight === 0) settle();
  };
  const fire = () => {
    if (stopped) return;
    if (uses.length >= maxUses || performance.now() - started > maxMs) {
      stopped = true;
      clearInterval(timer);
      return finishIfDone();
    }
    if (inFlight >= maxInFlight) return;
    const now = performance.now();
    if (!(dense() && lastAnswerAccepted) && uses.length > 0 && now - uses.at(-1).sentAt < sparseMs) return;
    inFlight++;
    const use = { sentAt: performance.now(), ok: false };
    uses.push(use);
    Promise.resolve()
      .then(useOnce)
      .then(
        // A use made of two requests (sign in, then use the session) answers { ok, at }: `at` is when the deciding request was sent.
        (answer) => {
          use.ok = answer === true || answer?.ok === true;
          if (typeof answer?.at === 'number') use.sentAt = answer.at;
        },
        (error) => (use.error = String(error?.message ?? error).split('\n')[0]),
      )
      .then(() => (lastAnswerAccepted = use.ok))
      .finally(() => {
        inFlight--;
        finishIfDone();
      });
  };
  const timer = setInterval(fire, intervalMs);
  fire();
  return {
    name,
    uses,
    /** Stops sending; resolves once every use in flight has its answer. */
    stop() {
      stopped = true;
      clearInterval(timer);
      finishIfDone();
      return settled;
    },
  };
}

const keepAlive = new Agent({ keepAlive: true, maxSockets: 64 });

/**
 * One HTTP use of a credential: true on 200, false when refused (400/401/403/404). node:http on a
 * keep-alive agent: a third of fetch's CPU per request, which the run being measured needs.
 */
export function httpAccepted(url, { method = 'GET', headers = {}, body, agent = keepAlive } = {}) {
  const send = String(url).startsWith('https:') ? httpsRequest : request;
  return new Promise((resolve, reject) => {
    const req = send(url, { method, headers, agent }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode === 200) resolve(true);
        else if ([400, 401, 403, 404].includes(res.statusCode)) resolve(false);
        else reject(new Error(`HTTP ${res.statusCode}`));
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * An IAM call (iam:GetUser on `userName`) as the holder of `accessKeyId` would make it. The
 * sandbox reads the key id from the SigV4 header and does not check signatures, so the probe does
 * not sign: the SDK's signing and parsing would triple the probes' CPU, taken from the run measured.
 */
export function iamGetUser(endpoint, userName, accessKeyId, sessionToken) {
  const headers = {
    'content-type': 'application/x-www-form-urlencoded',
    authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20261129/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
    ...(sessionToken ? { 'x-amz-security-token': sessionToken } : {}),
  };
  const body = new URLSearchParams({ Action: 'GetUser', UserName: userName, Version: '2010-05-08' }).toString();
  return () => httpAccepted(endpoint, { method: 'POST', headers, body });
}

/**
 * A console password, used as an attacker would: sign in to the console (the sandbox's
 * /console-signin) and make one request with the console session it opens. Accepted only if
 * both work: after the deny-all the password still signs in, to a console that can do nothing.
 */
export function iamConsoleGetUser(endpoint, userName, password, mfaCode) {
  const form = new URLSearchParams({ UserName: userName, Password: password, MfaCode: mfaCode }).toString();
  return async () => {
    const response = await fetch(`${endpoint}/console-signin`, { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const session = await response.json();
    if (response.status !== 200) return false; // the password is refused: this sign-in was the deciding request
    const at = performance.now();
    return { ok: await iamGetUser(endpoint, userName, session.AccessKeyId, session.SessionToken)(), at };
  };
}

/** What a probe saw, relative to `t0` (the spawn of the revoke run). */
export function exposureOf(probe, t0) {
  const uses = [...probe.uses].sort((a, b) => a.sentAt - b.sentAt);
  const accepted = uses.filter((u) => u.ok);
  const refused = uses.filter((u) => !u.ok);
  const lastAccepted = accepted.at(-1);
  const firstRefusedAfter = refused.find((u) => !lastAccepted || u.sentAt > lastAccepted.sentAt);
  return {
    name: probe.name,
    uses: probe.uses.length,
    acceptedBeforeSpawn: accepted.some((u) => u.sentAt < t0),
    /** The last accepted use, ms after the spawn (negative: dead before it). */
    lastAcceptedMs: lastAccepted ? lastAccepted.sentAt - t0 : undefined,
    /**
     * The exposure window: the first refused use after the last accepted one, ms after the spawn
     * (undefined: never refused). The credential died between the two. This end, not the last
     * accepted use, is the one a probe pins: it turns dense the moment its system receives the
     * run's first change, so it is refused within `intervalMs` of its kill, while the last
     * accepted use before a kill that is that first change can be up to `sparseMs` earlier.
     */
    windowMs: firstRefusedAfter ? firstRefusedAfter.sentAt - t0 : undefined,
    deniedAtEnd: uses.length > 0 && !uses.at(-1).ok,
    refusal: firstRefusedAfter?.error,
  };
}

/**
 * A TCP relay on 127.0.0.1 that delays everything the server sends by `latencyMs`, as the HTTP
 * sandboxes delay their responses: one round trip costs `latencyMs`. Order is kept (equal delays).
 * `firstMutation`: when a client first sent bytes matching `mutation` (performance.now()).
 */
/** A protocol message as the trace shows it: the query's first words, or the message type byte. */
function statementOf(text) {
  const query = /[QP]\0{0,3}[\s\S]{0,4}?((?:SELECT|ALTER|DROP|REASSIGN|REVOKE|COMMENT|BEGIN|COMMIT|WITH|SET|SHOW)\b[^\0]{0,40})/i.exec(text);
  return query ? query[1].replace(/\s+/g, ' ') : `message ${JSON.stringify(text[0])}`;
}

export async function startLatencyRelay(targetPort, latencyMs, { mutation } = {}) {
  const sockets = new Set();
  // `sent`: what clients sent and when (for BENCH_TRACE): the statement's first words, never its values.
  const relay = { port: 0, firstMutation: undefined, sent: [], close: undefined };
  const server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk) => {
      const text = chunk.toString('latin1');
      if (mutation && relay.firstMutation === undefined && mutation.test(text)) relay.firstMutation = performance.now();
      relay.sent.push({ at: performance.now(), what: statementOf(text) });
      upstream.write(chunk);
    });
    client.on('end', () => upstream.end());
    upstream.on('data', (chunk) => (latencyMs > 0 ? setTimeout(() => client.write(chunk), latencyMs) : client.write(chunk)));
    upstream.on('end', () => setTimeout(() => client.end(), latencyMs));
  });
  await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  relay.port = server.address().port;
  relay.close = () =>
    new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return relay;
}
