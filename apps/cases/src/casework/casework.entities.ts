import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { CaseState, ProposalState } from '../domain';

/** A match proposal under review; `state` is the domain's ProposalState. */
@Entity({ name: 'proposal' })
export class ProposalEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') status!: string;
  /** the registered child of the pair, if any (indexed for the supersede cascade) */
  @Column({ name: 'child_id', type: 'uuid', nullable: true }) childId!: string | null;
  @Column({ name: 'tracing_request_id', type: 'uuid', nullable: true }) tracingRequestId!: string | null;
  @Column('jsonb') state!: ProposalState;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** A reunification case; `state` is the domain's CaseState, `version` its optimistic version. */
@Entity({ name: 'reunification_case' })
export class ReunificationCaseEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'proposal_id', type: 'uuid', nullable: true }) proposalId!: string | null;
  @Column({ name: 'child_id', type: 'uuid' }) childId!: string;
  @Column({ name: 'tracing_request_id', type: 'uuid' }) tracingRequestId!: string;
  @Column('text') status!: string;
  @Column('integer') version!: number;
  @Column('jsonb') state!: CaseState;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
