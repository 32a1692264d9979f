/**
 * Wire types of the classic management API (`/workspaces/{id}/webservices/...`): web services,
 * their endpoints and the trained-model Resources an endpoint PATCH replaces.
 */

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
