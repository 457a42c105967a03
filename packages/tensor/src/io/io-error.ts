/**
 * The one error type of the I/O layer. Its message starts with the subject (a file path, or the
 * function and argument when reading from memory) and then says what was expected and what came,
 * e.g. `readNpy(buffer): header: expected magic "\x93NUMPY", found 50 4b 03 04 ...`.
 */
export class IoFormatError extends Error {
  /** The file path or `function(argument)` the message is about. */
  readonly subject: string;

  constructor(subject: string, message: string) {
    super(`${subject}: ${message}`);
    this.name = "IoFormatError";
    this.subject = subject;
  }
}

/** Throws an {@link IoFormatError} about `subject`; typed `never` so checks narrow. */
export function ioFail(subject: string, message: string): never {
  throw new IoFormatError(subject, message);
}

/** The first `n` bytes of `bytes` as lowercase hex pairs, for "found ..." parts of messages. */
export function hexPreview(bytes: Uint8Array, n = 8): string {
  const parts: string[] = [];
  for (let i = 0; i < Math.min(n, bytes.length); i++) parts.push(bytes[i]!.toString(16).padStart(2, "0"));
  return parts.length === 0 ? "(no bytes)" : parts.join(" ") + (bytes.length > n ? " ..." : "");
}
