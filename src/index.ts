export * from './term/index.ts';
export * from './epmd/index.ts';
