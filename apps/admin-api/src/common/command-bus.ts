import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { KinlinkEvent } from '@kinlink/contracts';
import { UnitOfWork } from '@kinlink/kafka';
import { KEY_WRAPPER, KeyWrapper } from '@kinlink/privacy';
import type { AuthUser } from '../auth';
import { ApiError } from './api.errors';

export interface CommandOutcome {
  commandId: string;
  state: 'accepted' | 'rejected' | 'pending';
  httpStatus: number;
  body: Record<string, unknown>;
}

/** What a command is about: its outcome is shown only to callers who may see this. */
export interface CommandSubject {
  type: 'proposal' | 'case' | 'child' | 'tracing-request';
  id: string;
}

export interface CommandRequest {
  commandId: string;
  subject: CommandSubject;
  actorId: string;
}

/** Command ids as they appear in `/commands/{id}`. */
export const COMMAND_ID = /^[A-Za-z0-9_-]{8,80}$/;

/**
 * Sends a coordinator command to its owning service as an event (through the outbox) and waits
 * for the outcome that service publishes, matched by command id. If the outcome takes longer than
 * COMMAND_WAIT_MS the caller gets 202 and polls GET /commands/{id}.
 *
 * An Idempotency-Key header makes a retried request never act twice. The key is the caller's own:
 * the command id is derived from the caller and the key, so two callers using the same key never
 * share a command (nor see each other's outcome). The same key for a different request answers
 * 422 COMMAND_ID_REUSED. Who asked what about which subject is kept in `command_request`.
 */
@Injectable()
export class CommandBus {
  private readonly waitMs: number;
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly uow: UnitOfWork,
    config: ConfigService,
    @Inject(KEY_WRAPPER) private readonly keys: Pick<KeyWrapper, 'mac'>,
  ) {
    this.waitMs = config.getOrThrow<number>('COMMAND_WAIT_MS');
  }

  commandIdFor(user: AuthUser, idempotencyKey: string | undefined): string {
    if (idempotencyKey === undefined) return randomUUID();
    if (!COMMAND_ID.test(idempotencyKey)) throw new ApiError('invalid_request', 'Idempotency-Key must be 8–80 characters of A–Z, a–z, 0–9, _ or -');
    const digest = createHash('sha256').update(`${user.agencyId}\n${user.id}\n${idempotencyKey}`).digest('base64url');
    return `ik_${digest.slice(0, 40)}`;
  }

  async send(user: AuthUser, commandId: string, subject: CommandSubject, request: unknown, build: () => KinlinkEvent): Promise<CommandOutcome> {
    const canonical = canonicalJson({ subject, request });
    const requestHash = await this.requestDigest(canonical);
    const known = await this.requestRow(commandId);
    if (known && (known.actor_id !== user.id || !sameRequest(known.request_hash, requestHash, canonical))) throw reused(commandId);
    if (!known) {
      await this.uow.run(async (m) => {
        const inserted: unknown[] = await m.query(
          `INSERT INTO admin_api.command_request (command_id, subject_type, subject_id, actor_id, request_hash)
           VALUES ($1,$2,$3,$4,$5) ON CONFLICT DO NOTHING RETURNING 1`,
          [commandId, subject.type, subject.id, user.id, requestHash]);
        // a concurrent retry with the same key already sent it: wait for that one
        return { result: undefined, events: inserted.length ? [build()] : [] };
      });
      const again = await this.requestRow(commandId);
      if (!again || again.actor_id !== user.id || !sameRequest(again.request_hash, requestHash, canonical)) throw reused(commandId);
    }
    const deadline = Date.now() + this.waitMs;
    for (let delay = 20; ; delay = Math.min(delay * 1.5, 200)) {
      const o = await this.outcome(commandId);
      if (o.state !== 'pending' || Date.now() >= deadline) return o;
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  /** Who sent a command about what; undefined for an unknown id. */
  async request(commandId: string): Promise<CommandRequest | undefined> {
    const row = await this.requestRow(commandId);
    return row && { commandId, subject: { type: row.subject_type, id: row.subject_id }, actorId: row.actor_id };
  }

  async outcome(commandId: string): Promise<CommandOutcome> {
    const rows: Array<{ outcome: 'accepted' | 'rejected'; http_status: number; body: Record<string, unknown> }> =
      await this.dataSource.query('SELECT outcome, http_status, body FROM admin_api.command_outcome WHERE command_id = $1', [commandId]);
    if (rows.length === 0) return { commandId, state: 'pending', httpStatus: 202, body: { status: 'pending', statusUrl: `/commands/${commandId}` } };
    return { commandId, state: rows[0].outcome, httpStatus: rows[0].http_status, body: rows[0].body };
  }

  /**
   * The request's fingerprint for the Idempotency-Key check. Keyed (HMAC under a master-key-derived
   * key), because the request holds casework text in clear: a plain hash of a short note could be
   * guessed from the database.
   */
  private async requestDigest(canonicalRequest: string): Promise<string> {
    return `${REQUEST_DIGEST_PREFIX}${await this.keys.mac('command-request', canonicalRequest)}`;
  }

  private async requestRow(commandId: string) {
    const rows: Array<{ subject_type: CommandSubject['type']; subject_id: string; actor_id: string; request_hash: string }> =
      await this.dataSource.query('SELECT subject_type, subject_id, actor_id, request_hash FROM admin_api.command_request WHERE command_id = $1', [commandId]);
    return rows[0];
  }
}

const REQUEST_DIGEST_PREFIX = 'hmac1:';

/**
 * Whether a stored request fingerprint is this request's. Rows written before the keyed digest hold
 * a plain SHA-256 (no prefix): a retry of such a command still matches.
 */
export function sameRequest(stored: string, keyedDigest: string, canonicalRequest: string): boolean {
  if (stored.startsWith(REQUEST_DIGEST_PREFIX)) return stored === keyedDigest;
  return stored === createHash('sha256').update(canonicalRequest).digest('hex');
}

function reused(commandId: string): ApiError {
  const rule = 'this Idempotency-Key was already used for a different request';
  return new ApiError('command_rejected', rule, { rule, ruleCode: 'COMMAND_ID_REUSED', commandId }, 422);
}

/** An outcome as the HTTP answer: accepted → 200 with the result, rejected → problem details naming the rule. */
export function outcomeOrThrow(o: CommandOutcome): Record<string, unknown> {
  if (o.state === 'rejected') {
    throw new ApiError('command_rejected', String(o.body.rule ?? 'command rejected'), { rule: o.body.rule, ruleCode: o.body.code, commandId: o.commandId }, o.httpStatus);
  }
  return { commandId: o.commandId, status: o.state, ...o.body };
}

/** JSON with object keys sorted, so equal requests hash equally. */
export function canonicalJson(v: unknown): string {
  if (v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}
