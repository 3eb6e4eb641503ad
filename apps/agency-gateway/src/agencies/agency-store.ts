/**
 * The agencies the gateway accepts, in its own schema: written by `npm run agency:add` /
 * `agency:remove` (scripts/agency.ts), read by the gateway every few seconds (AgencyRegistry).
 * Ids only: an agency id, its Kafka principal, its status and when it changed.
 */
import { AGENCY_ID_PATTERN } from '@kinlink/contracts';

export const AGENCY_SCHEMA = 'agency_gateway';
export type AgencyStatus = 'active' | 'revoked';

export interface AgencyRow {
  agencyId: string;
  status: AgencyStatus;
  kafkaPrincipal: string;
  updatedAt: string;
}

/** Anything that runs SQL with positional parameters: a pg Client/Pool, a TypeORM DataSource or EntityManager. */
export interface Sql {
  query(text: string, params?: unknown[]): Promise<unknown>;
}

function schemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name "${schema}"`);
  return schema;
}

/** DDL shared by the gateway's migration and the agency script (which may run before the gateway ever did). */
export function agencyTableDdl(schema = AGENCY_SCHEMA): string[] {
  const s = schemaName(schema);
  return [
    `CREATE SCHEMA IF NOT EXISTS "${s}"`,
    `CREATE TABLE IF NOT EXISTS "${s}".agency (
      agency_id text PRIMARY KEY CHECK (agency_id ~ '^[a-z0-9][a-z0-9-]{1,39}$'),
      status text NOT NULL CHECK (status IN ('active', 'revoked')),
      kafka_principal text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz)`,
  ];
}

export async function ensureAgencyTable(sql: Sql, schema = AGENCY_SCHEMA): Promise<void> {
  for (const statement of agencyTableDdl(schema)) {
    await sql.query(statement).catch((e: { code?: string }) => {
      if (e.code !== '23505' && e.code !== '42P06' && e.code !== '42P07') throw e; // created concurrently
    });
  }
}

function rowsOf(result: unknown): Array<Record<string, unknown>> {
  // pg returns { rows }, TypeORM returns the rows
  return Array.isArray(result) ? result : ((result as { rows?: Array<Record<string, unknown>> }).rows ?? []);
}

export async function listAgencies(sql: Sql, schema = AGENCY_SCHEMA): Promise<AgencyRow[]> {
  const rows = rowsOf(await sql.query(
    `SELECT agency_id, status, kafka_principal, updated_at FROM "${schemaName(schema)}".agency ORDER BY agency_id`));
  return rows.map((r) => ({
    agencyId: String(r.agency_id), status: r.status as AgencyStatus, kafkaPrincipal: String(r.kafka_principal),
    updatedAt: new Date(r.updated_at as string).toISOString(),
  }));
}

/** Marks the agency active (registering it if new). Idempotent. */
export async function activateAgency(sql: Sql, agencyId: string, kafkaPrincipal: string, schema = AGENCY_SCHEMA): Promise<void> {
  if (!AGENCY_ID_PATTERN.test(agencyId)) throw new Error(`invalid agency id "${agencyId}"`);
  await sql.query(
    `INSERT INTO "${schemaName(schema)}".agency (agency_id, status, kafka_principal) VALUES ($1, 'active', $2)
     ON CONFLICT (agency_id) DO UPDATE SET status = 'active', kafka_principal = EXCLUDED.kafka_principal, updated_at = now(), revoked_at = NULL
     WHERE agency.status <> 'active' OR agency.kafka_principal <> EXCLUDED.kafka_principal`,
    [agencyId, kafkaPrincipal],
  );
}

/** Marks the agency revoked (kept, with the time, for the record). Idempotent; registers unknown ids as revoked. */
export async function revokeAgencyRow(sql: Sql, agencyId: string, kafkaPrincipal: string, schema = AGENCY_SCHEMA): Promise<void> {
  if (!AGENCY_ID_PATTERN.test(agencyId)) throw new Error(`invalid agency id "${agencyId}"`);
  await sql.query(
    `INSERT INTO "${schemaName(schema)}".agency (agency_id, status, kafka_principal, revoked_at) VALUES ($1, 'revoked', $2, now())
     ON CONFLICT (agency_id) DO UPDATE SET status = 'revoked', updated_at = now(), revoked_at = now()
     WHERE agency.status <> 'revoked'`,
    [agencyId, kafkaPrincipal],
  );
}
