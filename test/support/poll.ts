/**
 * Polls `probe` until `ok` holds and returns the value that satisfied it; after `ms`
 * it throws, naming what it waited for and the last value seen. A wait that gives up
 * quietly lets the assertion after it pass on a state the test never reached.
 */
export async function until<T>(
  what: string,
  probe: () => Promise<T> | T,
  ok: (v: T) => boolean,
  ms: number,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${ms} ms waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
