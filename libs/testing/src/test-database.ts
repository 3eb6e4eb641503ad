import path from 'node:path';
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

/** One integration test's own topics and database, so test files never see each other's data. */
export interface TestDatabase {
  /** topic prefix, e.g. `it-m-1a2b3c4d` */
  prefix: string;
  /** database name, e.g. `kinlink_it_m_1a2b3c4d` */
  name: string;
  /** connection string of the test's database (the services create their schemas in it at boot) */
  url: string;
  /** connection string the database was derived from (to create/drop databases) */
  adminUrl: string;
  drop(): Promise<void>;
}

/** read once, before any test points DATABASE_URL at its own database (useServiceEnvironment) */
const SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/kinlink';

export function testDatabase(tag: string, adminUrl = SERVER_URL): TestDatabase {
  const run = randomUUID().slice(0, 8);
  const name = `kinlink_it_${tag.replace(/[^a-z0-9]/gi, '_')}_${run}`;
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    prefix: `it-${tag}-${run}`,
    name,
    url: url.toString(),
    adminUrl,
    async drop() {
      const c = new Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/**
 * A service's environment for an in-process integration test on `db`. Call before the service
 * module is loaded: Nest's config module reads the environment when the module is declared.
 */
export function useServiceEnvironment(db: TestDatabase, extra: Record<string, string> = {}): void {
  Object.assign(process.env, {
    TOPIC_PREFIX: db.prefix, DATABASE_URL: db.url, AGENCIES: 'unhcr,icrc', LOG_LEVEL: 'silent', HTTP_PORT: '0',
    // matching's index snapshot: one directory per test database (a snapshot belongs to its database)
    MATCHING_SNAPSHOT_DIR: path.join(os.tmpdir(), 'kinlink-test-snapshots', db.prefix),
    ...extra,
  });
}
