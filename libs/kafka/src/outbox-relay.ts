import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryRunner } from 'typeorm';
import { outboxRelayLockKey, outboxWritersLockKey, schemaOf } from '@kinlink/database';
import { EventPublisher } from './event-publisher';
import { failpoint } from './failpoints';
import { HEADER } from './headers';

const BATCH = 500;
// kicks publish at once; the poll only catches rows another instance committed (or a lost kick)
const IDLE_POLL_MS = Number(process.env.OUTBOX_IDLE_POLL_MS ?? 1_000);
// another instance's relay holds the lock: look again soon, since its pass may have started before our rows committed
const LOCKED_RETRY_MS = 50;
const FLUSH_TIMEOUT_MS = Number(process.env.OUTBOX_FLUSH_TIMEOUT_MS ?? 10_000);

/**
 * Publishes the service's outbox rows in id order (keyed by subject id, so per-subject order
 * holds on the topic) and deletes them in the same transaction: at least once, never skipped.
 *
 * - Several relays (several instances of a service): one at a time holds the schema's relay lock
 *   (`pg_try_advisory_xact_lock`); the others find it taken and wait for the next poll.
 * - Concurrent writers and sequence gaps: ids are taken when a writer inserts, but writers commit
 *   in any order, so id 11 can be visible while id 10 is still in flight. Deleting published rows
 *   (rather than keeping a high-water mark) means id 10 is never skipped; to also keep id order,
 *   the relay only publishes up to a *watermark*: the highest id at a moment when no writer was
 *   between its outbox insert and its commit. Writers hold the schema's writers lock in shared
 *   mode from their outbox insert to their commit (`addToOutbox`, always the last step of a
 *   transaction); the relay takes it exclusively for an instant to read the watermark. Every id
 *   at or below the watermark is final (committed or rolled back), so nothing can appear below a
 *   published row later.
 *
 * Use cases call `kick()` after committing so events leave at once rather than at the next poll.
 * On shutdown (after the consumer stopped) the relay publishes what is left, within a time limit.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private running = false;
  private pending = false;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private current: Promise<void> = Promise.resolve();
  private failures = 0;
  private lockedOut = false;

  constructor(@InjectDataSource() private readonly dataSource: DataSource, private readonly publisher: EventPublisher) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.pending = true;
      return;
    }
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.current = this.drain();
    }, ms);
  }

  private async drain(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    let again = false;
    try {
      do {
        this.pending = false;
        const published = await this.publishBatch();
        again = published === BATCH || this.pending;
      } while (again && !this.stopped);
      this.failures = 0;
    } catch (e) {
      if (this.failures++ % 20 === 0) this.logger.warn(`outbox relay failed, retrying: ${(e as Error).message}`);
    } finally {
      this.running = false;
      this.schedule(this.failures > 0 ? Math.min(5_000, 250 * 2 ** Math.min(this.failures, 5)) : this.lockedOut ? LOCKED_RETRY_MS : IDLE_POLL_MS);
    }
  }

  /**
   * Publishes at most one batch; returns how many rows it published (0 if another relay holds the
   * lock). One transaction on one connection, six round trips: the relay lock (with the lock
   * timeout), the watermark (two statements), the rows taken and deleted, the send, the commit.
   */
  async publishBatch(): Promise<number> {
    const schema = schemaOf(this.dataSource);
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    let writersLock = false;
    try {
      await runner.startTransaction();
      const [{ locked }] = await runner.query(
        `SELECT set_config('lock_timeout', '5s', true), pg_try_advisory_xact_lock(hashtext($1)) AS locked`, [outboxRelayLockKey(schema)]);
      this.lockedOut = !locked;
      if (!locked) {
        await runner.commitTransaction();
        return 0;
      }
      writersLock = true;
      const watermark = await this.watermark(runner, schema);
      writersLock = false;
      if (watermark === '0') {
        await runner.commitTransaction();
        return 0;
      }
      // taken and deleted in one statement; the delete commits only after the send (a failed send
      // rolls it back), so it is the same at-least-once as reading, sending, then deleting
      const [rows]: [Array<{ id: string; topic: string; key: string; headers: Record<string, string>; payload: unknown }>, number] = await runner.query(
        `DELETE FROM "${schema}".outbox WHERE id IN (SELECT id FROM "${schema}".outbox WHERE id <= $1 ORDER BY id LIMIT ${BATCH})
         RETURNING id, topic, key, headers, payload`, [watermark]);
      if (rows.length > 0) {
        // RETURNING has no order: publish in id order
        rows.sort((a, b) => a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        await failpoint('relay.before-publish');
        await this.publisher.sendNow(rows.map((r) => ({
          topic: r.topic, key: r.key, headers: { ...r.headers, [HEADER.outboxId]: `${schema}:${r.id}` }, value: JSON.stringify(r.payload),
        })));
      }
      await runner.commitTransaction();
      return rows.length;
    } catch (e) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw e;
    } finally {
      // the writers lock is session-level: never hand the connection back to the pool holding it
      // (it would stop every writer); a connection that cannot even do this is closed, which frees it
      if (writersLock) {
        await runner.query('SELECT pg_advisory_unlock_all()').catch(() =>
          (runner as unknown as { releasePostgresConnection(e: Error): Promise<void> }).releasePostgresConnection(new Error('relay: writers lock not released')));
      }
      await runner.release().catch(() => undefined);
    }
  }

  /**
   * The highest outbox id below which no writer is still in flight (see the class comment). The
   * writers lock is taken exclusively at session level, so it can be let go at once inside the
   * relay's transaction (a transaction-level lock would block writers until the commit, after the
   * send); the max is read by the next statement, whose snapshot (READ COMMITTED) is taken after
   * the lock was granted — every id it sees is final — and that statement releases the lock.
   */
  private async watermark(runner: QueryRunner, schema: string): Promise<string> {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [outboxWritersLockKey(schema)]);
    const [{ max }] = await runner.query(
      `SELECT coalesce(max(id), 0)::text AS max, pg_advisory_unlock(hashtext($1)) AS unlocked FROM "${schema}".outbox`, [outboxWritersLockKey(schema)]);
    return max as string;
  }

  /** Publishes everything left (at or below the watermark). */
  async flush(): Promise<void> {
    await this.current;
    while ((await this.publishBatch()) > 0);
  }

  /**
   * After the consumer stopped (ConsumerState, on module destroy) and before the producer
   * disconnects and the database closes (on application shutdown), publish what is left. Rows
   * that do not make it (broker away) stay in the outbox for the next start.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((r) => { timer = setTimeout(() => r('timeout'), FLUSH_TIMEOUT_MS); });
    const outcome = await Promise.race([this.flush().then(() => 'flushed' as const), timeout])
      .catch((e) => `failed: ${(e as Error).message}`);
    clearTimeout(timer);
    if (outcome === 'flushed') this.logger.log(`outbox flushed in ${Date.now() - started} ms`);
    else this.logger.warn(`outbox not fully flushed at shutdown (${outcome}); the rest is published at the next start`);
  }
}
