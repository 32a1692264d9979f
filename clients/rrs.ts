/**
 * Request-Response Service client (`docs/contracts.md` §2): scores rows synchronously, in the
 * classic table format (`details=true`) or the swagger format.
 */
import { JsonHttpClient, type HttpClientOptions } from "./http";
import type { RrsSwaggerResponse, RrsTable, RrsTableResponse } from "../contract";

/** A row as a record of column name → value. */
export type Row = Record<string, string | number | boolean | null>;

/** Client of one service's or endpoint's RRS API. */
export class RrsClient {
  private readonly http: JsonHttpClient;
  private readonly base: string;

  /**
   * @param base - the execution base URL (same as BES)
   * @param apiKey - the service's or endpoint's key
   * @param options - retry and timeout options
   */
  constructor(base: string, apiKey: string, options: Omit<HttpClientOptions, "credential"> = {}) {
    this.base = base.replace(/\/+$/, "");
    this.http = new JsonHttpClient({ ...options, credential: { kind: "token", token: apiKey } });
  }

  /** Scores a table in the classic format; returns each output's table. */
  async executeTable(
    inputs: Record<string, RrsTable>,
    globalParameters: Record<string, string> = {},
  ): Promise<Record<string, RrsTable>> {
    const res = await this.http.request<RrsTableResponse>(
      "POST",
      `${this.base}/execute?api-version=2.0&details=true`,
      { Inputs: inputs, GlobalParameters: globalParameters },
    );
    return Object.fromEntries(Object.entries(res.body.Results).map(([name, r]) => [name, r.value]));
  }

  /** Scores rows in the swagger format; returns each output's rows. */
  async executeRows(
    inputs: Record<string, Row[]>,
    globalParameters: Record<string, string> = {},
  ): Promise<RrsSwaggerResponse["Results"]> {
    const res = await this.http.request<RrsSwaggerResponse>(
      "POST",
      `${this.base}/execute?api-version=2.0&format=swagger`,
      { Inputs: inputs, GlobalParameters: globalParameters },
    );
    return res.body.Results;
  }
}
