export { KafkaModule, createKafkaClient } from './kafka.module';
export { EventPublisher, RawRecord } from './event-publisher';
export { OutboxRelay } from './outbox-relay';
export { TopicAdmin, ensureTopics } from './topic-admin';
export { KafkaEventServer, KafkaMessageContext, AGENCY_INBOUND, KinlinkPattern, parseInternalEvent, backoff } from './kafka-event-server';
export { HEADER, eventHeaders, headerText } from './headers';
export { bootstrapService, ServiceBootstrapOptions } from './bootstrap';
export { KAFKA_CLIENT, SERVICE_NAME } from './kafka.tokens';
export { UnitOfWork, TransactionalEffect } from './unit-of-work';
