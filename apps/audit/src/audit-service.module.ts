import { Module } from '@nestjs/common';
import { kinlinkConfigModule } from '@kinlink/config';
import { DatabaseModule } from '@kinlink/database';
import { KafkaModule } from '@kinlink/kafka';
import { auditEnvSchema } from './config';
import { AuditLogModule } from './audit-log/audit-log.module';
import { AuditHeadEntity, AuditLeafEntity } from './audit-log/audit.entities';
import { AuditLog1732700000003 } from './migrations/1732700000003-audit-log';
import { AuditMerkleTree1732700000006 } from './migrations/1732700000006-audit-merkle-tree';

@Module({
  imports: [
    kinlinkConfigModule(auditEnvSchema),
    DatabaseModule.forService({
      schema: 'audit', entities: [AuditLeafEntity, AuditHeadEntity], migrations: [AuditLog1732700000003, AuditMerkleTree1732700000006],
    }),
    KafkaModule.forService('audit'),
    AuditLogModule,
  ],
})
export class AuditServiceModule {}
