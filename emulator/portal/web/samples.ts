/**
 * The Consume page's request and response shapes and its code samples (curl, C#, Python, R),
 * built from a service's schema: what a client sends to `…/execute` and what it gets back. The
 * key is a placeholder unless the reader asks the page to fill it in.
 */
import type { ColumnView, TargetDetailView } from "../api";

/** The placeholder where the API key goes. */
export const KEY_PLACEHOLDER = "<API key>";

/** A value of a column's type for an example row. */
export function exampleValue(column: ColumnView): string {
  if (column.values && column.values.length > 0) return column.values[0];
  switch (column.type) {
    case "Integer":
    case "Number":
      return "0";
    case "Boolean":
      return "false";
    default:
      return "value";
  }
}

/** The .NET type name RRS reports for a column (`details=true`). */
export function dotnetType(column: ColumnView): string {
  switch (column.type) {
    case "Integer":
      return column.format === "Int64" ? "Int64" : "Int32";
    case "Number":
      return "Double";
    case "Boolean":
      return "Boolean";
    default:
      return "String";
  }
}

/** The scoring URL (table format, with column types in the answer). */
export function executeUrl(detail: TargetDetailView): string {
  return `${detail.target.apiLocation}/execute?api-version=2.0&details=true`;
}

/** A request body in the table format with one example row per input. */
export function exampleRequest(detail: TargetDetailView): unknown {
  const inputs: Record<string, unknown> = {};
  for (const { port, columns } of detail.input) {
    const example = detail.example[port]?.[0];
    inputs[port] = {
      ColumnNames: columns.map((c) => c.name),
      Values: [columns.map((c, i) => example?.[i] ?? exampleValue(c))],
    };
  }
  const parameters: Record<string, string> = {};
  for (const p of detail.parameters) if (p.required) parameters[p.name] = "";
  return { Inputs: inputs, GlobalParameters: parameters };
}

/** The shape of the answer: the output columns with their types and one row of values. */
export function exampleResponse(detail: TargetDetailView): unknown {
  const results: Record<string, unknown> = {};
  for (const { port, columns } of detail.output) {
    results[port] = {
      type: "table",
      value: {
        ColumnNames: columns.map((c) => c.name),
        ColumnTypes: columns.map(dotnetType),
        Values: [columns.map(exampleValue)],
      },
    };
  }
  return { Results: results };
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The code samples, by language, with the key (or its placeholder). */
export function codeSamples(detail: TargetDetailView, key: string): Record<string, string> {
  const url = executeUrl(detail);
  const json = JSON.stringify(exampleRequest(detail));
  const pretty = JSON.stringify(exampleRequest(detail), null, 2);
  return {
    curl: [
      `curl -s -X POST ${shellQuote(url)} \\`,
      `  -H ${shellQuote(`Authorization: Bearer ${key}`)} \\`,
      `  -H 'Content-Type: application/json' \\`,
      `  -d ${shellQuote(json)}`,
    ].join("\n"),
    "C#": [
      "using System;",
      "using System.Net.Http;",
      "using System.Net.Http.Headers;",
      "using System.Text;",
      "using System.Threading.Tasks;",
      "",
      // C# 5, as the classic portal's own sample was: it builds with any C# compiler, from
      // .NET Framework's and Mono's to today's .NET SDK (no `using var`, no async Main).
      "class Program",
      "{",
      "    static void Main()",
      "    {",
      "        InvokeRequestResponseService().Wait();",
      "    }",
      "",
      "    static async Task InvokeRequestResponseService()",
      "    {",
      `        const string url = ${JSON.stringify(url)};`,
      `        const string apiKey = ${JSON.stringify(key)};`,
      `        const string body = @"${pretty.replace(/"/g, '""')}";`,
      "        using (var client = new HttpClient())",
      "        {",
      '            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);',
      '            var content = new StringContent(body, Encoding.UTF8, "application/json");',
      "            var response = await client.PostAsync(url, content);",
      "            Console.WriteLine(await response.Content.ReadAsStringAsync());",
      "        }",
      "    }",
      "}",
    ].join("\n"),
    Python: [
      "import json",
      "import urllib.request",
      "",
      `url = ${JSON.stringify(url)}`,
      `api_key = ${JSON.stringify(key)}`,
      `body = json.loads(r"""${pretty}""")`,
      "",
      "request = urllib.request.Request(",
      "    url,",
      '    data=json.dumps(body).encode("utf-8"),',
      '    headers={"Content-Type": "application/json", "Authorization": "Bearer " + api_key},',
      ")",
      "with urllib.request.urlopen(request) as response:",
      "    print(json.dumps(json.loads(response.read()), indent=2))",
    ].join("\n"),
    R: [
      "library(httr)",
      "",
      `url <- ${JSON.stringify(url)}`,
      `api_key <- ${JSON.stringify(key)}`,
      `body <- '${json.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`,
      "",
      "response <- POST(url, body = body, content_type_json(),",
      '                 add_headers(Authorization = paste("Bearer", api_key)))',
      'cat(content(response, as = "text", encoding = "UTF-8"), "\\n")',
    ].join("\n"),
  };
}
