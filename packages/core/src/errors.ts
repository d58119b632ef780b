/**
 * Typed errors. Each says what went wrong and what to do next; `exitCode` is what the CLI
 * exits with (2: bad usage or config, 1: a run failed), per the CLI contract in DESIGN.md.
 */
export class PrunebenchError extends Error {
  readonly exitCode: number = 1;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad usage or configuration: exit code 2. */
export class UsageError extends PrunebenchError {
  override readonly exitCode = 2;
}

/** A config value is invalid. `keyPath` is like `schedules[2].ratio` ('' for the whole file). */
export class ConfigError extends UsageError {
  constructor(
    readonly keyPath: string,
    readonly problem: string,
    readonly file?: string,
  ) {
    super(`${file ? `${file}: ` : ''}${keyPath ? `${keyPath}: ` : ''}${problem}`);
  }
}

/** Several config problems at once, so a user can fix them in one pass. */
export class ConfigErrors extends UsageError {
  constructor(readonly errors: ConfigError[]) {
    super(
      errors.length === 1
        ? errors[0].message
        : `${errors.length} problems in the config:\n${errors.map((e) => `  - ${e.message}`).join('\n')}`,
    );
  }
}

/** A plugin named in a config could not be found. */
export class PluginNotFoundError extends UsageError {}

/** A plugin was found but its module is not a valid prunebench plugin. */
export class InvalidPluginError extends UsageError {}

/** A plugin was written for another version of the plugin API. */
export class PluginApiVersionError extends UsageError {}

/** Two plugins (or one plugin twice) claim the same component id. */
export class DuplicateComponentError extends UsageError {}

/** A config or command names a pruner, schedule, model, dataset or plan nobody registered. */
export class UnknownComponentError extends UsageError {}

/** A component's options do not match its options schema. */
export class OptionsError extends UsageError {}

/** No tfjs backend could be initialised (or the one asked for could not). */
export class BackendError extends UsageError {}

/**
 * Dataset files are missing, truncated or malformed (or disagree with the config). The message
 * names the file and, where it applies, the byte offset. Exit code 2: the user must fix the data
 * or the config before anything can run.
 */
export class DatasetError extends UsageError {
  constructor(
    message: string,
    readonly file?: string,
    readonly offset?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A model has a layer the channel graph has no rule for (exit 2): pruning it would be traced
 * wrongly or not at all. The message names each layer and how to add a rule.
 */
export class UnsupportedLayerError extends UsageError {}

/**
 * A pruned model's outputs differ from the original's with the pruned channels (or weights)
 * zeroed by more than the tolerance (exit 1): the pruning was wrong and nothing is saved.
 */
export class PruneCheckError extends PrunebenchError {}
