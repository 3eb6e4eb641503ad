import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { ChildRegistration, RecordClosure, TracingRequestFiling } from '@kinlink/contracts';

/** `erased`: the subject's key is destroyed; the row keeps ids and revision only */
export type RecordStatus = 'open' | 'closed' | 'erased';

abstract class AgencyRecord<D> {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'agency_id', type: 'text' }) agencyId!: string;
  @Column({ name: 'agency_record_id', type: 'text' }) agencyRecordId!: string;
  @Column({ type: 'integer' }) revision!: number;
  @Column({ type: 'text' }) status!: RecordStatus;
  /** `{ data: SealedField }`: the record sealed under the subject's key (at rest, bound to table and id) */
  @Column({ type: 'jsonb' }) data!: D;
  /** `SealedClosure`: reason in clear, note sealed */
  @Column({ type: 'jsonb', nullable: true }) closure!: RecordClosure | null;
  @Column({ name: 'erased_at', type: 'timestamptz', nullable: true }) erasedAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** A child registered by an agency (UASC registration form). */
@Entity({ name: 'child' })
export class ChildEntity extends AgencyRecord<ChildRegistration> {}

/** A family's tracing request, with one or more sought children. */
@Entity({ name: 'tracing_request' })
export class TracingRequestEntity extends AgencyRecord<TracingRequestFiling> {}
