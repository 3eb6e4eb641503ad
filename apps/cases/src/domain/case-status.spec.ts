import {
  ACTIVE_CASE_STATUSES,
  CASE_STATUSES,
  CASE_TRANSITIONS,
  CaseStatus,
  OPEN_CASE_STATUSES,
  REOPEN_TARGETS,
  caseTransitionTableMarkdown,
  isCaseStatus,
  isTransitionAllowed,
} from './case-status';

describe('case statuses', () => {
  it('are the twelve statuses of the workflow', () => {
    expect(CASE_STATUSES).toEqual([
      'match_confirmed', 'verification_in_progress', 'verification_submitted', 'verified', 'verification_failed', 'reunification_planned',
      'reunified', 'follow_up', 'closed', 'alternative_care', 'suspended', 'superseded',
    ]);
    expect(isCaseStatus('verified')).toBe(true);
    expect(isCaseStatus('VERIFIED')).toBe(false);
    expect(isCaseStatus(undefined)).toBe(false);
  });

  it('open = everything but closed and superseded', () => {
    expect([...OPEN_CASE_STATUSES].sort()).toEqual(CASE_STATUSES.filter((s) => s !== 'closed' && s !== 'superseded').sort());
    expect(ACTIVE_CASE_STATUSES).not.toContain('suspended');
  });
});

describe('the transition table', () => {
  it('has a row for every status and only names known statuses', () => {
    expect(Object.keys(CASE_TRANSITIONS).sort()).toEqual([...CASE_STATUSES].sort());
    for (const targets of Object.values(CASE_TRANSITIONS)) for (const t of targets) expect(isCaseStatus(t)).toBe(true);
  });

  it('superseded is terminal and closed only reopens', () => {
    expect(CASE_TRANSITIONS.superseded).toEqual([]);
    expect(CASE_TRANSITIONS.closed).not.toContain('superseded');
    expect(CASE_TRANSITIONS.closed).not.toContain('closed');
  });

  it('reunified is reached only from reunification_planned', () => {
    const into = CASE_STATUSES.filter((from) => from !== 'suspended' && CASE_TRANSITIONS[from].includes(CaseStatus.Reunified));
    expect(into).toEqual(['reunification_planned']);
  });

  it('verified is reached only from verification_submitted (or by resuming)', () => {
    const into = CASE_STATUSES.filter((from) => CASE_TRANSITIONS[from].includes('verified'));
    expect(into.sort()).toEqual(['suspended', 'verification_submitted']);
  });

  it('every open status can be closed, suspended-from or superseded', () => {
    for (const s of OPEN_CASE_STATUSES) {
      expect(isTransitionAllowed(s, 'closed')).toBe(true);
      expect(isTransitionAllowed(s, 'superseded')).toBe(true);
    }
    for (const s of ACTIVE_CASE_STATUSES) expect(isTransitionAllowed(s, 'suspended')).toBe(true);
  });

  it('reopen targets are the closed row', () => {
    expect([...new Set(Object.values(REOPEN_TARGETS))].sort()).toEqual([...CASE_TRANSITIONS.closed].sort());
  });

  it('renders as a Markdown table', () => {
    const md = caseTransitionTableMarkdown();
    expect(md.split('\n')).toHaveLength(2 + CASE_STATUSES.length);
    expect(md).toContain('| `superseded` | — (terminal) |');
    expect(md).toContain('| `verification_submitted` | `verified`, `verification_failed`');
  });
});
