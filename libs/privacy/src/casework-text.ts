import type { MatchSide, SealedField } from '@kinlink/contracts';
import { ERASED } from './erased';
import { isSealedField } from './field-cipher';
import { SubjectCipher } from './subject-cipher';
import { SubjectErasedError } from './subject-key-store';

/**
 * The free text of casework: coordinators' notes, checklist notes, reunification places and
 * override reasons. Wherever one of these keys holds a string, at any depth of a command, an
 * event payload or a stored case/proposal state, it is sealed under the child's key; codes,
 * statuses, ids and dates stay in clear.
 */
export const CASEWORK_TEXT_FIELDS: ReadonlySet<string> = new Set(['note', 'notes', 'place', 'overrideReason']);

/** Binding of a command's free text (admin API → cases): the command id, which both sides know. */
export const commandBinding = (commandId: string): string => `command/${commandId}`;
/** Binding of a case's or proposal's free text in cases' state, its events and the admin API's views. */
export const caseworkBinding = (kind: 'case' | 'proposal', id: string): string => `casework/${kind}/${id}`;

/** Whose key seals a proposal's free text: its child side (a child record), else its left side. */
export function caseworkSubjectOf(left: Pick<MatchSide, 'type' | 'id'>, right: Pick<MatchSide, 'type' | 'id'>): string {
  return (left.type === 'child' ? left : right.type === 'child' ? right : left).id;
}

/** A copy of `value` with every free-text string sealed (already sealed values are kept as they are). */
export async function sealCaseworkText<T>(cipher: SubjectCipher, subjectId: string, binding: string, value: T): Promise<T> {
  return (await walk(value, async (field, text) => {
    if (typeof text !== 'string') return text;
    return (await cipher.seal(subjectId, binding, { [field]: text }))[field];
  })) as T;
}

/**
 * A copy of `value` with every sealed free-text field opened. Once the subject's key is destroyed a
 * view shows `[erased]` in their place (`erased: 'mark'`, the default), while a rule that must not
 * act on an erased child asks for `SubjectErasedError` (`erased: 'throw'`) — never by looking for the
 * marker, which a clear-text note could spell too. A value moved from another case, proposal,
 * command or field does not authenticate and throws.
 */
export async function openCaseworkText<T>(
  cipher: SubjectCipher, subjectId: string, binding: string, value: T, options: { erased?: 'mark' | 'throw' } = {},
): Promise<T> {
  return (await walk(value, async (field, sealed) => {
    if (!isSealedField(sealed)) return sealed;
    const opened = await cipher.open(subjectId, binding, { [field]: sealed as SealedField });
    if (opened) return opened[field];
    if (options.erased === 'throw') throw new SubjectErasedError(subjectId);
    return ERASED;
  })) as T;
}

async function walk(value: unknown, at: (field: string, v: unknown) => Promise<unknown>): Promise<unknown> {
  if (Array.isArray(value)) return Promise.all(value.map((v) => walk(v, at)));
  if (!value || typeof value !== 'object' || isSealedField(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = CASEWORK_TEXT_FIELDS.has(k) && (typeof v === 'string' || isSealedField(v)) ? await at(k, v) : await walk(v, at);
  }
  return out;
}
