import { randomUUID } from 'node:crypto';

/** What a client may send as X-Request-Id to have it kept (anything else is replaced). */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Fastify's `genReqId`: a well-formed client `X-Request-Id` is kept for correlation, else one is minted.
 *
 * Minted ids are UUID-shaped (version 4): their first 74 bits are random per process, so ids from different replicas
 * and restarts do not collide, and their last 48 bits count this process's requests. A request id is a correlation key,
 * not a secret: it needs uniqueness, not unpredictability, and a counter costs half of `randomUUID()` on every request.
 */
export function requestIdGenerator(): (req: { headers: Record<string, string | string[] | undefined> }) => string {
  const processPrefix = randomUUID().slice(0, 24);
  let sequence = 0;
  return (req) => {
    const incoming = req.headers['x-request-id'];
    if (typeof incoming === 'string' && CLIENT_REQUEST_ID.test(incoming)) return incoming;
    sequence = sequence === 0xffffffffffff ? 1 : sequence + 1;
    return processPrefix + sequence.toString(16).padStart(12, '0');
  };
}
