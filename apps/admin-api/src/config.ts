import { baseEnvSchema, z } from '@kinlink/config';
import { authEnvShape } from './auth/auth.config';

export const adminApiEnvSchema = baseEnvSchema.extend({
  HTTP_PORT: baseEnvSchema.shape.HTTP_PORT.default(3100),
  /** how long a command request waits for its outcome before answering 202 with a status URL */
  COMMAND_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(10_000),
  ...authEnvShape,
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /** the audit log's verifier key (`<name>+<id>+<base64>`), pinned so a swapped log key is noticed */
  AUDIT_PUBLIC_KEY: z.string().min(1).optional(),
  AUDIT_PUBLIC_KEY_FILE: z.string().min(1).optional(),
}).refine((env) => env.NODE_ENV !== 'production' || env.AUDIT_PUBLIC_KEY || env.AUDIT_PUBLIC_KEY_FILE, {
  message: 'AUDIT_PUBLIC_KEY or AUDIT_PUBLIC_KEY_FILE is required in production (pin the audit log key)',
  path: ['AUDIT_PUBLIC_KEY'],
});
