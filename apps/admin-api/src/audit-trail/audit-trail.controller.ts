import { BeforeApplicationShutdown, Controller, Get, Inject, OnApplicationBootstrap, Param, Query, Res } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { encodeVerifierKey } from '@kinlink/audit-log';
import { KinlinkEvent, TopicNames } from '@kinlink/contracts';
import { EventPublisher, KAFKA_CLIENT, UnitOfWork } from '@kinlink/kafka';
import { AuthUser, CurrentUser, Roles } from '../auth';
import { ApiError } from '../common/api.errors';
import { ProjectEvent } from '../projections/project-event.usecase';
import { AccessLog } from './access-log';
import { pinnedAuditKey } from './audit-projection';
import { AuditTrailReader } from './audit-trail.reader';
import { CheckpointFeed } from './checkpoint-feed';

const SIZE = /^(0|[1-9][0-9]{0,15})$/;
const SUBJECT_ID = /^[A-Za-z0-9:#_.-]{1,200}$/;
const EVENT_TYPE = /^[a-z][a-z0-9.-]{0,79}$/;
const MAX_EXPORT = 1_000_000;

function size(value: string | undefined, name: string, required = false): number | undefined {
  if (value === undefined || value === '') {
    if (required) throw new ApiError('invalid_request', `${name} is required`);
    return undefined;
  }
  if (!SIZE.test(value) || !Number.isSafeInteger(Number(value))) throw new ApiError('invalid_request', `${name} must be a non-negative integer`);
  return Number(value);
}

function instant(value: string | undefined, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.length > 40 || Number.isNaN(Date.parse(value))) throw new ApiError('invalid_request', `${name} must be an ISO-8601 date-time`);
  return new Date(value).toISOString();
}

function id(value: string | undefined, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!SUBJECT_ID.test(value)) throw new ApiError('invalid_request', `invalid ${name}`);
  return value;
}

/**
 * The audit trail for auditors (role `auditor` only): search, a subject's history, Merkle proofs,
 * signed checkpoints and verifiable exports, all from the admin API's own projection of the log.
 * Every read of the audit log is itself logged (an `audit-log.read` leaf, purpose `audit`).
 */
