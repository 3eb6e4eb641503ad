import 'reflect-metadata';
import { INTERNAL_TOPICS } from '@kinlink/contracts';
import { bootstrapService } from '@kinlink/kafka';
import { prefetchSliceKeys, SubjectCipher } from '@kinlink/privacy';
import { RegistryModule } from './registry.module';

void bootstrapService({ service: 'registry', module: RegistryModule, subscribe: [INTERNAL_TOPICS.intake, INTERNAL_TOPICS.caseCommands], prepareSlice: (app) => prefetchSliceKeys(app.get(SubjectCipher)) });
