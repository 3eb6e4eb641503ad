import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Kafka } from 'kafkajs';
import { DomainError, TopicNames } from '@kinlink/contracts';
import { AGENCY_INBOUND, EventPublisher, KAFKA_CLIENT, KafkaEventServer, KafkaMessageContext } from '@kinlink/kafka';
import { CheckAgencyEvent } from '../intake/check-agency-event.usecase';
import { AgencyRegistry } from './agency-registry';

/** A message on the inbound topic of an agency that is not (or no longer) accepted: parked on the dead-letter topic. */
export class AgencyNotAccepted extends DomainError<'agency_not_accepted'> {
  readonly code = 'agency_not_accepted' as const;
}

/**
 * Consumes the inbound topics of agencies registered at run time (`npm run agency:add`), which the
 * service's main consumer does not follow: that one subscribes at boot to the agencies in AGENCIES.
 * When the registry's set changes, this consumer is restarted with the new set of topics (same
 * consumer group, `<prefix>.agency-gateway.registered`, so committed offsets carry over): a new
 * agency is consumed, and a revoked one is no longer, within seconds. Each message goes through the
 * same contract gate as the main path (CheckAgencyEvent: the declared agency must be the topic's);
 * a message of an agency revoked meanwhile is dead-lettered, not processed.
 */
@Injectable()
export class RegisteredAgencyIntake implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RegisteredAgencyIntake.name);
  private server?: KafkaEventServer;
  private following: string[] = [];
  private failed = false;
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;
  private unsubscribe?: () => void;
  private retryTimer?: NodeJS.Timeout;

  constructor(
    private readonly registry: AgencyRegistry,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly topics: TopicNames,
    private readonly publisher: EventPublisher,
    private readonly check: CheckAgencyEvent,
    private readonly config: ConfigService,
  ) {}

  /** Agencies whose inbound topics this consumer follows now. */
  get agencies(): string[] {
    return [...this.following];
  }

  get isReady(): boolean {
    return this.following.length === 0 ? !this.failed : (this.server?.isReady ?? false);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.unsubscribe = this.registry.onChange(() => this.reconcile());
    await this.reconcile();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.queue;
    await this.stop();
  }

  /** The agencies to follow: accepted, and not already followed by the main consumer. */
  wanted(): string[] {
    const boot = this.registry.bootAgencies();
    return this.registry.acceptedAgencies().filter((a) => !boot.has(a)).sort();
  }

  /** Restarts the consumer if the wanted set differs from the followed one (serialised). */
  reconcile(): Promise<void> {
    this.queue = this.queue.then(() => this.apply()).catch((e) => this.logger.error(`reconcile: ${(e as Error).message}`));
    return this.queue;
  }

  private async apply(): Promise<void> {
    if (this.stopped) return;
    const wanted = this.wanted();
    if (!this.failed && wanted.join(',') === this.following.join(',')) return;
    await this.stop();
    if (wanted.length === 0) {
      this.failed = false;
      return;
    }
    const server = new KafkaEventServer({
      kafka: this.kafka,
      groupId: `${this.config.getOrThrow<string>('TOPIC_PREFIX')}.agency-gateway.registered`,
      topics: this.topics,
      subscribe: [AGENCY_INBOUND],
      agencies: wanted,
      publisher: this.publisher,
    });
    server.addHandler(AGENCY_INBOUND, (value: Buffer | null, ctx: KafkaMessageContext) => this.handle(value, ctx), true);
    try {
      await new Promise<void>((resolve, reject) => {
        void server.listen((error?: unknown) => (error ? reject(error) : resolve()));
      });
    } catch (e) {
      await server.close().catch(() => undefined);
      this.failed = true;
      this.logger.error(`could not follow the inbound topics of ${wanted.join(', ')} (retrying): ${(e as Error).message}`);
      this.retryTimer = setTimeout(() => void this.reconcile(), this.registry.refreshMs * 2);
      this.retryTimer.unref();
      return;
    }
    this.server = server;
    this.following = wanted;
    this.failed = false;
    this.logger.log(`following the inbound topics of registered agencies: ${wanted.join(', ')}`);
  }

  private async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.following = [];
    if (server) await server.close();
  }

  private async handle(value: Buffer | null, ctx: KafkaMessageContext): Promise<void> {
    const { topic, partition, offset } = ctx.message;
    const agencyId = this.topics.agencyOfInbound(topic);
    if (!agencyId || !this.registry.accepts(agencyId)) {
      throw new AgencyNotAccepted(`agency ${agencyId ?? '?'} is not accepted (revoked or unknown)`, { agencyId });
    }
    await this.check.execute({ topic, partition, offset, value });
  }
}
