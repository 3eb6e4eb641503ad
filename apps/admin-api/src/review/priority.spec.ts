import { byPriority, daysSince, reviewPriority } from './priority';

const now = new Date('2026-11-28T12:00:00Z');
const base = { probability: 0.9 };

describe('review priority', () => {
  it('orders high safeguarding > elevated > under 5 > specific needs > longer separation > probability', () => {
    const items = [
      { id: 'f', p: { ...base, probability: 0.99 } },
      { id: 'e', p: { ...base, separationDate: '2025-11-01', probability: 0.5 } },
      { id: 'd', p: { ...base, specificNeeds: ['disability'], ageYears: 12 } },
      { id: 'c', p: { ...base, ageYears: 3 } },
      { id: 'b', p: { ...base, safeguardingLevel: 'elevated' as const, ageYears: 14 } },
      { id: 'a', p: { ...base, safeguardingLevel: 'high' as const, ageYears: 3 } },
    ].map((x) => ({ id: x.id, createdAt: '2026-11-01T00:00:00Z', priority: reviewPriority(x.p, now) }));
    expect(items.sort(byPriority).map((x) => x.id)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('lets each criterion outweigh all later ones together', () => {
    const elevated = reviewPriority({ safeguardingLevel: 'elevated', probability: 0 }, now).score;
    const everythingElse = reviewPriority({ ageYears: 1, specificNeeds: ['pregnancy'], separationDate: '2020-01-01', probability: 1 }, now).score;
    expect(elevated).toBeGreaterThan(everythingElse);
    const under5 = reviewPriority({ ageYears: 4.9, probability: 0 }, now).score;
    expect(under5).toBeGreaterThan(reviewPriority({ specificNeeds: ['other'], separationDate: '2020-01-01', probability: 1 }, now).score);
    const needs = reviewPriority({ specificNeeds: ['other'], probability: 0 }, now).score;
    expect(needs).toBeGreaterThan(reviewPriority({ separationDate: '2020-01-01', probability: 1 }, now).score);
  });

  it('explains the score with stable reason codes', () => {
    const p = reviewPriority({ safeguardingLevel: 'high', ageYears: 3.2, specificNeeds: ['unaccompanied_under_5', 'medical_condition'], separationDate: '2026-10-29', probability: 0.876 }, now);
    expect(p.reasons).toEqual(['safeguarding_high', 'under_5', 'specific_needs:medical_condition,unaccompanied_under_5', 'separated_30_days', 'probability_0.88']);
    expect(p.score).toBeCloseTo(2000 + 400 + 200 + (30 / 365) * 100 + 43.8, 1);
  });

  it('ignores what is unknown or malformed', () => {
    expect(reviewPriority({ safeguardingLevel: null, ageYears: null, separationDate: '28/10/2026', probability: 0.5 }, now))
      .toEqual({ score: 25, reasons: ['probability_0.50'] });
    expect(reviewPriority({ ageYears: 5, probability: 0 }, now).reasons).not.toContain('under_5');
  });

  it('reads partial dates as the middle of the year or month', () => {
    expect(daysSince('2026-11', now)).toBe(13);
    expect(daysSince('2026', now)).toBe(150);
    expect(daysSince('2027-01-01', now)).toBe(0);
    expect(daysSince(undefined, now)).toBeNull();
  });

  it('breaks ties by the older proposal first', () => {
    const p = reviewPriority(base, now);
    const list = [{ id: 'x', createdAt: '2026-11-02', priority: p }, { id: 'y', createdAt: '2026-11-01', priority: p }];
    expect(list.sort(byPriority).map((x) => x.id)).toEqual(['y', 'x']);
  });
});
