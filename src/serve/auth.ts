/**
 * Who may call: on loopback anyone on this machine (unless a token is set); on any other address
 * only a caller with the bearer token. The comparison takes the same time whatever the guess.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { HttpError } from './http-error.js';

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** True for 127.0.0.0/8, ::1 and `localhost`: addresses only this machine reaches. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || bare === '0:0:0:0:0:0:0:1';
  return false;
}

/** Throws a 401 unless the Authorization header carries `Bearer <token>`. */
export function checkBearer(header: string | undefined, token: string): void {
  const challenge = { 'www-authenticate': 'Bearer realm="swe-srl"' };
  if (header === undefined || header === '') throw new HttpError(401, 'authorization: a bearer token is required (Authorization: Bearer TOKEN)', { field: 'authorization', headers: challenge });
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!match) throw new HttpError(401, 'authorization: expected "Bearer TOKEN"', { field: 'authorization', headers: challenge });
  if (!timingSafeEqual(digest(match[1]!), digest(token))) throw new HttpError(401, 'authorization: wrong token', { field: 'authorization', headers: challenge });
}
