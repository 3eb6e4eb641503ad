/**
 * What a refused command answers. `rule` is a sentence a coordinator can read; it names the rule
 * that was broken. `code` is stable and machine-readable; `httpStatus` is what the admin API should
 * answer (403 the actor may not do this, 409 the case is not in a state that allows it, 422 the
 * command is missing or has wrong data). `fields` lists the offending inputs when there are some.
 */
export type RuleHttpStatus = 403 | 409 | 422;

export interface RuleViolation<Code extends string = string> {
  code: Code;
  rule: string;
  httpStatus: RuleHttpStatus;
  fields?: string[];
}

export interface Refused<Code extends string = string> {
  ok: false;
  error: RuleViolation<Code>;
}

export function refuse<Code extends string>(
  catalogue: Readonly<Record<Code, { httpStatus: RuleHttpStatus }>>,
  code: Code,
  rule: string,
  fields?: string[],
): Refused<Code> {
  const error: RuleViolation<Code> = { code, rule, httpStatus: catalogue[code].httpStatus };
  if (fields && fields.length > 0) error.fields = fields;
  return { ok: false, error };
}
