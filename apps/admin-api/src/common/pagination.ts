import { ApiError } from './api.errors';

export const MAX_PAGE_SIZE = 100;

/** Opaque keyset cursor over (timestamp, id): stable under inserts, no offsets. */
export function encodeCursor(at: Date | string, id: string): string {
  return Buffer.from(`${new Date(at).toISOString()}|${id}`).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): { at: string; id: string } | undefined {
  if (!cursor) return undefined;
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!at || !id || Number.isNaN(Date.parse(at)) || !/^[0-9a-f-]{36}$/.test(id)) throw new ApiError('invalid_request', 'invalid cursor');
  return { at, id };
}

export function pageSize(limit: number | undefined): number {
  return Math.min(Math.max(limit ?? 25, 1), MAX_PAGE_SIZE);
}
