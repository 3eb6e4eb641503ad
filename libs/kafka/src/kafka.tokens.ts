export const KAFKA_CLIENT = Symbol('KAFKA_CLIENT');
export const SERVICE_NAME = Symbol('SERVICE_NAME');
