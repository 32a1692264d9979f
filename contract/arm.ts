/**
 * Wire types of the ARM resource provider `Microsoft.MachineLearning/webServices`, api-version
 * 2017-01-01 (camelCase): the web service, its graph package, keys and long-running operations.
 */

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

/**
 * A module, resource (a trained model, a saved transformation) or dataset (a table or a Script
 * Bundle zip in blob storage) used by the graph.
 */
export interface AssetItem {
  name: string;
  id?: string;
  type: "Module" | "Resource" | "Dataset";
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
  /**
   * ARM's generic long-running-operation status (`InProgress`, `Succeeded`, `Failed`), which
   * ARM clients poll for (Microsoft's `ms-rest-azure` reads only this member).
   */
  status?: "InProgress" | "Succeeded" | "Failed";
  /** ARM's generic error member of a failed operation (the same as `errorInfo`). */
  error?: { code: string; message: string } | null;
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
