export { KafkaModule, KafkaServiceOptions, createKafkaClient } from './kafka.module';
export { InboxRetention, inboxHorizon, InboxHorizon, TopicRetention } from './inbox-retention';
export { EventPublisher, RawRecord } from './event-publisher';
export { OutboxRelay } from './outbox-relay';
export { TopicAdmin, ensureTopics } from './topic-admin';
export { KafkaEventServer, KafkaMessageContext, AGENCY_INBOUND, KinlinkPattern, parseInternalEvent, backoff, ConsumerStatus, ConsumerPhase, SliceMessage, SlicePreparer } from './kafka-event-server';
export { isTransientInfrastructureError } from './transient-errors';
export { failpoint, FailpointName, parseFailpoints } from './failpoints';
export { ConsumerState } from './health.controller';
export { HEADER, eventHeaders, headerText } from './headers';
export { bootstrapService, ServiceBootstrapOptions } from './bootstrap';
export { KAFKA_CLIENT, SERVICE_NAME } from './kafka.tokens';
export { UnitOfWork, TransactionalEffect } from './unit-of-work';
export {
  replayDeadLetters, readDeadLetters, parseTopicFilter, matchesFilter, replayRecord, DltReplayFilter, DltReplayOptions, DltReplayReport,
  DeadLetter, ReplayedLetter, REPLAY_SCHEMA, REPLAY_HEADER,
} from './dlt-replay';
