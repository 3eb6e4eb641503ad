import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { newEvent } from '@kinlink/contracts';
import { ERASED } from '@kinlink/privacy';
import { AuthUser, canSeeAgency, scopeFilter, scopeSql } from '../auth';
import { ApiError, notFound } from '../common/api.errors';
import { CommandBus, outcomeOrThrow } from '../common/command-bus';
import { OpenedRecords, StoredClosure, StoredSealedRecord } from '../projections/opened-records';
import { decodeCursor, encodeCursor, pageSize } from '../common/pagination';
import { RecordKind, RecordNameIndex } from './name-index';
import { EraseRecordDto, ListRecordsQuery, SearchRecordsQuery } from './records.dto';

interface RecordRow {
  id: string; kind: RecordKind; agency_id: string; agency_record_id: string; revision: number; status: string;
  data: Record<string, any>; closure: StoredClosure | null; registered_at: Date; updated_at: Date; // eslint-disable-line @typescript-eslint/no-explicit-any
  sealed?: StoredSealedRecord | null;
}

/** Rows scanned at most by the substring search (records are sealed at rest: it searches opened records in memory). */
const SEARCH_SCAN_LIMIT = 5000;

/** Children and tracing requests of the agencies in the caller's scope (others answer 404 / are not listed). */
@Injectable()
export class RecordsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource, private readonly names: RecordNameIndex, private readonly commands: CommandBus,
    private readonly opened: OpenedRecords,
  ) {}

  /** Rows with their records opened (keys fetched at once); an erased record reads `[erased]`. */
  private async open(rows: RecordRow[]): Promise<RecordRow[]> {
    await this.opened.prefetch(rows.filter((r) => r.sealed).map((r) => r.id));
    return Promise.all(rows.map(async (r) => ({ ...r, data: (await this.opened.row(r)) ?? {}, closure: await this.opened.closure(r.id, r.closure) as StoredClosure | null })));
  }

  /**
   * Asks the registry to erase a record (`subject.erasure-requested` on case-commands, audited);
   * answers when the projection shows it erased, or 202 with the command's status URL.
   */
  async erase(user: AuthUser, kind: RecordKind, id: string, dto: EraseRecordDto, idempotencyKey?: string) {
    const [row]: RecordRow[] = await this.db.query('SELECT id, agency_id, status FROM admin_api.record_view WHERE id = $1 AND kind = $2', [id, kind]);
    if (!row || !canSeeAgency(user, row.agency_id)) throw notFound(kind);
    if (dto.confirm !== id) {
      const rule = 'erasure cannot be undone: repeat the record id in `confirm`';
      throw new ApiError('command_rejected', rule, { rule, ruleCode: 'ERASURE_NOT_CONFIRMED' }, 422);
    }
    if (row.status === 'erased') return { httpStatus: 200, body: { subject: { type: kind, id }, status: 'erased', duplicate: true } };
    const commandId = this.commands.commandIdFor(user, idempotencyKey);
    const outcome = await this.commands.send(user, commandId, { type: kind, id }, { ...dto }, () => newEvent('subject.erasure-requested', {
      correlationId: commandId,
      actor: { id: user.id, role: user.role, agencyId: user.agencyId },
      subject: { type: kind, id },
      payload: { commandId, subject: { type: kind, id }, reasonCode: dto.reasonCode, ...(dto.note ? { note: dto.note } : {}) },
    }));
    return { httpStatus: outcome.state === 'pending' ? 202 : 200, body: outcomeOrThrow(outcome) };
  }

  /** Whether the record exists in the caller's scope (for `/commands/{id}` of an erasure). */
  async canSee(user: AuthUser, id: string): Promise<boolean> {
    const [row]: Array<{ agency_id: string }> = await this.db.query('SELECT agency_id FROM admin_api.record_view WHERE id = $1', [id]);
    return !!row && canSeeAgency(user, row.agency_id);
  }

  async get(user: AuthUser, kind: RecordKind, id: string) {
    const [row]: RecordRow[] = await this.db.query('SELECT * FROM admin_api.record_view WHERE id = $1 AND kind = $2', [id, kind]);
    if (!row || !canSeeAgency(user, row.agency_id)) throw notFound(kind);
    const [opened] = await this.open([row]);
    return { row, view: fullView(opened) };
  }

  /**
   * A page of children or tracing requests: filtered (agency within scope, status, registered
   * since), oldest registration first; with `name`, ranked by how well a name matches instead.
   */
  async list(user: AuthUser, kind: RecordKind, q: ListRecordsQuery) {
    const params: unknown[] = [kind];
    const where = ['kind = $1'];
    const scope = scopeFilter(user, q.agency ? [q.agency] : undefined);
    const s = scopeSql(scope, { column: 'agency_id', paramIndex: params.length + 1 });
    where.push(s.sql);
    params.push(...s.params);
    const add = (sql: string, v: unknown) => { params.push(v); where.push(sql.replaceAll('?', `$${params.length}`)); };
    if (q.status) add('status = ?', q.status);
    if (q.registeredSince) add('registered_at >= ?::timestamptz', q.registeredSince);
    const limit = pageSize(q.limit);
    if (q.name === undefined) {
      const cursor = decodeCursor(q.cursor);
      if (cursor) { params.push(cursor.at, cursor.id); where.push(`(registered_at, id) > ($${params.length - 1}::timestamptz, $${params.length}::uuid)`); }
      const rows: RecordRow[] = await this.db.query(
        `SELECT * FROM admin_api.record_view WHERE ${where.join(' AND ')} ORDER BY registered_at, id LIMIT ${limit + 1}`, params);
      const page = await this.open(rows.slice(0, limit));
      const last = page[page.length - 1];
      return { items: page.map((r) => summaryView(r)), nextCursor: rows.length > limit ? encodeCursor(last.registered_at, last.id) : null };
    }
    const minMatch = q.minMatch ?? 0;
    const hits = new Map(this.names.search(kind, { name: q.name }).filter((h) => h.probability >= minMatch).map((h) => [h.recordId, h]));
    if (hits.size === 0) return { items: [], nextCursor: null };
    add('id = ANY(?::uuid[])', [...hits.keys()]);
    const rows: RecordRow[] = await this.db.query(`SELECT * FROM admin_api.record_view WHERE ${where.join(' AND ')}`, params);
    const ranked = rows
      .map((r) => ({ r, hit: hits.get(r.id)! }))
      .sort((a, b) => b.hit.probability - a.hit.probability || a.r.id.localeCompare(b.r.id));
    const after = decodeRankCursor(q.cursor);
    const rest = after ? ranked.filter(({ r, hit }) => hit.probability < after.p || (hit.probability === after.p && r.id > after.id)) : ranked;
    const page = rest.slice(0, limit);
    const last = page[page.length - 1];
    const opened = await this.open(page.map(({ r }) => r));
    return {
      items: page.map(({ hit }, i) => ({ ...summaryView(opened[i]), match: { probability: hit.probability, matchedOn: hit.matchedOn } })),
      nextCursor: rest.length > limit ? encodeRankCursor(last.hit.probability, last.r.id) : null,
    };
  }

  /**
   * Substring search over every field of the records in scope (`GET /records`). Records are sealed
   * at rest, so the search opens the most recently changed records in scope (at most
   * SEARCH_SCAN_LIMIT) and matches in memory.
   */
  async search(user: AuthUser, q: SearchRecordsQuery) {
    const scope = scopeFilter(user);
    const params: unknown[] = [];
    const where = [`status <> 'erased'`];
    const s = scopeSql(scope, { column: 'agency_id', paramIndex: params.length + 1 });
    where.push(s.sql);
    params.push(...s.params);
    if (q.kind) { params.push(q.kind); where.push(`kind = $${params.length}`); }
    const rows: RecordRow[] = await this.db.query(
      `SELECT * FROM admin_api.record_view WHERE ${where.join(' AND ')} ORDER BY updated_at DESC, id LIMIT ${SEARCH_SCAN_LIMIT}`, params);
    const needle = q.name.toLowerCase();
    const limit = pageSize(q.limit);
    const items = [];
    for (let i = 0; i < rows.length && items.length < limit; i += 500) {
      for (const r of await this.open(rows.slice(i, i + 500))) {
        if (items.length < limit && JSON.stringify(r.data).toLowerCase().includes(needle)) items.push(fullView(r));
      }
    }
    return { items };
  }
}

