import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { systemActor } from '@kinlink/contracts';
import { EraseSubject } from './erase-subject.usecase';

/**
 * The retention rule (trust.md R5): a record closed longer than its type's retention period
 * (`RETENTION_CHILD_MONTHS`, `RETENTION_TRACING_REQUEST_MONTHS`; unset = kept) is erased by the
 * same crypto-shred as an admin's erasure, with reason `retention` and the registry as actor.
 */
@Injectable()
export class RetentionSweep implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RetentionSweep.name);
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(@InjectDataSource() private readonly db: DataSource, private readonly erase: EraseSubject, private readonly config: ConfigService) {}

  onApplicationBootstrap(): void {
    if (this.rules().length === 0) return;
    this.timer = setInterval(() => void this.sweep(), this.config.getOrThrow<number>('RETENTION_SWEEP_MS'));
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Erases every record past its retention; returns how many. */
  async sweep(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    let erased = 0;
    try {
      for (const { type, table, months } of this.rules()) {
        const rows: Array<{ id: string }> = await this.db.query(
          `SELECT id FROM registry.${table} WHERE status = 'closed' AND updated_at <= now() - ($1::float8 * interval '1 month') ORDER BY updated_at LIMIT 500`,
          [months]);
        for (const { id } of rows) {
          const result = await this.erase.execute({
            inboxId: `retention:${id}`, subject: { type, id }, reasonCode: 'retention', actor: systemActor('registry'), correlationId: `retention:${id}`,
          });
          if (result === 'erased') erased++;
        }
      }
    } catch (e) {
      this.logger.error(`retention sweep failed: ${(e as Error).message}`);
    } finally {
      this.running = false;
    }
    return erased;
  }

  private rules() {
    const child = this.config.get<number>('RETENTION_CHILD_MONTHS');
    const request = this.config.get<number>('RETENTION_TRACING_REQUEST_MONTHS');
    return [
      ...(child !== undefined ? [{ type: 'child' as const, table: 'child', months: child }] : []),
      ...(request !== undefined ? [{ type: 'tracing-request' as const, table: 'tracing_request', months: request }] : []),
    ];
  }
}
