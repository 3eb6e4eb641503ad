import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { ChildRegistration, RecordClosure, TracingRequestFiling } from '@kinlink/contracts';

export type RecordStatus = 'open' | 'closed';

abstract class AgencyRecord<D> {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'agency_id', type: 'text' }) agencyId!: string;
  @Column({ name: 'agency_record_id', type: 'text' }) agencyRecordId!: string;
  @Column({ type: 'integer' }) revision!: number;
  @Column({ type: 'text' }) status!: RecordStatus;
  @Column({ type: 'jsonb' }) data!: D;
  @Column({ type: 'jsonb', nullable: true }) closure!: RecordClosure | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** A child registered by an agency (UASC registration form). */
@Entity({ name: 'child' })
export class ChildEntity extends AgencyRecord<ChildRegistration> {}

/** A family's tracing request, with one or more sought children. */
@Entity({ name: 'tracing_request' })
export class TracingRequestEntity extends AgencyRecord<TracingRequestFiling> {}
