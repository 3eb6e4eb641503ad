/**
 * Dates in commands are either a calendar date ('YYYY-MM-DD', as written on a form in the field) or
 * an ISO-8601 instant with a zone ('2025-05-20T14:00:00Z', '…+03:00'). A calendar date has no zone:
 * it covers every instant that is that date somewhere on Earth (UTC−12 … UTC+14), so comparisons with
 * the server clock only refuse what is impossible in every zone.
 */
export interface DateSpan {
  /** the input as given */
  value: string;
  kind: 'date' | 'instant';
  /** first and last instant (epoch ms) the input can denote */
  earliest: number;
  latest: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** tolerated clock skew between a client and the server for instants */
export const CLOCK_SKEW_MS = 5 * 60_000;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/;
const MIN_YEAR = 1900;

function validCalendarDate(y: number, m: number, d: number): boolean {
  if (y < MIN_YEAR || m < 1 || m > 12 || d < 1) return false;
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

export function parseDateInput(input: unknown): DateSpan | null {
  if (typeof input !== 'string') return null;
  const date = DATE_RE.exec(input);
  if (date) {
    const [y, m, d] = [Number(date[1]), Number(date[2]), Number(date[3])];
    if (!validCalendarDate(y, m, d)) return null;
    const midnightUtc = Date.UTC(y, m - 1, d);
    return { value: input, kind: 'date', earliest: midnightUtc - 14 * HOUR, latest: midnightUtc + DAY + 12 * HOUR - 1 };
  }
  const inst = INSTANT_RE.exec(input);
  if (inst) {
    const [y, m, d, hh, mm, ss] = [1, 2, 3, 4, 5, 6].map((i) => Number(inst[i] ?? 0));
    if (!validCalendarDate(y, m, d) || hh > 23 || mm > 59 || ss > 59) return null;
    const ms = Date.parse(input);
    if (Number.isNaN(ms)) return null;
    return { value: input, kind: 'instant', earliest: ms, latest: ms };
  }
  return null;
}

/** The server clock reading passed to the domain. A bad value is a programming error, so it throws. */
export function parseNow(now: string): number {
  const span = parseDateInput(now);
  if (!span || span.kind !== 'instant') throw new RangeError(`now must be an ISO-8601 instant with a zone, got ${JSON.stringify(now)}`);
  return span.earliest;
}

/** True when the date cannot have happened yet, wherever it was recorded. */
export function isInFuture(span: DateSpan, nowMs: number): boolean {
  return span.earliest > nowMs + CLOCK_SKEW_MS;
}

/** True when `a` is certainly before `b` (every instant `a` can denote precedes every instant of `b`). */
export function isCertainlyBefore(a: DateSpan, b: DateSpan): boolean {
  return a.latest < b.earliest;
}

/** An instant (e.g. a stored `approvedAt`) as a span. */
export function instantSpan(iso: string): DateSpan {
  const ms = Date.parse(iso);
  return { value: iso, kind: 'instant', earliest: ms, latest: ms };
}
