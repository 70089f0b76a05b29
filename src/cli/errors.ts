/** A mistake in how the CLI was called (bad flag value, unknown rule): message and exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
