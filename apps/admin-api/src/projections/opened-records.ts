import { Injectable } from '@nestjs/common';
import { KinlinkEvent, SealedClosure, SealedExplanationValues, SealedRecord } from '@kinlink/contracts';
import { ERASED, openClosure, openRecord, SubjectCipher } from '@kinlink/privacy';

/** What another agency's user sees of values whose subject has not consented to sharing. */
export const WITHHELD = '[withheld]';

/**
 * The admin API shows coordinators whole records, so it opens every part of a record event (the
 * one service that does). Undefined when the subject is erased.
 */
@Injectable()
export class OpenedRecords {
  constructor(readonly cipher: SubjectCipher) {}

  async data(event: KinlinkEvent): Promise<Record<string, unknown> | undefined> {
    const p = event.payload as unknown as { id: string; record?: SealedRecord; request?: SealedRecord };
    const sealed = p.record ?? p.request;
    return sealed ? openRecord(this.cipher, p.id, event.eventId, sealed) : undefined;
  }

  async closure(event: KinlinkEvent): Promise<{ reason: string; note?: string } | undefined> {
    const p = event.payload as unknown as { id: string; closure: SealedClosure };
    return (await openClosure(this.cipher, p.id, event.eventId, p.closure)) ?? { reason: p.closure.reason, note: ERASED };
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
