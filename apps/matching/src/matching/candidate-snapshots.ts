import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { repoRoot } from '@kinlink/config';
import { schemaOf } from '@kinlink/database';
import { EngineOptions, MatchingEngine, SnapshotCorruptError, SnapshotVersionError } from '@kinlink/matching-engine';
import { KEY_VAULT_SCHEMA, SUBJECT_KEY_STORE, SubjectCipher, SubjectErasedError, SubjectKey, SubjectKeyStore } from '@kinlink/privacy';
import { subjectIdOf } from './match-records';
import { ReplicaFeed } from './replica-feed';
import { openProfile, StoredProfile } from './sealed-profile';
import { readSealedSnapshot, readSnapshotHeader, SnapshotUnusable, writeSealedSnapshot } from './sealed-snapshot-file';

/** snapshot keys live in the key vault under ids of this form (never a subject's id) */
const KEY_PREFIX = 'matching.snapshot/';
const CATCH_UP_PAGE = 10_000;
/** how long a snapshot waits for transactions that were running when its high-water mark was read */
const SETTLE_TIMEOUT_MS = 30_000;

export interface RestoredIndex {
  engine: MatchingEngine;
  /** rows applied after the snapshot (changed since its high-water mark) */
  caughtUp: number;
  /** records dropped because their subject was erased while this instance was down */
  erased: number;
  snapshotMiB: number;
  readMs: number;
  restoreMs: number;
}

/**
 * A sealed snapshot of the candidate index (docs/architecture.md, "restart from a snapshot"):
 * the engine's state written to MATCHING_SNAPSHOT_DIR, AES-256-GCM under a snapshot key kept in
 * the key vault, with the candidate table's high-water mark (change_seq). A boot restores it and
 * applies only the rows changed since; periodic writes (MATCHING_SNAPSHOT_INTERVAL_MS) and one at
 * shutdown keep that tail short. An erasure destroys the snapshot key and deletes the file at once
 * (crypto-shredding, like a subject's key); the next write uses a new key. A snapshot that cannot
 * be used (key gone, other versions, fails authentication) is logged and the full load runs.
 */
@Injectable()
export class CandidateSnapshots implements BeforeApplicationShutdown {
  private readonly logger = new Logger(CandidateSnapshots.name);
  readonly enabled: boolean;
  readonly file: string;
  private readonly intervalMs: number;
  private key?: SubjectKey;
  /** bumped by every shred: a write that began before it must not leave a file */
  private generation = 0;
  /** shreds so far (diagnostics, tests) */
  get shreds(): number {
    return this.generation;
  }
  private lastHwm?: string;
  private writing?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private engineOf?: () => MatchingEngine;
  private stopped = false;

