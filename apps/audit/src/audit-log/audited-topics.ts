import { INTERNAL_TOPICS } from '@kinlink/contracts';
import type { KinlinkPattern } from '@kinlink/kafka';

/** Every topic whose messages become audit leaves. */
export const AUDITED_TOPICS: KinlinkPattern[] = [
  INTERNAL_TOPICS.records, INTERNAL_TOPICS.matches, INTERNAL_TOPICS.caseCommands, INTERNAL_TOPICS.cases,
  INTERNAL_TOPICS.deadLetter, INTERNAL_TOPICS.accessLog,
];
