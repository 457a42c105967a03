import type { FastifyInstance } from "fastify";
import { defendedModel, KeyedNoise } from "@chimera/defense";
import type { Kernel } from "@chimera/kernels";
import { binaryBody } from "./backend-routes.js";
import { decodeImages, servedModel } from "./predict.js";

/** The defended classifier a server exposes: model, kernel, noise magnitude and the secret key. */
export interface DefendOptions {
  model: string;
  kernel: Kernel;
  /** Noise magnitude in ULP. */
  d: number;
  /** The secret: it reaches KeyedNoise only, never a response, log line or error. */
  key: Uint8Array;
}

/**
 * POST /classify: one 8-bit image (exactly inputSize bytes, application/octet-stream) → {label},
 * h(x) = argmax f(x + ζ_d(x, s)) (paper §5). GET /classify describes the classifier (model, backend,
 * d; not the key). The same image always gets the same label, across restarts, for the same key.
 * A body of the wrong size is 400, too large 413, not octet-stream 415, each with the reason.
 */
export function defendRoutes(opts: DefendOptions): (app: FastifyInstance) => void {
  const model = servedModel(opts.model);
  const defended = defendedModel(model, new KeyedNoise(opts.key, opts.d));
  const about = { model: opts.model, backend: opts.kernel.info.id, d: opts.d, inputBytes: model.inputSize, classes: model.classes };
  return (app) => {
    app.get("/classify", {
      schema: { response: { 200: { type: "object", properties: { model: { type: "string" }, backend: { type: "string" }, d: { type: "integer" }, inputBytes: { type: "integer" }, classes: { type: "integer" } } } } },
    }, async () => about);
    app.post<{ Body: Buffer }>("/classify", {
      bodyLimit: model.inputSize,
      schema: {
        querystring: { type: "object", additionalProperties: false, properties: {} },
        response: { 200: { type: "object", properties: { label: { type: "integer" } }, required: ["label"] } },
      },
    }, async (req) => {
      const body = binaryBody(req.body, req.headers["content-type"]);
      if (body.byteLength !== model.inputSize) {
        throw Object.assign(new Error(`classify: the body holds ${body.byteLength} bytes; send exactly one 8-bit image of ${model.inputSize} bytes`), { statusCode: 400 });
      }
      return { label: defended.classify(decodeImages(body, model.inputSize, "classify")[0]!, opts.kernel) };
    });
  };
}
