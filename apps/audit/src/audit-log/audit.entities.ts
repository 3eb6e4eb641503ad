import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AuditLeaf } from '@kinlink/audit-log';

/** One leaf of the log, in the single order the sequencer gave it. */
@Entity({ name: 'leaf' })
export class AuditLeafEntity {
  @PrimaryColumn({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } }) seq!: number;
  @Column({ name: 'event_id', type: 'text', unique: true }) eventId!: string;
  @Column({ name: 'event_type', type: 'text' }) eventType!: string;
  @Column({ name: 'actor_id', type: 'text', nullable: true }) actorId!: string | null;
  @Column({ name: 'subject_ids', type: 'text', array: true }) subjectIds!: string[];
  @Column({ name: 'occurred_at', type: 'timestamptz' }) occurredAt!: Date;
  @Column('jsonb') leaf!: AuditLeaf;
  @Column({ name: 'leaf_hash', type: 'text' }) leafHash!: string;
  @Column({ name: 'chain_hash', type: 'text' }) chainHash!: string;
}

/** The sequencer's state: the next leaf index, the hash-chain tip and the Merkle frontier. Locked by every append. */
@Entity({ name: 'head' })
export class AuditHeadEntity {
  @PrimaryColumn('smallint') id!: number;
  @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } }) size!: number;
  @Column({ name: 'chain_tip', type: 'text' }) chainTip!: string;
  /** hex hashes of the perfect subtrees covering [0, size), largest first (MerkleAccumulator state) */
  @Column({ type: 'jsonb' }) frontier!: string[];
}
