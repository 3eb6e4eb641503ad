import { Inject, Injectable, Logger } from '@nestjs/common';
import { Actor, ErasureReason, KinlinkEvent, newEvent } from '@kinlink/contracts';
import { UnitOfWork } from '@kinlink/kafka';
import { SUBJECT_KEY_STORE, SubjectCipher, SubjectKeyStore } from '@kinlink/privacy';

export const ERASURE_CONSUMER = 'registry.erasure';

export interface EraseSubjectCommand {
  /** idempotency: the request event id, or `retention:<record id>` */
  inboxId: string;
  subject: { type: 'child' | 'tracing-request'; id: string };
  reasonCode: ErasureReason;
  actor: Actor;
  correlationId: string;
  causationId?: string;
  commandId?: string;
}

/**
 * Crypto-shredding: destroys the subject's data key in the key vault, in the same transaction as
 * the registry row becoming `erased` (ids and revision only) and `subject.erased` entering the
 * outbox. Everything sealed under the key, on every topic, replica and backup, is unreadable from
 * then on; consumers drop their decrypted copies on `subject.erased`. Idempotent.
 */
@Injectable()
export class EraseSubject {
  private readonly logger = new Logger(EraseSubject.name);
  constructor(
    private readonly uow: UnitOfWork,
    private readonly cipher: SubjectCipher,
    @Inject(SUBJECT_KEY_STORE) private readonly keys: SubjectKeyStore,
  ) {}

  async execute(cmd: EraseSubjectCommand): Promise<'erased' | 'already_erased' | 'not_found' | 'duplicate'> {
    const table = cmd.subject.type === 'child' ? 'child' : 'tracing_request';
    const outcome = await this.uow.once(ERASURE_CONSUMER, cmd.inboxId, async (m) => {
      const [row]: Array<{ id: string; agency_id: string; agency_record_id: string; status: string; revision: number }> = await m.query(
        `SELECT id, agency_id, agency_record_id, status, revision FROM registry.${table} WHERE id = $1 FOR UPDATE`, [cmd.subject.id]);
      if (!row) return { result: 'not_found' as const, events: [] };
      if (row.status === 'erased') return { result: 'already_erased' as const, events: [] };
      await this.keys.destroy(row.id, cmd.reasonCode, m);
      await m.query(
        `UPDATE registry.${table} SET status = 'erased', data = '{}'::jsonb, closure = NULL, erased_at = now(), revision = revision + 1, updated_at = now() WHERE id = $1`,
        [row.id]);
      const erased: KinlinkEvent = newEvent('subject.erased', {
        correlationId: cmd.correlationId, causationId: cmd.causationId, actor: cmd.actor,
        subject: cmd.subject,
        payload: { subject: cmd.subject, agencyId: row.agency_id, agencyRecordId: row.agency_record_id, reasonCode: cmd.reasonCode, ...(cmd.commandId ? { commandId: cmd.commandId } : {}) },
      }) as KinlinkEvent;
      return { result: 'erased' as const, events: [erased] };
    });
    this.cipher.forget(cmd.subject.id);
    if (outcome.duplicate) return 'duplicate';
    this.logger.log(`erasure of ${cmd.subject.type} ${cmd.subject.id}: ${outcome.result} (${cmd.reasonCode})`);
    return outcome.result!;
  }
}
