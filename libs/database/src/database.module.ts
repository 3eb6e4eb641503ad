import { DynamicModule } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MixedList } from 'typeorm';
import { OutboxMessage, ProcessedEvent } from './entities';
import { InboxOutbox1732700000000 } from './inbox-outbox.migration';
import { assertSchemaName, ensureDatabase, ensureSchema } from './provisioning';

export interface ServiceDatabaseOptions {
  /** the service's own schema: no service reads another's tables */
  schema: string;
  entities: MixedList<Function>;
  migrations: MixedList<Function>;
}

/**
 * TypeORM for one service: its own schema, inbox and outbox tables, migrations run at boot
 * (never `synchronize`). The database and schema are created if missing.
 */
export class DatabaseModule {
  static forService(options: ServiceDatabaseOptions): DynamicModule {
    assertSchemaName(options.schema);
    return TypeOrmModule.forRootAsync({
      inject: [ConfigService],
      useFactory: async (config: ConfigService) => {
        const url = config.getOrThrow<string>('DATABASE_URL');
        await ensureDatabase(url);
        await ensureSchema(url, options.schema);
        return {
          type: 'postgres' as const,
          url,
          schema: options.schema,
          entities: [ProcessedEvent, OutboxMessage, ...(options.entities as Function[])],
          migrations: [InboxOutbox1732700000000, ...(options.migrations as Function[])],
          migrationsTableName: 'migrations',
          migrationsRun: true,
          migrationsTransactionMode: 'each' as const,
          synchronize: false,
          extra: { max: Number(process.env.DB_POOL_SIZE ?? 10), application_name: options.schema },
          logging: ['error' as const],
        };
      },
    });
  }
}
