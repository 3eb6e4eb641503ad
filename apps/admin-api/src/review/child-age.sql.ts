/**
 * SQL for the age, in years (fractional), of the child a proposal is about, from the projected
 * record data: the date of birth ('YYYY', 'YYYY-MM' or 'YYYY-MM-DD'; a missing month or day counts
 * as the middle of the year or month), else the estimated age plus the time since it was estimated.
 * The child is the registered child of the pair when there is one, else the left side (a sought
 * child of a tracing request, found by its ref). NULL when the records say nothing about age.
 * Arithmetic on the digits only: a malformed value yields NULL, never a failed query.
 */
const DATE = `'^\\d{4}(-\\d{2}(-\\d{2})?)?$'`;
const decimalYear = (expr: string) => `(CASE WHEN ${expr} ~ ${DATE} THEN
    substr(${expr}, 1, 4)::int
    + (CASE WHEN length(${expr}) >= 7 THEN substr(${expr}, 6, 2)::int - 1 ELSE 6 END) / 12.0
    + (CASE WHEN length(${expr}) = 10 THEN substr(${expr}, 9, 2)::int - 1 ELSE 15 END) / 365.25 END)`;
const NOW = `(extract(year FROM current_date) + (extract(doy FROM current_date) - 1) / 365.25)`;

/** `alias.left_side` / `alias.right_side` of admin_api.proposal_view. */
export function childAgeYearsSql(alias: string): string {
  const side = `(CASE WHEN ${alias}.left_side->>'type' <> 'child' AND ${alias}.right_side->>'type' = 'child' THEN ${alias}.right_side ELSE ${alias}.left_side END)`;
  return `(SELECT CASE
      WHEN d->>'dateOfBirth' IS NOT NULL THEN ${NOW} - ${decimalYear(`(d->>'dateOfBirth')`)}
      WHEN d->'estimatedAge'->>'years' ~ '^\\d{1,2}$' THEN (d->'estimatedAge'->>'years')::int + ${NOW} - ${decimalYear(`(d->'estimatedAge'->>'asOf')`)}
    END
    FROM admin_api.record_view r
    CROSS JOIN LATERAL (SELECT CASE WHEN r.kind = 'child' THEN r.data
      ELSE (SELECT s FROM jsonb_array_elements(r.data->'soughtChildren') s WHERE s->>'ref' = ${side}->>'ref' LIMIT 1) END AS d) x
    WHERE r.id = (${side}->>'id')::uuid)`;
}

/**
 * SQL for the projected data (jsonb) of the child a proposal is about (same choice of side as
 * `childAgeYearsSql`): the registered child's record, or the sought child within its request.
 */
export function childDataSql(alias: string): string {
  const side = `(CASE WHEN ${alias}.left_side->>'type' <> 'child' AND ${alias}.right_side->>'type' = 'child' THEN ${alias}.right_side ELSE ${alias}.left_side END)`;
  return `(SELECT CASE WHEN r.kind = 'child' THEN r.data
      ELSE (SELECT s FROM jsonb_array_elements(r.data->'soughtChildren') s WHERE s->>'ref' = ${side}->>'ref' LIMIT 1) END
    FROM admin_api.record_view r WHERE r.id = (${side}->>'id')::uuid)`;
}
