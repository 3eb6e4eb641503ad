import 'reflect-metadata';
import { INTERNAL_TOPICS } from '@kinlink/contracts';
import { bootstrapService } from '@kinlink/kafka';
import { prefetchSliceKeys, SubjectCipher } from '@kinlink/privacy';
import { CasesServiceModule } from './cases-service.module';

void bootstrapService({ service: 'cases', module: CasesServiceModule, subscribe: [INTERNAL_TOPICS.records, INTERNAL_TOPICS.matches, INTERNAL_TOPICS.caseCommands], prepareSlice: (app) => prefetchSliceKeys(app.get(SubjectCipher)) });
