import { baseEnvSchema, z } from '@kinlink/config';

export const matchingEnvSchema = baseEnvSchema.extend({
  HTTP_PORT: baseEnvSchema.shape.HTTP_PORT.default(3103),
  /** calibrated probability at or above which a pair is proposed to coordinators */
  MATCH_PROPOSAL_THRESHOLD: z.coerce.number().min(0).max(1).default(0.5),
  MATCH_MAX_PROPOSALS_PER_RECORD: z.coerce.number().int().min(1).max(100).default(10),
  /** a deployment's own match model (JSON, e.g. re-estimated on its confirmed and rejected pairs); default: the shipped one */
  MATCHING_MODEL_FILE: z.string().min(1).optional(),
  /** 1: keep a full replica of the index fed from every partition of `records` (required when running more than one instance; see ReplicaFeed) */
  MATCHING_REPLICA_FEED: z.enum(['0', '1']).default('0'),
  /** 1: restart from a sealed snapshot of the candidate index (CandidateSnapshots); 0: always load the index from the table */
  MATCHING_SNAPSHOT: z.enum(['0', '1']).default('1'),
  /** where the sealed snapshot is written (relative paths: to the repository root); one file per instance */
  MATCHING_SNAPSHOT_DIR: z.string().min(1).default('.run/matching-snapshot'),
  /** how often the snapshot is rewritten (0: only after a full load and at shutdown) */
  MATCHING_SNAPSHOT_INTERVAL_MS: z.coerce.number().int().min(0).max(86_400_000).default(600_000),
});
