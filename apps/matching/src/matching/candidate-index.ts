import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MatchingEngine } from '@kinlink/matching-engine';
import { SubjectCipher } from '@kinlink/privacy';
import { CandidateEntity } from './matching.entities';
import { subjectIdOf } from './match-records';
import { openProfile } from './sealed-profile';

/**
 * The in-memory candidate index (the engine), rebuilt from the service's own table at boot.
 * Every instance keeps the full index; the table is the durable copy.
 */
@Injectable()
export class CandidateIndex implements OnApplicationBootstrap {
  private readonly logger = new Logger(CandidateIndex.name);
  readonly engine: MatchingEngine;
  /** proposals kept per new record (the best ones); not the number of candidates scored */
  readonly maxProposals: number;

  constructor(@InjectDataSource() private readonly dataSource: DataSource, config: ConfigService, private readonly cipher: SubjectCipher) {
    // candidates scored per record stay at the engine's default (what bench:matching measures):
    // capping them at the proposal count would drop true partners before they are scored
    this.engine = new MatchingEngine({ proposalThreshold: config.getOrThrow<number>('MATCH_PROPOSAL_THRESHOLD') });
    this.maxProposals = config.getOrThrow<number>('MATCH_MAX_PROPOSALS_PER_RECORD');
  }

  async onApplicationBootstrap(): Promise<void> {
    const started = Date.now();
    const rows = await this.dataSource.getRepository(CandidateEntity).find({ where: { active: true }, select: { profile: true } });
    // profiles are sealed at rest: keys fetched in bulk per chunk; an erased subject's (no key) stays out
    for (let i = 0; i < rows.length; i += 5000) {
      const chunk = rows.slice(i, i + 5000);
      await this.cipher.prefetch(chunk.map((r) => subjectIdOf(r.profile)));
      for (const row of chunk) {
        const profile = await openProfile(this.cipher, row.profile);
        if (profile) this.engine.upsert(profile);
      }
    }
    this.logger.log(`candidate index loaded: ${rows.length} records in ${Date.now() - started} ms (model ${this.engine.modelVersion})`);
  }
}
