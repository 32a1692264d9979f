/**
 * Wire types of the classic execution API: Batch Execution (BES) jobs and Request-Response (RRS)
 * scoring, in the API's PascalCase. The contract is written down in `docs/contracts.md`.
 */

// ---------------------------------------------------------------------------------------------
// Execution API: Batch Execution Service (BES)
// ---------------------------------------------------------------------------------------------

/** A blob reference: connection string + `container/blob`, or SAS (`BaseLocation` + `SasBlobToken`). */
export interface AzureBlobDataReference {
  ConnectionString?: string | null;
  RelativeLocation?: string | null;
  BaseLocation?: string | null;
  /** SAS query string including its leading `?`. */
  SasBlobToken?: string | null;
}

/** Body of `POST {base}/jobs?api-version=2.0`. */
export interface BatchExecutionRequest {
  Inputs?: Record<string, AzureBlobDataReference> | null;
  /** Legacy single-input form (2015 docs). */
  Input?: AzureBlobDataReference | null;
  Outputs?: Record<string, AzureBlobDataReference> | null;
  /** Legacy single-output form. */
  Output?: AzureBlobDataReference | null;
  GlobalParameters?: Record<string, string | number | boolean> | null;
  AzureBatchPoolId?: string | null;
}

/** BES job states, by name. The integer form maps 0..4 in this order. */
export const BES_STATUS_NAMES = [
  "NotStarted",
  "Running",
  "Failed",
  "Cancelled",
  "Finished",
] as const;

/** A BES job state name. */
export type BesStatusName = (typeof BES_STATUS_NAMES)[number];

/** Body of `GET {base}/jobs/{id}?api-version=2.0`. */
export interface BatchExecutionStatus {
  /** A name (default), an integer 0..4, or a numeric string (seen in the wild). */
  StatusCode: BesStatusName | number | string;
  Results?: Record<string, AzureBlobDataReference> | null;
  /** Legacy single-output form; clients fall back to it. */
  Result?: AzureBlobDataReference | null;
  Details?: string | null;
  /** Emulator extras ([unverified] on Azure): clients treat them as optional. */
  CreatedAt?: string;
  StartTime?: string | null;
  EndTime?: string | null;
  /**
   * Emulator extra: the job's output log once it has ended (progress lines and what script
   * modules printed); null before.
   */
  OutputLog?: string | null;
}

// ---------------------------------------------------------------------------------------------
// Execution API: Request-Response Service (RRS)
// ---------------------------------------------------------------------------------------------

/** Classic ("table") request/response table. */
export interface RrsTable {
  ColumnNames: string[];
  ColumnTypes?: string[];
  Values: (string | number | boolean | null)[][];
}

/** Body of `POST {base}/execute?api-version=2.0&details=true` (table format). */
export interface RrsTableRequest {
  Inputs: Record<string, RrsTable>;
  GlobalParameters?: Record<string, string | number | boolean>;
}

/** Body of `POST {base}/execute?api-version=2.0&format=swagger`. */
export interface RrsSwaggerRequest {
  Inputs: Record<string, Record<string, string | number | boolean | null>[]>;
  GlobalParameters?: Record<string, string | number | boolean>;
}

/** Response of the table format. */
export interface RrsTableResponse {
  Results: Record<string, { type: "table" | "DataTable"; value: RrsTable }>;
}

/** Response of the swagger format. */
export interface RrsSwaggerResponse {
  Results: Record<string, Record<string, string | null>[]>;
}
