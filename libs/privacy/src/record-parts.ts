import type { ChildRegistration, SealedClosure, SealedField, SealedRecord, TracingRequestFiling, RecordClosure } from '@kinlink/contracts';
import type { SubjectCipher } from './subject-cipher';

/**
 * Which personal fields of a record are sealed together (one sealed field per part), so each
 * service opens only the parts it needs (docs/security.md §8):
 * - child `identity`: names, birth, origin, separation, languages, nationality, ethnicity, family (matching, admin API)
 * - child `whereabouts`: current location, care arrangement (admin API only)
 * - child `protection`: the full safeguarding record and specific needs (cases, admin API)
 * - request `inquirer`: the inquirer (matching, cases, admin API)
 * - request `soughtChildren`: the sought children (matching, admin API)
 * What stays in clear is what routing and the rules need and identifies nobody: status, dates of
 * registration or inquiry, sex, consent, the safeguarding level and the inquirer-concern level.
 */
export const RECORD_PARTS = {
  child: {
    identity: ['name', 'dateOfBirth', 'estimatedAge', 'placeOfOrigin', 'separation', 'languages', 'nationality', 'ethnicity', 'family'],
    whereabouts: ['currentLocation', 'careArrangement'],
    protection: ['safeguarding', 'specificNeeds'],
  },
  'tracing-request': {
    inquirer: ['inquirer'],
    soughtChildren: ['soughtChildren'],
  },
} as const;
export type RecordKind = keyof typeof RECORD_PARTS;
export type RecordPart<K extends RecordKind = RecordKind> = keyof (typeof RECORD_PARTS)[K] & string;

/** Splits a record into its clear fields and its personal parts. */
export function splitRecord(kind: RecordKind, data: Record<string, unknown>): { clear: Record<string, unknown>; parts: Record<string, Record<string, unknown>> } {
  const clear: Record<string, unknown> = { ...data };
  const parts: Record<string, Record<string, unknown>> = {};
  for (const [part, fields] of Object.entries(RECORD_PARTS[kind]) as Array<[string, readonly string[]]>) {
    const values: Record<string, unknown> = {};
    for (const f of fields) {
      if (data[f] !== undefined) values[f] = data[f];
      delete clear[f];
    }
    if (Object.keys(values).length) parts[part] = values;
  }
  if (kind === 'child') {
    const level = (data.safeguarding as { level?: string } | undefined)?.level;
    if (level) clear.safeguarding = { level };
  }
  if (kind === 'tracing-request') {
    const level = (data.inquirerConcerns as { level?: string } | undefined)?.level;
    if (data.inquirerConcerns) clear.inquirerConcerns = { level };
  }
  return { clear, parts };
}

export async function sealRecord(cipher: SubjectCipher, kind: RecordKind, subjectId: string, binding: string, data: object): Promise<SealedRecord> {
  const { clear, parts } = splitRecord(kind, data as Record<string, unknown>);
  return { clear, sealed: await cipher.seal(subjectId, binding, parts) };
}

/** The record with the wanted parts opened (the others absent); undefined once the subject is erased. */
export async function openRecord<T = Record<string, unknown>>(
  cipher: SubjectCipher, subjectId: string, binding: string, record: SealedRecord, want?: readonly string[],
): Promise<T | undefined> {
  const opened = await cipher.open(subjectId, binding, record.sealed ?? {}, want);
  if (!opened) return undefined;
  const out: Record<string, unknown> = { ...record.clear };
  for (const values of Object.values(opened)) Object.assign(out, values as Record<string, unknown>);
  return out as T;
}

export type OpenedChild = Partial<ChildRegistration> & Pick<ChildRegistration, 'consent' | 'sex' | 'status' | 'registeredOn'>;
export type OpenedTracingRequest = Partial<TracingRequestFiling> & Pick<TracingRequestFiling, 'consent' | 'inquiryDate'>;

export async function sealClosure(cipher: SubjectCipher, subjectId: string, binding: string, closure: RecordClosure): Promise<SealedClosure> {
  if (closure.note === undefined) return { reason: closure.reason };
  const { note } = await cipher.seal(subjectId, binding, { note: closure.note });
  return { reason: closure.reason, note };
}

export async function openClosure(cipher: SubjectCipher, subjectId: string, binding: string, closure: SealedClosure): Promise<RecordClosure | undefined> {
  if (!closure.note) return { reason: closure.reason };
  const opened = await cipher.open(subjectId, binding, { note: closure.note as SealedField });
  return opened ? { reason: closure.reason, note: opened.note as string } : undefined;
}
