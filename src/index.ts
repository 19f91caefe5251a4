export * from './epmd/index.ts';
