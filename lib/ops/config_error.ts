/**
 * A bad configuration value; start-up prints `message` alone and exits.
 *
 * @example
 * throw new ConfigError("PORT must be a number, got x");
 */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}
