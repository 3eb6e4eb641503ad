import { Controller, Get, HttpCode, Inject, Injectable, Logger, OnModuleDestroy, ServiceUnavailableException, SetMetadata } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { KAFKA_CLIENT, SERVICE_NAME } from './kafka.tokens';

/** The service's consumer as health and shutdown see it (attached by the bootstrap; none for an HTTP-only service). */
export interface AttachedConsumer {
  readonly isReady: boolean;
  readonly isAlive: boolean;
  describe(): object;
  close(): Promise<void>;
}

/**
 * The consumer, for readiness (joined its group, stable, not crashed) and for shutdown: it is
 * the first thing to stop (module destroy), before the outbox relay flushes
 * (before-application-shutdown), the producer disconnects and the database closes
 * (application shutdown).
 */
@Injectable()
export class ConsumerState implements OnModuleDestroy {
  private readonly logger = new Logger('Shutdown');
  private consumer?: AttachedConsumer;

  attach(consumer: AttachedConsumer): void {
    this.consumer = consumer;
  }

  get ready(): boolean {
    return this.consumer?.isReady ?? true;
  }

  get alive(): boolean {
    return this.consumer?.isAlive ?? true;
  }

  describe(): object | undefined {
    return this.consumer?.describe();
  }

  /** Stop consuming: finish the message in hand, commit offsets, leave the group. */
  async stop(): Promise<void> {
    if (!this.consumer) return;
    const started = Date.now();
    await this.consumer.close();
    this.logger.log(`consumer stopped in ${Date.now() - started} ms`);
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }
}

/**
 * Liveness: the process answers. Readiness: the database answers, the broker answers, and the
 * consumer has joined its group and not crashed.
 */
/** Probes carry no token: marked public for any authentication guard that honours `isPublic`. */
export const PUBLIC_ROUTE_KEY = 'isPublic';

@SetMetadata(PUBLIC_ROUTE_KEY, true)
@Controller('health')
export class HealthController {
  private brokerCheckedAt = 0;
  private brokerOk = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(SERVICE_NAME) private readonly service: string,
    private readonly consumer: ConsumerState,
  ) {}

  /** Fails only when the process can no longer do its work on its own (its consumer crashed for good): restart it. */
  @Get('live')
  live() {
    if (!this.consumer.alive) throw new ServiceUnavailableException({ status: 'dead', service: this.service, consumer: this.consumer.describe() });
    return { status: 'ok', service: this.service };
  }

  @Get('ready')
  @HttpCode(200)
  async ready() {
    const [database, broker] = await Promise.all([this.databaseOk(), this.brokerReachable()]);
    const checks = { database, broker, consumer: this.consumer.ready };
    const consumer = this.consumer.describe();
    if (!Object.values(checks).every(Boolean)) throw new ServiceUnavailableException({ status: 'unavailable', service: this.service, checks, consumer });
    return { status: 'ok', service: this.service, checks, consumer };
  }

  private async databaseOk(): Promise<boolean> {
    try {
      await this.dataSource.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  private async brokerReachable(): Promise<boolean> {
    if (Date.now() - this.brokerCheckedAt < 2_000) return this.brokerOk;
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      await admin.describeCluster();
      this.brokerOk = true;
    } catch {
      this.brokerOk = false;
    } finally {
      this.brokerCheckedAt = Date.now();
      await admin.disconnect().catch(() => undefined);
    }
    return this.brokerOk;
  }
}
