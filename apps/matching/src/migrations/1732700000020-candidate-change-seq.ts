import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A change sequence on candidates: every insert and update takes the next value, so a boot from a
 * snapshot of the index reads only the rows changed since the snapshot's high-water mark
 * (CandidateSnapshots). Set by a trigger, so every writer (the use case, bulk loaders) gets it.
 * The trigger takes the transaction's id before the sequence value: a row whose value is at or
 * below a high-water mark belongs to a transaction that was visible as running when it was read.
 */
export class CandidateChangeSeq1732700000020 implements MigrationInterface {
  name = 'CandidateChangeSeq1732700000020';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE SEQUENCE matching.candidate_change_seq');
    await q.query(`ALTER TABLE matching.candidate ADD COLUMN change_seq bigint NOT NULL DEFAULT nextval('matching.candidate_change_seq')`);
    // from now on the trigger alone numbers rows (NOT NULL is checked after BEFORE triggers)
    await q.query('ALTER TABLE matching.candidate ALTER COLUMN change_seq DROP DEFAULT');
    await q.query('CREATE INDEX candidate_by_change ON matching.candidate (change_seq)');
    await q.query(`CREATE FUNCTION matching.candidate_next_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_current_xact_id();
        NEW.change_seq := nextval('matching.candidate_change_seq');
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER candidate_next_change BEFORE INSERT OR UPDATE ON matching.candidate
      FOR EACH ROW EXECUTE FUNCTION matching.candidate_next_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER candidate_next_change ON matching.candidate');
    await q.query('DROP FUNCTION matching.candidate_next_change()');
    await q.query('ALTER TABLE matching.candidate DROP COLUMN change_seq');
    await q.query('DROP SEQUENCE matching.candidate_change_seq');
  }
}
