/**
 * How the API answers errors: always `{ code, message }` with the code's HTTP status
 * (`lib/errors/codes.ts`) and a pt-BR message for the user. Validation failures become
 * `VT_ERR_API_BAD_REQUEST` naming the parameter and its expected form; a failing dependency is
 * `VT_ERR_API_UNAVAILABLE` (logged with the request id, never its details in the answer).
 *
 * @example
 *   throw forbidden("Você só pode ver os seus próprios números.");
 */
import type { FastifyError, FastifyInstance, FastifySchemaValidationError } from "fastify";
import {
  VT_ERR_API_BAD_REQUEST,
  VT_ERR_API_FORBIDDEN,
  VT_ERR_API_NOT_FOUND,
  VT_ERR_API_RATE_LIMITED,
  VT_ERR_API_UNAUTHENTICATED,
  VT_ERR_API_UNAVAILABLE,
} from "../../lib/errors/codes.ts";
import { VitrineError } from "../../lib/errors/vitrine-error.ts";
import { FIELD_HINTS } from "./schemas.ts";

export const unauthenticated = (message: string): VitrineError =>
  new VitrineError(VT_ERR_API_UNAUTHENTICATED, message);
export const forbidden = (message: string): VitrineError => new VitrineError(VT_ERR_API_FORBIDDEN, message);
export const notFound = (message: string): VitrineError => new VitrineError(VT_ERR_API_NOT_FOUND, message);
export const badRequest = (message: string): VitrineError =>
  new VitrineError(VT_ERR_API_BAD_REQUEST, message);

const PART: Readonly<Record<string, string>> = {
  params: "na rota",
  querystring: "na consulta",
  body: "no corpo",
  headers: "no cabeçalho",
};

/** One pt-BR sentence per validation error (the first is enough for a clear answer). */
export function validationMessage(errors: readonly FastifySchemaValidationError[], part: string): string {
  const where = PART[part] ?? "";
  const e = errors[0];
  if (!e) return "Requisição inválida.";
  if (e.keyword === "required") {
    const field = String(e.params.missingProperty ?? "?");
    const hint = FIELD_HINTS[field];
    return `Parâmetro obrigatório ausente ${where}: ${field}${hint ? ` (${hint})` : ""}.`;
  }
  if (e.keyword === "additionalProperties") {
    return `Campo desconhecido ${where}: ${String(e.params.additionalProperty ?? "?")}.`;
  }
  const field = e.instancePath.replace(/^\//, "").split("/")[0] || part;
  const hint = FIELD_HINTS[field];
  return hint
    ? `Parâmetro inválido ${where}: ${field} deve ser ${hint}.`
    : `Parâmetro inválido ${where}: ${field} (${e.message ?? e.keyword}).`;
}

/** Fastify's `schemaErrorFormatter`: validation errors become `VT_ERR_API_BAD_REQUEST`. */
export const schemaErrorFormatter = (errors: FastifySchemaValidationError[], dataVar: string): Error =>
  badRequest(validationMessage(errors, dataVar));

/** Installs the error and not-found handlers on the app (root context). */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setNotFoundHandler((req, reply) => {
    void reply.code(VT_ERR_API_NOT_FOUND.status).send({
      code: VT_ERR_API_NOT_FOUND.code,
      message: `Rota não encontrada: ${req.method} ${req.url.split("?")[0]}`,
    });
  });
  app.setErrorHandler((err: FastifyError | VitrineError, req, reply) => {
    if (err instanceof VitrineError && (err.status < 500 || err.code === VT_ERR_API_UNAVAILABLE.code)) {
      return reply.code(err.status).send({ code: err.code, message: err.message });
    }
    const status = (err as FastifyError).statusCode ?? 500;
    if (status === 429) {
      return reply.code(429).send({ code: VT_ERR_API_RATE_LIMITED.code, message: err.message });
    }
    if (status >= 400 && status < 500) {
      // fastify's own client errors (bad JSON body, body too large, wrong content type).
      return reply.code(status).send({
        code: VT_ERR_API_BAD_REQUEST.code,
        message:
          status === 415 ? "Tipo de conteúdo não suportado: envie application/json." : "Requisição inválida.",
      });
    }
    req.log.error({ err, reqId: req.id }, "api.request_failed");
    return reply.code(VT_ERR_API_UNAVAILABLE.status).send({
      code: VT_ERR_API_UNAVAILABLE.code,
      message: `Não foi possível responder agora; tente de novo em instantes (requisição ${req.id}).`,
    });
  });
}
