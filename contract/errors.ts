/**
 * The error envelopes of the classic surfaces: the execution and management APIs answer
 * `{ error: { code, message, details } }` in PascalCase members; ARM in camelCase.
 */

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
