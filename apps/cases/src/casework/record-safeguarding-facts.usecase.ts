import { Injectable } from '@nestjs/common';
import { KinlinkEvent, SealedField } from '@kinlink/contracts';
import { UnitOfWork } from '@kinlink/kafka';
import { openRecord, SubjectCipher } from '@kinlink/privacy';
import type { NameLike, RestrictedPerson, RestrictionInquirer } from '../domain';
import { SafeguardingFacts, StoredSafeguardingFacts } from './casework.entities';

export const CASES_RECORDS_CONSUMER = 'cases.records';

/**
 * Keeps, per record, only the safeguarding facts the rules need: a child's level and "do not
 * disclose to" persons with their recorded relation to the child, a tracing request's inquirer
 * name and stated relation (a shared unique role, e.g. both the child's father, weighs in the
 * restriction check). Revisions only move forward.
 * Opens only the child's `protection` part and the request's `inquirer` part; keeps the names
 * sealed at rest (opened when a confirmation is checked); drops them when the subject is erased.
 */
@Injectable()
export class RecordSafeguardingFacts {
  constructor(private readonly uow: UnitOfWork, private readonly cipher: SubjectCipher) {}

  async execute(event: KinlinkEvent): Promise<void> {
    if (event.type === 'subject.erased') return this.erase(event as KinlinkEvent<'subject.erased'>);
    let facts: SafeguardingFacts;
    let kind: 'child' | 'tracing-request';
    const p = event.payload as { id: string; agencyId: string; revision: number };
    if (event.type === 'child.registered' || event.type === 'child.updated') {
      const r = await openRecord<{ safeguarding?: { level: 'none' | 'elevated' | 'high'; restrictions?: { doNotDiscloseTo?: Array<{ name: NameLike; relation?: string }> } } }>(
        this.cipher, p.id, event.eventId, (event as KinlinkEvent<'child.registered'>).payload.record, ['protection']);
      if (!r) return;
      kind = 'child';
      facts = {
        level: r.safeguarding?.level ?? 'none',
        restrictedPersons: r.safeguarding?.restrictions?.doNotDiscloseTo?.map((x) => ({ name: x.name, ...(x.relation ? { relation: x.relation } : {}) })) ?? [],
      };
    } else if (event.type === 'tracing-request.filed' || event.type === 'tracing-request.updated') {
      const r = await openRecord<{ inquirer?: { name: NameLike; relation?: string } }>(
        this.cipher, p.id, event.eventId, (event as KinlinkEvent<'tracing-request.filed'>).payload.request, ['inquirer']);
      if (!r) return;
      kind = 'tracing-request';
      facts = { inquirer: r.inquirer?.name, ...(r.inquirer?.relation ? { inquirerRelation: r.inquirer.relation } : {}) };
    } else {
      return;
    }
    const stored = await sealFacts(this.cipher, p.id, facts);
    await this.uow.once(CASES_RECORDS_CONSUMER, event.eventId, async (m) => {
      // a late, older revision never overwrites a newer one
      await m.query(
        `INSERT INTO cases.record_safeguarding (record_id, kind, agency_id, revision, facts) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (record_id) DO UPDATE SET revision = EXCLUDED.revision, facts = EXCLUDED.facts
         WHERE cases.record_safeguarding.revision < EXCLUDED.revision`,
        [p.id, kind, p.agencyId, p.revision, stored],
      );
      return { result: undefined, events: [] };
    });
  }

  private async erase(event: KinlinkEvent<'subject.erased'>): Promise<void> {
    this.cipher.forget(event.payload.subject.id);
    await this.uow.once(CASES_RECORDS_CONSUMER, event.eventId, async (m) => {
      await m.query('DELETE FROM cases.record_safeguarding WHERE record_id = $1', [event.payload.subject.id]);
      return { result: undefined, events: [] };
    });
  }
}

const atRest = (recordId: string) => `cases.record_safeguarding/${recordId}`;

/** The level in clear (rules and queues need it), the names sealed under the record's key. */
export async function sealFacts(cipher: SubjectCipher, recordId: string, facts: SafeguardingFacts): Promise<StoredSafeguardingFacts> {
  const { level, ...names } = facts;
  const { names: sealed } = await cipher.seal(recordId, atRest(recordId), { names });
  return { ...(level ? { level } : {}), sealed };
}

/** Facts as the rules read them; none once the record's subject is erased. A row from before sealing is read as it is. */
export async function openFacts(cipher: SubjectCipher, recordId: string, stored: StoredSafeguardingFacts | SafeguardingFacts): Promise<SafeguardingFacts> {
  const s = stored as StoredSafeguardingFacts;
  if (!s.sealed) return stored as SafeguardingFacts;
  const opened = await cipher.open(recordId, atRest(recordId), { names: s.sealed as SealedField });
  return { ...(s.level ? { level: s.level } : {}), ...((opened?.names as SafeguardingFacts) ?? {}) };
}

/**
 * What the restriction check compares: the child's restricted persons and the request's inquirer,
 * each with a relation when one was kept. Facts kept before relations were (bare names) give
 * persons without one, which the check weighs by name alone, as before.
 */
export function restrictionFacts(child: SafeguardingFacts | undefined, request: SafeguardingFacts | undefined): { restrictedPersons: RestrictedPerson[]; inquirer: RestrictionInquirer | null } {
  const restrictedPersons = (child?.restrictedPersons ?? []).map((x) => ('name' in x ? x : { name: x as NameLike }));
  const inquirer = request?.inquirer ? { name: request.inquirer, ...(request.inquirerRelation ? { relation: request.inquirerRelation } : {}) } : null;
  return { restrictedPersons, inquirer };
}
