import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { schemaOf } from '@kinlink/database';
import { EventPublisher } from './event-publisher';

const BATCH = 500;
const IDLE_POLL_MS = 250;

/**
 * Publishes the service's outbox rows in id order and deletes them in the same transaction.
 * One relay at a time holds the schema's advisory lock, so several instances never publish the
 * same rows concurrently or out of order. Use cases call `kick()` after committing so events
 * leave immediately instead of at the next poll.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private running = false;
  private pending = false;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private current: Promise<void> = Promise.resolve();

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
    } catch (e) {
      this.logger.warn(`outbox relay failed, retrying: ${(e as Error).message}`);
    } finally {
      this.running = false;
      this.schedule(IDLE_POLL_MS);
    }
  }

  /** Publishes at most one batch; returns how many rows it published. */
  async publishBatch(): Promise<number> {
    const schema = schemaOf(this.dataSource);
    return this.dataSource.transaction(async (m) => {
      const [{ locked }] = await m.query(`SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked`, [`${schema}.outbox`]);
      if (!locked) return 0;
      const rows: Array<{ id: string; topic: string; key: string; headers: Record<string, string>; payload: unknown }> =
        await m.query(`SELECT id, topic, key, headers, payload FROM "${schema}".outbox ORDER BY id LIMIT ${BATCH}`);
      if (rows.length === 0) return 0;
      await this.publisher.sendRecords(rows.map((r) => ({ topic: r.topic, key: r.key, headers: r.headers, value: JSON.stringify(r.payload) })));
      await m.query(`DELETE FROM "${schema}".outbox WHERE id = ANY($1::bigint[])`, [rows.map((r) => r.id)]);
      return rows.length;
    });
  }

  /** Publishes everything left; called on shutdown after consumers stop. */
  async flush(): Promise<void> {
    await this.current;
    while ((await this.publishBatch()) > 0);
  }

  /** Before the producer disconnects (onApplicationShutdown), publish what is left. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.flush().catch((e) => this.logger.warn(`outbox flush at shutdown failed: ${(e as Error).message}`));
  }
}
