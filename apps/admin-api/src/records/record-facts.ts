/**
 * What the admin API keeps of a record in clear, for its SQL (the review queue's filters and
 * priority: age, specific needs, safeguarding level, separation date; consent and status): facts
 * that name and locate nobody. Names, places, family, whereabouts, the safeguarding record and the
 * inquirer stay sealed in `record_view.sealed` and are opened per read (docs/security.md §8).
 */
export function visibleFacts(kind: 'child' | 'tracing-request', d: Record<string, any>): Record<string, unknown> { // eslint-disable-line @typescript-eslint/no-explicit-any
  if (kind === 'child') {
    return compact({
      sex: d.sex, status: d.status, registeredOn: d.registeredOn, consent: d.consent,
      dateOfBirth: d.dateOfBirth, estimatedAge: d.estimatedAge,
      separation: d.separation && compact({ date: d.separation.date, cause: d.separation.cause }),
      specificNeeds: d.specificNeeds, safeguarding: d.safeguarding?.level ? { level: d.safeguarding.level } : undefined,
    });
  }
  return compact({
    inquiryDate: d.inquiryDate, consent: d.consent, inquirerConcerns: d.inquirerConcerns?.level ? { level: d.inquirerConcerns.level } : undefined,
    soughtChildren: Array.isArray(d.soughtChildren)
      ? d.soughtChildren.map((s: Record<string, any>) => compact({ // eslint-disable-line @typescript-eslint/no-explicit-any
        ref: s.ref, sex: s.sex, dateOfBirth: s.dateOfBirth, estimatedAge: s.estimatedAge,
        separation: s.separation && compact({ date: s.separation.date, cause: s.separation.cause }),
      }))
      : undefined,
  });
}

function compact(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
