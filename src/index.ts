export * from './term/index.ts';
export * from './epmd/index.ts';
export * from './dist/index.ts';
export * from './node/index.ts';
export * from './kernel/index.ts';
export * from './rpc/index.ts';
export * from './pg/index.ts';
export * from './pubsub/index.ts';
