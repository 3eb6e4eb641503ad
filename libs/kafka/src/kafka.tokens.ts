export const KAFKA_CLIENT = Symbol('KAFKA_CLIENT');
export const SERVICE_NAME = Symbol('SERVICE_NAME');
/** inbox consumers whose rows are never pruned (event ids from outside Kinlink); see InboxRetention */
export const INBOX_KEPT_FOREVER = Symbol('INBOX_KEPT_FOREVER');
