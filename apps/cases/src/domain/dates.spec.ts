import { isCertainlyBefore, isInFuture, parseDateInput, parseNow } from './dates';

describe('parseDateInput', () => {
  it.each(['2025-05-20', '2024-02-29', '2025-05-20T10:00:00Z', '2025-05-20T10:00Z', '2025-05-20T10:00:00.123+03:00'])('accepts %s', (s) => {
    expect(parseDateInput(s)).not.toBeNull();
  });

  it.each(['2025-02-29', '2025-13-01', '2025-5-20', '20-05-2025', '2025-05-20T25:00:00Z', '2025-05-20T10:00:00', '1850-01-01', '', 42, null])('refuses %p', (s) => {
    expect(parseDateInput(s)).toBeNull();
  });

  it('a calendar date spans that date in every zone (UTC−12 … UTC+14)', () => {
    const d = parseDateInput('2025-05-20');
    expect(d && new Date(d.earliest).toISOString()).toBe('2025-05-19T10:00:00.000Z');
    expect(d && new Date(d.latest + 1).toISOString()).toBe('2025-05-21T12:00:00.000Z');
  });
});

describe('comparisons', () => {
  const now = parseNow('2025-06-10T10:00:00Z');
  const span = (s: string) => {
    const d = parseDateInput(s);
    if (!d) throw new Error(s);
    return d;
  };

  it('future: only what is in the future in every zone', () => {
    expect(isInFuture(span('2025-06-10'), now)).toBe(false);
    expect(isInFuture(span('2025-06-11'), now)).toBe(false); // already 11 June in UTC+14
    expect(isInFuture(span('2025-06-12'), now)).toBe(true);
    expect(isInFuture(span('2025-06-10T10:04:00Z'), now)).toBe(false); // clock skew
    expect(isInFuture(span('2025-06-10T10:06:00Z'), now)).toBe(true);
  });

  it('before: only when certainly before', () => {
    expect(isCertainlyBefore(span('2025-05-04'), span('2025-05-06T09:00:00Z'))).toBe(true);
    // 5 May lasts until 6 May 12:00 UTC in UTC−12
    expect(isCertainlyBefore(span('2025-05-05'), span('2025-05-06T09:00:00Z'))).toBe(false);
    expect(isCertainlyBefore(span('2025-05-05'), span('2025-05-06T12:00:00Z'))).toBe(true);
    expect(isCertainlyBefore(span('2025-05-06'), span('2025-05-06T09:00:00Z'))).toBe(false);
    expect(isCertainlyBefore(span('2025-05-06T08:59:00Z'), span('2025-05-06T09:00:00Z'))).toBe(true);
    expect(isCertainlyBefore(span('2025-05-06'), span('2025-05-06'))).toBe(false);
  });

  it('parseNow needs an instant', () => {
    expect(parseNow('2025-06-10T10:00:00Z')).toBe(Date.UTC(2025, 5, 10, 10));
    expect(() => parseNow('2025-06-10')).toThrow(RangeError);
  });
});
