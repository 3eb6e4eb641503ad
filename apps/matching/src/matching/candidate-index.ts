import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { EngineOptions, MatchingEngine } from '@kinlink/matching-engine';
import { schemaOf } from '@kinlink/database';
import { SubjectCipher } from '@kinlink/privacy';
import { subjectIdOf } from './match-records';
import { CandidateSnapshots } from './candidate-snapshots';
import { readMatchModelFile } from './match-model-file';
import { ReplicaFeed } from './replica-feed';
import { openProfile, StoredProfile } from './sealed-profile';

/**
 * The in-memory candidate index (the engine), rebuilt at boot from a sealed snapshot plus the rows
 * changed since (CandidateSnapshots), or from the service's own table when there is no usable one.
 * Every instance keeps the full index; the table is the durable copy. Scaled out, a replica feed
 * (ReplicaFeed) keeps it complete while each instance matches only its own partitions.
 */
@Injectable()
export class CandidateIndex implements OnApplicationBootstrap {
  private readonly logger = new Logger(CandidateIndex.name);
  /** replaced once at boot when restored from a snapshot (before anything matches) */
  engine: MatchingEngine;
  private readonly engineOptions: EngineOptions;
  /** how the index was built at boot (logged; tests and the benchmark read it) */
  boot?: { from: 'snapshot' | 'table'; ms: number; caughtUp?: number; erased?: number };
  /** proposals kept per new record (the best ones); not the number of candidates scored */
  readonly maxProposals: number;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    config: ConfigService,
    private readonly cipher: SubjectCipher,
    private readonly replica: ReplicaFeed,
    private readonly snapshots: CandidateSnapshots,
  ) {
    // candidates scored per record stay at the engine's default (what bench:matching measures):
    // capping them at the proposal count would drop true partners before they are scored
    const modelFile = config.get<string>('MATCHING_MODEL_FILE');
    this.engineOptions = { proposalThreshold: config.getOrThrow<number>('MATCH_PROPOSAL_THRESHOLD'), ...(modelFile ? { model: readMatchModelFile(modelFile) } : {}) };
    this.engine = new MatchingEngine(this.engineOptions);
    this.maxProposals = config.getOrThrow<number>('MATCH_MAX_PROPOSALS_PER_RECORD');
  }

  /**
   * Streams the active candidates in keyset pages (bounded memory: one page in hand, the next being
   * read meanwhile), opens them and puts them straight into the engine; plain rows, no entity hydration.
   */
  async onApplicationBootstrap(): Promise<void> {
    const started = Date.now();
    await this.replica.markStart();
    const restored = await this.snapshots.restore(this.engineOptions);
    if (restored) {
      this.engine = restored.engine;
      this.boot = { from: 'snapshot', ms: Date.now() - started, caughtUp: restored.caughtUp, erased: restored.erased };
      const { child, sought } = this.engine.size;
      this.logger.log(`candidate index loaded: ${child + sought} records in ${Date.now() - started} ms from snapshot `
        + `(${restored.snapshotMiB} MiB: read ${restored.readMs} ms, restore ${restored.restoreMs} ms; ${restored.caughtUp} rows changed since applied, `
        + `${restored.erased} of erased subjects dropped) (model ${this.engine.modelVersion})`);
    } else {
      await this.loadAll(started);
      this.boot = { from: 'table', ms: Date.now() - started };
    }
    await this.replica.start(this.engine);
    this.snapshots.start(() => this.engine, !restored || restored.caughtUp > 0 || restored.erased > 0);
  }

  private async loadAll(started: number): Promise<void> {
    const table = `"${schemaOf(this.dataSource)}".candidate`;
    const page = (after: string) => this.dataSource.query(
      `SELECT id, profile FROM ${table} WHERE active AND id > $1 ORDER BY id LIMIT ${LOAD_PAGE}`, [after],
    ) as Promise<Array<{ id: string; profile: StoredProfile }>>;
    let loaded = 0;
    let next = page('');
    for (;;) {
      const rows = await next;
      if (rows.length === LOAD_PAGE) next = page(rows[rows.length - 1].id);
      // profiles are sealed at rest: the page's keys in one fetch; an erased subject's (no key) stays out
      await this.cipher.prefetch(rows.map((r) => subjectIdOf(r.profile)));
      for (const row of rows) {
        const profile = await openProfile(this.cipher, row.profile);
        if (profile) this.engine.upsert(profile);
      }
      loaded += rows.length;
      if (rows.length < LOAD_PAGE) break;
    }
    this.logger.log(`candidate index loaded: ${loaded} records in ${Date.now() - started} ms (model ${this.engine.modelVersion})`);
  }
}

const LOAD_PAGE = 10_000;