@ApiTags('audit')
@ApiBearerAuth()
@Roles('auditor')
@Controller('audit')
export class AuditTrailController implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly reader: AuditTrailReader;
  private readonly accessLog: AccessLog;
  private readonly feed: CheckpointFeed;

  constructor(
    @InjectDataSource() db: DataSource,
    uow: UnitOfWork,
    moduleRef: ModuleRef,
    @Inject(KAFKA_CLIENT) kafka: Kafka,
    topics: TopicNames,
    publisher: EventPublisher,
  ) {
    this.reader = new AuditTrailReader(db);
    this.accessLog = new AccessLog(uow);
    this.feed = new CheckpointFeed({
      kafka, topics, publisher,
      project: (e: KinlinkEvent) => moduleRef.get(ProjectEvent, { strict: false }).execute(e),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.feed.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.feed.stop();
  }

  private logRead(user: AuthUser, part: string, operation: string, query: Record<string, string | number | boolean | undefined> = {}) {
    return this.accessLog.recordRead(user, { type: 'audit-log', id: part }, 'audit', { operation, query });
  }

  @Get('entries')
  @ApiOperation({ summary: 'Search the audit log by subject, actor, agency, event type and time range; in log order, cursor-paginated, each entry with its leaf index' })
  @ApiQuery({ name: 'subject', required: false, description: 'child, tracing request, case or proposal id' })
  @ApiQuery({ name: 'actor', required: false }) @ApiQuery({ name: 'agency', required: false })
  @ApiQuery({ name: 'eventType', required: false, description: 'one or more, comma-separated' })
  @ApiQuery({ name: 'since', required: false, description: 'occurred at or after (ISO-8601)' })
  @ApiQuery({ name: 'until', required: false, description: 'occurred before (ISO-8601)' })
  @ApiQuery({ name: 'cursor', required: false }) @ApiQuery({ name: 'limit', required: false })
  async entries(
    @CurrentUser() user: AuthUser,
    @Query('subject') subject?: string, @Query('actor') actor?: string, @Query('agency') agency?: string,
    @Query('eventType') eventType?: string, @Query('since') since?: string, @Query('until') until?: string,
    @Query('cursor') cursor?: string, @Query('limit') limit?: string,
  ) {
    const eventTypes = eventType ? eventType.split(',').map((t) => t.trim()).filter(Boolean) : undefined;
    if (eventTypes && (eventTypes.length > 20 || !eventTypes.every((t) => EVENT_TYPE.test(t)))) throw new ApiError('invalid_request', 'invalid eventType');
    if (cursor !== undefined && cursor.length > 100) throw new ApiError('invalid_request', 'invalid cursor');
    const filter = {
      subject: id(subject, 'subject'), actor: id(actor, 'actor'), agency: id(agency, 'agency'), eventTypes,
      since: instant(since, 'since'), until: instant(until, 'until'), cursor,
      limit: Math.min(Math.max(size(limit, 'limit') ?? 50, 1), 500),
    };
    const page = await this.reader.entries(filter);
    await this.logRead(user, 'entries', 'GET /audit/entries', {
      subject: filter.subject, actor: filter.actor, agency: filter.agency, eventType: eventTypes?.join(','), since: filter.since,
      until: filter.until, cursor, limit: filter.limit,
    });
    return page;
  }

  @Get('subjects/:id')
  @ApiOperation({ summary: "A subject's complete history (child, tracing request, case or proposal id), in log order and human-readable (what changed from what to what, who, why), with what verifies it" })
  @ApiQuery({ name: 'limit', required: false }) @ApiQuery({ name: 'proofs', required: false, description: 'true: an inclusion proof per entry covered by the latest checkpoint' })
  async history(@CurrentUser() user: AuthUser, @Param('id') subjectId: string, @Query('limit') limit?: string, @Query('proofs') proofs?: string) {
    if (!SUBJECT_ID.test(subjectId)) throw new ApiError('invalid_request', 'invalid subject id');
    const max = Math.min(Math.max(size(limit, 'limit') ?? 1000, 1), 5000);
    const withProofs = proofs === 'true';
    const history = await this.reader.history(subjectId, withProofs ? Math.min(max, 500) : max, withProofs);
    await this.logRead(user, 'subjects', 'GET /audit/subjects/:id', { subject: subjectId, limit: max, proofs: withProofs });
    return history;
  }

  @Get('proofs/inclusion')
  @ApiOperation({ summary: 'RFC 9162 inclusion proof of leaf `index` in the tree of size `treeSize` (a checkpoint size; default the latest), with the signed checkpoint' })
  @ApiQuery({ name: 'index', required: true }) @ApiQuery({ name: 'treeSize', required: false })
  async inclusion(@CurrentUser() user: AuthUser, @Query('index') index?: string, @Query('treeSize') treeSize?: string) {
    const i = size(index, 'index', true) as number;
    const n = size(treeSize, 'treeSize');
    const proof = await this.reader.inclusion(i, n);
    await this.logRead(user, 'proofs/inclusion', 'GET /audit/proofs/inclusion', { index: i, treeSize: proof.treeSize });
    return proof;
  }

  @Get('proofs/consistency')
  @ApiOperation({ summary: 'RFC 9162 consistency proof from tree size `from` to `to` (a checkpoint size; default the latest), with the signed checkpoint' })
  @ApiQuery({ name: 'from', required: true }) @ApiQuery({ name: 'to', required: false })
  async consistency(@CurrentUser() user: AuthUser, @Query('from') from?: string, @Query('to') to?: string) {
    const m = size(from, 'from', true) as number;
    const proof = await this.reader.consistency(m, size(to, 'to'));
    await this.logRead(user, 'proofs/consistency', 'GET /audit/proofs/consistency', { from: m, to: proof.to });
    return proof;
  }

  @Get('checkpoints/latest')
  @ApiOperation({ summary: 'The latest signed checkpoint (C2SP signed note, Ed25519) the projection has verified: save it and check the next one is consistent with it' })
  async latestCheckpoint(@CurrentUser() user: AuthUser) {
    const cp = await this.reader.latestCheckpoint();
    if (!cp) throw new ApiError('not_found', 'the audit log has no signed checkpoint yet');
    await this.logRead(user, 'checkpoints', 'GET /audit/checkpoints/latest', { treeSize: cp.treeSize });
    return cp;
  }

  @Get('checkpoints/:treeSize')
  @ApiOperation({ summary: 'The signed checkpoint at a tree size' })
  async checkpoint(@CurrentUser() user: AuthUser, @Param('treeSize') treeSize: string) {
    const cp = await this.reader.checkpointAt(size(treeSize, 'treeSize', true) as number);
    await this.logRead(user, 'checkpoints', 'GET /audit/checkpoints/:treeSize', { treeSize: cp.treeSize });
    return cp;
  }

  @Get('export')
  @ApiOperation({ summary: 'Leaves [from, to) as JSON Lines with the signed checkpoint at `to` and the proofs needed; verify offline with `npm run audit:verify -- <file> --public-key <key>`' })
  @ApiProduces('application/x-ndjson')
  @ApiQuery({ name: 'from', required: false, description: 'first leaf index (default 0)' })
  @ApiQuery({ name: 'to', required: false, description: 'a checkpoint size (default the latest)' })
  @ApiQuery({ name: 'consistencyFrom', required: false, description: 'comma-separated tree sizes you hold checkpoints for (below `from`): consistency proofs from them are included' })
  async export(
    @CurrentUser() user: AuthUser, @Res() res: Response,
    @Query('from') from?: string, @Query('to') to?: string, @Query('consistencyFrom') consistencyFrom?: string,
  ) {
    const start = size(from, 'from') ?? 0;
    const sizes = consistencyFrom ? consistencyFrom.split(',').map((s) => size(s.trim(), 'consistencyFrom', true) as number) : [];
    if (sizes.length > 20) throw new ApiError('invalid_request', 'at most 20 consistencyFrom sizes');
    const cp = await this.reader.exportCheckpoint(start, size(to, 'to'));
    if (cp.treeSize - start > MAX_EXPORT) throw new ApiError('invalid_request', `at most ${MAX_EXPORT} leaves per export`);
    const lines = this.reader.exportLines(cp, start, sizes);
    const first = await lines.next(); // the header: any error is still an HTTP error
    await this.logRead(user, 'export', 'GET /audit/export', { from: start, to: cp.treeSize, consistencyFrom: sizes.join(',') || undefined });
    res.status(200).type('application/x-ndjson')
      .setHeader('content-disposition', `attachment; filename="kinlink-audit-${start}-${cp.treeSize}.jsonl"`);
    if (!first.done) res.write(first.value);
    for await (const chunk of lines) res.write(chunk);
    res.end();
  }

  @Get('public-key')
  @ApiOperation({ summary: "The audit log's verifier key (`<name>+<id>+<base64>`, C2SP signed-note): compare it with the one you got out of band before trusting it" })
  async publicKey() {
    const pinned = pinnedAuditKey();
    const cp = await this.reader.latestCheckpoint().catch(() => null);
    const text = pinned ? encodeVerifierKey(pinned) : cp?.publicKey;
    if (!text) throw new ApiError('not_found', 'no audit log key known yet');
    return { publicKey: text, keyName: text.split('+')[0], origin: cp?.origin ?? null, pinned: Boolean(pinned) };
  }
}
