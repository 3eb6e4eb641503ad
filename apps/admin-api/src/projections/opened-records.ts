import { Injectable } from '@nestjs/common';
import { KinlinkEvent, SealedClosure, SealedExplanationValues, SealedField, SealedRecord } from '@kinlink/contracts';
import { ERASED, openClosure, openRecord, SubjectCipher } from '@kinlink/privacy';

/** What another agency's user sees of values whose subject has not consented to sharing. */
export const WITHHELD = '[withheld]';

/** A record as `record_view` keeps it sealed: the record event's sealed record and the event id it is bound to. */
export interface StoredSealedRecord { eventId: string; record: SealedRecord }
/** A closure as `record_view` keeps it: the reason in clear, the note sealed (bound to the closing event). */
export interface StoredClosure { reason: string; note?: SealedField | string; eventId?: string }

/**
 * The admin API shows coordinators whole records, so it opens every part of a record (the one
 * service that does), per read; at rest the records stay sealed as the events carried them.
 * Undefined when the subject is erased.
 */
@Injectable()
export class OpenedRecords {
  constructor(readonly cipher: SubjectCipher) {}

  async data(event: KinlinkEvent): Promise<Record<string, unknown> | undefined> {
    const p = event.payload as unknown as { id: string; record?: SealedRecord; request?: SealedRecord };
    const sealed = p.record ?? p.request;
    return sealed ? openRecord(this.cipher, p.id, event.eventId, sealed) : undefined;
  }

  /** A stored row's record, opened; the clear facts alone for a row from before sealing at rest. */
  async row(row: { id: string; status: string; data: Record<string, unknown>; sealed?: StoredSealedRecord | null }): Promise<Record<string, unknown> | undefined> {
    if (row.status === 'erased') return undefined;
    if (!row.sealed) return row.data;
    return openRecord(this.cipher, row.id, row.sealed.eventId, row.sealed.record);
  }

  async closure(id: string, closure: StoredClosure | null): Promise<{ reason: string; note?: string } | null> {
    if (!closure) return null;
    if (!closure.note || typeof closure.note === 'string' || !closure.eventId) return closure as { reason: string; note?: string };
    return (await openClosure(this.cipher, id, closure.eventId, closure as SealedClosure)) ?? { reason: closure.reason, note: ERASED };
  }

  /** Loads the keys of many records at once (a page or a boot-time load). */
  prefetch(ids: string[]): Promise<void> {
    return this.cipher.prefetch(ids);
  }

  /** An explanation with its compared values put back; a side whose subject is erased shows `[erased]`. */
  async explanation(
    eventId: string, bare: Array<Record<string, unknown>>, values: SealedExplanationValues | null | undefined, withheld: ReadonlySet<string> = new Set(),
  ): Promise<Array<Record<string, unknown>>> {
    if (!values) return bare;
    const side = async (which: 'left' | 'right') => {
      const v = values[which];
      if (!v) return undefined;
      if (withheld.has(v.subjectId)) return 'withheld' as const;
      const opened = await this.cipher.open(v.subjectId, eventId, { [`explanation.${which}`]: v.sealed });
      return opened ? (opened[`explanation.${which}`] as Array<{ v?: unknown; n?: string }>) : null;
    };
    const [l, r] = [await side('left'), await side('right')];
    const value = (s: typeof l, i: number, key: string, nkey: string) =>
      s === null ? { [key]: ERASED } : s === 'withheld' ? { [key]: WITHHELD } : {
        ...(s?.[i]?.v !== undefined ? { [key]: s[i].v } : {}), ...(s?.[i]?.n !== undefined ? { [nkey]: s[i].n } : {}),
      };
    return bare.map((f, i) => ({ ...f, ...value(l, i, 'left', 'leftNormalised'), ...value(r, i, 'right', 'rightNormalised') }));
  }
}
