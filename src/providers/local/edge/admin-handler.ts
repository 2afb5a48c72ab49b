import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { isJsonContentType, MAX_ADMIN_BODY_BYTES, parsePutOriginBody } from './admin-body';
import { sendError, sendJson } from './http-json';
import type { OriginState } from './origin';
import { GenerationMismatchError, type OriginStore } from './origin-store';
import { BodyTooLargeError, readBoundedBody } from './read-bounded-body';

export interface AdminDeps {
  store: OriginStore;
  isAuthorized: (authorization: string | undefined) => boolean;
  logger: Logger;
  /** The edge's own listening ports: an origin there would send every request round in a loop. */
  ownPorts: readonly number[];
}

const ORIGIN_PATH = '/admin/origin';

const view = (state: OriginState) => ({
  origin: state.origin,
  generation: state.generation,
  updatedAt: state.updatedAt,
});

/** The admin listener: read and flip the origin. Bound to loopback and guarded by a bearer token. */
export function createAdminHandler(deps: AdminDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(deps, req, res).catch((err: unknown) => {
      deps.logger.error({ err }, 'admin request failed');
      sendError(res, 500, 'INTERNAL', 'the edge could not complete the admin request');
    });
  };
}

async function handle(deps: AdminDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?', 1)[0];
  if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
    sendJson(res, 200, { status: 'ok' });
    return;
  }
  if (path !== ORIGIN_PATH) {
    sendError(res, 404, 'NOT_FOUND', `no admin route ${req.method} ${path}`);
    return;
  }
  if (!deps.isAuthorized(req.headers.authorization)) {
    sendError(res, 401, 'UNAUTHORIZED', 'a valid bearer token is required', {}, { 'www-authenticate': 'Bearer' });
    return;
  }
  if (req.method === 'GET') {
    sendJson(res, 200, view(deps.store.current()));
    return;
  }
  if (req.method !== 'PUT') {
    sendError(
      res,
      405,
      'METHOD_NOT_ALLOWED',
      `${req.method} is not allowed on ${ORIGIN_PATH}`,
      {},
      { allow: 'GET, PUT' },
    );
    return;
  }
  await putOrigin(deps, req, res);
}

async function putOrigin(deps: AdminDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!isJsonContentType(req.headers['content-type'])) {
    sendError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json', {
      contentType: req.headers['content-type'] ?? null,
    });
    return;
  }
  let raw: Buffer;
  try {
    raw = await readBoundedBody(req, MAX_ADMIN_BODY_BYTES);
  } catch (err) {
    if (!(err instanceof BodyTooLargeError)) throw err;
    // No `connection: close`: Node then discards the rest of the body (bounded by the request
    // timeout) instead of resetting a client that is still sending, which would lose this answer.
    sendError(res, 413, 'PAYLOAD_TOO_LARGE', err.message, { limitBytes: err.limit });
    return;
  }
  const parsed = parsePutOriginBody(raw);
  if (!parsed.ok) {
    const { status, code, message, details } = parsed.problem;
    sendError(res, status, code, message, details);
    return;
  }
  const { origin, ifGeneration } = parsed.value;
  if (deps.ownPorts.includes(Number(new URL(origin.url).port))) {
    sendError(res, 400, 'VALIDATION_FAILED', 'the origin cannot be the edge itself', {
      issues: [{ path: 'url', message: "points at one of the edge's own ports" }],
    });
    return;
  }
  try {
    const { previous, state, changed } = await deps.store.set(origin, ifGeneration);
    if (changed) {
      deps.logger.info(
        { event: 'flip', from: previous.origin, to: state.origin, generation: state.generation },
        `origin switched to ${origin.release}`,
      );
    }
    sendJson(res, 200, view(state));
  } catch (err) {
    if (err instanceof GenerationMismatchError) {
      sendError(res, 409, 'GENERATION_MISMATCH', err.message, { expected: err.expected, actual: err.actual });
      return;
    }
    deps.logger.error({ err, stateFile: deps.store.path }, 'could not persist the origin');
    sendError(
      res,
      500,
      'PERSIST_FAILED',
      'the new origin could not be persisted; the edge still serves the previous one',
    );
  }
}
