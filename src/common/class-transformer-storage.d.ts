/** class-transformer's rule storage, read by compiled-body-check.ts (its package types do not name this path). */
declare module 'class-transformer/cjs/storage.js' {
  export const defaultMetadataStorage: unknown;
}
