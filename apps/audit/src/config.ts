import { baseEnvSchema, z } from '@kinlink/config';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const auditEnvSchema = baseEnvSchema.extend({
  HTTP_PORT: baseEnvSchema.shape.HTTP_PORT.default(3105),
  /** sign a checkpoint whenever the tree size reaches a multiple of this */
  AUDIT_CHECKPOINT_EVERY: z.coerce.number().int().min(1).max(10_000_000).default(100),
  /** …and at most this many seconds after the tree grew (0 turns the timer off) */
  AUDIT_CHECKPOINT_SECONDS: z.coerce.number().min(0).max(86_400).default(10),
  /**
   * the log's Ed25519 signing key: a file holding `PRIVATE+KEY+<name>+<id>+<base64>` (C2SP note
   * signer key) or a PKCS#8 PEM (named after the origin). Required in production; elsewhere a dev
   * key is generated under `.run/dev-keys/audit-*`.
   */
  AUDIT_SIGNING_KEY_FILE: z.string().min(1).optional(),
  /** the checkpoint origin line; default `kinlink.audit/<TOPIC_PREFIX>` */
  AUDIT_LOG_ORIGIN: z.string().regex(/^[^\s+\u2014]+$/, 'origin must have no spaces, "+" or em dash').optional(),
  /** recompute and compare the whole log with its checkpoints in the background at boot */
  AUDIT_SELF_CHECK_ON_BOOT: bool.default(true),
});
export type AuditEnv = z.infer<typeof auditEnvSchema>;
