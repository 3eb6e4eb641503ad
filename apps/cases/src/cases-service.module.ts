import { Module } from '@nestjs/common';
import { kinlinkConfigModule } from '@kinlink/config';
import { DatabaseModule } from '@kinlink/database';
import { KafkaModule } from '@kinlink/kafka';
import { PrivacyModule } from '@kinlink/privacy';
import { casesEnvSchema } from './config';
import { CaseworkModule } from './casework/casework.module';
import { ProposalEntity, RecordSafeguardingEntity, ReunificationCaseEntity } from './casework/casework.entities';
import { Cases1732700000005 } from './migrations/1732700000005-cases';
import { Safeguarding1732700000008 } from './migrations/1732700000008-safeguarding';
import { PendingDecision1732700000015 } from './migrations/1732700000015-pending-decision';

@Module({
  imports: [
    kinlinkConfigModule(casesEnvSchema),
    DatabaseModule.forService({ schema: 'cases', entities: [ProposalEntity, ReunificationCaseEntity, RecordSafeguardingEntity], migrations: [Cases1732700000005, Safeguarding1732700000008, PendingDecision1732700000015] }),
    KafkaModule.forService('cases'),
    PrivacyModule.forService(),
    CaseworkModule,
  ],
})
export class CasesServiceModule {}
