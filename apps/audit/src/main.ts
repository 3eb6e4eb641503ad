import 'reflect-metadata';
import { INTERNAL_TOPICS } from '@kinlink/contracts';
import { bootstrapService } from '@kinlink/kafka';
import { AuditServiceModule } from './audit-service.module';

void bootstrapService({
  service: 'audit',
  module: AuditServiceModule,
  subscribe: [INTERNAL_TOPICS.records, INTERNAL_TOPICS.matches, INTERNAL_TOPICS.caseCommands, INTERNAL_TOPICS.cases, INTERNAL_TOPICS.deadLetter],
});
