import 'reflect-metadata';
import { INTERNAL_TOPICS } from '@kinlink/contracts';
import { bootstrapService } from '@kinlink/kafka';
import { prefetchSliceKeys, SubjectCipher } from '@kinlink/privacy';
import { MatchingServiceModule } from './matching-service.module';

// One partition at a time: the candidate index is in memory and each record is matched against
// everything applied before it (see MatchRecordChange).
void bootstrapService({ service: 'matching', module: MatchingServiceModule, subscribe: [INTERNAL_TOPICS.records], prepareSlice: (app) => prefetchSliceKeys(app.get(SubjectCipher)), partitionsConsumedConcurrently: 1 });
