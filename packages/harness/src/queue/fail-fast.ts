import { UsageError } from '@prunebench/core';

/**
 * Redis answers that no retry can fix: wrong credentials, a user without the rights. ioredis
 * reconnects and retries them for ever; prunebench stops at once instead (exit 2).
 */
const UNFIXABLE = /\b(WRONGPASS|NOAUTH|NOPERM)\b|invalid password|invalid username-password/i;

/** How long closing a queue connection may take when stopping (Redis may not answer at all). */
export const QUEUE_CLOSE_SECONDS = 5;

/** A UsageError for a Redis error that retrying cannot fix, or undefined for one it may (Redis down). */
export function unfixableQueueError(error: Error, display: string): UsageError | undefined {
  if (!UNFIXABLE.test(error.message)) return undefined;
  // ioredis's messages carry no password; `display` has it replaced by ***.
  const what = /NOPERM/i.test(error.message) ? 'refused this user the commands the queue needs' : 'refused the credentials';
  return new UsageError(`queue ${display}: Redis ${what} (${error.message.split('\n')[0]}): check the user and password in --queue or $PRUNEBENCH_REDIS_URL`);
}

/**
 * A promise that rejects with the first unfixable error `report` is given: race it with what
 * waits on Redis, so an unfixable answer ends the wait at once.
 */
export function unfixableErrors(display: string): { report(error: Error): boolean; failed: Promise<never> } {
  let reject: (error: Error) => void = () => {};
  const failed = new Promise<never>((_, fail) => (reject = fail));
  failed.catch(() => {});
  return {
    failed,
    report(error) {
      const fatal = unfixableQueueError(error, display);
      if (fatal) reject(fatal);
      return fatal !== undefined;
    },
  };
}

/** `closing`, or after QUEUE_CLOSE_SECONDS whatever it has done: Redis not answering must not hold a stop. */
export function boundedClose(closing: Promise<unknown>): Promise<void> {
  return Promise.race([
    closing.then(
      () => undefined,
      () => undefined,
    ),
    new Promise<void>((resolve) => setTimeout(resolve, QUEUE_CLOSE_SECONDS * 1000).unref()),
  ]);
}
