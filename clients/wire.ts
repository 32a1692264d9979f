/**
 * Wire types of the three Azure ML Studio (classic) HTTP surfaces, as specified in
 * `azureml-classic-api.md`: the execution API (BES + RRS, PascalCase), the classic management
 * API (PascalCase) and the ARM `Microsoft.MachineLearning/webServices` resource provider
 * (camelCase, api-version 2017-01-01).
 *
 * Both the clients (what the provider sends) and the emulator (what it accepts and answers)
 * use these types, so the contract lives in one place. Types only: nothing here runs.
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

// ---------------------------------------------------------------------------------------------
// Error envelope (execution API and classic management API)
// ---------------------------------------------------------------------------------------------

/** `{"error": {...}}` body of the execution and classic management APIs. */
export interface ClassicErrorBody {
  error: {
    code: string;
    message: string;
    details?: { code: string; target?: string; message: string }[];
  };
}

/** ARM error body. */
export interface ArmErrorBody {
  error: {
    code: string;
    message: string;
    target?: string;
    details?: { code: string; target?: string; message: string }[];
  };
}

// ---------------------------------------------------------------------------------------------
// Classic management API
// ---------------------------------------------------------------------------------------------

/** `WebService` of the classic management API. */
export interface ClassicWebService {
  Id: string;
  Name: string;
  Description?: string;
  CreationTime: string;
  WorkspaceId: string;
  DefaultEndpointName: string;
  EndpointCount?: number;
}

/** Location of a trained model, copied from a BES `Results` entry. */
export interface AzureBlobDetails {
  BaseLocation: string;
  RelativeLocation: string;
  SasBlobToken: string;
}

/** An updatable resource (trained model) of a classic endpoint. */
export interface EndpointResource {
  Name: string;
  Kind: "TrainedModel";
  Location: AzureBlobDetails;
}

/** `Endpoint` of the classic management API. */
export interface ClassicEndpoint {
  Name: string;
  Description?: string;
  CreationTime: string;
  WorkspaceId: string;
  WebServiceId: string;
  HelpLocation: string;
  PrimaryKey: string;
  SecondaryKey: string;
  ApiLocation: string;
  ExperimentLocation?: string;
  Resources: EndpointResource[];
  Version: string;
  MaxConcurrentCalls: number;
  DiagnosticsTraceLevel: "None" | "Error" | "All";
  ThrottleLevel: "Low" | "High";
}

/** Body of `PUT .../endpoints/{name}`. */
export interface CreateEndpointRequest {
  Description?: string;
  ThrottleLevel?: "Low" | "High";
  MaxConcurrentCalls?: number | string;
}

/** Body of `PATCH .../endpoints/{name}`. */
export interface PatchEndpointRequest {
  Resources?: { Name: string; Location: AzureBlobDetails }[];
  Description?: string;
  DiagnosticsTraceLevel?: "None" | "Error" | "All";
  ThrottleLevel?: "Low" | "High";
  MaxConcurrentCalls?: number;
}

// ---------------------------------------------------------------------------------------------
// ARM Microsoft.MachineLearning/webServices (2017-01-01)
// ---------------------------------------------------------------------------------------------

/** ARM provisioning states. */
export type ProvisioningState = "Unknown" | "Provisioning" | "Succeeded" | "Failed";

/** Where an asset's bytes live. */
export interface BlobLocation {
  uri: string;
  credentials?: string;
}

/** A module or resource (e.g. a trained model) used by the graph. */
export interface AssetItem {
  name: string;
  id?: string;
  type: "Module" | "Resource";
  locationInfo: BlobLocation;
  inputPorts?: Record<string, { type: "Dataset" }>;
  outputPorts?: Record<string, { type: "Dataset" }>;
  metadata?: Record<string, string>;
  parameters?: unknown[];
}

/** A module parameter value; `certificateThumbprint` is set when `value` is encrypted. */
export interface WebServiceParameter {
  value?: unknown;
  certificateThumbprint?: string;
}

/** A node of the graph: a module (by asset id), a web service input, or a web service output. */
export interface GraphNode {
  assetId?: string;
  inputId?: string;
  outputId?: string;
  parameters?: Record<string, WebServiceParameter>;
}

/** An edge between two node ports. */
export interface GraphEdge {
  sourceNodeId: string;
  sourcePortId: string;
  targetNodeId: string;
  targetPortId: string;
}

/** A web service parameter bound to module parameters. */
export interface GraphParameter {
  description?: string;
  type: string;
  links: { nodeId: string; parameterKey: string }[];
}

/** The graph a Graph-type web service runs. */
export interface GraphPackage {
  nodes: Record<string, GraphNode>;
  edges: GraphEdge[];
  graphParameters?: Record<string, GraphParameter>;
}

/** A column of an input/output table. */
export interface ColumnSpecification {
  type: "Boolean" | "Integer" | "Number" | "String";
  format?: string;
  enum?: unknown[];
  "x-ms-isnullable"?: boolean;
  "x-ms-isordered"?: boolean;
}

/** A table of the service's input or output. */
export interface TableSpecification {
  title?: string;
  description?: string;
  type: string;
  format?: string;
  properties: Record<string, ColumnSpecification>;
}

/** The service's inputs or outputs, by port name. */
export interface ServiceInputOutputSpecification {
  title?: string;
  description?: string;
  type: "object";
  properties: Record<string, TableSpecification>;
}

/** `properties` of an ARM web service. */
export interface WebServiceProperties {
  title?: string;
  description?: string;
  createdOn?: string;
  modifiedOn?: string;
  provisioningState?: ProvisioningState;
  keys?: { primary?: string; secondary?: string };
  readOnly?: boolean;
  swaggerLocation?: string;
  exposeSampleData?: boolean;
  realtimeConfiguration?: { maxConcurrentCalls?: number };
  diagnostics?: { level: "None" | "Error" | "All"; expiry?: string | null };
  storageAccount?: { name?: string; key?: string };
  machineLearningWorkspace?: { id: string };
  commitmentPlan?: { id: string };
  input?: ServiceInputOutputSpecification;
  output?: ServiceInputOutputSpecification;
  exampleRequest?: {
    inputs?: Record<string, unknown[][]>;
    globalParameters?: Record<string, unknown>;
  };
  assets?: Record<string, AssetItem>;
  parameters?: Record<string, WebServiceParameter>;
  packageType: "Graph";
  package?: GraphPackage;
  payloadsInBlobStorage?: boolean;
  payloadsLocation?: BlobLocation | null;
}

/** An ARM `Microsoft.MachineLearning/webServices` resource. */
export interface ArmWebService {
  id?: string;
  name?: string;
  type?: string;
  location: string;
  tags?: Record<string, string>;
  properties: WebServiceProperties;
}

/** Partial body of an ARM PATCH. */
export interface ArmWebServicePatch {
  location?: string;
  tags?: Record<string, string>;
  properties?: Partial<WebServiceProperties> & { packageType?: "Graph" };
}

/** Body of the async-operation status resource. */
export interface AsyncOperationStatus {
  id: string;
  name: string;
  provisioningState: ProvisioningState;
  startTime: string;
  endTime?: string | null;
  percentComplete: number;
  errorInfo?: { code: string; target?: string; message: string; details?: unknown[] } | null;
}

/** Body of `GET .../listKeys`. */
export interface WebServiceKeys {
  primary: string;
  secondary: string;
}

/** A page of a list operation. */
export interface ArmListPage<T> {
  value: T[];
  nextLink?: string;
}
