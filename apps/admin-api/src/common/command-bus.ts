import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { KinlinkEvent } from '@kinlink/contracts';
import { UnitOfWork } from '@kinlink/kafka';
import { ApiError } from './api.errors';

export interface CommandOutcome {
  commandId: string;
  state: 'accepted' | 'rejected' | 'pending';
  httpStatus: number;
  body: Record<string, unknown>;
}

const COMMAND_ID = /^[A-Za-z0-9_-]{8,80}$/;

/**
 * Sends a coordinator command to its owning service as an event (through the outbox) and waits
 * for the outcome that service publishes, matched by command id. If the outcome takes longer than
 * COMMAND_WAIT_MS the caller gets 202 and polls GET /commands/{id}. An Idempotency-Key header
 * becomes the command id, so a retried request never acts twice.
 */
@Injectable()
export class CommandBus {
  private readonly waitMs: number;
  constructor(@InjectDataSource() private readonly dataSource: DataSource, private readonly uow: UnitOfWork, config: ConfigService) {
    this.waitMs = config.getOrThrow<number>('COMMAND_WAIT_MS');
  }

  commandIdFrom(idempotencyKey: string | undefined): string {
    if (idempotencyKey === undefined) return randomUUID();
    if (!COMMAND_ID.test(idempotencyKey)) throw new ApiError('invalid_request', 'Idempotency-Key must be 8–80 characters of A–Z, a–z, 0–9, _ or -');
    return idempotencyKey;
  }

  async send(commandId: string, build: () => KinlinkEvent): Promise<CommandOutcome> {
    const known = await this.outcome(commandId);
    if (known.state !== 'pending') return known;
    await this.uow.run(async () => ({ result: undefined, events: [build()] }));
    const deadline = Date.now() + this.waitMs;
    for (let delay = 20; Date.now() < deadline; delay = Math.min(delay * 1.5, 200)) {
      await new Promise((r) => setTimeout(r, delay));
      const o = await this.outcome(commandId);
      if (o.state !== 'pending') return o;
    }
    return { commandId, state: 'pending', httpStatus: 202, body: { status: 'pending', statusUrl: `/commands/${commandId}` } };
  }

  async outcome(commandId: string): Promise<CommandOutcome> {
    const rows: Array<{ outcome: 'accepted' | 'rejected'; http_status: number; body: Record<string, unknown> }> =
      await this.dataSource.query('SELECT outcome, http_status, body FROM admin_api.command_outcome WHERE command_id = $1', [commandId]);
    if (rows.length === 0) return { commandId, state: 'pending', httpStatus: 202, body: { status: 'pending', statusUrl: `/commands/${commandId}` } };
    return { commandId, state: rows[0].outcome, httpStatus: rows[0].http_status, body: rows[0].body };
  }
}

/** An outcome as the HTTP answer: accepted → 200 with the result, rejected → problem details naming the rule. */
export function outcomeOrThrow(o: CommandOutcome): Record<string, unknown> {
  if (o.state === 'rejected') {
    throw new ApiError('command_rejected', String(o.body.rule ?? 'command rejected'), { rule: o.body.rule, ruleCode: o.body.code, commandId: o.commandId }, o.httpStatus);
  }
  return { commandId: o.commandId, status: o.state, ...o.body };
}
