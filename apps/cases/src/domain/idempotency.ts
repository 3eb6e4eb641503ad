import { createHash } from 'node:crypto';

/**
 * Idempotency by command id. A state keeps the ids (and a fingerprint of the content) of the last
 * MAX_REMEMBERED_COMMANDS commands applied to it. Replaying one of them answers "duplicate" and
 * records nothing; reusing an id for a different command (other content or another actor) is refused.
 * Commands older than the window are no longer recognised: at-least-once delivery redelivers recent
 * messages, and an old command replayed late is in any case judged against the current state.
 */
export interface AppliedCommand {
  commandId: string;
  /** sha-256 (hex, truncated to 32 chars) of the canonical command content plus the actor id */
  fingerprint: string;
}

export const MAX_REMEMBERED_COMMANDS = 100;

/** Fields that identify the delivery rather than the content; not part of the fingerprint. */
const ENVELOPE_KEYS = new Set(['commandId', 'correlationId']);

function canonical(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonical(v === undefined ? null : v)).join(',')}]`;
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`).join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
  return JSON.stringify(value) ?? 'null';
}

export function commandFingerprint(command: object, actorId: string): string {
  const content: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(command)) if (!ENVELOPE_KEYS.has(k)) content[k] = v;
  return createHash('sha256').update(canonical({ actor: actorId, command: content })).digest('hex').slice(0, 32);
}

export type ReplayCheck = 'new' | 'duplicate' | 'conflict';

export function checkReplay(applied: readonly AppliedCommand[], commandId: string, fingerprint: string): ReplayCheck {
  const seen = applied.find((a) => a.commandId === commandId);
  if (!seen) return 'new';
  return seen.fingerprint === fingerprint ? 'duplicate' : 'conflict';
}

/** The list with this command appended, bounded to the last MAX_REMEMBERED_COMMANDS. */
export function rememberCommand(
  applied: readonly AppliedCommand[],
  commandId: string | null,
  fingerprint: string,
): AppliedCommand[] {
  if (commandId === null) return [...applied];
  const next = [...applied, { commandId, fingerprint }];
  return next.length > MAX_REMEMBERED_COMMANDS ? next.slice(next.length - MAX_REMEMBERED_COMMANDS) : next;
}
