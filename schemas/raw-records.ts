/**
 * TypeScript shapes of the raw topics' Avro records (`schemas/raw/*.avsc`). A unit test checks
 * that records produced by the connector's validators are valid against these schemas.
 */

/** Provenance carried by every raw record: where in which partner file it came from. */
export interface Provenance {
  source_file: string;
  source_line: number;
}

export interface RawTransaction extends Provenance {
  data: string;
  cod_vendedor: string;
  cod_loja: string;
  cod_transacao: string;
  quantidade: number;
  cod_prod: string;
  preco: string;
}

export interface RawProduct extends Provenance {
  cod_prod: string;
  nome_abrev: string;
  nome_completo: string;
  descricao: string;
  categoria: string;
  sub_categoria: string;
  marca: string;
  conteudo_valor: string;
  conteudo_medida: string;
}

export interface RawProductPrice extends Provenance {
  cod_prod: string;
  data_inicio: string;
  data_fim: string | null;
  preco: string;
}

export interface RawProductCost extends Provenance {
  cod_prod: string;
  data_inicio: string;
  data_fim: string | null;
  custo: string;
}

export interface RawProductStatus extends Provenance {
  cod_prod: string;
  data_inicio: string;
  data_fim: string | null;
}

export interface RawStore extends Provenance {
  nome_loja: string;
  regiao: string;
  diretoria: string;
  data_inauguracao: string;
}

export interface RawEmployee extends Provenance {
  id_employee: string;
  name: string;
  surname: string;
  /** HMAC-SHA256 of the CPF digits with PSEUDONYM_SECRET; the CPF itself never leaves the connector. */
  cpf_pseudonym: string;
  status: string;
  role: string;
  initial_date: string;
  end_date: string | null;
  store_id: string;
}

export interface RawSellerTarget extends Provenance {
  id_employee: string;
  sales_target: string;
  /** YYYY-MM */
  month: string;
}

export interface RawStoreTarget extends Provenance {
  /** YYYY-MM */
  month: string;
  store_id: string;
  sales_target: string;
}

export interface RawDailyStock extends Provenance {
  data: string;
  cod_loja: string;
  cod_prod: string;
  quantidade: number;
}

/** A row rejected by the connector (`dlq.ingest`). */
export interface IngestDeadLetter {
  source_file: string;
  source_line: number;
  kind: string;
  reason: string;
  detail: string;
  raw: string;
}
