import { hourlyAnswer } from '../../analytics/voice-skill.js';
import { defineCommand } from '../args.js';
import { READ_FLAGS } from '../flags.js';
import { renderSeries } from './series.js';
import { print, printJson, stdoutStyle, withSource } from './shared.js';

export default defineCommand({
  description: 'Calls per UTC hour over the last N hours (empty hours included), current hour last.',
  usage: 'sidetone hourly [--hours N] [--json] [--db FILE | --url URL [--token T]]',
  flags: {
    hours: { type: 'int', arg: 'N', min: 1, max: 24 * 366, default: 24, help: 'how many hours' },
    ...READ_FLAGS,
  },
  examples: ['sidetone hourly --hours 48 --db data/calls.db'],
  async run({ flags }) {
    const series = await withSource(flags, (s) => s.hourly(flags.hours));
    if (flags.json) printJson(hourlyAnswer(series, flags.hours));
    else print(renderSeries(series, 'hour', stdoutStyle()));
    return 0;
  },
});
