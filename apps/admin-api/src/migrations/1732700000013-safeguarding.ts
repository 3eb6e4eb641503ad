import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Protection review of proposals for children at safeguarding risk (docs/events.md, "Safeguarding"):
 * whether the proposal is held (`pending`) or `released`, at which level, for which (the child's)
 * agency. NULL status: no review needed.
 */
export class Safeguarding1732700000013 implements MigrationInterface {
  name = 'Safeguarding1732700000013';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE admin_api.proposal_view
      ADD COLUMN protection_status text CHECK (protection_status IN ('pending', 'released')),
      ADD COLUMN protection_level text CHECK (protection_level IN ('elevated', 'high')),
      ADD COLUMN protection_agency text`);
    await q.query(`CREATE INDEX proposal_view_protection ON admin_api.proposal_view (protection_status, protection_level) WHERE protection_status IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX admin_api.proposal_view_protection');
    await q.query('ALTER TABLE admin_api.proposal_view DROP COLUMN protection_status, DROP COLUMN protection_level, DROP COLUMN protection_agency');
  }
}
