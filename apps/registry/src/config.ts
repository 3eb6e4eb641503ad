import { baseEnvSchema, z } from '@kinlink/config';

const months = z.coerce.number().min(0).max(1200).optional();

export const registryEnvSchema = baseEnvSchema.extend({
  HTTP_PORT: baseEnvSchema.shape.HTTP_PORT.default(3102),
  /** erase a child's record this many months after it was closed (unset: kept) */
  RETENTION_CHILD_MONTHS: months,
  /** erase a tracing request this many months after it was closed (unset: kept) */
  RETENTION_TRACING_REQUEST_MONTHS: months,
  /** how often the retention rule runs */
  RETENTION_SWEEP_MS: z.coerce.number().int().min(100).default(3_600_000),
});
