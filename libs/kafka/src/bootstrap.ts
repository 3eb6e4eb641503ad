import { ArgumentsHost, Catch, ConsoleLogger, INestApplication, RpcExceptionFilter, Type } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { Observable, throwError } from 'rxjs';
import { TopicNames } from '@kinlink/contracts';
import { EventPublisher } from './event-publisher';
import { ConsumerState } from './health.controller';
import { KafkaEventServer, KinlinkPattern, SlicePreparer } from './kafka-event-server';
import { KAFKA_CLIENT } from './kafka.tokens';
import { TopicAdmin } from './topic-admin';

/** Lets handler errors reach the transport unchanged, so it can classify them (retry / dead-letter). */
@Catch()
class RethrowRpcErrors implements RpcExceptionFilter {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}

export interface ServiceBootstrapOptions {
  service: string;
  module: Type<unknown>;
  /** topics the service consumes (none for an HTTP-only edge) */
  subscribe: KinlinkPattern[];
  /** HTTP set-up beyond health (admin API: docs, pipes, filters) */
  configureHttp?: (app: INestApplication) => void | Promise<void>;
  partitionsConsumedConcurrently?: number;
  /** work done once per slice before its handlers (e.g. prefetching data keys); see SlicePreparer */
  prepareSlice?: (app: INestApplication) => SlicePreparer;
}

/**
 * Starts one Kinlink service: JSON logs, its topics ensured, its consumer group joined, its HTTP
 * port (health, and for the admin API the API itself) listening, graceful shutdown on SIGTERM/SIGINT.
 */
export async function bootstrapService(options: ServiceBootstrapOptions): Promise<INestApplication> {
  const logger = new ConsoleLogger({ json: process.env.LOG_FORMAT !== 'pretty', prefix: options.service, colors: false });
  const levels = logLevelsFrom(process.env.LOG_LEVEL);
  logger.setLogLevels(levels);
  const app = await NestFactory.create(options.module, { logger, bufferLogs: false });
  app.enableShutdownHooks();
  const config = app.get(ConfigService);
  await app.get(TopicAdmin).ensureKinlinkTopics(config.getOrThrow('AGENCIES'), config.getOrThrow('KAFKA_PARTITIONS'));
  if (options.subscribe.length > 0) {
    const server = new KafkaEventServer({
      kafka: app.get(KAFKA_CLIENT),
      groupId: `${config.getOrThrow('TOPIC_PREFIX')}.${options.service}`,
      topics: app.get(TopicNames),
      subscribe: options.subscribe,
      agencies: config.getOrThrow('AGENCIES'),
      publisher: app.get(EventPublisher),
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
      prepareSlice: options.prepareSlice?.(app),
    });
    // Deferred so the filter is registered before the handlers are bound; the app runs the
    // lifecycle hooks once, so the microservice must not run them again.
    const ms = app.connectMicroservice({ strategy: server }, { inheritAppConfig: false, deferInitialization: true });
    ms.useGlobalFilters(new RethrowRpcErrors());
    (ms as unknown as { setIsInitHookCalled(v: boolean): void }).setIsInitHookCalled(true);
    app.get(ConsumerState).attach(server);
  }
  await options.configureHttp?.(app);
  // lifecycle hooks first (e.g. the matching index loads), then consume, then serve HTTP
  await app.init();
  await app.startAllMicroservices();
  await app.listen(config.getOrThrow<number>('HTTP_PORT'), config.getOrThrow<string>('HTTP_HOST'));
  logger.log(`${options.service} ready on http://${config.getOrThrow('HTTP_HOST')}:${config.getOrThrow('HTTP_PORT')}`);
  return app;
}

function logLevelsFrom(level = 'info'): Array<'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose'> {
  const order = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
  const map: Record<string, number> = { silent: -1, fatal: 0, error: 1, warn: 2, info: 3, debug: 4, trace: 5 };
  return order.slice(0, (map[level] ?? 3) + 1);
}