  constructor(
    config: ConfigService,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SUBJECT_KEY_STORE) private readonly keys: SubjectKeyStore,
    private readonly cipher: SubjectCipher,
    private readonly replica: ReplicaFeed,
  ) {
    this.enabled = config.get('MATCHING_SNAPSHOT') !== '0';
    const dir = config.get<string>('MATCHING_SNAPSHOT_DIR') || path.join('.run', 'matching-snapshot');
    // one file per instance (instances scaled out on one host share the directory)
    this.file = path.join(path.resolve(repoRoot(), dir), `candidate-index-${config.get<number>('HTTP_PORT') ?? 0}.sealed`);
    this.intervalMs = config.get<number>('MATCHING_SNAPSHOT_INTERVAL_MS') ?? 600_000;
    replica.onErased = () => this.shred('subject erased (replica feed)');
  }

  private get table(): string {
    return `"${schemaOf(this.dataSource)}".candidate`;
  }

  // ------------------------------------------------------------ boot ---

  /** The index from the snapshot plus the rows changed since, or undefined (logged) when there is none to use. */
  async restore(options: EngineOptions): Promise<RestoredIndex | undefined> {
    if (!this.enabled) return undefined;
    const t0 = Date.now();
    let opened;
    try {
      opened = await readSealedSnapshot(this.file, async (h) => {
        if (!h.keySubject.startsWith(KEY_PREFIX)) return undefined;
        try {
          const key = await this.keys.find(h.keySubject);
          if (key && key.keyId === h.keyId) {
            this.key = key;
            return key.dek;
          }
          return undefined;
        } catch (e) {
          if (e instanceof SubjectErasedError) return undefined;
          throw e;
        }
      });
    } catch (e) {
      if (e instanceof SnapshotUnusable && e.reason === 'missing') {
        this.logger.log(`no index snapshot at ${this.file}: full load`);
        return undefined;
      }
      return this.discard(`index snapshot unusable (${(e as Error).message}): full load`);
    }
    const readMs = Date.now() - t0;
    if (opened.header.source !== await this.source()) return this.discard('index snapshot of another candidate table (recreated?): full load');
    let engine: MatchingEngine;
    try {
      engine = MatchingEngine.restore(opened.snapshot, options, { adopt: true }); // the decrypted chunks become the index: no second copy
    } catch (e) {
      if (e instanceof SnapshotVersionError || e instanceof SnapshotCorruptError) return this.discard(`index snapshot not restored (${e.message}): full load`);
      throw e;
    }
    const restoreMs = Date.now() - t0 - readMs;
    const caughtUp = await this.catchUp(engine, opened.header.hwm);
    const erased = await this.dropErased(engine);
    // the file on disk is still current when nothing changed since: no rewrite needed until something does
    this.lastHwm = caughtUp === 0 && erased === 0 ? opened.header.hwm : undefined;
    return { engine, caughtUp, erased, snapshotMiB: Math.round(opened.bytes / 2 ** 20), readMs, restoreMs };
  }

  /** the table the high-water mark is of: database and table oid */
  private async source(): Promise<string> {
    const [{ s }]: Array<{ s: string }> = await this.dataSource.query(`SELECT current_database() || '/' || $1::regclass::oid::text AS s`, [this.table]);
    return s;
  }

  /** Deletes an unusable snapshot and destroys its key (if any is left), then the caller loads in full. */
  private async discard(message: string): Promise<undefined> {
    this.logger.warn(message);
    const header = await readSnapshotHeader(this.file).catch(() => undefined);
    this.key = undefined;
    rmSync(this.file, { force: true });
    if (header?.keySubject.startsWith(KEY_PREFIX)) await this.keys.destroy(header.keySubject, 'snapshot_discarded').catch(() => undefined);
    return undefined;
  }

  /** Applies the rows changed after the snapshot's high-water mark, in change order: upsert active, remove the rest. */
  private async catchUp(engine: MatchingEngine, hwm: string): Promise<number> {
    let after = hwm;
    let applied = 0;
    for (;;) {
      const rows: Array<{ id: string; active: boolean; profile: StoredProfile; seq: string }> = await this.dataSource.query(
        `SELECT id, active, profile, change_seq::text AS seq FROM ${this.table} WHERE change_seq > $1::bigint ORDER BY change_seq LIMIT ${CATCH_UP_PAGE}`, [after]);
      await this.cipher.prefetch(rows.filter((r) => r.active).map((r) => subjectIdOf(r.profile)));
      for (const row of rows) {
        const profile = row.active ? await openProfile(this.cipher, row.profile) : undefined;
        if (profile) engine.upsert(profile);
        else engine.remove(row.id);
      }
      applied += rows.length;
      if (rows.length < CATCH_UP_PAGE) return applied;
      after = rows[rows.length - 1].seq;
    }
  }

  /**
   * Records whose subject was erased while this instance was down (the erasure not yet applied
   * here, so their rows are unchanged): out of the index, and the snapshot that held them shredded.
   */
  private async dropErased(engine: MatchingEngine): Promise<number> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `WITH erased AS MATERIALIZED (
         SELECT subject_id::uuid AS rid FROM ${KEY_VAULT_SCHEMA}.erased_subject
         WHERE subject_id ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$')
       SELECT c.id FROM erased e JOIN ${this.table} c ON c.record_id = e.rid WHERE c.active`);
    const held = rows.map((r) => r.id).filter((id) => engine.has(id));
    if (held.length === 0) return 0;
    for (const id of held) engine.remove(id);
    await this.shred(`${held.length} records of erased subjects were in the snapshot`);
    return held.length;
  }

  // ----------------------------------------------------------- writes ---

  /** From now on: write periodically (and soon, when the index was loaded in full). */
  start(engineOf: () => MatchingEngine, writeNow: boolean): void {
    if (!this.enabled) return;
    this.engineOf = engineOf;
    mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    if (this.intervalMs > 0) {
      this.timer = setInterval(() => void this.write('periodic'), this.intervalMs);
      this.timer.unref();
    }
    if (writeNow) setImmediate(() => void this.write('after full load'));
  }

  /**
   * Writes a snapshot that begins after this call (one at a time: callers arriving during a write
   * share the next one); never throws (logged).
   */
  write(reason: string): Promise<void> {
    if (!this.engineOf || this.stopped) return Promise.resolve();
    if (this.next) return this.next;
    const run = (): Promise<void> => this.writeOnce(reason)
      .catch((e) => this.logger.warn(`index snapshot not written (${reason}): ${(e as Error).message}`));
    const after = this.writing ?? Promise.resolve();
    const mine: Promise<void> = after.then(() => {
      if (this.next === mine) this.next = undefined;
      this.writing = mine;
      return run();
    }).finally(() => { if (this.writing === mine) this.writing = undefined; });
    if (this.writing) this.next = mine;
    else this.writing = mine;
    return mine;
  }
  /** the write queued behind the one in progress */
  private next?: Promise<void>;

  private async writeOnce(reason: string): Promise<void> {
    const t0 = Date.now();
    const generation = this.generation;
    // high-water mark first, then the transactions running at that moment: every row at or below
    // the mark was written by one of them (the trigger takes the xid before the sequence value) or
    // by one already finished; once they have all ended, the engine reflects every such row
    const [{ hwm, at }]: Array<{ hwm: string; at: Date }> = await this.dataSource.query(
      `SELECT (CASE WHEN is_called THEN last_value ELSE 0 END)::text AS hwm, clock_timestamp() AS at FROM "${schemaOf(this.dataSource)}".candidate_change_seq`);
    if (hwm === this.lastHwm && !this.replica.enabled && generation === this.generation && this.key) return; // nothing changed
    const [{ xip }]: Array<{ xip: string[] | null }> = await this.dataSource.query(
      'SELECT array_agg(x::text) AS xip FROM pg_snapshot_xip(pg_current_snapshot()) AS x');
    const running = xip ?? [];
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    while (running.length > 0) {
      const [{ n }]: Array<{ n: number }> = await this.dataSource.query(
        `SELECT count(*)::int AS n FROM unnest($1::xid8[]) AS x WHERE pg_xact_status(x) = 'in progress'`, [running]);
      if (n === 0) break;
      if (Date.now() > deadline) throw new Error(`transactions running at the high-water mark did not end within ${SETTLE_TIMEOUT_MS / 1000} s`);
      await new Promise((r) => setTimeout(r, 20));
    }
    // scaled out: other instances' records arrive through the feed; wait until it is level with now
    await this.replica.sync(Date.now());
    if (generation !== this.generation || this.stopped && reason !== 'shutdown') return;
    const key = this.key ?? (this.key = await this.keys.getOrCreate(`${KEY_PREFIX}${randomUUID()}`));
    if (generation !== this.generation) return;
    const t1 = Date.now();
    const snapshot = this.engineOf!().snapshot(); // a copy: matching goes on while it is sealed and written
    const captureMs = Date.now() - t1;
    const { bytes, written } = await writeSealedSnapshot(this.file, snapshot,
      { keySubject: key.subjectId, keyId: key.keyId, createdAt: new Date(at).toISOString(), hwm, source: await this.source() },
      key.dek, () => generation === this.generation && this.key === key);
    if (!written) return;
    this.lastHwm = hwm;
    this.logger.log(`candidate index snapshot written (${reason}): ${Math.round(bytes / 2 ** 20)} MiB, hwm ${hwm}, capture ${captureMs} ms, total ${Date.now() - t0} ms`);
  }

  /**
   * Erasure: the snapshot becomes unreadable at once (its key destroyed) and its file goes; a write
   * in progress leaves nothing; the next write makes a new key.
   */
  async shred(reason: string): Promise<void> {
    if (!this.enabled) return;
    this.generation++;
    const key = this.key;
    this.key = undefined;
    this.lastHwm = undefined;
    rmSync(this.file, { force: true });
    if (key) await this.keys.destroy(key.subjectId, 'snapshot_shredded');
    this.logger.log(`candidate index snapshot shredded: ${reason}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (!this.engineOf || this.stopped) return;
    await this.write('shutdown');
    this.stopped = true;
  }
}
