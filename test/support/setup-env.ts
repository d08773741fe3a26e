import 'reflect-metadata';
// @nestjs/throttler is CommonJS and require()s the ES-module @nestjs/common.
// Jest refuses a require(esm) of a module its ESM loader is still linking (a
// "cycle"), so the Nest packages are loaded whole before any test imports them.
await import('@nestjs/common');
await import('@nestjs/core');
