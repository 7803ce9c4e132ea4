import { describe, expect, it } from "vitest";
import { validationMessage } from "./api-errors.ts";

describe("pt-BR validation messages", () => {
  it("names the parameter, where it is and its expected form", () => {
    expect(
      validationMessage(
        [{ keyword: "pattern", instancePath: "/month", schemaPath: "", params: {} }],
        "querystring",
      ),
    ).toBe("Parâmetro inválido na consulta: month deve ser um mês no formato AAAA-MM, por exemplo 2024-05.");
    expect(
      validationMessage(
        [{ keyword: "required", instancePath: "", schemaPath: "", params: { missingProperty: "sellerId" } }],
        "body",
      ),
    ).toBe(
      "Parâmetro obrigatório ausente no corpo: sellerId (o código do vendedor, até 64 letras, dígitos, _ ou -).",
    );
    expect(
      validationMessage(
        [{ keyword: "type", instancePath: "/other", schemaPath: "", params: {}, message: "must be integer" }],
        "params",
      ),
    ).toBe("Parâmetro inválido na rota: other (must be integer).");
  });
});
