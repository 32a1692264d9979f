/**
 * Trained models sent on the classic surfaces (the admin publish route and the endpoint PATCH):
 * one `Resources[i]` item (`{Name, Location: {BaseLocation, RelativeLocation, SasBlobToken}}`)
 * and the download of the model it names, with the classic errors.
 */
import type { AzureBlobDetails } from "../../contract";
import type { ResolvedBlob } from "../blob/blobIo";
import { ErrorFactory } from "../errors";
import { locationBlobRef, type ModelFetcher } from "../services/modelFetcher";
import { isObject, optionalString, pickMembers } from "./util";

/**
 * Reads `Resources[i]`: its `Name` (as sent, checked by the caller first), then its `Location`
 * (missing members become empty strings). Errors name the member, e.g.
 * `Resources[0].Location.BaseLocation`.
 * @param item - the array item
 * @param i - its index
 * @param checkName - the caller's check of the name (throws, or returns what it resolved to)
 */
export function readResourceLocation<T>(
  item: unknown,
  i: number,
  checkName: (name: string | undefined) => T,
): { resource: T; location: AzureBlobDetails } {
  if (!isObject(item)) throw ErrorFactory.requestBodyInvalid(`'Resources[${i}]' must be an object`);
  const { values } = pickMembers(item, ["Name", "Location"]);
  const resource = checkName(optionalString(values.Name, `Resources[${i}].Name`));
  if (!isObject(values.Location))
    throw ErrorFactory.requestBodyInvalid(`'Resources[${i}].Location' is required`);
  const { values: loc } = pickMembers(values.Location, [
    "BaseLocation",
    "RelativeLocation",
    "SasBlobToken",
  ]);
  const member = (name: keyof AzureBlobDetails): string =>
    optionalString(loc[name], `Resources[${i}].Location.${name}`) ?? "";
  return {
    resource,
    location: {
      BaseLocation: member("BaseLocation"),
      RelativeLocation: member("RelativeLocation"),
      SasBlobToken: member("SasBlobToken"),
    },
  };
}

/**
 * The blob a `Location` names (400 `InvalidBlob` when it cannot name one).
 * @param location - the location sent
 * @param name - the trained-model resource, for the error
 */
export function locationRef(location: AzureBlobDetails, name: string): ResolvedBlob {
  const ref = locationBlobRef(location);
  if (typeof ref === "string") throw ErrorFactory.trainedModelNotReadable(name, ref);
  return ref;
}

/**
 * Downloads, checks and stores a trained model; returns its sha-256. Throws 400 `InvalidBlob`
 * when it cannot be read, 400 `IncompatibleModel` when it is not a usable `.ilearner`.
 * @param fetcher - the model fetcher
 * @param ref - where the model is
 * @param name - the trained-model resource, for the errors
 */
export async function fetchTrainedModel(
  fetcher: ModelFetcher,
  ref: ResolvedBlob,
  name: string,
): Promise<string> {
  const result = await fetcher.fetch(ref, name);
  if (result.ok) return result.sha;
  throw result.problem === "unreadable"
    ? ErrorFactory.trainedModelNotReadable(name, result.reason)
    : ErrorFactory.incompatibleModel(name, result.reason);
}
