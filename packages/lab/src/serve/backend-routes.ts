import { availableParallelism, cpus, endianness } from "node:os";
import type { FastifyInstance } from "fastify";
import { KernelArgumentError, type Kernel } from "@chimera/kernels";
import { dotSpans, gemmSpans, gemvSpans, unpackSpans } from "./kernel-wire.js";
import { predictBatch } from "./predict.js";

/** One backend a server exposes: its kernel and what it reported when loaded. */
export interface ServedBackend {
  kernel: Kernel;
  /** A native library's report (core, configuration, the BLAS objects loaded), or null for TypeScript kernels. */
  report: Record<string, unknown> | null;
}

/** This machine's CPU, as GET /backends reports it. */
export function cpuDescription(): { model: string; cores: number; arch: string } {
  return { model: cpus()[0]?.model ?? "unknown", cores: availableParallelism(), arch: process.arch };
}

/** What a kernel reported at load: a native kernel's LibraryReport, its loaded objects cut to the BLAS ones. */
export function loadReport(kernel: Kernel): Record<string, unknown> | null {
  const r = (kernel as Kernel & { report?: { loadedObjects?: string[] } }).report;
  if (!r) return null;
  return { ...r, loadedObjects: (r.loadedObjects ?? []).filter((o) => /blas|mkl|blis|atlas|eigen|cuda|accelerate/i.test(o)) };
}

/** A served backend as GET /backends lists it. */
export const describeBackend = (b: ServedBackend) => {
  const i = b.kernel.info;
  return { id: i.id, kind: i.kind, library: i.library, version: i.version, variant: i.variant, threads: i.threads, description: i.description, report: b.report };
};

export const backendSchema = {
  type: "object",
  properties: {
    id: { type: "string" }, kind: { type: "string" }, library: { type: "string" }, version: { type: "string" },
    variant: { type: "string" }, threads: { type: "integer" }, description: { type: "string" },
    report: { anyOf: [{ type: "null" }, { type: "object", additionalProperties: true }] },
  },
} as const;

const dim = { type: "integer", minimum: 0, maximum: 0x7fffffff } as const;
const ld = { type: "integer", minimum: 1, maximum: 0x7fffffff } as const;
const scalar = { type: "number" } as const;
const flag = { type: "boolean" } as const;
const query = (props: Record<string, object>) => ({
  type: "object", properties: props, required: Object.keys(props), additionalProperties: false,
});
const idParams = { type: "object", properties: { id: { type: "string" } }, required: ["id"] } as const;

/** The request body as bytes; a 415 naming the type to send when it is not application/octet-stream. */
export function binaryBody(body: unknown, contentType: string | undefined): Buffer {
  if (Buffer.isBuffer(body)) return body;
  throw Object.assign(new Error(`send the operands as Content-Type: application/octet-stream (got ${contentType ?? "no body"})`), { statusCode: 415 });
}

/**
 * The backend routes (see the README's `chimera serve` section):
 *   GET  /backends                 the CPU and every served backend with what it reported at load
 *   GET  /backends/:id             one backend
 *   POST /backends/:id/gemm|gemv|dot  one Kernel call, operands as binary32 (kernel-wire.ts)
 *   POST /predict?model&backends   8-bit images (N × 784 bytes) → logits and labels per backend
 * Bad arguments are 400 with the kernel's own reason; an unknown backend is 404 naming the served ones.
 */
export function backendRoutes(app: FastifyInstance, served: ReadonlyMap<string, ServedBackend>): void {
  if (endianness() !== "LE") throw new Error("chimera serve: the wire format is little-endian binary32; this machine is big-endian");
  const find = (id: string): ServedBackend => {
    const b = served.get(id);
    if (!b) throw Object.assign(new Error(`no backend "${id}" here; this server has: ${[...served.keys()].join(", ")}`), { statusCode: 404 });
    return b;
  };
  const asBadRequest = <T>(run: () => T): T => {
    try {
      return run();
    } catch (e) {
      if (e instanceof KernelArgumentError || e instanceof RangeError) throw Object.assign(e, { statusCode: 400 });
      throw e;
    }
  };

  app.get("/backends", {
    schema: { response: { 200: { type: "object", properties: { cpu: { type: "object", additionalProperties: true }, backends: { type: "array", items: backendSchema } } } } },
  }, async () => ({ cpu: cpuDescription(), backends: [...served.values()].map(describeBackend) }));

  app.get<{ Params: { id: string } }>("/backends/:id", { schema: { params: idParams, response: { 200: backendSchema } } },
    async (req) => describeBackend(find(req.params.id)));

  type Q = Record<string, number | boolean>;
  app.post<{ Params: { id: string }; Querystring: Q; Body: Buffer }>("/backends/:id/gemm", {
    schema: { params: idParams, querystring: query({ transA: flag, transB: flag, m: dim, n: dim, k: dim, alpha: scalar, lda: ld, ldb: ld, beta: scalar, ldc: ld }) },
  }, async (req, reply) => {
    const b = find(req.params.id), q = req.query as unknown as Parameters<typeof gemmSpans>[0];
    const c = asBadRequest(() => {
      const [a, bb, c] = unpackSpans("gemm", binaryBody(req.body, req.headers["content-type"]), gemmSpans(q), ["A", "B", "C"]);
      b.kernel.gemm({ ...q, a: a!, b: bb!, c: c! });
      return c!;
    });
    return reply.type("application/octet-stream").send(Buffer.from(c.buffer));
  });
  app.post<{ Params: { id: string }; Querystring: Q; Body: Buffer }>("/backends/:id/gemv", {
    schema: { params: idParams, querystring: query({ transA: flag, m: dim, n: dim, alpha: scalar, lda: ld, incx: ld, beta: scalar, incy: ld }) },
  }, async (req, reply) => {
    const b = find(req.params.id), q = req.query as unknown as Parameters<typeof gemvSpans>[0];
    const y = asBadRequest(() => {
      const [a, x, y] = unpackSpans("gemv", binaryBody(req.body, req.headers["content-type"]), gemvSpans(q), ["A", "x", "y"]);
      b.kernel.gemv({ ...q, a: a!, x: x!, y: y! });
      return y!;
    });
    return reply.type("application/octet-stream").send(Buffer.from(y.buffer));
  });
  app.post<{ Params: { id: string }; Querystring: Q; Body: Buffer }>("/backends/:id/dot", {
    schema: { params: idParams, querystring: query({ n: dim, incx: ld, incy: ld }) },
  }, async (req, reply) => {
    const b = find(req.params.id), q = req.query as unknown as Parameters<typeof dotSpans>[0];
    const v = asBadRequest(() => {
      const [x, y] = unpackSpans("dot", binaryBody(req.body, req.headers["content-type"]), dotSpans(q), ["x", "y"]);
      return b.kernel.dot({ ...q, x: x!, y: y! });
    });
    return reply.type("application/octet-stream").send(Buffer.from(new Float32Array([v]).buffer));
  });

  app.post<{ Querystring: { model?: string; backends?: string }; Body: Buffer }>("/predict", {
    schema: {

      querystring: { type: "object", properties: { model: { type: "string" }, backends: { type: "string", minLength: 1 } }, additionalProperties: false },
    },
  }, async (req) => {
    const ids = req.query.backends ? req.query.backends.split(",") : [...served.keys()];
    const kernels = ids.map((id) => find(id).kernel);
    return asBadRequest(() => predictBatch(req.query.model ?? "fmnist-mlp", kernels, binaryBody(req.body, req.headers["content-type"])));
  });
}
