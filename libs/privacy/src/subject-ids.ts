import type { KinlinkEvent } from '@kinlink/contracts';

const RECORD_TYPES: ReadonlySet<string> = new Set(['child', 'tracing-request', 'sought-child']);

/**
 * The subjects whose keys handling `event` may need, found by shape rather than by event type so
 * that new event types are covered: the event's subject when it is a record, every `subjectId`
 * (the intake's sealed event, a proposal's sealed compared values) and every record reference
 * `{ type: child | tracing-request | sought-child, id }` (a proposal's sides) in the payload. A
 * subject too many costs one key lookup in a batch; one too few, one round trip later.
 */
export function subjectIdsOf(event: KinlinkEvent): string[] {
  const out = new Set<string>();
  const subject = event.subject as { type?: string; id?: unknown } | undefined;
  if (subject && RECORD_TYPES.has(subject.type ?? '') && typeof subject.id === 'string') out.add(subject.id);
  walk(event.payload, 0, out);
  return [...out];
}

function walk(value: unknown, depth: number, out: Set<string>): void {
  if (!value || typeof value !== 'object' || depth > 5) return;
  if (Array.isArray(value)) {
    for (const v of value) walk(v, depth + 1, out);
    return;
  }
  const o = value as Record<string, unknown>;
  if ('ct' in o && 'iv' in o) return; // a sealed field
  if (typeof o.subjectId === 'string') out.add(o.subjectId);
  if (typeof o.type === 'string' && RECORD_TYPES.has(o.type) && typeof o.id === 'string') out.add(o.id);
  for (const v of Object.values(o)) if (v && typeof v === 'object') walk(v, depth + 1, out);
}

/**
 * A consumer's slice preparer (libs/kafka SlicePreparer): the keys of every subject the slice's
 * events name, in one round trip, before the handlers open or seal anything.
 */
export function prefetchSliceKeys(cipher: { prefetch(ids: string[]): Promise<void> }, skip: readonly string[] = []) {
  return async (pattern: string, messages: Array<{ event?: KinlinkEvent }>): Promise<void> => {
    if (skip.includes(pattern)) return;
    const ids = messages.flatMap((m) => (m.event ? subjectIdsOf(m.event) : []));
    if (ids.length > 0) await cipher.prefetch(ids);
  };
}
