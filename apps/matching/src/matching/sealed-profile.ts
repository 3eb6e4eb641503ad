import type { SealedField } from '@kinlink/contracts';
import type { MatchRecord } from '@kinlink/matching-engine';
import type { SubjectCipher } from '@kinlink/privacy';
import { subjectIdOf } from './match-records';

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
