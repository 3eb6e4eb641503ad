import 'reflect-metadata';
import { bootstrapService } from '@kinlink/kafka';
import { AUDITED_TOPICS } from './audit-log/audited-topics';
import { AuditServiceModule } from './audit-service.module';

void bootstrapService({ service: 'audit', module: AuditServiceModule, subscribe: AUDITED_TOPICS });
