/**
 * CPF pseudonymization (LGPD): the connector replaces every CPF by a keyed pseudonym
 * (HMAC-SHA256 with PSEUDONYM_SECRET over the 11 digits), so the same person always gets the same
 * pseudonym and nobody without the secret can reverse it. The CPF never reaches Kafka.
 *
 * @example
 *   const p = cpfPseudonymizer(config.pseudonymSecret);
 *   p("52998224725"); // "a3f1…" (64 hex chars)
 */
import { createHmac } from "node:crypto";

export const cpfPseudonymizer =
  (secret: string) =>
  (digits: string): string =>
    createHmac("sha256", secret).update(digits).digest("hex");

/** Anything shaped like a CPF (with or without punctuation), not part of a longer number. */
const CPF_LIKE = /(?<!\d)\d{3}\.?\d{3}\.?\d{3}-?\d{2}(?!\d)/g;

/**
 * Replaces every CPF-like number in free text (a rejected row's raw text) by `cpf:<pseudonym>`.
 *
 * @param text raw text
 * @param pseudonymize keyed pseudonym of the 11 digits
 */
export const maskCpfs = (text: string, pseudonymize: (digits: string) => string): string =>
  text.replace(CPF_LIKE, (m) => `cpf:${pseudonymize(m.replace(/\D/g, "")).slice(0, 16)}`);
