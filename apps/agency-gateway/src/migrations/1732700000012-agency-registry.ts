import { MigrationInterface, QueryRunner } from 'typeorm';
import { agencyTableDdl } from '../agencies/agency-store';

/**
 * The agencies the gateway accepts besides AGENCIES from the environment: registered and revoked by
 * `npm run agency:add` / `agency:remove` (which create the table themselves if the gateway never
 * ran, hence IF NOT EXISTS). Ids only.
 */
export class AgencyRegistry1732700000012 implements MigrationInterface {
  name = 'AgencyRegistry1732700000012';

  async up(q: QueryRunner): Promise<void> {
    for (const statement of agencyTableDdl()) await q.query(statement);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS agency_gateway.agency');
  }
}
