import { Module } from '@nestjs/common';
import { AppendToAuditLog } from './append-to-audit-log.usecase';
import { AuditClock } from './audit-clock';
import { AuditConsumer } from './audit.consumer';

@Module({ controllers: [AuditConsumer], providers: [AppendToAuditLog, AuditClock] })
export class AuditLogModule {}
