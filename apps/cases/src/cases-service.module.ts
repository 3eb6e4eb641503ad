import { Module } from '@nestjs/common';
import { kinlinkConfigModule } from '@kinlink/config';
import { DatabaseModule } from '@kinlink/database';
import { KafkaModule } from '@kinlink/kafka';
import { casesEnvSchema } from './config';
import { CaseworkModule } from './casework/casework.module';
import { ProposalEntity, ReunificationCaseEntity } from './casework/casework.entities';
import { Cases1732700000005 } from './migrations/1732700000005-cases';

@Module({
  imports: [
    kinlinkConfigModule(casesEnvSchema),
    DatabaseModule.forService({ schema: 'cases', entities: [ProposalEntity, ReunificationCaseEntity], migrations: [Cases1732700000005] }),
    KafkaModule.forService('cases'),
    CaseworkModule,
  ],
})
export class CasesServiceModule {}
