import { Module } from '@nestjs/common';
import { AppendToAuditLog } from './append-to-audit-log.usecase';
import { AuditAdminController } from './audit-admin.controller';
import { AuditClock } from './audit-clock';
import { AuditIntegrity } from './audit-integrity';
import { AuditSigner } from './audit-signer';
import { AuditConsumer } from './audit.consumer';
import { Checkpointer } from './checkpointer';
import { AuditSelfCheck } from './self-check';

@Module({
  controllers: [AuditConsumer, AuditAdminController],
  providers: [AppendToAuditLog, AuditClock, AuditSigner, AuditIntegrity, Checkpointer, AuditSelfCheck],
  exports: [AppendToAuditLog, AuditSigner, AuditSelfCheck, Checkpointer, AuditIntegrity],
})
export class AuditLogModule {}
