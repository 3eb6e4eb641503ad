import { Column, Entity, PrimaryColumn, UpdateDateColumn, CreateDateColumn } from 'typeorm';
import type { StoredProfile } from './sealed-profile';

/** A record as the engine sees it: a registered child, or one child sought by a tracing request. */
@Entity({ name: 'candidate' })
export class CandidateEntity {
  /** child id, or `<tracingRequestId>#<ref>` for a sought child */
  @PrimaryColumn('text') id!: string;
  @Column({ name: 'record_id', type: 'uuid' }) recordId!: string;
  @Column('text') side!: 'child' | 'sought';
  @Column({ name: 'agency_id', type: 'text' }) agencyId!: string;
  @Column('integer') revision!: number;
  @Column('boolean') active!: boolean;
  /** sealed under the subject's key (sealed-profile.ts); the in-memory index is the only plaintext copy */
  @Column('jsonb') profile!: StoredProfile;
  @Column('text') fingerprint!: string;
  /** a registered child's safeguarding level (null for sought children) */
  @Column({ name: 'safeguarding_level', type: 'text', nullable: true }) safeguardingLevel!: 'none' | 'elevated' | 'high' | null;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** A pair proposed to coordinators; re-proposed only when its fingerprint (the two records' content) changes, re-scored (`match.rescored`) when a look-alike arrives or leaves. */
@Entity({ name: 'proposal' })
export class ProposalEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'pair_key', type: 'text', unique: true }) pairKey!: string;
  @Column('text') kind!: string;
  @Column({ name: 'left_id', type: 'text' }) leftId!: string;
  @Column({ name: 'right_id', type: 'text' }) rightId!: string;
  @Column('double precision') probability!: number;
  @Column('double precision') score!: number;
  @Column({ name: 'model_version', type: 'text' }) modelVersion!: string;
  @Column('text') fingerprint!: string;
  @Column('text') status!: 'open' | 'withdrawn';
  /** the record the probability was computed from (a re-score scores the pair from it again); null before it was kept */
  @Column({ name: 'scored_from', type: 'text', nullable: true }) scoredFrom!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
