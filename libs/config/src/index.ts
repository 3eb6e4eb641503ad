import { DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { z } from 'zod';

/**
 * Settings every service shares. Each service extends this with its own and validates the
 * environment once at boot: a wrong value stops the process with a message naming the variable.
 */
export const baseEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/kinlink'),
  KAFKA_BROKERS: z.string().default('127.0.0.1:39092').transform((s) => s.split(',').map((b) => b.trim()).filter(Boolean)),
  TOPIC_PREFIX: z.string().regex(/^[a-zA-Z0-9._-]+$/).default('kinlink'),
  /** partitions for topics Kinlink creates; consumers scale out up to this many instances */
  KAFKA_PARTITIONS: z.coerce.number().int().min(1).max(256).default(3),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** interface to listen on: loopback by default; 0.0.0.0 in containers */
  HTTP_HOST: z.string().default('127.0.0.1'),
  /** HTTP port for health endpoints (and the admin API itself) */
  HTTP_PORT: z.coerce.number().int().min(0).max(65535),
  /** agencies whose inbound topics exist and are consumed */
  AGENCIES: z.string().default('unhcr,icrc,savethechildren')
    .transform((s) => s.split(',').map((a) => a.trim()).filter(Boolean)),
  /** secure mode (docs/security.md): this service's Kafka principal, e.g. svc-registry; set with KAFKA_SASL_PASSWORD */
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  /** SASL mechanism of the Kafka principal */
  KAFKA_SASL_MECHANISM: z.enum(['scram-sha-512', 'scram-sha-256', 'plain']).default('scram-sha-512'),
  /** CA certificate(s) (PEM file) of the brokers' TLS listener; set = connect to Kafka with TLS */
  KAFKA_SSL_CA_FILE: z.string().min(1).optional(),
  /** master key (32 bytes, base64) that wraps subjects' data keys; required in production, a dev key under .run/ otherwise */
  MASTER_KEY: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, '32 bytes, base64').optional(),
  /** how long a process keeps a subject's unwrapped data key (an erasure also drops it at once) */
  KEY_CACHE_TTL_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  /** inbox rows (which events a consumer handled) are kept at least this long, and always longer than any topic's retention */
  INBOX_RETENTION_HOURS: z.coerce.number().min(1).default(192),
  /** how often the inbox is pruned; 0 = never */
  INBOX_PRUNE_INTERVAL_MS: z.coerce.number().int().min(0).default(3_600_000),
});
export type BaseEnv = z.infer<typeof baseEnvSchema>;

export class InvalidEnvironmentError extends Error {}

export function parseEnv<S extends z.ZodType>(schema: S, env: Record<string, unknown> = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new InvalidEnvironmentError(`Invalid environment variables:\n${lines.join('\n')}`);
  }
  return result.data;
}

/** `ConfigModule` validated with the service's schema (fail fast at boot). */
export function kinlinkConfigModule<S extends z.ZodType>(schema: S): Promise<DynamicModule> {
  return ConfigModule.forRoot({
    isGlobal: true,
    ignoreEnvFile: true,
    validate: (env) => parseEnv(schema, env) as Record<string, unknown>,
  });
}

export { z };

export { devSecretFile, devSecretsDir, repoRoot } from './dev-secrets';
