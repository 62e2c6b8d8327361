import { DefinitionError, showValue } from '../errors.js';
import { assertNoPii } from '../guard/policy.js';
import { escapeLabelValue } from './format.js';
import { braces, type Lines, renderHeaders } from './header.js';
import { Metric } from './metric.js';
import type { MetricContext, SeriesValues } from './metric-options.js';
import { assertLabelNames } from './names.js';
import { Series } from './series.js';
import type { FamilySnapshot } from './snapshot.js';

export interface InfoOptions {
  /** Family name; samples are `<name>_info` (a trailing `_info` is accepted and stripped). */
  name: string;
  help: string;
  /** Static label values, e.g. `{ version: '1.2.0', node: process.version }`. */
  values: Readonly<Record<string, string>>;
}

class InfoSeries extends Series {}

/**
 * Static facts as labels on a sample of value 1 (OpenMetrics `info`; a gauge in text 0.0.4).
 * @example
 * registry.info({ name: 'sidetone_build', help: 'Build information', values: { version: '0.1.0' } });
 */
export class Info extends Metric<never, InfoSeries> {
  readonly type = 'info';
  readonly headers: readonly [string, string];
  readonly values: Readonly<Record<string, string>>;
  private readonly line: string;

  constructor(options: InfoOptions, ctx: MetricContext) {
    const name = options.name.replace(/_info$/, '');
    super('info', { name, help: options.help }, ctx);
    let text = '';
    for (const [k, v] of Object.entries(options.values)) {
      if (typeof v !== 'string') {
        throw new DefinitionError(
          'ST_INVALID_INFO',
          `info "${name}" value of "${k}" is ${showValue(v)}: use a string`,
        );
      }
      assertNoPii(`info label "${k}"`, name, v);
      text += `${text === '' ? '' : ','}${k}="${escapeLabelValue(v)}"`;
    }
    assertLabelNames(name, 'info', Object.keys(options.values));
    this.values = options.values;
    this.headers = renderHeaders(`${this.name}_info`, 'gauge', this.name, 'info', this.help, undefined);
    this.line = `${this.name}_info${braces(text)} 1\n`;
    this.init();
  }

  /** An info series holds no value: nothing to reset. */
  protected reset(_s: InfoSeries): void {}

  protected sample(): SeriesValues {
    return { value: 1 };
  }

  /** The values are the labels: an info family has no declared label names to walk. */
  override snapshot(): FamilySnapshot {
    return {
      name: this.name,
      type: 'info',
      help: this.help,
      series: [{ labels: Object.entries(this.values), value: 1 }],
    };
  }

  protected newSeries(now: number): InfoSeries {
    return new InfoSeries(now);
  }

  renderInto(out: Lines, om: boolean): void {
    out.add(this.headers[om ? 1 : 0] + this.line);
  }
}
