import { Module } from '@nestjs/common';
import { AppendToAuditLog, AuditClock } from './append-to-audit-log.usecase';
import { AuditConsumer } from './audit.consumer';

@Module({ controllers: [AuditConsumer], providers: [AppendToAuditLog, AuditClock] })
export class AuditLogModule {}
