import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthUser, CurrentUser, Roles, scopeFilter } from '../auth';
import { ModelCalibrationQuery } from './dashboard.dto';
import { CalibrationBandRow, modelCalibration, REJECTIONS_OF_IDENTITY } from './model-calibration';

/**
 * What a coordination meeting looks at: cases per status per agency, proposals awaiting review
 * and how long they have waited, and the medians that say whether tracing is working.
 */
@ApiTags('dashboard')
@ApiBearerAuth()
@Controller('dashboard')
export class DashboardController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Get()
  @Roles('coordinator', 'supervisor', 'system-admin', 'auditor')
  @ApiOperation({ summary: 'Counts per status per agency, review backlog and its age, high-safeguarding proposals awaiting review per agency (number, oldest and median age), medians to first proposal and to reunification (your agencies only)' })
  async summary(@CurrentUser() user: AuthUser) {
    const agencies = agenciesInScope(user);
    const q = <T>(sql: string) => this.db.query(sql, [agencies]) as Promise<T[]>;
    const inScope = (col: string) => `($1::text[] IS NULL OR ${col} = ANY($1::text[]))`;

    const [casesByStatus, proposalsByStatus, backlog, toFirstProposal, toReunification, highSafeguarding] = await Promise.all([
      q<{ agency: string; status: string; count: string }>(`
        SELECT agency, status, count(*) FROM (
          SELECT child_agency AS agency, status FROM admin_api.case_view WHERE ${inScope('child_agency')}
          UNION ALL
          SELECT request_agency, status FROM admin_api.case_view WHERE request_agency <> child_agency AND ${inScope('request_agency')}
        ) x GROUP BY agency, status ORDER BY agency, status`),
      q<{ agency: string; status: string; count: string }>(`
        SELECT agency, status, count(*) FROM (
          SELECT left_agency AS agency, status FROM admin_api.proposal_view WHERE ${inScope('left_agency')}
          UNION ALL
          SELECT right_agency, status FROM admin_api.proposal_view WHERE right_agency <> left_agency AND ${inScope('right_agency')}
        ) x GROUP BY agency, status ORDER BY agency, status`),
      q<{ awaiting: string; oldest_seconds: number | null; median_seconds: number | null }>(`
        SELECT count(*) AS awaiting,
               extract(epoch FROM now() - min(created_at)) AS oldest_seconds,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM now() - created_at)) AS median_seconds
        FROM admin_api.proposal_view
        WHERE status IN ('pending', 'info_requested') AND (${inScope('left_agency')} OR ${inScope('right_agency')})`),
      q<{ median_seconds: number | null; records: string }>(`
        SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY s) AS median_seconds, count(*) AS records FROM (
          SELECT extract(epoch FROM min(p.created_at) - r.registered_at) AS s
          FROM admin_api.record_view r
          JOIN admin_api.proposal_view p ON (p.left_side->>'id') = r.id::text OR (p.right_side->>'id') = r.id::text
          WHERE ${inScope('r.agency_id')}
          GROUP BY r.id, r.registered_at) t`),
      q<{ median_seconds: number | null; cases: string }>(`
        SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY s) AS median_seconds, count(*) AS cases FROM (
          SELECT extract(epoch FROM (e->>'at')::timestamptz - r.registered_at) AS s
          FROM admin_api.case_view c
          CROSS JOIN LATERAL jsonb_array_elements(c.timeline) e
          JOIN admin_api.record_view r ON r.id = c.child_id
          WHERE e->>'to' = 'reunified' AND (${inScope('c.child_agency')} OR ${inScope('c.request_agency')})) t`),
      // per child's agency, every agency in scope (all-agency roles: every agency with a proposal), so
      // another agency never learns of a held proposal: high-safeguarding proposals awaiting a decision
      // (held for the protection review or not yet decided), their number and age
      q<{ agency: string; awaiting: string; oldest_seconds: number | null; median_seconds: number | null }>(`
        WITH agencies AS (
          SELECT unnest($1::text[]) AS agency
          UNION SELECT left_agency FROM admin_api.proposal_view WHERE $1::text[] IS NULL
          UNION SELECT right_agency FROM admin_api.proposal_view WHERE $1::text[] IS NULL)
        SELECT a.agency, count(p.id) AS awaiting,
               extract(epoch FROM now() - min(p.created_at)) AS oldest_seconds,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM now() - p.created_at)) AS median_seconds
        FROM agencies a
        LEFT JOIN admin_api.proposal_view p
          ON p.protection_agency = a.agency AND p.protection_level = 'high' AND p.status IN ('pending', 'info_requested')
        GROUP BY a.agency ORDER BY a.agency`),
    ]);
    return {
      generatedAt: new Date().toISOString(),
      cases: casesByStatus.map((r) => ({ agency: r.agency, status: r.status, count: Number(r.count) })),
      proposals: proposalsByStatus.map((r) => ({ agency: r.agency, status: r.status, count: Number(r.count) })),
      reviewBacklog: {
        awaiting: Number(backlog[0]?.awaiting ?? 0),
        oldestAgeSeconds: roundOrNull(backlog[0]?.oldest_seconds),
        medianAgeSeconds: roundOrNull(backlog[0]?.median_seconds),
      },
      highSafeguardingAwaitingReview: highSafeguarding.map((r) => ({
        agency: r.agency, awaiting: Number(r.awaiting), oldestAgeSeconds: roundOrNull(r.oldest_seconds), medianAgeSeconds: roundOrNull(r.median_seconds),
      })),
      medians: {
        registrationToFirstProposalSeconds: roundOrNull(toFirstProposal[0]?.median_seconds),
        recordsWithAProposal: Number(toFirstProposal[0]?.records ?? 0),
        registrationToReunificationSeconds: roundOrNull(toReunification[0]?.median_seconds),
        reunifiedCases: Number(toReunification[0]?.cases ?? 0),
      },
    };
  }

  @Get('model-calibration')
  @Roles('coordinator', 'supervisor', 'system-admin', 'auditor')
  @ApiOperation({ summary: 'Whether proposal probabilities are borne out here: per model version and kind of match, the reviewed proposals (confirmed = the same child; rejected as not the same child or another family = not) by probability band, the share confirmed against the mean predicted, the Brier score, and those awaiting review (proposals involving your agencies, or the one asked for)' })
  async modelCalibration(@CurrentUser() user: AuthUser, @Query() q: ModelCalibrationQuery) {
    const agencies = agenciesInScope(user, q.agency);
    const rows: CalibrationBandRow[] = await this.db.query(`
      WITH p AS (
        SELECT model_version, kind, probability,
               CASE WHEN status = 'confirmed' THEN 1
                    WHEN status = 'rejected' AND decision->>'reasonCode' = ANY($2::text[]) THEN 0 END AS y,
               status IN ('pending', 'info_requested') AS awaiting
        FROM admin_api.proposal_view
        WHERE $1::text[] IS NULL OR left_agency = ANY($1::text[]) OR right_agency = ANY($1::text[]))
      SELECT model_version, kind, least(floor(probability * 10), 9)::int AS band,
             count(y) AS reviewed, coalesce(sum(y), 0) AS confirmed,
             avg(probability) FILTER (WHERE y IS NOT NULL) AS mean_predicted,
             coalesce(sum(power(probability - y, 2)), 0) AS squared_error,
             count(*) FILTER (WHERE awaiting) AS awaiting
      FROM p GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`, [agencies, REJECTIONS_OF_IDENTITY]);
    return { generatedAt: new Date().toISOString(), rejectionsOfIdentity: REJECTIONS_OF_IDENTITY, models: modelCalibration(rows) };
  }
}

/** the agencies a query is limited to (null: every agency), as the SQL's `$1::text[]` takes them */
function agenciesInScope(user: AuthUser, requested?: string): string[] | null {
  const scope = scopeFilter(user, requested ? [requested] : undefined);
  return scope.kind === 'all' ? null : [...scope.agencyIds];
}

const roundOrNull = (v: number | string | null | undefined) => (v === null || v === undefined ? null : Math.round(Number(v)));
