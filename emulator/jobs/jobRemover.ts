/**
 * What the management handlers need of the job runner: deleting a web service or an endpoint
 * cancels and forgets its BES jobs. `JobRunner` implements it; the handlers see only this.
 */

/** Cancels and forgets the jobs of a service being deleted. */
export interface JobRemover {
  /** @param targetId - execution id of the service or endpoint */
  removeAllFor(targetId: string): void;
}
