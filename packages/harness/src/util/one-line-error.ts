/**
 * An error whose stack is its one line, `name: message`: for a run the harness ends (stalled,
 * abandoned, a plugin that misbehaved), where the frames of the timer or check that ended it say
 * nothing about the run, and the record's error is read by people.
 */
export function oneLineError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  error.stack = `${name}: ${message}`;
  return error;
}
