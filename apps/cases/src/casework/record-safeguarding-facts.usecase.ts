import { Injectable } from '@nestjs/common';
import { KinlinkEvent } from '@kinlink/contracts';
import { UnitOfWork } from '@kinlink/kafka';
import { SafeguardingFacts } from './casework.entities';

export const CASES_RECORDS_CONSUMER = 'cases.records';

/**
 * Keeps, per record, only the safeguarding facts the rules need: a child's level and "do not
 * disclose to" persons, a tracing request's inquirer name. Revisions only move forward.
 */
@Injectable()
export class RecordSafeguardingFacts {
  constructor(private readonly uow: UnitOfWork) {}

  async execute(event: KinlinkEvent): Promise<void> {
    let facts: SafeguardingFacts;
    let kind: 'child' | 'tracing-request';
    if (event.type === 'child.registered' || event.type === 'child.updated') {
      const r = (event as KinlinkEvent<'child.registered'>).payload.record;
      kind = 'child';
      facts = { level: r.safeguarding?.level ?? 'none', restrictedPersons: r.safeguarding?.restrictions?.doNotDiscloseTo?.map((p) => p.name) ?? [] };
    } else if (event.type === 'tracing-request.filed' || event.type === 'tracing-request.updated') {
      kind = 'tracing-request';
      facts = { inquirer: (event as KinlinkEvent<'tracing-request.filed'>).payload.request.inquirer.name };
    } else {
      return;
    }
    const p = event.payload as { id: string; agencyId: string; revision: number };
    await this.uow.once(CASES_RECORDS_CONSUMER, event.eventId, async (m) => {
      // a late, older revision never overwrites a newer one
      await m.query(
        `INSERT INTO cases.record_safeguarding (record_id, kind, agency_id, revision, facts) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (record_id) DO UPDATE SET revision = EXCLUDED.revision, facts = EXCLUDED.facts
         WHERE cases.record_safeguarding.revision < EXCLUDED.revision`,
        [p.id, kind, p.agencyId, p.revision, facts],
      );
      return { result: undefined, events: [] };
    });
  }
}
