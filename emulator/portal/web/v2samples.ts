/**
 * The Consume page of a v2 online endpoint: a curl command, a Python sample (standard library
 * `urllib`) and an `az ml online-endpoint invoke` line, each sending a request body to the
 * endpoint's scoring URI with its credential (or a placeholder unless the reader asks the page to
 * fill it in), optionally to one deployment (`azureml-model-deployment`).
 */
import type { V2EndpointDetailView } from "../api";

/** The placeholder where the key or token goes. */
export const V2_KEY_PLACEHOLDER = "<endpoint key>";

/** The header that sends a call to one deployment, whatever the traffic. */
export const DEPLOYMENT_HEADER = "azureml-model-deployment";

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The samples, by name.
 * @param detail - the endpoint
 * @param body - the request body (JSON text)
 * @param key - the key or token, or {@link V2_KEY_PLACEHOLDER}
 * @param deployment - a deployment to call, or undefined for the traffic to pick one
 */
export function v2Samples(
  detail: V2EndpointDetailView,
  body: string,
  key: string,
  deployment: string | undefined,
): Record<"curl" | "Python" | "Azure CLI", string> {
  const uri = detail.endpoint.scoringUri;
  const compact = (() => {
    try {
      return JSON.stringify(JSON.parse(body));
    } catch {
      return body;
    }
  })();
  // A raw triple-quoted string keeps the JSON as it is, unless the JSON could end it early.
  const pythonBody =
    compact.includes('"""') || /["\\]$/.test(compact)
      ? JSON.stringify(compact)
      : `r"""${compact}"""`;
  return {
    curl: [
      `curl -s -X POST ${shellQuote(uri)} \\`,
      `  -H ${shellQuote(`Authorization: Bearer ${key}`)} \\`,
      `  -H 'Content-Type: application/json' \\`,
      ...(deployment ? [`  -H ${shellQuote(`${DEPLOYMENT_HEADER}: ${deployment}`)} \\`] : []),
      `  -d ${shellQuote(compact)}`,
    ].join("\n"),
    Python: [
      "import json",
      "import urllib.request",
      "",
      `url = ${JSON.stringify(uri)}`,
      `api_key = ${JSON.stringify(key)}`,
      `body = json.loads(${pythonBody})`,
      "",
      'headers = {"Content-Type": "application/json", "Authorization": "Bearer " + api_key}',
      ...(deployment
        ? [`headers[${JSON.stringify(DEPLOYMENT_HEADER)}] = ${JSON.stringify(deployment)}`]
        : [`# headers[${JSON.stringify(DEPLOYMENT_HEADER)}] = "<deployment>"  # to call one`]),
      'request = urllib.request.Request(url, data=json.dumps(body).encode("utf-8"), headers=headers)',
      "with urllib.request.urlopen(request) as response:",
      '    print(response.read().decode("utf-8"))',
    ].join("\n"),
    "Azure CLI": [
      `# request.json holds the body; on Azure (the CLI reads the scoring URI from the endpoint)`,
      [
        "az ml online-endpoint invoke",
        `--name ${detail.endpoint.name}`,
        "--request-file request.json",
        ...(deployment ? [`--deployment-name ${deployment}`] : []),
        `--resource-group ${detail.resourceGroup}`,
        `--workspace-name ${detail.workspace}`,
      ].join(" "),
    ].join("\n"),
  };
}
