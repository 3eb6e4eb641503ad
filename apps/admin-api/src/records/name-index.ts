import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { KinlinkEvent } from '@kinlink/contracts';
import { MatchingEngine, MatchRecord, nameEvidenceModel, PersonName } from '@kinlink/matching-engine';
import { OpenedRecords, StoredSealedRecord } from '../projections/opened-records';

export type RecordKind = 'child' | 'tracing-request';

export interface NameHit {
  recordId: string;
  probability: number;
  /** `child`, `sought-child:<ref>` or `inquirer` */
  matchedOn: string;
}

const INQUIRER = '~inquirer';
const MAX_HITS = 1000;
/**
 * Name evidence (bits, the explanation's `name.*` weights) a hit needs to be returned at all: below
 * it the names agree no better than two unrelated names often do (e.g. a short phonetic key shared
 * by `Zzyzx` and `Saxahu`), and listing such records only adds noise for the coordinator.
 */
export const MIN_NAME_EVIDENCE_BITS = 4;

/**
 * Fuzzy, cross-script name search over the admin API's own records projection: a matching-engine
 * instance (pure library, in memory) holding the names, sex and date of birth of every child, and
 * of every sought child and inquirer of a tracing request. Loaded from `record_view` at boot, then
 * kept current by the records consumer (a revision is applied once, never an older one after a
 * newer). It only proposes record ids and scores: callers read the records and apply the scope.
 */
@Injectable()
export class RecordNameIndex implements OnApplicationBootstrap {
  private readonly logger = new Logger(RecordNameIndex.name);
  // the name-evidence model: MIN_NAME_EVIDENCE_BITS was set on its weights, which a refit of the matching model moves
  private readonly engine = new MatchingEngine({ model: nameEvidenceModel() });
  private readonly revisions = new Map<string, number>();
  private readonly entries = new Map<string, string[]>();

  constructor(@InjectDataSource() private readonly db: DataSource, private readonly opened: OpenedRecords) {}

  async onApplicationBootstrap(): Promise<void> {
    const started = Date.now();
    const rows: Array<{ id: string; kind: RecordKind; agency_id: string; revision: number; status: string; data: Record<string, unknown>; sealed: StoredSealedRecord | null }> =
      await this.db.query(`SELECT id, kind, agency_id, revision, status, data, sealed FROM admin_api.record_view WHERE status <> 'erased'`);
    // records are sealed at rest: keys fetched in bulk per chunk, names opened into memory only
    for (let i = 0; i < rows.length; i += 5000) {
      const chunk = rows.slice(i, i + 5000);
      await this.opened.prefetch(chunk.map((r) => r.id));
      for (const r of chunk) {
        const data = await this.opened.row(r);
        if (data) this.index(r.id, r.kind, r.agency_id, r.revision, data);
      }
    }
    this.logger.log(`name index loaded: ${rows.length} records in ${Date.now() - started} ms`);
  }

  /** An erased record leaves the index (its revision stays, so no older event brings it back). */
  remove(recordId: string): void {
    for (const old of this.entries.get(recordId) ?? []) this.engine.remove(old);
    this.entries.delete(recordId);
    this.revisions.set(recordId, Number.MAX_SAFE_INTEGER);
  }

  /** A `records` event with its record opened: index the new or changed record (closures keep the names: the status filter is the query's). */
  apply(event: KinlinkEvent): void {
    const p = event.payload as unknown as { id: string; agencyId: string; revision: number; record?: Record<string, unknown>; request?: Record<string, unknown> };
    if (event.type === 'child.registered' || event.type === 'child.updated') this.index(p.id, 'child', p.agencyId, p.revision, p.record ?? {});
    else if (event.type === 'tracing-request.filed' || event.type === 'tracing-request.updated') this.index(p.id, 'tracing-request', p.agencyId, p.revision, p.request ?? {});
  }

  index(id: string, kind: RecordKind, agencyId: string, revision: number, data: Record<string, unknown>): void {
    if ((this.revisions.get(id) ?? -1) >= revision) return;
    this.revisions.set(id, revision);
    for (const old of this.entries.get(id) ?? []) this.engine.remove(old);
    const profiles = kind === 'child' ? [childProfile(id, agencyId, data)] : requestProfiles(id, agencyId, data);
    const indexed: string[] = [];
    for (const profile of profiles) {
      try {
        this.engine.upsert(profile);
        indexed.push(profile.id);
      } catch (e) {
        this.logger.warn(`record ${id} not indexed for name search: ${(e as Error).message}`);
      }
    }
    this.entries.set(id, indexed);
  }

  /** Records whose names are like `name` (any script, spelling variants), best first, one hit per record. */
  search(kind: RecordKind, query: { name: string; sex?: string; dateOfBirth?: string }): NameHit[] {
    const hits = this.engine.searchByName({ ...query, side: kind === 'child' ? 'child' : 'sought' }, { limit: MAX_HITS });
    const best = new Map<string, NameHit>();
    for (const h of hits) {
      if (nameEvidence(h.explanation) < MIN_NAME_EVIDENCE_BITS) continue;
      const [recordId, part] = h.id.split('#');
      const matchedOn = kind === 'child' ? 'child' : part === INQUIRER ? 'inquirer' : `sought-child:${part}`;
      const seen = best.get(recordId);
      if (!seen || seen.probability < h.probability) best.set(recordId, { recordId, probability: h.probability, matchedOn });
    }
    return [...best.values()];
  }
}

function nameEvidence(explanation: ReadonlyArray<{ field: string; weight: number }>): number {
  return explanation.reduce((bits, f) => (f.field.startsWith('name') ? bits + f.weight : bits), 0);
}

type Data = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function childProfile(id: string, agencyId: string, d: Data): MatchRecord {
  return compact({ id, side: 'child', agencyId, consentForTracing: true, name: nameOf(d.name), sex: d.sex, dateOfBirth: d.dateOfBirth }) as MatchRecord;
}

function requestProfiles(id: string, agencyId: string, d: Data): MatchRecord[] {
  const sought: MatchRecord[] = (Array.isArray(d.soughtChildren) ? d.soughtChildren : []).map((s: Data) => compact({
    id: `${id}#${s.ref}`, side: 'sought', agencyId, groupId: id, consentForTracing: true, name: nameOf(s.name), sex: s.sex, dateOfBirth: s.dateOfBirth,
  }) as MatchRecord);
  const inquirer = d.inquirer?.name ? [compact({
    id: `${id}#${INQUIRER}`, side: 'sought', agencyId, groupId: id, consentForTracing: true, name: nameOf(d.inquirer.name), sex: d.inquirer.sex,
  }) as MatchRecord] : [];
  return [...sought, ...inquirer];
}

function nameOf(n: Data | undefined): PersonName {
  return compact({ given: n?.given, middle: n?.middle, family: n?.family, full: n?.full, nicknames: n?.nicknames, original: n?.original });
}

function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as T;
}
