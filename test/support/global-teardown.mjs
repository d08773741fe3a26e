export default async function globalTeardown() {
  await globalThis.__tiplineTestDatabase?.stop();
}
