/** What a validator found: one line each, `FILE: /json/pointer: message`. Errors stop a command; warnings are logged. */
export interface Findings {
  errors: string[];
  warnings: string[];
}

/** Collects findings for one document, prefixing each line with its file name. */
export class Report {
  readonly errors: string[] = [];
  readonly warnings: string[] = [];

  constructor(readonly file: string) {}

  error(path: string, message: string): void {
    this.errors.push(`${this.file}: ${path || '/'}: ${message}`);
  }

  warn(path: string, message: string): void {
    this.warnings.push(`${this.file}: ${path || '/'}: ${message}`);
  }

  findings(): Findings {
    return { errors: this.errors, warnings: this.warnings };
  }
}
