import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { CaseState, NameLike, ProposalState, ProtectionReview, RestrictedPerson } from '../domain';

/** A match proposal under review; `state` is the domain's ProposalState. */
@Entity({ name: 'proposal' })
export class ProposalEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') status!: string;
  /** the registered child of the pair, if any (indexed for the supersede cascade) */
  @Column({ name: 'child_id', type: 'uuid', nullable: true }) childId!: string | null;
  @Column({ name: 'tracing_request_id', type: 'uuid', nullable: true }) tracingRequestId!: string | null;
  @Column('jsonb') state!: ProposalState;
  /** the protection review of a proposal for a child at safeguarding risk */
  @Column('jsonb') protection!: ProtectionReview;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** Safeguarding facts of a record, kept from the records topic (minimal: no location, no contact). */
export interface SafeguardingFacts {
  level?: 'none' | 'elevated' | 'high';
  /** name and recorded relation to the child; facts kept before relations were hold the bare names (read by restrictionFacts) */
  restrictedPersons?: Array<RestrictedPerson | NameLike>;
  inquirer?: NameLike;
  /** the inquirer's relation to the sought child as stated in the request (absent in older facts) */
  inquirerRelation?: string;
}

/** At rest: the level in clear, the names sealed under the record's subject key. */
export interface StoredSafeguardingFacts {
  level?: SafeguardingFacts['level'];
  sealed?: import('@kinlink/contracts').SealedField;
}

@Entity({ name: 'record_safeguarding' })
export class RecordSafeguardingEntity {
  @PrimaryColumn({ name: 'record_id', type: 'uuid' }) recordId!: string;
  @Column('text') kind!: 'child' | 'tracing-request';
  @Column({ name: 'agency_id', type: 'text' }) agencyId!: string;
  @Column('integer') revision!: number;
  @Column('jsonb') facts!: StoredSafeguardingFacts | SafeguardingFacts;
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
