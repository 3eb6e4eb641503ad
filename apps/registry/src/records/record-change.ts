import { isDeepStrictEqual } from 'node:util';
import type { AgencyEvent, RecordClosure } from '@kinlink/contracts';
import { RecordsError } from './records.errors';
import type { RecordStatus } from './record.entities';

export interface StoredRecordState {
  revision: number;
  status: RecordStatus;
  data: unknown;
}

export type RecordChange =
  | { action: 'create'; data: unknown }
  | { action: 'update'; data: unknown }
  | { action: 'close'; closure: RecordClosure }
  | { action: 'none'; reason: 'unchanged' | 'already_closed' | 'erased' };

/**
 * What an accepted agency event does to the record it names. Pure: the use case loads the
 * record, asks this, and writes the answer. A registration of a record that already exists with
 * other data is an update (agencies re-send after restores); identical data changes nothing.
 */
export function decideRecordChange(existing: StoredRecordState | undefined, event: AgencyEvent): RecordChange {
  switch (event.type) {
    case 'child.registered':
    case 'tracing-request.filed':
      if (!existing) return { action: 'create', data: event.data };
      return changeOpenRecord(existing, event.data, event.agencyRecordId);
    case 'child.updated':
    case 'tracing-request.updated':
      if (!existing) throw notFound(event.agencyRecordId);
      return changeOpenRecord(existing, event.data, event.agencyRecordId);
    case 'child.closed':
    case 'tracing-request.closed':
      if (!existing) throw notFound(event.agencyRecordId);
      if (existing.status === 'closed') return { action: 'none', reason: 'already_closed' };
      return { action: 'close', closure: event.data };
  }
}

function changeOpenRecord(existing: StoredRecordState, data: unknown, agencyRecordId: string): RecordChange {
  if (existing.status === 'closed') throw new RecordsError('record_closed', `record ${agencyRecordId} is closed; it cannot change`);
  if (isDeepStrictEqual(existing.data, data)) return { action: 'none', reason: 'unchanged' };
  return { action: 'update', data };
}

const notFound = (agencyRecordId: string) =>
  new RecordsError('record_not_found', `no record ${agencyRecordId} of this agency; register it first`);
