import { ConfigErrors } from '../errors';

/** The messages of the ConfigErrors `fn` throws (fails if it throws nothing or something else). */
export function configErrorMessages(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigErrors) return error.errors.map((e) => e.message);
    throw error;
  }
  throw new Error('expected ConfigErrors');
}