function fullView(r: RecordRow) {
  return {
    id: r.id, kind: r.kind, agencyId: r.agency_id, agencyRecordId: r.agency_record_id, revision: r.revision, status: r.status,
    data: r.status === 'erased' ? ERASED : r.data, closure: r.closure, registeredAt: r.registered_at, updatedAt: r.updated_at,
  };
}

/** What a list shows of a record: who it is (to recognise them), not where they are or their story. */
function summaryView(r: RecordRow) {
  const base = { id: r.id, kind: r.kind, agencyId: r.agency_id, agencyRecordId: r.agency_record_id, revision: r.revision, status: r.status, registeredAt: r.registered_at, updatedAt: r.updated_at };
  const d = r.data;
  if (r.status === 'erased') return { ...base, name: ERASED };
  if (r.kind === 'child') return { ...base, ...compact({ name: d.name, sex: d.sex, dateOfBirth: d.dateOfBirth, estimatedAge: d.estimatedAge }) };
  return {
    ...base,
    ...compact({
      inquiryDate: d.inquiryDate,
      inquirer: d.inquirer && compact({ name: d.inquirer.name, relation: d.inquirer.relation }),
      soughtChildren: Array.isArray(d.soughtChildren)
        ? d.soughtChildren.map((c: Record<string, unknown>) => compact({ ref: c.ref, name: c.name, sex: c.sex, dateOfBirth: c.dateOfBirth, estimatedAge: c.estimatedAge }))
        : undefined,
    }),
  };
}

function encodeRankCursor(p: number, id: string): string {
  return `r.${Buffer.from(JSON.stringify({ p, id })).toString('base64url')}`;
}

function decodeRankCursor(cursor: string | undefined): { p: number; id: string } | undefined {
  if (!cursor) return undefined;
  try {
    if (!cursor.startsWith('r.')) throw new Error('not a rank cursor');
    const c = JSON.parse(Buffer.from(cursor.slice(2), 'base64url').toString());
    if (typeof c.p !== 'number' || typeof c.id !== 'string' || !/^[0-9a-f-]{36}$/.test(c.id)) throw new Error('bad cursor');
    return c;
  } catch {
    throw new ApiError('invalid_request', 'invalid cursor');
  }
}

function compact<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>;
}
