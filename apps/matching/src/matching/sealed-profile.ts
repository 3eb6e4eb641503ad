import type { KinlinkEvent, SealedField } from '@kinlink/contracts';
import type { MatchRecord } from '@kinlink/matching-engine';
import { openRecord, SubjectCipher } from '@kinlink/privacy';
import {
  childToMatchRecord, OpenedChildChange, OpenedTracingRequestChange, subjectIdOf, tracingRequestToMatchRecords,
} from './match-records';

/** A candidate's profile at rest: ids and consent in clear, what the engine compares sealed under the subject's key. */
export interface StoredProfile {
  id: string;
  side: MatchRecord['side'];
  agencyId: string;
  groupId?: string;
  sealed?: SealedField;
}

const atRest = (id: string) => `matching.candidate/${id}`;

export async function sealProfile(cipher: SubjectCipher, profile: MatchRecord): Promise<StoredProfile> {
  const { profile: sealed } = await cipher.seal(subjectIdOf(profile), atRest(profile.id), { profile });
  return { id: profile.id, side: profile.side, agencyId: profile.agencyId, ...(profile.groupId ? { groupId: profile.groupId } : {}), sealed };
}

/** The profile, or undefined once its subject is erased. A row from before sealing is read as it is. */
export async function openProfile(cipher: SubjectCipher, stored: StoredProfile | MatchRecord): Promise<MatchRecord | undefined> {
  const s = stored as StoredProfile;
  if (!s.sealed) return stored as MatchRecord;
  const opened = await cipher.open(subjectIdOf(s), atRest(s.id), { profile: s.sealed });
  return opened?.profile as MatchRecord | undefined;
}

type ChangeEvent = KinlinkEvent<'child.registered' | 'child.updated' | 'tracing-request.filed' | 'tracing-request.updated'>;

/**
 * The profiles a record change carries, opening only the parts matching compares (a child's
 * `identity`; a request's `inquirer` and `soughtChildren`); undefined once the subject is erased.
 */
export async function profilesOfChange(cipher: SubjectCipher, event: ChangeEvent): Promise<MatchRecord[] | undefined> {
  if (event.type === 'child.registered' || event.type === 'child.updated') {
    const p = (event as KinlinkEvent<'child.registered'>).payload;
    const record = await openRecord<OpenedChildChange['record']>(cipher, p.id, event.eventId, p.record, ['identity']);
    return record && [childToMatchRecord({ ...p, record })];
  }
  const p = (event as KinlinkEvent<'tracing-request.filed'>).payload;
  const request = await openRecord<OpenedTracingRequestChange['request']>(cipher, p.id, event.eventId, p.request, ['inquirer', 'soughtChildren']);
  return request && tracingRequestToMatchRecords({ ...p, request });
}

/** A registered child's safeguarding level (kept in clear: it names nobody); null for a tracing request. */
export function safeguardingLevelOf(event: KinlinkEvent): 'none' | 'elevated' | 'high' | null {
  if (event.type !== 'child.registered' && event.type !== 'child.updated') return null;
  const clear = (event as KinlinkEvent<'child.registered'>).payload.record.clear;
  return (clear.safeguarding as { level?: 'none' | 'elevated' | 'high' } | undefined)?.level ?? 'none';
}
