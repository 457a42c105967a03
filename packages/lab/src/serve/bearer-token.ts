import { createHash, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";

/** Shortest token accepted, in characters. */
export const MIN_TOKEN_CHARS = 16;

/** Hosts that only this machine can reach; any other bind address needs a token. */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Reads a token file (its text, trailing whitespace dropped); errors name the file and the length, never the token. */
export function readTokenFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, "utf8").trimEnd();
  } catch (e) {
    throw new Error(`cannot read --token-file ${path} (${(e as NodeJS.ErrnoException).code ?? "error"}); make one with: head -c 24 /dev/urandom | base64 > ${path}`);
  }
  if (text.length < MIN_TOKEN_CHARS || /\s/.test(text)) {
    throw new Error(`--token-file ${path} holds ${text.length} characters${/\s/.test(text) ? " with whitespace inside" : ""}; ` +
      `a token is at least ${MIN_TOKEN_CHARS} characters without spaces (make one with: head -c 24 /dev/urandom | base64 > ${path})`);
  }
  return text;
}

const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();

/**
 * Requires `Authorization: Bearer <token>` on every request. Both sides are hashed to 32 bytes first so
 * timingSafeEqual compares equal lengths: the time taken says nothing about the token or its length.
 */
export function requireBearer(app: FastifyInstance, token: string): void {
  const want = digest(token);
  app.addHook("onRequest", async (req, reply) => {
    const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? "");
    if (!m || !timingSafeEqual(digest(m[1]!), want)) {
      return reply.code(401).header("www-authenticate", "Bearer").send({
        statusCode: 401, error: "Unauthorized", message: m ? "wrong bearer token" : "this server needs Authorization: Bearer <token> (the --token-file of chimera serve)",
      });
    }
  });
}
