/**
 * What a coordinator of the other agency may see of a record that is part of a proposal
 * involving their agency: enough to judge the match, nothing about where the child is now.
 */
export function minimalChildView(data: Record<string, any>): Record<string, unknown> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return compact({
    name: data.name, sex: data.sex, dateOfBirth: data.dateOfBirth, estimatedAge: data.estimatedAge,
    placeOfOrigin: data.placeOfOrigin, separation: data.separation, languages: data.languages,
  });
}

export function minimalTracingRequestView(data: Record<string, any>, ref?: string): Record<string, unknown> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const sought = (data.soughtChildren ?? []).filter((s: { ref: string }) => !ref || s.ref === ref);
  return compact({
    inquirer: { name: data.inquirer?.name, relation: data.inquirer?.relation },
    soughtChildren: sought.map((s: Record<string, unknown>) => compact({ ref: s.ref, ...minimalChildView(s) })),
  });
}

/**
 * Consent gates sharing: a record whose subject did not agree to tracing or to sharing with other
 * organisations is never shown to another agency's users (the latest projected consent counts).
 */
export function sharedWithOtherAgencies(data: Record<string, any>): boolean { // eslint-disable-line @typescript-eslint/no-explicit-any
  return data?.consent?.tracing === true && data?.consent?.sharing === true;
}

function compact(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
