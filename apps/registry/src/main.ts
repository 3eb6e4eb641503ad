import 'reflect-metadata';
import { INTERNAL_TOPICS } from '@kinlink/contracts';
import { bootstrapService } from '@kinlink/kafka';
import { RegistryModule } from './registry.module';

void bootstrapService({ service: 'registry', module: RegistryModule, subscribe: [INTERNAL_TOPICS.intake, INTERNAL_TOPICS.caseCommands] });
