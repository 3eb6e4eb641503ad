import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Kafka, logLevel } from 'kafkajs';
import { TopicNames } from '@kinlink/contracts';
import { EventPublisher } from './event-publisher';
import { ConsumerState, HealthController } from './health.controller';
import { INBOX_KEPT_FOREVER, KAFKA_CLIENT, SERVICE_NAME } from './kafka.tokens';
import { InboxRetention } from './inbox-retention';
import { OutboxRelay } from './outbox-relay';
import { KafkaClientSecurity, kafkaSecurityFromEnv } from './security/client-security';
import { TopicAdmin } from './topic-admin';
import { UnitOfWork } from './unit-of-work';

/** `security`: SASL/TLS settings; by default from KAFKA_SASL_* / KAFKA_SSL_CA_FILE (none = plaintext). */
export function createKafkaClient(clientId: string, brokers: string[], security: KafkaClientSecurity = kafkaSecurityFromEnv()): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 200, retries: 10, maxRetryTime: 5_000 },
    connectionTimeout: 3_000,
    ...security,
  });
}

export interface KafkaServiceOptions {
  /** inbox consumers never pruned: their event ids come from outside Kinlink (an agency's own ids) */
  inboxKeptForever?: string[];
}

/** Kafka plumbing for one service: client, producer, topic admin, outbox relay, inbox retention, health. */
@Global()
@Module({})
export class KafkaModule {
  static forService(service: string, options: KafkaServiceOptions = {}): DynamicModule {
    return {
      module: KafkaModule,
      controllers: [HealthController],
      providers: [
        { provide: SERVICE_NAME, useValue: service },
        { provide: INBOX_KEPT_FOREVER, useValue: options.inboxKeptForever ?? [] },
        {
          provide: KAFKA_CLIENT,
          inject: [ConfigService],
          useFactory: (config: ConfigService) => createKafkaClient(`kinlink-${service}`, config.getOrThrow<string[]>('KAFKA_BROKERS')),
        },
        { provide: TopicNames, inject: [ConfigService], useFactory: (config: ConfigService) => new TopicNames(config.getOrThrow('TOPIC_PREFIX')) },
        EventPublisher,
        TopicAdmin,
        OutboxRelay,
        ConsumerState,
        UnitOfWork,
        InboxRetention,
      ],
      exports: [SERVICE_NAME, KAFKA_CLIENT, TopicNames, EventPublisher, TopicAdmin, OutboxRelay, ConsumerState, UnitOfWork, InboxRetention],
    };
  }
}
