import { baseEnvSchema, z } from '@kinlink/config';

export const adminApiEnvSchema = baseEnvSchema.extend({
  HTTP_PORT: baseEnvSchema.shape.HTTP_PORT.default(3100),
  /** how long a command request waits for its outcome before answering 202 with a status URL */
  COMMAND_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(10_000),
  AUTH_JWKS_URL: z.string().url().optional(),
  AUTH_PUBLIC_KEY_FILE: z.string().optional(),
  AUTH_ISSUER: z.string().default('kinlink-dev'),
  AUTH_AUDIENCE: z.string().default('kinlink-admin-api'),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
});
