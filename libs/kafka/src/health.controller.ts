import { Controller, Get, HttpCode, Inject, Injectable, ServiceUnavailableException, SetMetadata } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { KAFKA_CLIENT, SERVICE_NAME } from './kafka.tokens';

/** What readiness knows about the service's consumer (set by the bootstrap). */
@Injectable()
export class ConsumerState {
  private probe: () => boolean = () => true;
  setProbe(probe: () => boolean): void {
    this.probe = probe;
  }
  get ready(): boolean {
    return this.probe();
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

  @Get('live')
  live() {
    return { status: 'ok', service: this.service };
  }

  @Get('ready')
  @HttpCode(200)
  async ready() {
    const [database, broker] = await Promise.all([this.databaseOk(), this.brokerReachable()]);
    const checks = { database, broker, consumer: this.consumer.ready };
    if (!Object.values(checks).every(Boolean)) throw new ServiceUnavailableException({ status: 'unavailable', service: this.service, checks });
    return { status: 'ok', service: this.service, checks };
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
