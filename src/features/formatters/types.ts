/** What every built-in formatter is made with. */
export interface FormatterOptions {
  /** Receives the output, in pieces, in order. */
  write(text: string): void;
  /** ANSI colours; default off. */
  color?: boolean;
}
