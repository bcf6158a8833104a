/**
 * @module
 * How the chart delivery fails on a chart it cannot render (not a chart
 * archive, too large, a values.yaml that does not parse): the vendor's
 * artifact is at fault, so the message says what is wrong with it.
 */

/** A chart that cannot be rendered for a license. */
export class ChartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ChartError";
  }
}
