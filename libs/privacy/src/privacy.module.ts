import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { KEY_WRAPPER, KeyWrapper, LocalMasterKeyWrapper } from './key-wrapper';
import { loadMasterKey } from './master-key';
import { SubjectCipher } from './subject-cipher';
import { PgSubjectKeyStore, SUBJECT_KEY_STORE, SubjectKeyStore } from './subject-key-store';

/**
 * Per-subject encryption for a service: the KMS seam (master key from MASTER_KEY), the key vault
 * (schema `key_vault` of the service's database) and the `SubjectCipher`.
 */
@Global()
@Module({})
export class PrivacyModule {
  static forService(): DynamicModule {
    return {
      module: PrivacyModule,
      providers: [
        {
          provide: KEY_WRAPPER,
          inject: [ConfigService],
          useFactory: (config: ConfigService): KeyWrapper =>
            new LocalMasterKeyWrapper(loadMasterKey({ MASTER_KEY: config.get<string>('MASTER_KEY'), NODE_ENV: config.get<string>('NODE_ENV') })),
        },
        {
          provide: SUBJECT_KEY_STORE,
          inject: [getDataSourceToken(), KEY_WRAPPER],
          useFactory: async (db: DataSource, wrapper: KeyWrapper): Promise<SubjectKeyStore> => {
            const store = new PgSubjectKeyStore(db, wrapper);
            await store.ensureSchema();
            return store;
          },
        },
        {
          provide: SubjectCipher,
          inject: [SUBJECT_KEY_STORE, ConfigService],
          useFactory: (store: SubjectKeyStore, config: ConfigService) => new SubjectCipher(store, config.get<number>('KEY_CACHE_TTL_MS') ?? 30_000),
        },
      ],
      exports: [KEY_WRAPPER, SUBJECT_KEY_STORE, SubjectCipher],
    };
  }
}
